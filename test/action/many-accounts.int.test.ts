// The built action (dist/index.js) run as the runner runs it, with `accounts:` in iam-gitops.yaml:
// a hub and two member accounts in moto. role-to-assume is the hub role (GitHub OIDC); each
// account is entered by STS AssumeRole into its iam-gitops-plan or iam-gitops-apply role. moto
// honours the chain (keys from AssumeRole into a role of account X act in X) but checks no trust
// policy, so a refusal is injected by a proxy (test/support/fault-proxy.ts) in front of the
// recorder of credentials (test/support/credential-recorder.ts) in front of moto. Each test works
// in fresh accounts; two member accounts keep it cheap (each new account costs about a second).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AttachUserPolicyCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLAN_MARKER } from '../../src/github/pr-comment.js';
import { motoEndpoint, randomAccountId } from '../support/aws.js';
import { type CredentialRecorder, startCredentialRecorder } from '../support/credential-recorder.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { accountIn } from '../support/moto-account.js';
import { makeRosterDir, type RosterDir } from '../support/roster-dir.js';
import { type ActionRun, type RunOptions, runAction, workflowCommands } from '../support/run-action.js';

const READ_ONLY_CALLS = [
  'AssumeRoleWithWebIdentity',
  'AssumeRole',
  'GetAccountAuthorizationDetails',
  'GetPolicy',
  'ListUsers',
  'GetLoginProfile',
];
const ACCESS_DENIED_XML =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
  '<Code>AccessDenied</Code><Message>User: arn:aws:sts::000000000000:assumed-role/iam-gitops-hub-apply/iam-gitops ' +
  'is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>';

let github: FakeGitHub;
let recorder: CredentialRecorder;
let proxy: FaultProxy;
let roster: RosterDir;
let hubId: string;
let alphaId: string;
let betaId: string;
/** Administrators of each member account, acting by hand. */
const admins = new Map<string, IAMClient>();

beforeEach(async () => {
  github = await startFakeGitHub({ repository: 'acme/iam-users' });
  recorder = await startCredentialRecorder(motoEndpoint());
  proxy = await startFaultProxy(recorder.endpoint);
  [hubId, alphaId, betaId] = [randomAccountId(), randomAccountId(), randomAccountId()];
  for (const id of [alphaId, betaId])
    admins.set(id, new IAMClient((await accountIn(motoEndpoint(), id)).clientConfig));
  roster = await makeRosterDir({
    // alice in both accounts; bob (no console) only in alpha; carol (by default) only in beta.
    'alice@example.com.yaml': { name: 'alice@example.com', accounts: ['alpha', 'beta'] },
    'bob.yaml': { name: 'bob', console: false, accounts: ['alpha'] },
    'carol@example.com.yaml': { name: 'carol@example.com' },
  });
  await writeFile(
    join(roster.root, 'iam-gitops.yaml'),
    `accounts:\n  alpha: { id: "${alphaId}" }\n  beta: { id: "${betaId}" }\ndefaultAccounts: [beta]\n`,
  );
});

afterEach(async () => {
  await github.close();
  await proxy.close();
  await recorder.close();
  for (const admin of admins.values()) admin.destroy();
  admins.clear();
  await roster.cleanup();
});

const hubRole = (kind: 'plan' | 'apply') => `arn:aws:iam::${hubId}:role/iam-gitops-hub-${kind}`;
const memberRole = (kind: 'plan' | 'apply', id: string) =>
  `arn:aws:iam::${id}:role/iam-gitops/iam-gitops-${kind}`;

/** Runs the action with the hub role for the event, then checks that no credential leaked. */
async function act(options: Omit<RunOptions, 'workspace'>): Promise<ActionRun> {
  const issuedBefore = recorder.issued.length;
  const assumedBefore = recorder.assumed.length;
  const run = await runAction({
    ...options,
    workspace: roster.root,
    githubToken: github.apiToken,
    inputs: {
      'role-to-assume': hubRole(
        options.event === 'pull_request' || options.event === 'schedule' ? 'plan' : 'apply',
      ),
      ...options.inputs,
    },
    env: {
      AWS_ENDPOINT_URL: proxy.endpoint,
      GITHUB_API_URL: github.apiUrl,
      ACTIONS_ID_TOKEN_REQUEST_URL: github.tokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.tokenRequestToken,
      ...options.env,
    },
  });
  expectNothingLeaked(run, issuedBefore, assumedBefore);
  return run;
}

/**
 * The hub's keys (AssumeRoleWithWebIdentity), every member account's keys (AssumeRole), the OIDC
 * and GitHub tokens: none in anything the run wrote, each of the keys masked before use.
 */
function expectNothingLeaked(run: ActionRun, issuedBefore: number, assumedBefore: number): void {
  const issued = recorder.issued.slice(issuedBefore);
  const assumed = recorder.assumed.slice(assumedBefore);
  const keys = [
    ...issued.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
    ...assumed.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
  ];
  const secrets = [
    ...keys,
    ...issued.map((c) => c.webIdentityToken),
    ...github.issuedIdTokens,
    github.tokenRequestToken,
    github.apiToken,
  ];
  const lines = run.stdout.split('\n');
  const masks = lines.filter((line) => line.startsWith('::add-mask::'));
  const written = [
    ...lines.filter((line) => !line.startsWith('::add-mask::')),
    run.stderr,
    run.files,
    ...github.comments.map((comment) => comment.body),
  ].join('\n');
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(15);
    expect(written).not.toContain(secret);
  }
  expect(masks).toEqual(expect.arrayContaining(keys.map((key) => `::add-mask::${key}`)));
}

/** Each member's calls were signed with the keys STS issued for that member's role, and only those. */
function expectMemberCallsSignedByTheirRole(kind: 'plan' | 'apply'): void {
  const roleOfKey = new Map(recorder.assumed.map((c) => [c.accessKeyId, c.roleArn]));
  const memberCalls = recorder.calls.filter(
    (c) => !['AssumeRole', 'AssumeRoleWithWebIdentity'].includes(c.action),
  );
  expect(memberCalls.length).toBeGreaterThan(0);
  const rolesUsed = new Set(memberCalls.map((call) => roleOfKey.get(call.signedWith ?? '')));
  expect([...rolesUsed].sort()).toEqual([memberRole(kind, alphaId), memberRole(kind, betaId)].sort());
  // AssumeRole itself is signed by the hub session.
  const hubKeys = recorder.issued.map((c) => c.accessKeyId);
  for (const call of recorder.calls.filter((c) => c.action === 'AssumeRole'))
    expect(hubKeys).toContain(call.signedWith);
}

async function usersIn(id: string): Promise<string[]> {
  const { Users } = (await admins.get(id)?.send(new ListUsersCommand({ PathPrefix: '/iam-gitops/' }))) ?? {};
  return (Users ?? []).map((user) => user.UserName ?? '').sort();
}

async function tagsOf(id: string, user: string): Promise<Record<string, string>> {
  const answer = await admins.get(id)?.send(new GetUserCommand({ UserName: user }));
  return Object.fromEntries((answer?.User?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
}

async function applyEverywhere(): Promise<void> {
  const applied = await act({ event: 'push' });
  expect(applied.code).toBe(0);
  recorder.calls.splice(0);
  recorder.assumed.splice(0);
  recorder.issued.splice(0);
}

describe('pull_request, many accounts', () => {
  it('plans each account through its plan role and comments once, with the table and both accounts', async () => {
    const run = await act({ event: 'pull_request' });

    expect(run.code).toBe(0);
    expect(recorder.issued.map((c) => c.roleArn)).toEqual([hubRole('plan')]);
    expect(recorder.assumed.map((c) => c.roleArn).sort()).toEqual(
      [memberRole('plan', alphaId), memberRole('plan', betaId)].sort(),
    );
    expect(new Set(recorder.assumed.map((c) => c.roleSessionName))).toEqual(
      new Set(['iam-gitops-plan-8812345678']),
    );
    expectMemberCallsSignedByTheirRole('plan');
    expect(recorder.calls.map((c) => c.action).filter((action) => !READ_ONLY_CALLS.includes(action))).toEqual(
      [],
    );

    expect(github.comments).toHaveLength(1);
    const body = github.comments[0]?.body ?? '';
    expect(
      body.startsWith(`${PLAN_MARKER}\n## iam-gitops plan for \`acme/iam-users\` at \`/iam-gitops/\``),
    ).toBe(true);
    expect(body).toContain(`| \`alpha\` | ${alphaId} | 2 | 0 | 0 | 0 | ✅ |`);
    expect(body).toContain(`| \`beta\` | ${betaId} | 2 | 0 | 0 | 0 | ✅ |`);
    expect(body).toContain('2 accounts, none failed.');
    expect(body).toMatch(new RegExp(`### Account \`alpha\` \\(${alphaId}\\)\\n\\n\\*\\*2 to create`));
    expect(body).toMatch(/\| ➕ create \| `bob` \|/);
    expect(body).toMatch(/\| ➕ create \| `carol@example\.com` \|/);
    expect(body).not.toContain('### iam-gitops plan for');
    expect(body).toContain('for commit 4b1c2d3');
    expect(run.summary).toContain(`### Account \`beta\` (${betaId})`);
    expect(run.outputs['changes-count']).toBe('7');
    const planJson = JSON.parse(run.files.slice(run.files.indexOf('{\n')));
    expect(planJson).toMatchObject({
      version: 1,
      summary: { accounts: 2, failed: [], creates: 4 },
      accounts: {
        alpha: { accountId: alphaId, outcome: 'ok', summary: { create: 2, changes: 3 } },
        beta: { accountId: betaId, outcome: 'ok', summary: { create: 2, changes: 4 } },
      },
    });
    expect(run.stdout).toMatch(/as the hub: each account is entered through its member role/);
    expect(await usersIn(alphaId)).toEqual([]);
  });
});

describe('push to the default branch, many accounts', () => {
  it('applies the account it can enter, fails the step naming the one it cannot, and a rerun converges', async () => {
    proxy.setRule((request) =>
      request.action === 'AssumeRole' && request.body.includes(betaId)
        ? { kind: 'respond', status: 403, body: ACCESS_DENIED_XML }
        : undefined,
    );

    const refused = await act({ event: 'push' });

    expect(refused.code).toBe(1);
    expect(workflowCommands(refused.stdout, 'error').map((e) => e.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^1 of 2 accounts failed: beta \\(${betaId}\\): the hub role may not assume ${memberRole('apply', betaId)}\\. ` +
            '.*AWS said: AccessDenied: ',
        ),
      ),
    ]);
    expect(await usersIn(alphaId)).toEqual(['alice@example.com', 'bob']);
    expect(await usersIn(betaId)).toEqual([]);
    expect(await tagsOf(alphaId, 'bob')).toMatchObject({ 'iam-gitops:managed-by': 'acme/iam-users' });
    expect(refused.summary).toContain('## iam-gitops apply for `acme/iam-users` at `/iam-gitops/`');
    expect(refused.summary).toMatch(
      new RegExp(`\\| \`beta\` \\| ${betaId} \\| – \\| – \\| – \\| – \\| ❌ failed: `),
    );
    expect(refused.summary).toContain('**1 of 2 accounts failed**: `beta`.');
    expect(refused.summary).toContain('**3 succeeded, 0 failed, 0 skipped**');
    expect(refused.stdout).toMatch(new RegExp(`account alpha \\(${alphaId}\\): apply done in`));

    proxy.setRule(undefined);
    const rerun = await act({ event: 'push' });

    expect(rerun.code).toBe(0);
    expect(await usersIn(alphaId)).toEqual(['alice@example.com', 'bob']);
    expect(await usersIn(betaId)).toEqual(['alice@example.com', 'carol@example.com']);
    expect(rerun.summary).toContain(`| \`alpha\` | ${alphaId} | 0 | 0 | 0 | 0 | ✅ |`);
    expect(rerun.outputs['changes-count']).toBe('4');
  });
});

describe('workflow_dispatch, many accounts', () => {
  beforeEach(applyEverywhere);

  it("re-sends in the one account asked for, through that account's apply role", async () => {
    const run = await act({
      event: 'workflow_dispatch',
      payloadPatch: { inputs: { user: 'alice@example.com', account: 'beta' } },
    });

    expect(run.code).toBe(0);
    expect(recorder.assumed.map((c) => c.roleArn)).toEqual([memberRole('apply', betaId)]);
    expect(recorder.calls.map((c) => c.action)).toEqual([
      'AssumeRoleWithWebIdentity',
      'AssumeRole',
      'GetUser',
      'TagUser',
    ]);
    expect((await tagsOf(betaId, 'alice@example.com'))['iam-gitops:credentials-requested']).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z run 8812345678$/,
    );
    expect(await tagsOf(alphaId, 'alice@example.com')).not.toHaveProperty([
      'iam-gitops:credentials-requested',
    ]);
    expect(run.summary).toContain(
      `### Account \`beta\` (${betaId})\n\nAsked for new sign-in details for \`alice@example.com\``,
    );
  });
});

describe('schedule, many accounts', () => {
  beforeEach(applyEverywhere);

  it('reports drift in the one account changed by hand, and nothing in the other', async () => {
    await admins.get(alphaId)?.send(
      new AttachUserPolicyCommand({
        UserName: 'bob',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );

    const run = await act({ event: 'schedule' });

    expect(run.code).toBe(0);
    expect(run.outputs['drift-count']).toBe('1');
    expect(run.outputs['stale-invites-count']).toBe('0');
    expect(workflowCommands(run.stdout, 'warning').map((w) => w.message)).toEqual([
      '1 drift finding in 1 of 2 accounts (alpha): IAM differs from the roster',
    ]);
    expect(run.summary).toContain('## iam-gitops drift for `acme/iam-users` at `/iam-gitops/`');
    expect(run.summary).toContain(`### Account \`alpha\` (${alphaId})\n\n**1 finding**`);
    expect(run.summary).toMatch(/\| `bob` \| detach `AdministratorAccess` \|/);
    expect(run.summary).toContain(
      `### Account \`beta\` (${betaId})\n\nNo drift: IAM holds exactly what the roster says.`,
    );
    expect(recorder.assumed.map((c) => c.roleArn).sort()).toEqual(
      [memberRole('plan', alphaId), memberRole('plan', betaId)].sort(),
    );
    expect(recorder.calls.map((c) => c.action).filter((action) => !READ_ONLY_CALLS.includes(action))).toEqual(
      [],
    );
  });
});
