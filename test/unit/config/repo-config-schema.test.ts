import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoConfigJsonSchema, repoConfigSchema } from '../../../src/config/repo-config-schema.js';

const SCHEMA_FILE = join(import.meta.dirname, '..', '..', '..', 'schema', 'config.schema.json');

/** The schema's verdict as `field: message` lines; empty when the document is valid. */
function issuesOf(input: unknown): string[] {
  const result = repoConfigSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
}

describe('repoConfigSchema', () => {
  it('accepts an empty configuration (one account, no guardrails)', () => {
    expect(issuesOf({})).toEqual([]);
  });

  it("accepts '*' alone, and refuses it beside other values", () => {
    expect(issuesOf({ guardrails: { groups: ['*'], policies: ['*'] } })).toEqual([]);
    expect(issuesOf({ guardrails: { groups: ['*', 'developers'], policies: [] } })).toEqual([
      "guardrails.groups: '*' allows any group: give it alone, or list the groups",
    ]);
  });

  it('accepts a boundary as a policy name or ARN, and nothing else', () => {
    const boundary = (permissionsBoundary: string) =>
      issuesOf({ guardrails: { groups: [], policies: [], permissionsBoundary } });

    expect(boundary('iam-gitops-boundary')).toEqual([]);
    expect(boundary('arn:aws:iam::123456789012:policy/iam-gitops-boundary')).toEqual([]);
    expect(boundary('arn:aws:iam::123456789012:role/x')).not.toEqual([]);
  });

  it('refuses a recipient domain in upper case: IAM compares the email tag case-sensitively', () => {
    expect(issuesOf({ guardrails: { groups: [], policies: [], recipientDomains: ['Example.com'] } })).toEqual(
      ['guardrails.recipientDomains.0: must be written in lower case'],
    );
  });
});

describe('repoConfigJsonSchema', () => {
  it('is what schema/config.schema.json holds', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');

    const generated = `${JSON.stringify(repoConfigJsonSchema(), null, 2)}\n`;

    expect(
      committed === generated,
      'schema/config.schema.json is stale: run `npx tsx scripts/generate-schema.ts` and commit the result',
    ).toBe(true);
  });
});
