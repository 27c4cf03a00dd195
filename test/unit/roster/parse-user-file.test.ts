import { describe, expect, it } from 'vitest';
import { parseUserFile, positionFor } from '../../../src/roster/parse-user-file.js';
import { readRosterFixture } from '../support/roster-fixture.js';

const FILE = 'users/x.yaml';

/** Parses `test/fixtures/rosters/files/<fixture>` as if it were users/x.yaml. */
async function parseFixture(fixture: string) {
  return parseUserFile(FILE, await readRosterFixture(`files/${fixture}`));
}

const issue = (line: number, column: number, field: string, message: string) => ({
  file: FILE,
  line,
  column,
  field,
  message,
});

const ARN_MESSAGE = 'must be a managed policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)';

describe('parseUserFile', () => {
  it('returns the typed user and where each field, key and list item starts', async () => {
    const parsed = await parseFixture('full.yaml');

    expect(parsed.issues).toEqual([]);
    expect(parsed.name).toBe('alice@example.com');
    expect(parsed.user).toEqual({
      name: 'alice@example.com',
      email: 'alice.smith@example.com',
      groups: ['developers', 'oncall'],
      policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/team/deploy'],
      tags: { team: 'platform', 'cost-center': '1234' },
      console: true,
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
      adopt: false,
    });
    const at = (path: string) => parsed.positions.get(path);
    expect(at('name#key')).toEqual({ line: 2, column: 1 });
    expect(at('name')).toEqual({ line: 2, column: 7 });
    expect(at('email')).toEqual({ line: 3, column: 8 });
    expect(at('groups')).toEqual({ line: 4, column: 9 });
    expect(at('groups.0')).toEqual({ line: 4, column: 10 });
    expect(at('groups.1')).toEqual({ line: 4, column: 22 });
    expect(at('policies.0')).toEqual({ line: 6, column: 5 });
    expect(at('policies.1')).toEqual({ line: 7, column: 5 });
    expect(at('tags.team#key')).toEqual({ line: 9, column: 3 });
    expect(at('tags.team')).toEqual({ line: 9, column: 9 });
    expect(at('tags.cost-center')).toEqual({ line: 10, column: 16 });
    expect(at('permissionsBoundary')).toEqual({ line: 12, column: 22 });
  });

  it.each([
    ['name-64-chars.yaml'],
    ['groups-10.yaml'],
    ['policies-10.yaml'],
    ['tags-44.yaml'],
    ['minimal.yaml'],
  ])('accepts %s, which is at the limits', async (fixture) => {
    const parsed = await parseFixture(fixture);

    expect(parsed.issues).toEqual([]);
    expect(parsed.user).toBeDefined();
  });

  it.each([
    ['name-65-chars.yaml', [issue(1, 7, 'name', 'must be at most 64 characters')]],
    ['name-bad-characters.yaml', [issue(1, 7, 'name', 'may contain only letters, digits and + = , . @ _ -')]],
    ['name-missing.yaml', [issue(1, 1, 'name', 'is required (a string)')]],
    ['groups-11.yaml', [issue(2, 9, 'groups', 'at most 10 groups (an IAM limit)')]],
    ['groups-repeated.yaml', [issue(3, 3, 'groups', 'must not repeat (IAM group names ignore case)')]],
    ['group-name-invalid.yaml', [issue(4, 5, 'groups.1', 'must be an IAM group name')]],
    ['policies-11.yaml', [issue(4, 3, 'policies', 'at most 10 managed policies (an IAM limit)')]],
    [
      'policies-invalid.yaml',
      [
        issue(4, 5, 'policies.1', ARN_MESSAGE),
        issue(5, 5, 'policies.2', ARN_MESSAGE),
        issue(6, 22, 'permissionsBoundary', ARN_MESSAGE),
      ],
    ],
    ['policies-repeated.yaml', [issue(3, 3, 'policies', 'must not repeat')]],
    ['tags-45.yaml', [issue(3, 3, 'tags', 'at most 44 tags (IAM allows 50; 6 are kept for iam-gitops)')]],
    [
      'tag-lengths.yaml',
      [
        issue(4, 3, `tags.${'k'.repeat(129)}`, 'key must be at most 128 characters'),
        issue(5, 9, 'tags.team', 'value must be at most 256 characters'),
      ],
    ],
    [
      'tags-reserved.yaml',
      [
        issue(4, 3, 'tags.aws:cloudformation:stack-name', 'keys starting with "aws:" are reserved by AWS'),
        issue(5, 3, 'tags.AWS:team', 'keys starting with "aws:" are reserved by AWS'),
        issue(6, 3, 'tags.iam-gitops:email', 'keys starting with "iam-gitops:" are reserved for iam-gitops'),
        issue(
          7,
          3,
          'tags.IAM-GitOps:managed-by',
          'keys starting with "iam-gitops:" are reserved for iam-gitops',
        ),
      ],
    ],
    [
      'tag-characters.yaml',
      [
        issue(3, 3, 'tags.team|name', 'key may contain only letters, digits, spaces and _ . : / = + - @'),
        issue(5, 10, 'tags.owner', 'value may contain only letters, digits, spaces and _ . : / = + - @'),
      ],
    ],
    ['tag-value-number.yaml', [issue(3, 16, 'tags.cost-center', 'must be a string, not number')]],
    [
      'unknown-fields.yaml',
      [
        issue(2, 1, 'consol', 'unknown field (check the spelling)'),
        issue(3, 1, 'group', 'unknown field (check the spelling)'),
      ],
    ],
    [
      'wrong-types.yaml',
      [
        issue(1, 7, 'name', 'must be a string, not number'),
        issue(2, 8, 'email', 'must be a string, not a list'),
        issue(3, 9, 'groups', 'must be a list, not string'),
        issue(5, 3, 'policies', 'must be a list, not a map'),
        issue(6, 7, 'tags', 'must be a map, not a list'),
        issue(7, 10, 'console', 'must be a boolean, not string'),
        issue(8, 8, 'adopt', 'must be a boolean, not number'),
      ],
    ],
    ['email-invalid.yaml', [issue(2, 8, 'email', 'must be an email address')]],
  ])('reports %s at the field that breaks the rule', async (fixture, issues) => {
    const parsed = await parseFixture(fixture);

    expect(parsed.issues).toEqual(issues);
    expect(parsed.user).toBeUndefined();
  });

  it('keeps the name of a file with other problems, for the checks across files', async () => {
    const parsed = await parseFixture('groups-11.yaml');

    expect(parsed.user).toBeUndefined();
    expect(parsed.name).toBe('alice@example.com');
  });

  it('tolerates a few aliases', async () => {
    const parsed = await parseFixture('aliases-few.yaml');

    expect(parsed.issues).toEqual([]);
    expect(parsed.user).toEqual({ name: 'alice@example.com', email: 'alice@example.com' });
  });

  it('refuses an alias expansion bomb without expanding it', async () => {
    const started = performance.now();

    const parsed = await parseFixture('alias-bomb.yaml');

    expect(parsed.issues).toEqual([
      issue(1, 1, '', 'YAML aliases refused: Excessive alias count indicates a resource exhaustion attack'),
    ]);
    expect(parsed.user).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each([
    ['list.yaml', 'is a list; it must be a map of fields (name, email, groups, ...)'],
    ['scalar.yaml', 'is a single value; it must be a map of fields (name, email, groups, ...)'],
    ['empty.yaml', 'is empty; it must describe one user'],
    ['comments-only.yaml', 'is empty; it must describe one user'],
  ])('refuses %s as a whole', async (fixture, message) => {
    const parsed = await parseFixture(fixture);

    expect(parsed).toEqual({
      user: undefined,
      name: undefined,
      positions: expect.any(Map),
      issues: [issue(1, 1, '', message)],
    });
  });

  it('refuses a second YAML document where it starts', async () => {
    const parsed = await parseFixture('multi-document.yaml');

    expect(parsed.issues).toEqual([
      issue(2, 1, '', 'holds more than one YAML document; use one file per user'),
    ]);
    expect(parsed.user).toBeUndefined();
  });

  it('reports YAML syntax errors with their place', async () => {
    const parsed = await parseFixture('syntax-error.yaml');

    expect(parsed.issues).toEqual([
      issue(
        3,
        1,
        '',
        'YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ),
    ]);
  });

  it('refuses a key given twice', async () => {
    const parsed = await parseFixture('duplicate-keys.yaml');

    expect(parsed.issues).toEqual([issue(3, 1, '', 'YAML syntax: Map keys must be unique')]);
  });
});

describe('positionFor', () => {
  const positions = new Map([
    ['', { line: 1, column: 1 }],
    ['tags', { line: 3, column: 3 }],
    ['tags.team#key', { line: 3, column: 3 }],
    ['tags.team', { line: 3, column: 9 }],
    ['groups#key', { line: 5, column: 1 }],
  ]);

  it('gives the value, or the key when asked for it', () => {
    expect(positionFor(positions, 'tags.team')).toEqual({ line: 3, column: 9 });
    expect(positionFor(positions, 'tags.team', true)).toEqual({ line: 3, column: 3 });
  });

  it('falls back to the key, then to the nearest parent, then to the start of the file', () => {
    expect(positionFor(positions, 'groups')).toEqual({ line: 5, column: 1 });
    expect(positionFor(positions, 'tags.other')).toEqual({ line: 3, column: 3 });
    expect(positionFor(new Map(), 'policies.3')).toEqual({ line: 1, column: 1 });
  });
});
