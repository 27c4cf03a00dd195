// The CDK app as the CLI runs it (cdk.json: `npx tsx infra/bin/app.ts`) with `accounts:` in the
// configuration: it builds the hub stack instead of the single-account one, and reports a bad
// organisation setting as one line.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeAppOutputs, REPOSITORY_ROOT as root, runApp as runAnyApp } from '../support/run-app.js';
import { configFixturePath } from '../support/synth.js';

afterEach(removeAppOutputs);

/** The app with the `accounts` fixture as `config`, as `npx cdk synth -c config=...` runs it. */
function runApp(context: Record<string, unknown>) {
  return runAnyApp(
    {
      repository: 'example-org/iam-users',
      senderEmail: 'iam@example.com',
      config: relative(root, configFixturePath('accounts')),
      ...context,
    },
    120_000,
  );
}

describe('infra/bin/app.ts with accounts', { timeout: 120_000 }, () => {
  it('synthesizes the hub stack, and only it, when iam-gitops.yaml lists accounts', () => {
    const result = runApp({ organizationalUnits: 'ou-abcd-12345678' });

    expect(result.stderr).not.toContain('iam-gitops:');
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(result.outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string }>;
    };
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
      .map(([name]) => name);
    expect(stacks).toEqual(['IamGitopsHub']);
    const template = JSON.parse(readFileSync(join(result.outdir, 'IamGitopsHub.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    expect(
      Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudFormation::StackSet'),
    ).toHaveLength(1);
    // The member stack was synthesized in a directory of its own, not into the CLI's.
    expect(existsSync(join(result.outdir, 'IamGitopsMember.template.json'))).toBe(false);
  });

  it('exits 1 with the organisation problems on their own lines, and no stack trace', () => {
    const result = runApp({ organizationalUnits: 'ou-bad', stackSetCallAs: 'ME' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'iam-gitops: invalid iam-gitops settings (CDK context in cdk.json or -c key=value; guardrails in iam-gitops.yaml):',
    );
    expect(result.stderr).toContain(
      '  - organizationalUnits: "ou-bad" is not an OU id (ou-...) or root id (r-...)',
    );
    expect(result.stderr).toContain('  - stackSetCallAs: expected SELF or DELEGATED_ADMIN, got "ME"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
