// The built action (dist/index.js) run as the runner runs it, for every event it serves: against
// moto (STS + IAM) behind a proxy that records the credentials STS issues, and a local stand-in for
// the GitHub REST API and the runner's OIDC token endpoint. No AWS credentials are in the action's
// environment: everything it does in AWS goes through the role it assumes with the OIDC token.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLAN_MARKER } from '../../src/github/pr-comment.js';
import { motoEndpoint, randomAccountId } from '../support/aws.js';
import { type CredentialRecorder, startCredentialRecorder } from '../support/credential-recorder.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.js';
import { accountIn } from '../support/moto-account.js';
import {
  type ActionRun,
  checkoutWith,
  type RunOptions,
  runAction,
  workflowCommands,
} from '../support/run-action.js';

const ROSTERS = join(import.meta.dirname, '..', 'fixtures', 'rosters', 'github-action');
const REPOSITORY = 'acme/iam-users';
const READ_ONLY_CALLS = [
  'AssumeRoleWithWebIdentity',
  'GetAccountAuthorizationDetails',
  'GetPolicy',
  'ListUsers',
  'GetLoginProfile',
];

let github: FakeGitHub;
let recorder: CredentialRecorder;
let accountId: string;
/** Acts in the role's account as an administrator would, by hand. */
let iam: IAMClient;
const workspaces: string[] = [];

beforeEach(async () => {
  github = await startFakeGitHub({ repository: REPOSITORY });
  recorder = await startCredentialRecorder(motoEndpoint());
  accountId = randomAccountId();
  iam = new IAMClient((await accountIn(motoEndpoint(), accountId)).clientConfig);
  for (const group of ['developers', 'deployers', 'oncall'])
    await iam.send(new CreateGroupCommand({ GroupName: group }));
});

afterEach(async () => {
  await github.close();
  await recorder.close();
  for (const workspace of workspaces.splice(0)) await rm(workspace, { recursive: true, force: true });
});

const roleArn = (name: 'plan' | 'apply') => `arn:aws:iam::${accountId}:role/${name}`;

interface ActOptions extends Omit<RunOptions, 'workspace'> {
  /** Fixture roster folders under rosters/github-action, copied into users/. */
  readonly roster?: readonly string[];
  readonly workspace?: string;
}

/** Runs the action as the example workflow configures it for the event, then checks nothing leaked. */
async function act(options: ActOptions): Promise<ActionRun> {
  const workspace =
    options.workspace ??
    (await checkoutWith(...(options.roster ?? ['base']).map((dir) => join(ROSTERS, dir))));
  workspaces.push(workspace);
  const issuedBefore = recorder.issued.length;
  const run = await runAction({
    ...options,
    workspace,
    githubToken: github.apiToken,
    inputs: {
      'role-to-assume': roleArn(options.event === 'pull_request' ? 'plan' : 'apply'),
      ...options.inputs,
    },
    env: {
      AWS_ENDPOINT_URL: recorder.endpoint,
      GITHUB_API_URL: github.apiUrl,
      ACTIONS_ID_TOKEN_REQUEST_URL: github.tokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.tokenRequestToken,
      ...options.env,
    },
  });
  expectNothingLeaked(run, issuedBefore);
  return run;
}

/**
 * Every secret the run could have seen (the keys STS issued to it, as recorded on the wire; the
 * OIDC tokens; the runtime and API tokens) appears nowhere in what it wrote: log lines, outputs,
 * summary, plan file, comments. Its only trace is the `::add-mask::` command that tells the
 * runner to hide it, which must have been given for each of them.
 */
function expectNothingLeaked(run: ActionRun, issuedBefore: number): void {
  const issued = recorder.issued.slice(issuedBefore);
  const secrets = [
    ...issued.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken, c.webIdentityToken]),
    ...github.issuedIdTokens,
    github.tokenRequestToken,
    github.apiToken,
  ];
  for (const secret of secrets) expect(secret.length).toBeGreaterThan(15);
  const lines = run.stdout.split('\n');
  const masks = lines.filter((line) => line.startsWith('::add-mask::'));
  const written = [
    ...lines.filter((line) => !line.startsWith('::add-mask::')),
    run.stderr,
    run.files,
    ...github.comments.map((comment) => comment.body),
  ].join('\n');
  for (const secret of secrets) expect(written).not.toContain(secret);
  for (const c of issued) {
    expect(masks).toEqual(
      expect.arrayContaining([
        `::add-mask::${c.webIdentityToken}`,
        `::add-mask::${c.accessKeyId}`,
        `::add-mask::${c.secretAccessKey}`,
        `::add-mask::${c.sessionToken}`,
      ]),
    );
  }
}

/** Every AWS call after the role was assumed was signed with the credentials STS issued for it. */
function expectCallsSignedByAssumedRole(): void {
  const [issued] = recorder.issued;
  expect(recorder.issued).toHaveLength(1);
  const later = recorder.calls.filter((call) => call.action !== 'AssumeRoleWithWebIdentity');
  expect(later.length).toBeGreaterThan(0);
  for (const call of later) {
    expect(call.signedWith).toBe(issued?.accessKeyId);
    expect(call.sessionToken).toBe(issued?.sessionToken);
    expect(call.userAgent).toMatch(/iam-gitops\/\d+\.\d+\.\d+/);
  }
}

const actions = () => recorder.calls.map((call) => call.action);

async function tagsOf(userName: string): Promise<Record<string, string>> {
  const answer = await iam.send(new GetUserCommand({ UserName: userName }));
  return Object.fromEntries((answer.User?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
}

/** The state after the merge of the base roster: alice and build-bot exist, managed by the repository. */
async function applyBaseRoster(): Promise<void> {
  const merged = await act({ event: 'push', roster: ['base'] });
  expect(merged.code).toBe(0);
  recorder.calls.splice(0);
  recorder.issued.splice(0);
}

describe('pull_request', () => {
  it('annotates a broken file, comments once, then edits that comment when the file is fixed', async () => {
    const broken = await act({ event: 'pull_request', roster: ['base', 'carol-broken'] });

    expect(broken.code).toBe(1);
    expect(workflowCommands(broken.stdout, 'error').slice(0, 2)).toEqual([
      {
        properties: { title: 'iam-gitops', file: 'users/carol@example.com.yaml', line: '3', col: '1' },
        message: 'group: unknown field (check the spelling)',
      },
      {
        properties: { title: 'iam-gitops', file: 'users/carol@example.com.yaml', line: '5', col: '5' },
        message: expect.stringMatching(/^policies\.0: must be a managed policy ARN/),
      },
    ]);
    expect(github.comments).toHaveLength(1);
    const [comment] = github.comments;
    expect(comment?.issueNumber).toBe(42);
    expect(comment?.body.startsWith(PLAN_MARKER)).toBe(true);
    expect(comment?.body).toContain('users/carol@example.com.yaml:3:1: group: unknown field');
    expect(broken.summary).toContain('2 errors in 1 file');
    // An invalid roster stops before any AWS call, STS included.
    expect(recorder.calls).toEqual([]);

    const fixed = await act({ event: 'pull_request', roster: ['base', 'carol'] });

    expect(fixed.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.id).toBe(comment?.id);
    const body = github.comments[0]?.body ?? '';
    expect(body.startsWith(PLAN_MARKER)).toBe(true);
    expect(body).toContain('### iam-gitops plan for `acme/iam-users` at `/iam-gitops/`');
    expect(body).toMatch(/\| ➕ create \| `carol@example\.com` \|/);
    expect(body).not.toContain('unknown field');
    expect(body).toContain('for commit 4b1c2d3');
    expect(body).toContain('https://github.com/acme/iam-users/actions/runs/8812345678');
    expect(github.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(fixed.summary).toContain('**3 to create, 0 to update, 0 to offboard**');
    expect(fixed.outputs['changes-count']).toBe('10');
    expect(fixed.outputs['plan-markdown']).toContain('`carol@example.com`');
    expect(JSON.parse(fixed.files.slice(fixed.files.indexOf('{\n')))).toMatchObject({ version: 1 });
    // The plan role only reads, with the token GitHub issued for this pull request.
    expect(actions().filter((action) => !READ_ONLY_CALLS.includes(action))).toEqual([]);
    expect(recorder.issued.map((c) => c.roleArn)).toEqual([roleArn('plan')]);
    expect(recorder.issued.map((c) => c.webIdentityToken)).toEqual(github.issuedIdTokens);
  });

  it('cuts a plan too long for one comment, and points at the job summary', async () => {
    const workspace = await checkoutWith(join(ROSTERS, 'base'));
    // 450 new users with 64-character names: a plan of about 90,000 characters.
    for (let i = 0; i < 450; i++) {
      const name = `user${String(i).padStart(3, '0')}-${'x'.repeat(44)}@example.com`;
      await writeFile(
        join(workspace, 'users', `${name}.yaml`),
        JSON.stringify({ name, groups: ['developers'] }),
      );
    }

    const run = await act({ event: 'pull_request', workspace });

    expect(run.code).toBe(0);
    const body = github.comments[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(
      /The plan is too long for a comment: \d+ of \d+ characters are shown\. The whole plan is in the \[job summary\]\(https:\/\/github\.com\/acme\/iam-users\/actions\/runs\/8812345678\)/,
    );
    expect(run.summary.length).toBeGreaterThan(65_536);
    expect(run.summary).toContain(`\`user449-${'x'.repeat(44)}@example.com\``);
  });

  it('validates a pull request from a fork without AWS, and says why in a notice', async () => {
    const fork = {
      event: 'pull_request',
      payloadFile: 'pull_request-fork.json',
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    } as const;
    const notice = {
      properties: { title: 'iam-gitops: validated only' },
      message: expect.stringContaining('comes from a fork, and GitHub gives forks no OIDC token'),
    };

    const broken = await act({ ...fork, roster: ['base', 'carol-broken'] });
    const fixed = await act({ ...fork, roster: ['base', 'carol'] });

    expect(broken.code).toBe(1);
    expect(workflowCommands(broken.stdout, 'notice')).toEqual([notice]);
    expect(workflowCommands(broken.stdout, 'error').map((e) => e.properties.file)).toEqual([
      'users/carol@example.com.yaml',
      'users/carol@example.com.yaml',
      undefined,
    ]);
    expect(fixed.code).toBe(0);
    expect(workflowCommands(fixed.stdout, 'notice')).toEqual([notice]);
    expect(fixed.stdout).toContain('3 users, all valid');
    // No AWS call, and no attempt to comment with the fork's read-only token.
    expect(recorder.calls).toEqual([]);
    expect(github.requests.filter((request) => !request.path.startsWith('/_services/'))).toEqual([]);
  });

  it("names the token's sub when the role's trust policy refuses it", async () => {
    github.setClaims({ sub: 'repo:acme/iam-users:pull_request', repository: REPOSITORY });
    recorder.refuseWebIdentity(true);

    const run = await act({ event: 'pull_request', roster: ['base', 'carol'] });

    expect(run.code).toBe(1);
    const [error] = workflowCommands(run.stdout, 'error');
    expect(error?.message).toContain(`STS refused to let this workflow assume ${roleArn('plan')}`);
    expect(error?.message).toContain('sub "repo:acme/iam-users:pull_request" (aud "sts.amazonaws.com")');
    expect(actions()).toEqual(['AssumeRoleWithWebIdentity']);
  });
});

describe('pull_request_target', () => {
  it('refuses to run, whatever the command, before reading anything or calling AWS or GitHub', async () => {
    for (const command of ['auto', 'validate']) {
      const run = await act({
        event: 'pull_request_target',
        payloadFile: 'pull_request.json',
        inputs: { command },
      });

      expect(run.code).toBe(1);
      expect(workflowCommands(run.stdout, 'error').map((e) => e.message)).toEqual([
        expect.stringMatching(/^iam-gitops does not run on pull_request_target: .* Use `on: pull_request`/),
      ]);
    }
    expect(recorder.calls).toEqual([]);
    expect(github.requests).toEqual([]);
  });
});

describe('iam-gitops.yaml', () => {
  it('annotates an error in the configuration on its line, beside the roster, before any AWS call', async () => {
    const workspace = await checkoutWith(join(ROSTERS, 'base'));
    await writeFile(
      join(workspace, 'iam-gitops.yaml'),
      'guardrails:\n  groups: [developers]\n  policies: []\n  recipientDomains: [Example.com]\n',
    );

    const run = await act({ event: 'pull_request', workspace });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error')).toEqual([
      {
        properties: { title: 'iam-gitops', file: 'iam-gitops.yaml', line: '4', col: '22' },
        message: 'guardrails.recipientDomains.0: must be written in lower case',
      },
      { properties: {}, message: '1 error in 1 file; nothing was read from or changed in IAM' },
    ]);
    expect(github.comments[0]?.body).toContain('iam-gitops.yaml:4:22: guardrails.recipientDomains.0');
    expect(recorder.calls).toEqual([]);
  });

  it('refuses a config input that names a missing file', async () => {
    const run = await act({ event: 'push', inputs: { config: 'iam/iam-gitops.yaml' } });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error')[0]).toEqual({
      properties: { title: 'iam-gitops', file: 'iam/iam-gitops.yaml', line: '1', col: '1' },
      message: 'does not exist',
    });
    expect(recorder.calls).toEqual([]);
  });
});

describe('push to the default branch', () => {
  it("creates the users through the assumed role, in the role's account", async () => {
    const run = await act({ event: 'push', roster: ['base', 'carol'] });

    expect(run.code).toBe(0);
    const users = (await iam.send(new ListUsersCommand({ PathPrefix: '/iam-gitops/' }))).Users ?? [];
    expect(users.map((user) => user.Arn).sort()).toEqual([
      `arn:aws:iam::${accountId}:user/iam-gitops/alice@example.com`,
      `arn:aws:iam::${accountId}:user/iam-gitops/build-bot`,
      `arn:aws:iam::${accountId}:user/iam-gitops/carol@example.com`,
    ]);
    expect(await tagsOf('carol@example.com')).toMatchObject({
      'iam-gitops:managed-by': REPOSITORY,
      team: 'payments',
    });
    expect(recorder.issued.map((c) => c.roleArn)).toEqual([roleArn('apply')]);
    expectCallsSignedByAssumedRole();
    expect(run.stdout).toContain(`AWS credentials: arn:aws:sts::${accountId}:assumed-role/apply/iam-gitops`);
    expect(run.summary).toContain('### iam-gitops apply for `acme/iam-users` at `/iam-gitops/`');
    expect(run.summary).toContain('**10 succeeded, 0 failed, 0 skipped**');
    expect(github.comments).toEqual([]);
  });

  it('fails the step when a change fails, and reports it in the summary', async () => {
    recorder.failAction('AddUserToGroup');

    const run = await act({ event: 'push', roster: ['base'] });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error').map((e) => e.message)).toEqual([
      '2 of 6 changes failed; a rerun retries them',
    ]);
    expect(run.summary).toContain('**4 succeeded, 2 failed, 0 skipped**');
  });

  it('without the id-token permission fails before any AWS call and says what to add', async () => {
    const run = await act({
      event: 'push',
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error').map((e) => e.message)).toEqual([
      expect.stringContaining('give the job `permissions: id-token: write`'),
    ]);
    expect(recorder.calls).toEqual([]);
  });

  it('does only what the command input says when it is set', async () => {
    const run = await act({ event: 'push', inputs: { command: 'validate' } });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('validate (set by the command input)');
    expect(recorder.calls).toEqual([]);
  });
});

describe('credentials from the environment (no role-to-assume)', () => {
  it('uses the credentials an earlier step put in the environment', async () => {
    const config = (await accountIn(motoEndpoint(), accountId)).clientConfig;

    const run = await act({
      event: 'push',
      inputs: { 'role-to-assume': '' },
      env: {
        AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
        AWS_SESSION_TOKEN: config.credentials.sessionToken,
      },
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('AWS credentials: from the environment (role-to-assume is not set)');
    expect(actions()).not.toContain('AssumeRoleWithWebIdentity');
    for (const call of recorder.calls) expect(call.signedWith).toBe(config.credentials.accessKeyId);
    const users = (await iam.send(new ListUsersCommand({ PathPrefix: '/iam-gitops/' }))).Users ?? [];
    expect(users.map((user) => user.UserName).sort()).toEqual(['alice@example.com', 'build-bot']);
  });

  it('without any says what to set, before the first IAM call', async () => {
    const run = await act({
      event: 'push',
      inputs: { 'role-to-assume': '' },
      env: { AWS_EC2_METADATA_DISABLED: 'true' },
    });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error').map((e) => e.message)).toEqual([
      'no AWS credentials: set role-to-assume (and give the job `permissions: id-token: write`), or configure credentials in an earlier step',
    ]);
    expect(recorder.calls).toEqual([]);
  });
});

describe('workflow_dispatch', () => {
  beforeEach(applyBaseRoster);

  it("tags exactly the dispatch's user to ask for new credentials", async () => {
    const run = await act({ event: 'workflow_dispatch' });

    expect(run.code).toBe(0);
    expect((await tagsOf('alice@example.com'))['iam-gitops:credentials-requested']).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z run 8812345678$/,
    );
    expect(await tagsOf('build-bot')).not.toHaveProperty(['iam-gitops:credentials-requested']);
    const tagCalls = recorder.calls.filter((call) => call.action === 'TagUser');
    expect(tagCalls).toHaveLength(1);
    expect(new URLSearchParams(tagCalls[0]?.body).get('UserName')).toBe('alice@example.com');
    // One read of the one user, then the tag: nothing scales with the size of the account.
    expect(actions()).toEqual(['AssumeRoleWithWebIdentity', 'GetUser', 'TagUser']);
    expectCallsSignedByAssumedRole();
    expect(run.summary).toContain('Asked for new sign-in details for `alice@example.com`');
  });

  it('refuses a user the roster does not name, and tags nothing', async () => {
    const run = await act({
      event: 'workflow_dispatch',
      payloadPatch: { inputs: { user: 'nobody@example.com' } },
    });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error').map((e) => e.message)).toEqual([
      '"nobody@example.com" is not in the roster; credentials are re-sent only to users the roster names',
    ]);
    expect(actions()).not.toContain('TagUser');
  });

  it('refuses a user that this repository does not manage, and tags nothing', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'mallory@example.com', Path: '/iam-gitops/' }));

    const run = await act({
      event: 'workflow_dispatch',
      roster: ['base', 'mallory'],
      inputs: { user: 'mallory@example.com' },
    });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error').map((e) => e.message)).toEqual([
      'IAM user "mallory@example.com" is not managed by acme/iam-users; it is not touched',
    ]);
    expect(actions()).not.toContain('TagUser');
    expect(await tagsOf('mallory@example.com')).toEqual({});
  });

  it('refuses a user without console access', async () => {
    const run = await act({ event: 'workflow_dispatch', inputs: { user: 'build-bot' } });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error')[0]?.message).toContain('has console: false');
    expect(actions()).not.toContain('TagUser');
  });
});

describe('schedule', () => {
  beforeEach(applyBaseRoster);

  async function changeByHand(): Promise<void> {
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: 'alice@example.com',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'eve@example.com', Path: '/iam-gitops/' }));
  }

  it('reports changes made by hand in the job summary, without changing anything', async () => {
    await changeByHand();

    const run = await act({ event: 'schedule' });

    expect(run.code).toBe(0);
    expect(run.outputs['drift-count']).toBe('2');
    expect(run.summary).toContain('**2 findings**');
    expect(run.summary).toMatch(/\| `alice@example\.com` \| detach `AdministratorAccess` \|/);
    expect(run.summary).toMatch(/\| `eve@example\.com` \| `\/iam-gitops\/` \| no managed-by tag \|/);
    expect(workflowCommands(run.stdout, 'warning').map((w) => w.message)).toEqual([
      '2 drift findings: IAM differs from the roster',
    ]);
    expect(actions().filter((action) => !READ_ONLY_CALLS.includes(action))).toEqual([]);
  });

  it('fails on drift when fail-on-drift is true', async () => {
    await changeByHand();

    const run = await act({ event: 'schedule', inputs: { 'fail-on-drift': 'true' } });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error').map((e) => e.message)).toEqual([
      '2 drift findings: IAM differs from the roster',
    ]);
  });

  it('reports no drift when IAM matches the roster', async () => {
    const run = await act({ event: 'schedule', inputs: { 'fail-on-drift': 'true' } });

    expect(run.code).toBe(0);
    expect(run.outputs['drift-count']).toBe('0');
    expect(run.summary).toContain('No drift: IAM holds exactly what the roster says.');
    expect(run.outputs['stale-invites-count']).toBe('0');
    expect(run.summary).toContain('No stale invitations');
  });
});

describe('inputs', () => {
  it('refuses a boolean input that is not true or false', async () => {
    const run = await act({ event: 'schedule', inputs: { 'fail-on-drift': 'yes' } });

    expect(run.code).toBe(1);
    expect(workflowCommands(run.stdout, 'error')[0]?.message).toContain('fail-on-drift');
    expect(recorder.calls).toEqual([]);
  });
});
