// The bundled CLI (dist/cli/index.js) as a user runs it, against moto; and the package as a
// roster repository gets it: packed, installed from the tarball into an empty directory, run with npx.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CreateGroupCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshAccount, randomAccountId, type TestAccount } from '../support/aws.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { accountIn } from '../support/moto-account.js';
import { makeRosterDir, type RosterDir } from '../support/roster-dir.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'index.js');
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

  it('runs every command the action has: drift, resend and invites after an apply', async () => {
    const env = { ...awsEnv(), GITHUB_REPOSITORY: 'acme/iam-users' };
    expect((await cli(['apply'], env, roster.root)).code).toBe(0);

    const drift = await cli(['drift', '--fail-on-drift'], env, roster.root);
    const resend = await cli(['resend', 'alice@example.com'], { ...env, GITHUB_RUN_ID: '31' }, roster.root);
    const invites = await cli(['invites'], env, roster.root);

    expect(drift).toMatchObject({ code: 0, stderr: '' });
    expect(drift.stdout).toContain('No drift: IAM holds exactly what the roster says.');
    expect(resend.code).toBe(0);
    expect(resend.stdout).toMatch(/^Asked for new sign-in details for alice@example\.com: tagged/);
    const alice = await new IAMClient(account.clientConfig).send(
      new GetUserCommand({ UserName: 'alice@example.com' }),
    );
    expect(alice.User?.Tags?.find((tag) => tag.Key === 'iam-gitops:credentials-requested')?.Value).toMatch(
      / run 31$/,
    );
    expect(invites.code).toBe(0);
    expect(invites.stdout).toContain('No stale invitations');
  });

  it('refuses plan without a repository to scope by (exit 2)', async () => {
    const result = await cli(['plan'], awsEnv(), roster.root);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--repository OWNER/REPO (or GITHUB_REPOSITORY) is required');
    expect(proxy.requests).toEqual([]);
  });
});

describe('iam-gitops across accounts', () => {
  const ACCESS_DENIED_XML =
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
    '<Code>AccessDenied</Code><Message>not authorized to perform: sts:AssumeRole</Message></Error>' +
    '<RequestId>fault-proxy</RequestId></ErrorResponse>';

  it("plans, applies and re-sends in each account from the hub's credentials, one account's failure isolated", async () => {
    // The environment's credentials (the test's fresh account) are the hub's; two member accounts.
    const [alpha, beta] = [randomAccountId(), randomAccountId()];
    const admins = await Promise.all(
      [alpha, beta].map(async (id) => new IAMClient((await accountIn(account.endpoint, id)).clientConfig)),
    );
    for (const admin of admins) await admin.send(new CreateGroupCommand({ GroupName: 'developers' }));
    await writeFile(
      join(roster.root, 'iam-gitops.yaml'),
      `accounts:\n  alpha: { id: "${alpha}" }\n  beta: { id: "${beta}" }\ndefaultAccounts: [alpha, beta]\n`,
    );
    const env = { ...awsEnv(), GITHUB_REPOSITORY: 'acme/iam-users', GITHUB_RUN_ID: '41' };
    const usersIn = async (admin: IAMClient | undefined) =>
      ((await admin?.send(new ListUsersCommand({ PathPrefix: '/iam-gitops/' })))?.Users ?? [])
        .map((u) => u.UserName)
        .sort();

    const planned = await cli(['plan', '--json', '--max-parallel-accounts', '1'], env, roster.root);

    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout)).toMatchObject({
      summary: { accounts: 2, failed: [], creates: 4, errors: 0 },
      accounts: { alpha: { accountId: alpha, outcome: 'ok' }, beta: { accountId: beta, outcome: 'ok' } },
    });
    expect(
      proxy.requests
        .filter((r) => r.action === 'AssumeRole')
        .map((r) => new URLSearchParams(r.body).get('RoleArn')),
    ).toEqual([
      `arn:aws:iam::${alpha}:role/iam-gitops/iam-gitops-plan`,
      `arn:aws:iam::${beta}:role/iam-gitops/iam-gitops-plan`,
    ]);

    proxy.setRule((request) =>
      request.action === 'AssumeRole' && request.body.includes(beta)
        ? { kind: 'respond', status: 403, body: ACCESS_DENIED_XML }
        : undefined,
    );
    const refused = await cli(['apply'], env, roster.root);
    proxy.setRule(undefined);
    const rerun = await cli(['apply'], env, roster.root);
    const resend = await cli(['resend', 'alice@example.com', '--account', 'beta'], env, roster.root);

    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^1 of 2 accounts failed: beta \\(${beta}\\): the hub role may not assume`),
    );
    expect(refused.stderr).toContain('[alpha] done         alice@example.com: create at /iam-gitops/');
    expect(refused.stdout).toContain('## iam-gitops apply for `acme/iam-users` at `/iam-gitops/`');
    expect(rerun.code).toBe(0);
    expect(await usersIn(admins[0])).toEqual(['alice@example.com', 'build-bot']);
    expect(await usersIn(admins[1])).toEqual(['alice@example.com', 'build-bot']);
    expect(resend.code).toBe(0);
    const tagOf = async (admin: IAMClient | undefined) =>
      (await admin?.send(new GetUserCommand({ UserName: 'alice@example.com' })))?.User?.Tags?.find(
        (tag) => tag.Key === 'iam-gitops:credentials-requested',
      )?.Value;
    expect(await tagOf(admins[1])).toMatch(/ run 41$/);
    expect(await tagOf(admins[0])).toBeUndefined();
    for (const output of [planned, refused, rerun, resend]) {
      expect(output.stdout + output.stderr).not.toContain(account.credentials.secretAccessKey);
    }
    for (const admin of admins) admin.destroy();
  });
});

describe('the package as a roster repository installs it', () => {
  let scratch: string;
  let project: string;
  let tarball: { filename: string; files: { path: string }[] };
  /** npm and npx on the Node that runs the tests, with a cache of their own, never the registry. */
  let npmEnv: Record<string, string>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'iam-gitops-package-'));
    project = join(scratch, 'roster-repository');
    await mkdir(join(project, 'users'), { recursive: true });
    npmEnv = {
      PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
      HOME: scratch,
      npm_config_cache: join(scratch, 'npm-cache'),
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      // The run's temp directory (test/support/temp-dir-guard.ts), where npm keeps Node's compile cache.
      TMPDIR: tmpdir(),
    };
    const packed = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
      cwd: ROOT,
      env: npmEnv,
    });
    const [described] = JSON.parse(packed.stdout) as (typeof tarball)[];
    if (described === undefined) throw new Error(`npm pack described no tarball: ${packed.stdout}`);
    tarball = described;
    await run('npm', ['install', join(scratch, tarball.filename)], { cwd: project, env: npmEnv });
  }, 120_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function npx(args: string[]): Promise<CliRun> {
    try {
      const { stdout, stderr } = await run('npx', ['iam-gitops', ...args], { cwd: project, env: npmEnv });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('holds the bin and its bundle, the schemas, README, LICENSE and the bundled licences, nothing else', () => {
    const paths = tarball.files.map((file) => file.path);

    expect(paths.filter((path) => !path.startsWith('dist/cli/')).sort()).toEqual([
      'LICENSE',
      'README.md',
      'package.json',
      'schema/config.schema.json',
      'schema/user.schema.json',
    ]);
    expect(paths).toContain('dist/cli/index.js');
    // The licences of what the CLI bundle holds travel beside it.
    expect(paths).toContain('dist/cli/licenses.txt');
  });

  it('installs with no dependency of its own: the bundle is self-contained', async () => {
    expect(await readdir(join(project, 'node_modules'))).toEqual([
      '.bin',
      '.package-lock.json',
      'iam-gitops',
    ]);
  });

  it('answers npx iam-gitops --help', async () => {
    const help = await npx(['--help']);

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^iam-gitops \d+\.\d+\.\d+: GitOps for AWS IAM users\n\nUsage: iam-gitops /);
  });

  it('validates a roster with npx iam-gitops validate', async () => {
    await writeFile(join(project, 'users', 'alice@example.com.yaml'), 'name: alice@example.com\n');
    await writeFile(join(project, 'users', 'bob.yaml'), 'name: bob\n');

    const broken = await npx(['validate']);
    await writeFile(join(project, 'users', 'bob.yaml'), 'name: bob\nconsole: false\n');
    const fixed = await npx(['validate']);

    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('users/bob.yaml:1:7: email: console access needs an email address');
    expect(fixed).toMatchObject({ code: 0, stdout: 'users: 2 users, all valid\n' });
  });

  it('says which Node it needs on an older one, before loading anything else', async () => {
    // The machine's Node is new enough: the installed bin is run with process.versions.node set
    // to an older release before the bundle starts, as on a machine with Node 20.
    const olderNode = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.11.1"})';
    const bin = join(project, 'node_modules', '.bin', 'iam-gitops');

    const result = await run(process.execPath, [`--import=${olderNode}`, bin, '--help'], {
      cwd: project,
      env: npmEnv,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);

    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'iam-gitops needs Node.js 22 or newer; this is Node.js 20.11.1. Install Node.js 22 or later (https://nodejs.org/en/download, or nvm install 22) and run it again.\n',
    });
  });
});
