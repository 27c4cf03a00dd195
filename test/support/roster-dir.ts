// Builds a users/ directory in a temporary folder from plain objects, one YAML file each.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export type RosterFiles = Record<string, Record<string, unknown> | string>;

export interface RosterDir {
  /** The temporary folder standing in for a repository checkout. */
  readonly root: string;
  /** `<root>/users`. */
  readonly usersDir: string;
  write(files: RosterFiles): Promise<void>;
  remove(fileName: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function makeRosterDir(files: RosterFiles = {}): Promise<RosterDir> {
  const root = await mkdtemp(join(tmpdir(), 'iam-gitops-roster-'));
  const usersDir = join(root, 'users');
  await mkdir(usersDir);
  const dir: RosterDir = {
    root,
    usersDir,
    write: async (more) => {
      for (const [fileName, content] of Object.entries(more)) {
        await writeFile(join(usersDir, fileName), typeof content === 'string' ? content : stringify(content));
      }
    },
    remove: (fileName) => rm(join(usersDir, fileName)),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  await dir.write(files);
  return dir;
}
