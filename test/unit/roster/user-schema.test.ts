import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IAM_LIMITS } from '../../../src/contract.js';
import { MAX_USER_TAGS, userFileJsonSchema, userFileSchema } from '../../../src/roster/user-schema.js';
import { checkJsonSchema } from '../support/json-schema-subset.js';

const SCHEMA_FILE = join(import.meta.dirname, '..', '..', '..', 'schema', 'user.schema.json');

/** The schema's verdict as `field: message` lines; empty when the document is valid. */
function issuesOf(input: unknown): string[] {
  const result = userFileSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'invalid_key') return issue.issues.map((inner) => `${path}: ${inner.message}`);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${key}: unknown field`);
    return [`${path}: ${issue.message}`];
  });
}

function tagsOf(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i + 1}`, `value${i + 1}`]));
}

const arns = (count: number) =>
  Array.from({ length: count }, (_, i) => `arn:aws:iam::123456789012:policy/p${i + 1}`);

describe('userFileSchema', () => {
  it('accepts a file with only a name', () => {
    const result = userFileSchema.safeParse({ name: 'bob@example.com' });

    expect(result).toEqual({ success: true, data: { name: 'bob@example.com' } });
  });

  it('accepts a file with every field', () => {
    const full = {
      name: 'alice@example.com',
      email: 'alice.smith@example.com',
      groups: ['developers', 'oncall'],
      policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      tags: { team: 'platform' },
      console: false,
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
      adopt: true,
    };

    const result = userFileSchema.safeParse(full);

    expect(result).toEqual({ success: true, data: full });
  });

  describe('name', () => {
    it('accepts 64 characters and refuses 65', () => {
      expect(issuesOf({ name: 'a'.repeat(64) })).toEqual([]);
      expect(issuesOf({ name: 'a'.repeat(65) })).toEqual(['name: must be at most 64 characters']);
    });

    it.each(['alice', 'alice@example.com', 'Alice.Smith+ops@example.com', 'svc_ci-deployer', 'a=b,c'])(
      'accepts %j',
      (name) => {
        expect(issuesOf({ name })).toEqual([]);
      },
    );

    it.each(['alice smith', 'alice!', 'alice/bob', 'älice', 'alice#1'])('refuses %j', (name) => {
      expect(issuesOf({ name })).toEqual(['name: may contain only letters, digits and + = , . @ _ -']);
    });

    it('refuses an empty name and a missing one', () => {
      expect(issuesOf({ name: '' })).toEqual([
        'name: must not be empty',
        'name: may contain only letters, digits and + = , . @ _ -',
      ]);
      expect(issuesOf({})).toEqual(['name: Invalid input: expected string, received undefined']);
    });
  });

  describe('groups', () => {
    it('accepts 10 groups and refuses 11', () => {
      const ten = Array.from({ length: 10 }, (_, i) => `g${i + 1}`);

      expect(issuesOf({ name: 'a', groups: ten })).toEqual([]);
      expect(issuesOf({ name: 'a', groups: [...ten, 'g11'] })).toEqual([
        'groups: at most 10 groups (an IAM limit)',
      ]);
    });

    it('refuses a group named twice, regardless of case', () => {
      expect(issuesOf({ name: 'a', groups: ['developers', 'Developers'] })).toEqual([
        'groups: must not repeat (IAM group names ignore case)',
      ]);
    });

    it('refuses a group name IAM would not accept', () => {
      expect(issuesOf({ name: 'a', groups: ['on call', 'g'.repeat(129), 'g'.repeat(128)] })).toEqual([
        'groups.0: must be an IAM group name',
        'groups.1: must be an IAM group name',
      ]);
    });
  });

  describe('policies', () => {
    it.each([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      'arn:aws:iam::123456789012:policy/team/sub/deploy',
      'arn:aws-us-gov:iam::123456789012:policy/boundary',
      'arn:aws-cn:iam::aws:policy/ReadOnlyAccess',
    ])('accepts the managed policy ARN %s', (arn) => {
      expect(issuesOf({ name: 'a', policies: [arn], permissionsBoundary: arn })).toEqual([]);
    });

    it.each([
      'ReadOnlyAccess',
      'arn:aws:iam::123456789012:role/admin',
      'arn:aws:iam::12345678901:policy/short-account',
      'arn:aws:iam::123456789012:policy/',
      'arn:aws:s3:::bucket',
      ' arn:aws:iam::aws:policy/ReadOnlyAccess',
    ])('refuses %j', (arn) => {
      const message = 'must be a managed policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)';

      expect(issuesOf({ name: 'a', policies: [arn], permissionsBoundary: arn })).toEqual([
        `policies.0: ${message}`,
        `permissionsBoundary: ${message}`,
      ]);
    });

    it('accepts 10 policies and refuses 11', () => {
      expect(issuesOf({ name: 'a', policies: arns(10) })).toEqual([]);
      expect(issuesOf({ name: 'a', policies: arns(11) })).toEqual([
        'policies: at most 10 managed policies (an IAM limit)',
      ]);
    });

    it('refuses a policy named twice', () => {
      const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

      expect(issuesOf({ name: 'a', policies: [arn, arn] })).toEqual(['policies: must not repeat']);
    });
  });

  describe('tags', () => {
    it(`accepts ${MAX_USER_TAGS} tags and refuses one more (six slots are reserved)`, () => {
      expect(MAX_USER_TAGS).toBe(44);
      expect(issuesOf({ name: 'a', tags: tagsOf(44) })).toEqual([]);
      expect(issuesOf({ name: 'a', tags: tagsOf(45) })).toEqual([
        'tags: at most 44 tags (IAM allows 50; 6 are kept for iam-gitops)',
      ]);
    });

    it('accepts a 128-character key and a 256-character value, and refuses longer ones', () => {
      expect(issuesOf({ name: 'a', tags: { ['k'.repeat(128)]: 'v'.repeat(256) } })).toEqual([]);
      expect(issuesOf({ name: 'a', tags: { ['k'.repeat(129)]: 'x', team: 'v'.repeat(257) } })).toEqual([
        `tags.${'k'.repeat(129)}: key must be at most 128 characters`,
        'tags.team: value must be at most 256 characters',
      ]);
    });

    it.each([
      ['aws:team', 'keys starting with "aws:" are reserved by AWS'],
      ['AWS:Team', 'keys starting with "aws:" are reserved by AWS'],
      ['iam-gitops:email', 'keys starting with "iam-gitops:" are reserved for iam-gitops'],
      ['IAM-GitOps:managed-by', 'keys starting with "iam-gitops:" are reserved for iam-gitops'],
    ])('refuses the reserved key %s', (key, message) => {
      expect(issuesOf({ name: 'a', tags: { [key]: 'x' } })).toEqual([`tags.${key}: ${message}`]);
    });

    it('accepts keys that only look like reserved ones', () => {
      expect(issuesOf({ name: 'a', tags: { aws: 'x', 'awsome:x': 'y', 'iam-gitops': 'z' } })).toEqual([]);
    });

    it('accepts the characters IAM allows, Unicode letters included, and refuses others', () => {
      expect(issuesOf({ name: 'a', tags: { Équipe: 'données: a_b.c/d=e+f-g@h 1' } })).toEqual([]);
      expect(issuesOf({ name: 'a', tags: { 'a|b': 'x', owner: '<script>', '': 'empty' } })).toEqual([
        'tags.a|b: key may contain only letters, digits, spaces and _ . : / = + - @',
        'tags.owner: value may contain only letters, digits, spaces and _ . : / = + - @',
        'tags.: must not be empty',
      ]);
    });
  });

  it('refuses an unknown field', () => {
    expect(issuesOf({ name: 'a', consol: false, group: [] })).toEqual([
      'consol: unknown field',
      'group: unknown field',
    ]);
  });

  it('refuses values of the wrong type', () => {
    const issues = issuesOf({
      name: 42,
      email: ['a@example.com'],
      groups: 'developers',
      policies: { a: 'b' },
      tags: ['team'],
      console: 'yes',
      permissionsBoundary: 7,
      accounts: 'prod',
      adopt: 1,
    });

    expect(issues.map((issue) => issue.split(':')[0])).toEqual([
      'name',
      'email',
      'groups',
      'policies',
      'tags',
      'console',
      'permissionsBoundary',
      'accounts',
      'adopt',
    ]);
  });
});

describe('userFileJsonSchema', () => {
  it('matches the committed schema/user.schema.json', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');

    const generated = `${JSON.stringify(userFileJsonSchema(), null, 2)}\n`;

    expect(
      committed === generated,
      'schema/user.schema.json is stale: run `npx tsx scripts/generate-schema.ts` and commit the result',
    ).toBe(true);
  });

  it('states the file format and IAM limits as JSON Schema keywords', () => {
    const schema = userFileJsonSchema();
    const properties = schema.properties as Record<string, Record<string, unknown>>;

    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['name']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(properties)).toEqual([
      'name',
      'email',
      'groups',
      'policies',
      'tags',
      'console',
      'permissionsBoundary',
      'accounts',
      'adopt',
    ]);
    expect(properties.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 64 });
    expect(properties.groups).toMatchObject({
      type: 'array',
      maxItems: IAM_LIMITS.groupsPerUser,
      uniqueItems: true,
    });
    expect(properties.policies).toMatchObject({
      type: 'array',
      maxItems: IAM_LIMITS.managedPoliciesPerUser,
      uniqueItems: true,
    });
    expect(properties.tags).toMatchObject({
      type: 'object',
      maxProperties: MAX_USER_TAGS,
      propertyNames: { type: 'string', minLength: 1, maxLength: 128 },
      additionalProperties: { type: 'string', maxLength: 256 },
    });
    expect(properties.console).toMatchObject({ type: 'boolean' });
    expect(properties.adopt).toMatchObject({ type: 'boolean' });
  });

  it('has only patterns that compile as JavaScript RegExp with the u flag', () => {
    const patterns: string[] = [];
    const collect = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') patterns.push(value);
        else collect(value);
      }
    };

    collect(userFileJsonSchema());

    expect(patterns).toHaveLength(9);
    for (const pattern of patterns) expect(() => new RegExp(pattern, 'u'), pattern).not.toThrow();
  });

  it.each([
    [
      'name',
      ['alice', 'alice@example.com', 'a'.repeat(64), 'a'.repeat(65), 'al ice', 'älice', '', 'a+b=c,d'],
    ],
    [
      'permissionsBoundary',
      [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws:iam::123456789012:policy/path/to/p',
        'arn:aws-us-gov:iam::123456789012:policy/p',
        'arn:aws:iam::123456789012:role/r',
        'arn:aws:iam::1234:policy/p',
        'ReadOnlyAccess',
      ],
    ],
    ['email', ['alice@example.com', 'a.b+c@sub.example.co.uk', 'alice', 'alice@example', 'a b@example.com']],
  ])('judges sample values of %s as the validator does', (field, samples) => {
    const schema = userFileJsonSchema();
    const property = (schema.properties as Record<string, Record<string, unknown>>)[field] ?? {};
    const shape = userFileSchema.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;

    for (const sample of samples) {
      const byJsonSchema = checkJsonSchema(property, sample).length === 0;
      const byValidator = shape[field]?.safeParse(sample).success;
      expect(byJsonSchema, `${field} = ${JSON.stringify(sample)}`).toBe(byValidator);
    }
  });

  it.each([
    ['a minimal file', { name: 'alice@example.com' }, true],
    [
      'a full file',
      {
        name: 'alice@example.com',
        email: 'alice@example.com',
        groups: ['developers'],
        policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        tags: { team: 'platform', Équipe: 'données' },
        console: true,
        permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
        adopt: false,
      },
      true,
    ],
    ['no name', { email: 'alice@example.com' }, false],
    ['an unknown field', { name: 'alice', consol: false }, false],
    ['11 groups', { name: 'alice', groups: Array.from({ length: 11 }, (_, i) => `g${i}`) }, false],
    ['a repeated group', { name: 'alice', groups: ['dev', 'dev'] }, false],
    ['11 policies', { name: 'alice', policies: arns(11) }, false],
    ['a repeated policy', { name: 'alice', policies: [...arns(1), ...arns(1)] }, false],
    ['44 tags', { name: 'alice', tags: tagsOf(44) }, true],
    ['45 tags', { name: 'alice', tags: tagsOf(45) }, false],
    ['a 129-character tag key', { name: 'alice', tags: { ['k'.repeat(129)]: 'v' } }, false],
    ['a 257-character tag value', { name: 'alice', tags: { k: 'v'.repeat(257) } }, false],
    ['a tag value that is a number', { name: 'alice', tags: { cost: 1234 } }, false],
    ['console as a string', { name: 'alice', console: 'yes' }, false],
    ['groups as a string', { name: 'alice', groups: 'developers' }, false],
    ['an aws: tag key', { name: 'alice', tags: { 'aws:team': 'x' } }, false],
    ['an IAM-GitOps: tag key in another case', { name: 'alice', tags: { 'IAM-GitOps:email': 'x' } }, false],
    ['a tag key that merely contains aws:', { name: 'alice', tags: { 'team-aws:x': 'x' } }, true],
  ])('judges %s as the validator does', (_label, document, valid) => {
    const byJsonSchema = checkJsonSchema(userFileJsonSchema(), document);

    const byValidator = userFileSchema.safeParse(document).success;

    expect(byValidator).toBe(valid);
    expect(byJsonSchema.length === 0, byJsonSchema.join('; ')).toBe(valid);
  });
});
