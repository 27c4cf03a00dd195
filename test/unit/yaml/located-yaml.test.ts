import { describe, expect, it } from 'vitest';
import * as z from '../../../src/util/zod.js';
import { LazyFieldPositions } from '../../../src/yaml/lazy-field-positions.js';
import { parseLocatedYaml, readWithLibrary } from '../../../src/yaml/located-yaml.js';

const FILE = 'users/alice.yaml';
const OPTIONS = {
  describes: 'one user',
  fieldsHint: 'name, groups',
  oneDocumentHint: 'use one file per user',
};
const schema = z.strictObject({
  name: z.string(),
  groups: z.optional(z.array(z.string().check(z.maxLength(12)))),
});

/** The same user, once in the plain shape the fast reader takes, once in CRLF lines it leaves to the library. */
const PLAIN = 'name: alice\ngroups:\n  - developers\n  - platform-engineers\n';
const CRLF = PLAIN.replace(/\n/g, '\r\n');

describe('parseLocatedYaml', () => {
  it('reads a plain file without working out positions until a finding needs one', () => {
    const valid = parseLocatedYaml(FILE, 'name: alice\ngroups: [developers]\n', schema, OPTIONS);

    expect(valid.value).toEqual({ name: 'alice', groups: ['developers'] });
    expect(valid.issues).toEqual([]);
    expect(valid.positions).toBeInstanceOf(LazyFieldPositions);
    expect(valid.positions.get('groups.0')).toEqual({ line: 2, column: 10 });
  });

  it('reports the same issues at the same places whichever reader read the file', () => {
    const fast = parseLocatedYaml(FILE, PLAIN, schema, OPTIONS);
    const library = parseLocatedYaml(FILE, CRLF, schema, OPTIONS);

    expect(fast.positions).toBeInstanceOf(LazyFieldPositions);
    expect(library.positions).toBeInstanceOf(Map);
    expect(fast.issues).toEqual([
      {
        file: FILE,
        field: 'groups.1',
        line: 4,
        column: 5,
        message: 'Too big: expected string to have <=12 characters',
      },
    ]);
    expect(library.issues).toEqual(fast.issues);
    expect(library.data).toEqual(fast.data);
  });

  it('leaves YAML errors to the library, with its message and place', () => {
    const parsed = parseLocatedYaml(FILE, 'name: alice\ngroups: [a\n', schema, OPTIONS);

    expect(parsed.value).toBeUndefined();
    expect(parsed.issues).toEqual([
      {
        file: FILE,
        field: '',
        line: 3,
        column: 1,
        message:
          'YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });
});

describe('readWithLibrary', () => {
  it('gives the data and every position of a file in any YAML', () => {
    const read = readWithLibrary(FILE, 'name: &n alice\ngroups: [*n]\n', OPTIONS);

    expect(read.issues).toEqual([]);
    expect(read.data).toEqual({ name: 'alice', groups: ['alice'] });
    expect(read.positions.get('groups.0')).toEqual({ line: 2, column: 10 });
  });
});
