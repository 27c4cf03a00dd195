// The CDK app as the CDK CLI runs it (cdk.json: `npx tsx infra/bin/app.ts`): a child process
// handed the merged context and an output folder, as `cdk synth` hands them. Each run's folder is
// removed by removeAppOutputs (call it after each test).
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..', '..');

let outdirs: string[] = [];

export interface AppRun extends SpawnSyncReturns<string> {
  /** The output folder the app was given. */
  readonly outdir: string;
  /** What the app wrote there. */
  readonly written: string[];
}

export function runApp(context: Record<string, unknown>, timeoutMs = 60_000): AppRun {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-gitops-cdk-out-'));
  outdirs.push(outdir);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPOSITORY_ROOT, 'infra', 'bin', 'app.ts')],
    {
      cwd: REPOSITORY_ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        CDK_OUTDIR: outdir,
        // tsx would otherwise keep a compile cache in the temp directory (tsx-<uid>).
        TSX_DISABLE_CACHE: '1',
      },
      timeout: timeoutMs,
    },
  );
  return { ...result, outdir, written: readdirSync(outdir) };
}

export function removeAppOutputs(): void {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  outdirs = [];
}
