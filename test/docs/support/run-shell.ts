// Runs one documented command as a reader would type it, through /bin/sh, with only the
// environment a test gives it (never the test runner's own AWS or GitHub variables) and the run's
// private temp directory (TMPDIR), so the caches of npx, tsx and the CDK land where the run's
// guard removes them, never in the system's temp directory.
import { execFile } from 'node:child_process';
import { delimiter, dirname } from 'node:path';

export interface ShellRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** PATH with the Node that runs the tests first: npm scripts, npx and bins run on it. */
export function testPath(): string {
  return [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
}

export function runShell(
  command: string,
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<ShellRun> {
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      ['-c', command],
      {
        cwd: options.cwd,
        env: {
          PATH: testPath(),
          ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
          ...options.env,
        },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
