// Reads the raw roster files from the users directory, refusing anything hostile before it
// reaches the YAML parser: files that leave the directory through a link, huge files and
// binary content are issues, not crashes.
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { mapLimit } from '../util/map-limit.js';
import type { RosterIssue } from './roster-issue.js';

/** A user file is a few hundred bytes; anything this large is a mistake or an attack. */
export const MAX_USER_FILE_BYTES = 64 * 1024;
/** IAM allows 5,000 users per account; a larger directory cannot be applied anyway. */
export const MAX_USER_FILES = 5_000;
/** Files read at once: enough to hide the file system's latency, few enough for any ulimit. */
const READ_CONCURRENCY = 32;

export interface RawUserFile {
  /** As shown to the user: `<usersDir>/<fileName>`. */
  readonly displayPath: string;
  readonly fileName: string;
  readonly text: string;
}

export interface RawRoster {
  readonly files: RawUserFile[];
  readonly issues: RosterIssue[];
}

const USER_FILE = /\.ya?ml$/i;

function wholeFileIssue(displayPath: string, message: string): RosterIssue {
  return { file: displayPath, line: 1, column: 1, field: '', message };
}

function looksBinary(bytes: Buffer): boolean {
  if (bytes.includes(0)) return true;
  // A strict decode: invalid UTF-8 throws rather than turning into replacement characters.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

/**
 * Lists `*.yaml` and `*.yml` directly in `usersDir` and reads each one.
 * `displayDir` is how the directory is named in messages (relative to the repository).
 */
export async function readUserFiles(usersDir: string, displayDir: string): Promise<RawRoster> {
  const issues: RosterIssue[] = [];
  const files: RawUserFile[] = [];
  const shown = (name: string) => (displayDir === '' ? name : `${displayDir.replace(/\/+$/, '')}/${name}`);

  let directoryReal: string;
  try {
    const info = await stat(usersDir);
    if (!info.isDirectory()) {
      return { files, issues: [wholeFileIssue(displayDir, `users-dir "${displayDir}" is not a directory`)] };
    }
    directoryReal = await realpath(usersDir);
  } catch {
    return { files, issues: [wholeFileIssue(displayDir, `users-dir "${displayDir}" does not exist`)] };
  }

  const names = (await readdir(usersDir)).filter((name) => USER_FILE.test(name)).sort();
  if (names.length > MAX_USER_FILES) {
    return {
      files,
      issues: [
        wholeFileIssue(displayDir, `${names.length} user files; IAM allows at most ${MAX_USER_FILES} users`),
      ],
    };
  }

  // Read in parallel (bounded): at 5,000 files, one after the other is most of a plan's time.
  const results = await mapLimit(
    names,
    READ_CONCURRENCY,
    async (fileName): Promise<RawUserFile | RosterIssue> => {
      const path = join(usersDir, fileName);
      const displayPath = shown(fileName);
      const link = await lstat(path);
      if (link.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(path);
        } catch {
          return wholeFileIssue(displayPath, 'is a symbolic link to nothing');
        }
        const inside = relative(directoryReal, target);
        if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
          return wholeFileIssue(displayPath, 'is a symbolic link that leads outside the users directory');
        }
      }
      const info = link.isSymbolicLink() ? await stat(path) : link;
      if (!info.isFile()) return wholeFileIssue(displayPath, 'is not a regular file');
      if (info.size > MAX_USER_FILE_BYTES) {
        return wholeFileIssue(
          displayPath,
          `is ${info.size} bytes; a user file may be at most ${MAX_USER_FILE_BYTES}`,
        );
      }
      const bytes = await readFile(path);
      if (looksBinary(bytes)) return wholeFileIssue(displayPath, 'is not UTF-8 text (binary content)');
      return { displayPath, fileName, text: bytes.toString('utf8') };
    },
  );
  for (const result of results) {
    if ('text' in result) files.push(result);
    else issues.push(result);
  }
  return { files, issues };
}
