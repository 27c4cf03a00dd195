import * as fs from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_USER_FILE_BYTES, MAX_USER_FILES, readUserFiles } from '../../../src/roster/read-user-files.js';
import { readRosterFixture, type TempRoster, tempRoster } from '../support/roster-fixture.js';

// The real file system, watched: the reader's calls are counted, and a test may change what the
// directory listing reports.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    openSync: vi.fn(actual.openSync),
    readSync: vi.fn(actual.readSync),
    closeSync: vi.fn(actual.closeSync),
    fstatSync: vi.fn(actual.fstatSync),
    statSync: vi.fn(actual.statSync),
    lstatSync: vi.fn(actual.lstatSync),
    readdirSync: vi.fn(actual.readdirSync),
  };
});

let roster: TempRoster | undefined;

afterEach(async () => {
  vi.clearAllMocks();
  await roster?.cleanup();
  roster = undefined;
});

async function fixture(name?: string): Promise<TempRoster> {
  roster = await tempRoster(name);
  return roster;
}

const whole = (file: string, message: string) => ({ file, line: 1, column: 1, field: '', message });

/** A YAML file of exactly `size` bytes: a user followed by comment padding. */
function yamlOfSize(size: number): string {
  const head = 'name: big@example.com\n';
  return `${head}#${'x'.repeat(size - head.length - 2)}\n`;
}

describe('readUserFiles', () => {
  it('reads *.yaml and *.yml in name order and ignores other files', async () => {
    const { usersDir } = await fixture('valid');

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw.issues).toEqual([]);
    expect(raw.files.map((file) => [file.fileName, file.displayPath])).toEqual([
      ['alice@example.com.yaml', 'users/alice@example.com.yaml'],
      ['bob@example.com.yml', 'users/bob@example.com.yml'],
      ['ci-deployer.yaml', 'users/ci-deployer.yaml'],
      ['dana.yaml', 'users/dana.yaml'],
    ]);
    expect(raw.files[3]?.text).toBe(await readRosterFixture('valid/dana.yaml'));
  });

  it('matches the extension regardless of case', async () => {
    const { usersDir } = await fixture();
    await writeFile(join(usersDir, 'bob@example.com.YAML'), await readRosterFixture('files/minimal.yaml'));

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw.files.map((file) => file.fileName)).toEqual(['bob@example.com.YAML']);
  });

  it('names files by the display directory, without a doubled slash, or bare when it is empty', async () => {
    const { usersDir } = await fixture('valid');

    const slashed = await readUserFiles(usersDir, 'config/users/');
    const bare = await readUserFiles(usersDir, '');

    expect(slashed.files[0]?.displayPath).toBe('config/users/alice@example.com.yaml');
    expect(bare.files[0]?.displayPath).toBe('alice@example.com.yaml');
  });

  it(`refuses a file over ${MAX_USER_FILE_BYTES} bytes and reads one of exactly that size`, async () => {
    const { usersDir } = await fixture();
    await writeFile(join(usersDir, 'at-limit.yaml'), yamlOfSize(MAX_USER_FILE_BYTES));
    await writeFile(join(usersDir, 'over-limit.yaml'), yamlOfSize(MAX_USER_FILE_BYTES + 1));

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw.files.map((file) => [file.fileName, file.text.length])).toEqual([
      ['at-limit.yaml', MAX_USER_FILE_BYTES],
    ]);
    expect(raw.issues).toEqual([
      whole('users/over-limit.yaml', 'is 65537 bytes; a user file may be at most 65536'),
    ]);
  });

  it('refuses binary content: a NUL byte or invalid UTF-8', async () => {
    const { usersDir } = await fixture();
    await writeFile(join(usersDir, 'nul.yaml'), Buffer.from('name: a\0b\n'));
    await writeFile(join(usersDir, 'latin1.yaml'), Buffer.from([...Buffer.from('name: '), 0xe9, 0x0a]));
    await writeFile(
      join(usersDir, 'png.yaml'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    await writeFile(join(usersDir, 'utf8.yaml'), 'name: zoe\ntags: { équipe: données }\n');

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw.files.map((file) => file.fileName)).toEqual(['utf8.yaml']);
    expect(raw.issues).toEqual([
      whole('users/latin1.yaml', 'is not UTF-8 text (binary content)'),
      whole('users/nul.yaml', 'is not UTF-8 text (binary content)'),
      whole('users/png.yaml', 'is not UTF-8 text (binary content)'),
    ]);
  });

  it('refuses a symbolic link that leads outside the users directory, or to nothing', async () => {
    const { root, usersDir } = await fixture('valid');
    await writeFile(join(root, 'secret.yaml'), 'name: mallory\n');
    await mkdir(join(root, 'users-evil'));
    await writeFile(join(root, 'users-evil', 'eve.yaml'), 'name: eve\n');
    await symlink('../secret.yaml', join(usersDir, 'mallory.yaml'));
    await symlink(join(root, 'secret.yaml'), join(usersDir, 'mallory-absolute.yaml'));
    await symlink('../users-evil/eve.yaml', join(usersDir, 'eve.yaml'));
    await symlink('gone.txt', join(usersDir, 'zed.yaml'));

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw.issues).toEqual([
      whole('users/eve.yaml', 'is a symbolic link that leads outside the users directory'),
      whole('users/mallory-absolute.yaml', 'is a symbolic link that leads outside the users directory'),
      whole('users/mallory.yaml', 'is a symbolic link that leads outside the users directory'),
      whole('users/zed.yaml', 'is a symbolic link to nothing'),
    ]);
    expect(raw.files.map((file) => file.fileName)).toEqual([
      'alice@example.com.yaml',
      'bob@example.com.yml',
      'ci-deployer.yaml',
      'dana.yaml',
    ]);
  });

  it('reads a symbolic link to a file inside the users directory', async () => {
    const { usersDir } = await fixture('symlink-inside');
    await symlink('team/alice@example.com.yaml', join(usersDir, 'alice@example.com.yaml'));

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw.issues).toEqual([]);
    expect(raw.files).toEqual([
      {
        fileName: 'alice@example.com.yaml',
        displayPath: 'users/alice@example.com.yaml',
        text: 'name: alice@example.com\n',
      },
      {
        fileName: 'bob@example.com.yaml',
        displayPath: 'users/bob@example.com.yaml',
        text: 'name: bob@example.com\n',
      },
    ]);
  });

  it('reads a users directory that is itself reached through a symbolic link', async () => {
    const { root, usersDir } = await fixture('symlink-inside');
    await symlink('team/alice@example.com.yaml', join(usersDir, 'alice@example.com.yaml'));
    await symlink(usersDir, join(root, 'linked-users'));

    const raw = await readUserFiles(join(root, 'linked-users'), 'users');

    expect(raw.issues).toEqual([]);
    expect(raw.files.map((file) => file.fileName)).toEqual([
      'alice@example.com.yaml',
      'bob@example.com.yaml',
    ]);
  });

  it('refuses a directory or a link to one that is named like a user file', async () => {
    const { usersDir } = await fixture('symlink-inside');
    await mkdir(join(usersDir, 'folder.yaml'));
    await symlink('team', join(usersDir, 'team.yaml'));

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw.issues).toEqual([
      whole('users/folder.yaml', 'is not a regular file'),
      whole('users/team.yaml', 'is not a regular file'),
    ]);
    expect(raw.files.map((file) => file.fileName)).toEqual(['bob@example.com.yaml']);
  });

  it('reports a missing users directory', async () => {
    const { root } = await fixture();

    const raw = await readUserFiles(join(root, 'no-such-dir'), 'no-such-dir');

    expect(raw).toEqual({
      files: [],
      issues: [whole('no-such-dir', 'users-dir "no-such-dir" does not exist')],
    });
  });

  it('reports a users directory that is a file', async () => {
    const { usersDir } = await fixture('valid');

    const raw = await readUserFiles(join(usersDir, 'dana.yaml'), 'users/dana.yaml');

    expect(raw).toEqual({
      files: [],
      issues: [whole('users/dana.yaml', 'users-dir "users/dana.yaml" is not a directory')],
    });
  });

  it('returns nothing for an empty directory (refusing it is the loader’s decision)', async () => {
    const { usersDir } = await fixture();

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw).toEqual({ files: [], issues: [] });
  });

  it('reads each regular file with one open, one read and one close, and stats none of them', async () => {
    const { usersDir } = await fixture('valid');

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw.files).toHaveLength(4);
    expect(vi.mocked(fs.openSync).mock.calls.map(([path]) => String(path))).toEqual(
      ['alice@example.com.yaml', 'bob@example.com.yml', 'ci-deployer.yaml', 'dana.yaml'].map((name) =>
        join(usersDir, name),
      ),
    );
    expect(fs.readSync).toHaveBeenCalledTimes(4);
    expect(fs.closeSync).toHaveBeenCalledTimes(4);
    // The users directory itself is checked once; no file is.
    expect(fs.statSync).toHaveBeenCalledTimes(1);
    expect(fs.statSync).toHaveBeenCalledWith(usersDir);
    expect(fs.lstatSync).not.toHaveBeenCalled();
    expect(fs.fstatSync).not.toHaveBeenCalled();
  });

  it('refuses a file that became a symbolic link after the listing, rather than following it', async () => {
    const { root, usersDir } = await fixture();
    await writeFile(join(root, 'secret.yaml'), 'name: mallory\n');
    await symlink('../secret.yaml', join(usersDir, 'mallory.yaml'));
    // The listing saw a regular file; by the time it is opened, it is a link out of the directory.
    const listed = fs.readdirSync(usersDir, { withFileTypes: true });
    for (const entry of listed) {
      entry.isFile = () => true;
      entry.isSymbolicLink = () => false;
    }
    vi.mocked(fs.readdirSync).mockReturnValueOnce(listed as never);

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw).toEqual({
      files: [],
      issues: [whole('users/mallory.yaml', 'became a symbolic link while being read')],
    });
  });

  it(`refuses more than ${MAX_USER_FILES} user files without reading any`, async () => {
    const { usersDir } = await fixture();
    const names = Array.from({ length: MAX_USER_FILES + 1 }, (_, i) => `u${i}.yaml`);
    for (let start = 0; start < names.length; start += 500) {
      await Promise.all(names.slice(start, start + 500).map((name) => writeFile(join(usersDir, name), '')));
    }

    const raw = await readUserFiles(usersDir, 'users');

    expect(raw).toEqual({
      files: [],
      issues: [whole('users', '5001 user files; IAM allows at most 5000 users')],
    });
  }, 30_000);
});
