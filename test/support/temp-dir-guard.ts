// vitest global setup for the whole run (both projects): the run gets one private temporary
// directory, and a test that leaves anything in it fails the run.
//
// setup() points TMPDIR at a new folder in the system's temp directory before any worker starts,
// so os.tmpdir() in every test, and in every process a test starts with its environment (the CLI,
// npm, cdk, moto), lands there. A test that starts a process with an environment of its own
// passes TMPDIR on. teardown() names what is left, fails the run when the project left something
// (tools' own caches aside), and removes the folder: after `npm test` the system's temp directory
// holds nothing new from the run.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RUN_DIR_PREFIX = 'iam-gitops-test-run-';

/**
 * Caches that tools keep in the temp directory on every machine, whoever runs them: tsx's
 * compiled files (`tsx-<uid>`) and Node's compile cache, which npm turns on. Not the project's
 * files: they are removed with the rest, and not reported.
 */
const TOOL_CACHES = [/^tsx-\d+$/, /^node-compile-cache$/];

let runDir: string | undefined;
let previousTmpdir: string | undefined;

/** What a run left in `dir` that is the project's doing: every entry but the tools' caches. */
export function leftovers(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !TOOL_CACHES.some((cache) => cache.test(name)))
    .sort();
}

/** A new, empty folder for one run, in `parent` (the system's temp directory). */
export function makeRunDir(parent = tmpdir()): string {
  return mkdtempSync(join(parent, RUN_DIR_PREFIX));
}

/** Removes the run's folder and everything in it; returns what the project left there. */
export function closeRunDir(dir: string): string[] {
  const left = leftovers(dir);
  rmSync(dir, { recursive: true, force: true });
  return left;
}

/** The one line that fails the run, naming what was left. */
export function leftoverMessage(left: readonly string[]): string {
  const entries = left.length === 1 ? 'entry' : 'entries';
  return `iam-gitops: the tests left ${left.length} ${entries} in the temp directory (removed now; the test that made each must remove it): ${left.join(', ')}`;
}

export function setup(): void {
  previousTmpdir = process.env.TMPDIR;
  runDir = makeRunDir();
  process.env.TMPDIR = runDir;
}

export function teardown(): void {
  if (runDir === undefined) return;
  const left = closeRunDir(runDir);
  runDir = undefined;
  if (previousTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmpdir;
  if (left.length > 0) {
    // vitest reports an exception thrown here without failing the run; the exit code fails it.
    console.error(leftoverMessage(left));
    process.exitCode = 1;
  }
}
