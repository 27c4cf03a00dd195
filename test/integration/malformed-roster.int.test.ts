// The resilience corpus: every malformed roster file is rejected with the right file, line and
// field, and the apply that would have used it makes no AWS call at all.
import { readdirSync, readFileSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { freshAccount } from '../support/aws.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { makeRosterDir, type RosterDir } from '../support/roster-dir.js';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'rosters', 'malformed');
const COMPANION = { 'alice@example.com.yaml': { name: 'alice@example.com', groups: ['developers'] } };

interface Case {
  readonly fixture: string;
  readonly as: string;
  readonly line: number;
  readonly column: number;
  readonly text: string;
  readonly content: string | Buffer;
}

function readCase(fixture: string): Case {
  const content = readFileSync(join(CORPUS, fixture), 'utf8');
  const as = /^# as: (.+)$/m.exec(content)?.[1];
  const expected = /^# expect: (\d+):(\d+) (.+)$/m.exec(content);
  if (!as || !expected) throw new Error(`${fixture} lacks its "# as:" or "# expect:" line`);
  return {
    fixture,
    as,
    line: Number(expected[1]),
    column: Number(expected[2]),
    text: expected[3] ?? '',
    content,
  };
}

const corpus = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map(readCase);

let proxy: FaultProxy;

beforeAll(async () => {
  const account = await freshAccount();
  proxy = await startFaultProxy(account.endpoint);
  for (const [key, value] of Object.entries({ ...account.env, AWS_ENDPOINT_URL: proxy.endpoint })) {
    vi.stubEnv(key, value);
  }
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await proxy.close();
});

async function applyRoster(roster: RosterDir): Promise<{ code: number; errors: string[] }> {
  const errors: string[] = [];
  const cwd = process.cwd();
  process.chdir(roster.root);
  try {
    const code = await runCli(['apply', '--repository', 'acme/iam-users'], {
      out: () => undefined,
      err: (text) => errors.push(...text.split('\n')),
      env: process.env,
    });
    return { code, errors };
  } finally {
    process.chdir(cwd);
  }
}

describe('the malformed roster corpus', () => {
  it('holds at least 30 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus)('$fixture is rejected at its line with no AWS call', async (testCase) => {
    const roster = await makeRosterDir({ ...COMPANION, [testCase.as]: testCase.content });
    const before = proxy.requests.length;
    try {
      const result = await applyRoster(roster);

      expect(result.code).toBe(1);
      const prefix = `users/${testCase.as}:${testCase.line}:${testCase.column}: `;
      expect(
        result.errors.filter((line) => line.startsWith(prefix) && line.includes(testCase.text)),
      ).toHaveLength(1);
      expect(proxy.requests.length).toBe(before);
    } finally {
      await roster.cleanup();
    }
  });
});

describe('hostile files made at test time', () => {
  const cases: [string, (roster: RosterDir) => Promise<string>, string][] = [
    [
      'binary content',
      async (roster) => {
        await writeFile(
          join(roster.usersDir, 'bob@example.com.yaml'),
          Buffer.from([0x6e, 0x61, 0x00, 0xff, 0xfe]),
        );
        return 'users/bob@example.com.yaml:1:1: is not UTF-8 text (binary content)';
      },
      'binary',
    ],
    [
      'a file over 64 KiB',
      async (roster) => {
        await writeFile(
          join(roster.usersDir, 'bob@example.com.yaml'),
          `name: bob@example.com\n#${'x'.repeat(70_000)}\n`,
        );
        return 'users/bob@example.com.yaml:1:1: is 70024 bytes; a user file may be at most 65536';
      },
      'huge',
    ],
    [
      'a link leading outside the directory',
      async (roster) => {
        await writeFile(join(roster.root, 'outside.yaml'), 'name: bob@example.com\n');
        await symlink(join(roster.root, 'outside.yaml'), join(roster.usersDir, 'bob@example.com.yaml'));
        return 'users/bob@example.com.yaml:1:1: is a symbolic link that leads outside the users directory';
      },
      'link',
    ],
  ];

  it.each(cases)('%s is rejected with no AWS call', async (_label, prepare) => {
    const roster = await makeRosterDir(COMPANION);
    const before = proxy.requests.length;
    try {
      const expected = await prepare(roster);

      const result = await applyRoster(roster);

      expect(result.code).toBe(1);
      expect(result.errors).toContain(expected);
      expect(proxy.requests.length).toBe(before);
    } finally {
      await roster.cleanup();
    }
  });
});
