// The CDK app as the CLI runs it (cdk.json: `npx tsx infra/bin/app.ts`), for the failures a user
// meets first. A successful synth is checked by `npx cdk synth` itself (see docs/infrastructure.md);
// these runs stop before the Lambda is built, so they write nothing but their own output folder.
import { relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeAppOutputs, REPOSITORY_ROOT as root, runApp } from './support/run-app.js';
import { configFixturePath } from './support/synth.js';

const VALID_CONTEXT = { repository: 'example-org/iam-users', senderEmail: 'iam@example.com' };

afterEach(removeAppOutputs);

const fixture = (name: Parameters<typeof configFixturePath>[0]) => relative(root, configFixturePath(name));

describe('infra/bin/app.ts', { timeout: 60_000 }, () => {
  it('exits 1 with every settings problem on its own line, and no stack trace', () => {
    const result = runApp({
      repository: 'not-a-repository',
      existingTrail: 'maybe',
      config: fixture('guarded'),
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'iam-gitops: invalid iam-gitops settings (CDK context in cdk.json or -c key=value; guardrails in iam-gitops.yaml):',
    );
    expect(result.stderr).toContain('  - repository: must be OWNER/REPO (got "not-a-repository")');
    expect(result.stderr).toContain('  - senderEmail: required');
    expect(result.stderr).toContain('  - existingTrail: expected true or false, got "maybe"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.written).toEqual([]);
  });

  it('refuses to synthesize without a guardrails block, naming the file and the keys to set', () => {
    const config = fixture('no-guardrails');
    const result = runApp({ ...VALID_CONTEXT, config });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `  - ${config}:1:1: guardrails: required by the infrastructure, which enforces it in IAM: set guardrails.groups and guardrails.policies`,
    );
    expect(result.written).toEqual([]);
  });

  it('reports the configuration file’s errors as FILE:LINE:COL: field: message', () => {
    const config = fixture('invalid');
    const result = runApp({ ...VALID_CONTEXT, config });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`  - ${config}:4:7: guardrails.policies.0: `);
    expect(result.stderr).toContain(
      `  - ${config}:5:22: guardrails.recipientDomains.0: must be written in lower case`,
    );
  });

  it('says what a missing configuration file must hold', () => {
    const result = runApp({ ...VALID_CONTEXT, config: 'no/such/iam-gitops.yaml' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "  - no/such/iam-gitops.yaml:1:1: does not exist: the infrastructure needs the roster repository's configuration",
    );
  });
});
