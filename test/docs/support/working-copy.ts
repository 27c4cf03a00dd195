// A temporary working copy of this repository, for running documented commands that write into
// the checkout (`npm pack`, `npx cdk synth`, `npm run schema`) without touching the real one.
// The sources are copied; node_modules is linked to the real install (never reinstalled).
import { cp, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** What a checkout holds that is installed, built or git's own, not the repository's files. */
const LEFT_OUT = new Set([
  'node_modules',
  '.venv-moto',
  '.git',
  'coverage',
  '.tmp',
  '.env',
  'infra/cdk.out',
  'lambda/dist',
]);

export interface WorkingCopy {
  /** The copy's root, standing in for a fresh checkout (with `npm ci` done). */
  readonly root: string;
  /** The temporary folder holding the copy; free for the test's other files. */
  readonly scratch: string;
  readonly cleanup: () => Promise<void>;
}

function copied(source: string): boolean {
  const path = relative(ROOT, source).split(sep).join('/');
  return !LEFT_OUT.has(path) && !/^iam-gitops-.*\.tgz$/.test(path);
}

export async function makeWorkingCopy(): Promise<WorkingCopy> {
  const scratch = await mkdtemp(join(tmpdir(), 'iam-gitops-docs-'));
  const root = join(scratch, 'iam-gitops');
  try {
    await cp(ROOT, root, { recursive: true, filter: copied, verbatimSymlinks: true });
    await symlink(await realpath(join(ROOT, 'node_modules')), join(root, 'node_modules'), 'dir');
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  return { root, scratch, cleanup: () => rm(scratch, { recursive: true, force: true }) };
}
