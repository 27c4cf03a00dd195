// The CDK app as the CLI runs it (cdk.json: `npx tsx infra/bin/app.ts`), for the failures a user
// meets first. A successful synth is checked by `npx cdk synth` itself (see docs/infrastructure.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function runApp(context: Record<string, unknown>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'infra', 'bin', 'app.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      // What the CDK CLI hands the app: the merged context and the output folder.
      CDK_CONTEXT_JSON: JSON.stringify(context),
      CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'iam-gitops-cdk-out-')),
    },
    timeout: 60_000,
  });
}

describe('infra/bin/app.ts', { timeout: 60_000 }, () => {
  it('exits 1 with every settings problem on its own line, and no stack trace', () => {
    const result = runApp({ repository: 'not-a-repository', existingTrail: 'maybe' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'iam-gitops: invalid iam-gitops settings (CDK context in cdk.json or -c key=value):',
    );
    expect(result.stderr).toContain('  - repository: "not-a-repository" is not OWNER/REPO');
    expect(result.stderr).toContain('  - senderEmail: required');
    expect(result.stderr).toContain('  - existingTrail: expected true or false, got "maybe"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
