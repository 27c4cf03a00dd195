// Roster directories for tests: a fixture folder under test/fixtures/rosters/ copied into a fresh
// temporary `users/` directory, so each test may add, break or link files without touching the
// fixtures. Large and binary files are made by the tests themselves.
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROSTER_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'rosters');

export interface TempRoster {
  /** The temporary folder standing in for a repository checkout. */
  readonly root: string;
  /** `<root>/users`, holding a copy of the fixture folder. */
  readonly usersDir: string;
  cleanup(): Promise<void>;
}

/** Copies `test/fixtures/rosters/<fixture>` to `<tmp>/users`; no fixture gives an empty `users/`. */
export async function tempRoster(fixture?: string): Promise<TempRoster> {
  const root = await mkdtemp(join(tmpdir(), 'iam-gitops-unit-'));
  const usersDir = join(root, 'users');
  if (fixture === undefined) await mkdir(usersDir);
  else await cp(join(ROSTER_FIXTURES, fixture), usersDir, { recursive: true });
  return { root, usersDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** The text of one fixture file, e.g. `files/full.yaml`. */
export function readRosterFixture(path: string): Promise<string> {
  return readFile(join(ROSTER_FIXTURES, path), 'utf8');
}
