// The bundled CLI (dist/cli/index.js) as a user runs it, against moto.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateGroupCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshAccount, type TestAccount } from '../support/aws.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { makeRosterDir, type RosterDir } from '../support/roster-dir.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'index.js');
const BROKEN = join(import.meta.dirname, '..', 'fixtures', 'rosters', 'broken-several');

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: string[], env: Record<string, string>, cwd?: string): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      ...(cwd ? { cwd } : {}),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let account: TestAccount;
let proxy: FaultProxy;
let roster: RosterDir;

beforeEach(async () => {
  account = await freshAccount();
  proxy = await startFaultProxy(account.endpoint);
  const iam = new IAMClient(account.clientConfig);
  await iam.send(new CreateGroupCommand({ GroupName: 'developers' }));
  roster = await makeRosterDir({
    'alice@example.com.yaml': { name: 'alice@example.com', groups: ['developers'] },
    'build-bot.yaml': { name: 'build-bot', console: false },
  });
});

afterEach(async () => {
  await proxy.close();
  await roster.cleanup();
});

function awsEnv(): Record<string, string> {
  return { ...account.env, AWS_ENDPOINT_URL: proxy.endpoint };
}

describe('iam-gitops validate', () => {
  it('prints every error as FILE:LINE:COL: message, exits 1 and calls AWS not once', async () => {
    const result = await cli(['validate', '--users-dir', BROKEN], awsEnv());

    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, -1).map((line) => line.replace(BROKEN, 'DIR'))).toEqual([
      'DIR/dave@example.com.yaml:3:9: groups: must not repeat (IAM group names ignore case)',
      'DIR/dave@example.com.yaml:5:3: tags.aws:team: keys starting with "aws:" are reserved by AWS',
      'DIR/erin@example.com.yaml:2:1: consol: unknown field (check the spelling)',
      'DIR/frank.yaml:1:7: name: must equal the file\'s name "frank" (the file is frank.yaml)',
      'DIR/frank.yaml:3:5: policies.0: must be a managed policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)',
      expect.stringMatching(/^DIR\/grace@example\.com\.yaml:3:1: YAML syntax: /),
    ]);
    expect(lines.at(-1)).toBe('6 errors in 4 files');
    expect(proxy.requests).toEqual([]);
  });

  it('exits 0 for a valid roster', async () => {
    const result = await cli(['validate'], awsEnv(), roster.root);

    expect(result).toMatchObject({ code: 0, stdout: 'users: 2 users, all valid\n' });
  });
});

describe('iam-gitops plan and apply', () => {
  it('plans, applies, and plans nothing afterwards, without printing a credential', async () => {
    const env = { ...awsEnv(), GITHUB_REPOSITORY: 'acme/iam-users' };

    const planned = await cli(['plan', '--json'], env, roster.root);
    const applied = await cli(['apply'], env, roster.root);
    const again = await cli(['plan'], env, roster.root);

    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout).summary).toEqual({
      create: 2,
      update: 0,
      offboard: 0,
      unchanged: 0,
      changes: 4,
      errors: 0,
    });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('**4 succeeded, 0 failed, 0 skipped**');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: IAM matches the roster.');
    const users = await new IAMClient(account.clientConfig).send(
      new ListUsersCommand({ PathPrefix: '/iam-gitops/' }),
    );
    expect((users.Users ?? []).map((u) => u.UserName).sort()).toEqual(['alice@example.com', 'build-bot']);
    for (const output of [planned, applied, again]) {
      const printed = output.stdout + output.stderr;
      expect(printed).not.toContain(account.credentials.secretAccessKey);
      expect(printed).not.toContain(account.credentials.sessionToken);
    }
  });

  it('exits 1 on a plan error and 2 when AWS fails', async () => {
    await roster.write({ 'carol@example.com.yaml': { name: 'carol@example.com', groups: ['ghosts'] } });

    const planError = await cli(['apply', '--repository', 'acme/iam-users'], awsEnv(), roster.root);
    proxy.setRule(() => ({ kind: 'server-error' }));
    const awsFailure = await cli(['plan', '--repository', 'acme/iam-users'], awsEnv(), roster.root);

    expect(planError.code).toBe(1);
    expect(planError.stderr).toContain(
      'users/carol@example.com.yaml:3:5: groups.0: group "ghosts" does not exist',
    );
    expect(awsFailure.code).toBe(2);
    expect(awsFailure.stderr).toMatch(/^iam-gitops: /);
  });

  it('refuses plan without a repository to scope by (exit 2)', async () => {
    const result = await cli(['plan'], awsEnv(), roster.root);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--repository OWNER/REPO (or GITHUB_REPOSITORY) is required');
    expect(proxy.requests).toEqual([]);
  });
});
