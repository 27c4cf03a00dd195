// Reads the raw roster files from the users directory, refusing anything hostile before it
// reaches the YAML parser: files that leave the directory through a link, huge files and
// binary content are issues, not crashes.
//
// Each file costs one open, one read and one close, made synchronously: the directory listing's
// entry types say which names are links (only those are resolved and checked), one read of up to
// one byte over the limit both fetches the text and proves the size, and a strict UTF-8 decode
// both refuses binary content and makes the string. At 5,000 files the earlier way (lstat, then
// readFile's open, fstat, read and close, each a promise through libuv's thread pool) took about
// a quarter of a second; this takes about twenty milliseconds.
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { holdYoungGeneration } from '../util/young-generation.js';
import type { RosterIssue } from './roster-issue.js';

/** A user file is a few hundred bytes; anything this large is a mistake or an attack. */
export const MAX_USER_FILE_BYTES = 64 * 1024;
/** IAM allows 5,000 users per account; a larger directory cannot be applied anyway. */
export const MAX_USER_FILES = 5_000;
/**
 * From this many files on, the young generation is held before they are read: parsed, they stay
 * alive as long as a page of IAM's users does (src/util/young-generation.ts says why that matters).
 * Fewer are not worth it: holding it while the code still loads slows a small run's start.
 */
const LARGE_ROSTER_FILES = 1_000;
/**
 * Never follow a link at open: a name the listing reported as a regular file but that became a
 * link since is refused (ELOOP) rather than followed out of the directory. Windows has no links
 * of this kind and no such flag.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

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

/** Invalid UTF-8 throws rather than turning into replacement characters. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`, or `undefined` when it is binary: a NUL byte or invalid UTF-8. */
function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whether `target` (a real path) lies inside `directory` (a real path). */
function isInside(directory: string, target: string): boolean {
  const inside = relative(directory, target);
  return !(inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside));
}

/**
 * Reads one user file into `buffer` (one byte larger than the limit) with one open, one read and
 * one close. A regular file's read returns fewer bytes than asked only at its end, so a full
 * buffer means the file is over the limit, and a shorter read is the whole file.
 */
function readOne(
  path: string,
  displayPath: string,
  fileName: string,
  buffer: Buffer,
): RawUserFile | RosterIssue {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return wholeFileIssue(displayPath, 'became a symbolic link while being read');
    return wholeFileIssue(displayPath, `cannot be read (${code ?? String(error)})`);
  }
  try {
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > MAX_USER_FILE_BYTES) {
      const { size } = fstatSync(fd);
      return wholeFileIssue(
        displayPath,
        `is ${size} bytes; a user file may be at most ${MAX_USER_FILE_BYTES}`,
      );
    }
    const text = decodeText(buffer.subarray(0, length));
    if (text === undefined) return wholeFileIssue(displayPath, 'is not UTF-8 text (binary content)');
    return { displayPath, fileName, text };
  } finally {
    closeSync(fd);
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
    if (!statSync(usersDir).isDirectory()) {
      return { files, issues: [wholeFileIssue(displayDir, `users-dir "${displayDir}" is not a directory`)] };
    }
    directoryReal = realpathSync(usersDir);
  } catch {
    return { files, issues: [wholeFileIssue(displayDir, `users-dir "${displayDir}" does not exist`)] };
  }

  // The entry types come with the listing (Node asks lstat itself where the file system gives none).
  const entries = readdirSync(usersDir, { withFileTypes: true })
    .filter((entry) => USER_FILE.test(entry.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (entries.length > MAX_USER_FILES) {
    return {
      files,
      issues: [
        wholeFileIssue(
          displayDir,
          `${entries.length} user files; IAM allows at most ${MAX_USER_FILES} users`,
        ),
      ],
    };
  }

  if (entries.length >= LARGE_ROSTER_FILES) holdYoungGeneration();

  // One buffer for every file: each read is finished (decoded into a string) before the next.
  const buffer = Buffer.allocUnsafe(MAX_USER_FILE_BYTES + 1);
  for (const entry of entries) {
    const fileName = entry.name;
    const path = join(usersDir, fileName);
    const displayPath = shown(fileName);
    let result: RawUserFile | RosterIssue;
    if (entry.isFile()) {
      result = readOne(path, displayPath, fileName, buffer);
    } else if (entry.isSymbolicLink()) {
      result = readLinked(path, displayPath, fileName, directoryReal, buffer);
    } else {
      result = wholeFileIssue(displayPath, 'is not a regular file');
    }
    if ('text' in result) files.push(result);
    else issues.push(result);
  }
  return { files, issues };
}

/** A link is read only when it resolves to a regular file inside the users directory. */
function readLinked(
  path: string,
  displayPath: string,
  fileName: string,
  directoryReal: string,
  buffer: Buffer,
): RawUserFile | RosterIssue {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return wholeFileIssue(displayPath, 'is a symbolic link to nothing');
  }
  if (!isInside(directoryReal, target))
    return wholeFileIssue(displayPath, 'is a symbolic link that leads outside the users directory');
  if (!statSync(target).isFile()) return wholeFileIssue(displayPath, 'is not a regular file');
  // The resolved path holds no link, so the no-follow open reads exactly what was checked.
  return readOne(target, displayPath, fileName, buffer);
}
