import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWithLibrary } from '../../../src/yaml/located-yaml.js';
import { parseSimpleYaml } from '../../../src/yaml/simple-yaml.js';
import { ROSTER_FIXTURES } from '../support/roster-fixture.js';

const OPTIONS = { describes: 'one user', fieldsHint: 'name, ...', oneDocumentHint: 'one file per user' };
const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..', '..');

/** Every YAML file under `dir`, recursively. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The fast reader's answer beside the library's: where the fast reader answers, the library must
 * read the text without an issue, to the same data and the same positions in the same order.
 */
function disagreement(text: string): string | undefined {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return undefined;
  const library = readWithLibrary('f.yaml', text, OPTIONS);
  const same =
    library.issues.length === 0 &&
    JSON.stringify(fast.data) === JSON.stringify(library.data) &&
    JSON.stringify([...fast.positions]) === JSON.stringify([...library.positions]);
  if (same) return undefined;
  return JSON.stringify({
    text,
    fast: { data: fast.data, positions: [...fast.positions] },
    library: { data: library.data, positions: [...library.positions], issues: library.issues },
  });
}

/** A small seeded generator (mulberry32), so a failure names a case that can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys and scalars the fast reader takes, tricky ones included. */
const PLAIN_KEYS = [
  'name',
  'email',
  'groups',
  'tags',
  'team',
  'cost-center',
  'aws:cloudformation:stack-name',
  'a.b',
  '_x',
  'k/v',
  'a@b',
  'a=b',
  'a+b',
];
const PLAIN_SCALARS = [
  'alice@example.com',
  'arn:aws:iam::aws:policy/ReadOnlyAccess',
  'a b',
  'a  b',
  'a#b',
  'a #b',
  'a:b',
  'a::b',
  "it's",
  'say "hi"',
  'x,y',
  'true',
  'True',
  'FALSE',
  'yes',
  'on',
  '~x',
  '12:30',
  '2001-01-01',
  '1@example.com',
  '$x',
  '/p',
  '=x',
  '+x',
  '.x',
  "'single'",
  "'it''s'",
  "''",
  "'a' #b",
  '"double"',
  '""',
  '"a # b"',
  "'a # b'",
  "'a: b'",
  '"a, b"',
  '"a\'b"',
  'x ',
];
/** Keys and scalars it must leave to the library, or that change the structure around them. */
const HOSTILE_KEYS = [
  'true',
  'Null',
  '__proto__',
  'k'.repeat(300),
  'a b',
  'a::b',
  '-x',
  '1a',
  'é',
  '"q"',
  "'q'",
  '?k',
  '&a',
  '*a',
  '!t',
  'a:',
  'x\t',
];
const HOSTILE_SCALARS = [
  'a: b',
  'a:',
  'a[b]',
  'a{b}',
  'null',
  '~',
  '1234',
  '0x1F',
  '0o17',
  '1e3',
  '.5',
  '.inf',
  '-.inf',
  '+1',
  '1_000',
  '-x',
  '- x',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  '!x',
  '!!str x',
  '&a x',
  '*a',
  '?x',
  'a\tb',
  'é',
  "'unterminated",
  "'a' b",
  "'a'#b",
  '"esc\\n"',
  '',
];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

/** The lines of a block map at `indent`, its values scalars, flow lists, block lists or (while `depth` lasts) maps. */
function nestedMap(
  lines: string[],
  next: () => number,
  rough: () => boolean,
  key: () => string,
  scalar: () => string,
  maybeNoise: () => void,
  indent: string,
  depth: number,
): void {
  const count = (rough() ? 0 : 1) + Math.floor(next() * 3);
  for (let i = 0; i < count; i++) {
    maybeNoise();
    const jitter = rough() ? pick(next, [' ', '']) : '';
    const at = `${indent}${jitter}`;
    const shape = next();
    if (shape < 0.3) {
      lines.push(`${at}${key()}: ${scalar()}`);
    } else if (shape < 0.5) {
      const items = Array.from({ length: Math.floor(next() * 3) }, scalar);
      lines.push(`${at}${key()}: [${items.join(', ')}]`);
    } else if (shape < 0.8 || depth <= 1) {
      lines.push(`${at}${key()}:`);
      // Items deeper than the key, or at the key's own indentation (YAML allows both).
      const itemIndent = rough() ? pick(next, ['', ' ']) : pick(next, [`${at}  `, at]);
      const items = (rough() ? 0 : 1) + Math.floor(next() * 3);
      for (let item = 0; item < items; item++) lines.push(`${itemIndent}- ${scalar()}`);
    } else {
      lines.push(`${at}${key()}:`);
      nestedMap(lines, next, rough, key, scalar, maybeNoise, `${at}${pick(next, ['  ', '    '])}`, depth - 1);
    }
  }
}

/** A roster-like file; `hostility` is the share of keys, scalars and layouts taken from the hostile pools. */
function generatedFile(next: () => number, hostility: number): string {
  const rough = () => next() < hostility;
  const key = () => (rough() ? pick(next, HOSTILE_KEYS) : pick(next, PLAIN_KEYS));
  const scalar = () => (rough() ? pick(next, HOSTILE_SCALARS) : pick(next, PLAIN_SCALARS));
  const lines: string[] = [];
  const maybeNoise = () => {
    const roll = next();
    if (roll < 0.08) lines.push(`${' '.repeat(Math.floor(next() * 5))}# note`);
    else if (roll < 0.14) lines.push(pick(next, ['', '  ', ' ']));
  };
  lines.push(
    rough()
      ? pick(next, ['--- # c', '%YAML 1.2\n---', 'name: x\n---', '...'])
      : pick(next, ['', '---', '# yaml-language-server: $schema=x']),
  );
  const entries = 1 + Math.floor(next() * 5);
  for (let e = 0; e < entries; e++) {
    maybeNoise();
    const indent = rough() ? pick(next, [' ', '  ']) : '';
    const shape = next();
    const comment = next() < 0.15 ? pick(next, [' # c', '  #  c c', ...(rough() ? ['#c'] : [])]) : '';
    const space = () => (rough() ? pick(next, ['', '  ', '\t']) : ' ');
    if (shape < 0.4) {
      lines.push(`${indent}${key()}:${space()}${scalar()}${comment}`);
    } else if (shape < 0.6) {
      const items = Array.from({ length: Math.floor(next() * 4) }, scalar);
      const separator = rough() ? pick(next, [',', ' ,', ',,']) : pick(next, [', ', ' , ', ',  ']);
      const tail = rough() ? ',' : '';
      lines.push(`${indent}${key()}: ${pick(next, ['[', '[ '])}${items.join(separator)}${tail}]${comment}`);
    } else if (shape < 0.7) {
      const pairs = Array.from({ length: Math.floor(next() * 3) }, () => `${key()}:${space()}${scalar()}`);
      lines.push(
        `${indent}${key()}: {${pick(next, [' ', ''])}${pairs.join(', ')}${pick(next, [' ', ''])}}${comment}`,
      );
    } else if (shape < 0.88) {
      lines.push(`${indent}${key()}:${comment}`);
      const itemIndent = rough() ? pick(next, [' ', '    ', '\t']) : pick(next, ['  ', '', '    ']);
      const count = (rough() ? 0 : 1) + Math.floor(next() * 4);
      for (let i = 0; i < count; i++) {
        maybeNoise();
        const jitter = rough() ? ' ' : '';
        lines.push(`${itemIndent}${jitter}${rough() ? pick(next, ['-', '-  ', '- - ']) : '- '}${scalar()}`);
      }
    } else if (shape < 0.94) {
      lines.push(`${indent}${key()}:${comment}`);
      const nested = rough() ? pick(next, ['', ' ', '\t']) : pick(next, ['  ', '    ']);
      const count = (rough() ? 0 : 1) + Math.floor(next() * 4);
      for (let i = 0; i < count; i++) {
        maybeNoise();
        const jitter = rough() ? ' ' : '';
        lines.push(`${nested}${jitter}${key()}: ${scalar()}`);
      }
    } else {
      // A map of maps and lists, as iam-gitops.yaml has (`guardrails:` holding lists), two levels deep.
      lines.push(`${indent}${key()}:${comment}`);
      const step = rough() ? pick(next, [' ', '\t', '   ']) : pick(next, ['  ', '    ']);
      nestedMap(lines, next, rough, key, scalar, maybeNoise, step, 2);
    }
  }
  maybeNoise();
  const ending = rough() ? '\r\n' : '\n';
  return lines.join(ending) + (next() < 0.8 ? ending : '');
}

describe('parseSimpleYaml', () => {
  it('reads a roster file exactly as the yaml library does: values, keys, items and their positions', () => {
    const text = [
      '# yaml-language-server: $schema=../schema/user.schema.json',
      'name: alice@example.com',
      'groups: [developers, "on call"]',
      'policies:',
      '  - arn:aws:iam::aws:policy/ReadOnlyAccess   # read',
      '',
      'tags:',
      '  team: platform',
      "  cost-center: '4711'",
      'console: false',
      '',
    ].join('\n');

    const fast = parseSimpleYaml(text);

    expect(fast?.data).toStrictEqual({
      name: 'alice@example.com',
      groups: ['developers', 'on call'],
      policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      tags: { team: 'platform', 'cost-center': '4711' },
      console: false,
    });
    expect(fast?.positions.get('')).toEqual({ line: 2, column: 1 });
    expect(fast?.positions.get('groups.1')).toEqual({ line: 3, column: 22 });
    expect(fast?.positions.get('policies')).toEqual({ line: 5, column: 3 });
    expect(fast?.positions.get('policies.0')).toEqual({ line: 5, column: 5 });
    expect(fast?.positions.get('tags.cost-center#key')).toEqual({ line: 9, column: 3 });
    expect(fast?.positions.get('tags.cost-center')).toEqual({ line: 9, column: 16 });
    expect(disagreement(text)).toBeUndefined();
  });

  it.each([
    ['null', 'name: x\nemail:\n'],
    ['a number', 'name: x\nadopt: 1\n'],
    ['a tilde', 'name: ~\n'],
    ['an anchor and an alias', 'name: &n x\nemail: *n\n'],
    ['a tag', 'name: !!str x\n'],
    ['a block scalar', 'name: |\n  x\n'],
    ['a value continued on the next line', 'name: x\n  y\n'],
    ['a tab', 'name:\tx\n'],
    ['CRLF line ends', 'name: x\r\n'],
    ['non-ASCII text', 'name: zoë\n'],
    ['a second document', 'name: x\n---\nname: y\n'],
    ['a duplicate key', 'name: x\nname: y\n'],
    ['a duplicate nested key', 'tags:\n  a: x\n  a: y\n'],
    ['an indented document', '  name: x\n'],
    ['an empty document', '# only a comment\n'],
    ['a list', '- x\n'],
    ['a key that is not a string', 'true: x\n'],
    ['a __proto__ key', '__proto__: x\n'],
    ['an escape in double quotes', 'name: "a\\tb"\n'],
    ['a trailing comma', 'groups: [a, b,]\n'],
    ['a nested list', 'groups:\n  - [a]\n'],
    ['a map in a list', 'groups:\n  - a: b\n'],
    ['a mapping inside a value', 'name: a: b\n'],
    ['uneven indentation', 'tags:\n  a: x\n   b: y\n'],
    ['a nested null', 'guardrails:\n  groups:\n  policies: [a]\n'],
    ['a nested key indented between two levels', 'a:\n    b:\n      c: x\n  d: y\n'],
    ['a nested list item deeper than the others', 'a:\n  b:\n    - x\n      - y\n'],
    ['a list item less indented than its list', 'a:\n  b:\n      - x\n    - y\n'],
  ])('leaves %s to the library', (_what, text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });

  it('agrees with the library on every roster, configuration and example file in the repository', () => {
    const files = [
      ...yamlFiles(ROSTER_FIXTURES),
      ...yamlFiles(join(REPOSITORY_ROOT, 'users')),
      join(REPOSITORY_ROOT, 'iam-gitops.yaml'),
    ];
    const read = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));

    const disagreements = read.flatMap(({ text }) => disagreement(text) ?? []);
    const accepted = read.filter(({ text }) => parseSimpleYaml(text) !== undefined).map(({ file }) => file);

    expect(disagreements).toEqual([]);
    // The fast path must be the common one: the valid rosters, the configurations and the examples go through it.
    expect(accepted).toEqual(
      expect.arrayContaining([
        join(ROSTER_FIXTURES, 'files', 'full.yaml'),
        join(ROSTER_FIXTURES, 'valid', 'alice@example.com.yaml'),
        join(REPOSITORY_ROOT, 'users', 'alice@example.com.yaml'),
        join(REPOSITORY_ROOT, 'iam-gitops.yaml'),
        join(ROSTER_FIXTURES, 'guardrails', 'iam-gitops.yaml'),
        join(ROSTER_FIXTURES, 'accounts', 'iam-gitops.yaml'),
      ]),
    );
  });

  it('agrees with the library on 20,000 generated files, and reads most plain ones itself', () => {
    const next = random(20261130);
    let accepted = 0;
    let acceptedNested = 0;
    const disagreements: string[] = [];

    for (let i = 0; i < 20_000; i++) {
      const text = generatedFile(next, pick(next, [0, 0, 0.01, 0.03, 0.1, 0.5]));
      if (parseSimpleYaml(text) !== undefined) {
        accepted++;
        // An indented key whose value is on the lines after it: a map or list inside a map.
        if (/^ +[A-Za-z_][^:#]*:$/m.test(text)) acceptedNested++;
      }
      const problem = disagreement(text);
      if (problem !== undefined) disagreements.push(problem);
    }

    expect(disagreements.slice(0, 5)).toEqual([]);
    // Both paths are exercised: the generator makes plain files and hostile ones.
    expect(accepted).toBeGreaterThan(6_000);
    expect(accepted).toBeLessThan(16_000);
    expect(acceptedNested).toBeGreaterThan(300);
  });
});
