// The core against a real AWS API emulator (moto): roster -> snapshot -> plan -> apply.

import { join } from 'node:path';
import {
  CreateGroupCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePlan, validateRoster } from '../../src/commands/make-plan.js';
import type { CoreSettings } from '../../src/commands/settings.js';
import { loadRepoConfig, parseRepoConfig } from '../../src/config/load-repo-config.js';
import { CHANGE_PASSWORD_POLICY_ARN, TAG_CONSOLE, TAG_EMAIL, TAG_MANAGED_BY } from '../../src/contract.js';
import { applyPlan, PlanHasErrors } from '../../src/iam/apply-plan.js';
import { userAgent } from '../../src/iam/iam-client.js';
import { changeCount, type Plan } from '../../src/plan/plan.js';
import { planToJson } from '../../src/plan/render-json.js';
import { renderPlanMarkdown } from '../../src/plan/render-markdown.js';
import { rosterForAccount } from '../../src/roster/accounts.js';
import { freshAccount, type TestAccount } from '../support/aws.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { makeRosterDir, type RosterDir } from '../support/roster-dir.js';

const REPOSITORY = 'acme/iam-users';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

const alice = {
  name: 'alice@example.com',
  groups: ['developers'],
  policies: [READ_ONLY],
  tags: { team: 'platform' },
};
const bob = { name: 'bob@example.com', groups: ['developers', 'oncall'], tags: { team: 'payments' } };
const deployer = { name: 'ci-deployer', console: false, groups: ['deployers'] };

let account: TestAccount;
let iam: IAMClient;
let roster: RosterDir;

function settings(): CoreSettings {
  return {
    usersDir: roster.usersDir,
    displayDir: 'users',
    iamPath: '/iam-gitops/',
    repository: REPOSITORY,
    emailDomain: undefined,
  };
}

async function plan(client: IAMClient = iam): Promise<Plan> {
  const validated = await validateRoster(settings());
  if (validated.kind !== 'valid') throw new Error(`roster invalid: ${JSON.stringify(validated.issues)}`);
  return (await makePlan(validated, settings(), client)).plan;
}

async function tagsOf(userName: string): Promise<Record<string, string>> {
  const user = await iam.send(new GetUserCommand({ UserName: userName }));
  return Object.fromEntries((user.User?.Tags ?? []).map((t) => [t.Key, t.Value]));
}

async function groupsOf(userName: string): Promise<string[]> {
  const answer = await iam.send(new ListGroupsForUserCommand({ UserName: userName }));
  return (answer.Groups ?? []).map((g) => g.GroupName ?? '').sort();
}

async function policiesOf(userName: string): Promise<string[]> {
  const answer = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
  return (answer.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '').sort();
}

beforeEach(async () => {
  account = await freshAccount();
  iam = new IAMClient(account.clientConfig);
  for (const group of ['developers', 'oncall', 'deployers']) {
    await iam.send(new CreateGroupCommand({ GroupName: group }));
  }
  roster = await makeRosterDir({
    'alice@example.com.yaml': alice,
    'bob@example.com.yaml': bob,
    'ci-deployer.yaml': deployer,
  });
});

afterEach(async () => {
  await roster.cleanup();
});

describe('apply', () => {
  it('creates users with path, tags, groups and managed policies, then plans nothing', async () => {
    const first = await plan();
    expect(first.users.map((u) => [u.user, u.action])).toEqual([
      ['alice@example.com', 'create'],
      ['bob@example.com', 'create'],
      ['ci-deployer', 'create'],
    ]);

    const result = await applyPlan(iam, first);

    expect(result).toMatchObject({ failed: 0, skipped: 0, succeeded: changeCount(first) });
    const alicesUser = await iam.send(new GetUserCommand({ UserName: 'alice@example.com' }));
    expect(alicesUser.User?.Path).toBe('/iam-gitops/');
    expect(await tagsOf('alice@example.com')).toEqual({
      team: 'platform',
      [TAG_MANAGED_BY]: REPOSITORY,
      [TAG_CONSOLE]: 'true',
      [TAG_EMAIL]: 'alice@example.com',
    });
    expect(await groupsOf('bob@example.com')).toEqual(['developers', 'oncall']);
    expect(await policiesOf('alice@example.com')).toEqual([CHANGE_PASSWORD_POLICY_ARN, READ_ONLY].sort());
    expect(await policiesOf('ci-deployer')).toEqual([]);
    expect(await tagsOf('ci-deployer')).toEqual({ [TAG_MANAGED_BY]: REPOSITORY, [TAG_CONSOLE]: 'false' });

    const second = await plan();
    expect(changeCount(second)).toBe(0);
    expect(second.unchanged).toEqual(['alice@example.com', 'bob@example.com', 'ci-deployer']);
  });

  it('changes only the user whose file was edited', async () => {
    await applyPlan(iam, await plan());
    await roster.write({
      'bob@example.com.yaml': { ...bob, groups: ['oncall'], policies: [READ_ONLY], tags: { team: 'risk' } },
    });

    const edited = await plan();

    expect(edited.users.map((u) => u.user)).toEqual(['bob@example.com']);
    expect(edited.users[0]?.changes.map((c) => c.kind)).toEqual([
      'attach-policy',
      'remove-from-group',
      'tag-user',
    ]);
    await applyPlan(iam, edited);
    expect(await groupsOf('bob@example.com')).toEqual(['oncall']);
    expect(await groupsOf('alice@example.com')).toEqual(['developers']);
    expect((await tagsOf('bob@example.com')).team).toBe('risk');
    expect(changeCount(await plan())).toBe(0);
  });

  it('never touches users outside the path, without the managed-by tag, or managed by another repository', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'root-admin', Path: '/' }));
    await iam.send(new CreateUserCommand({ UserName: 'hand-made', Path: '/iam-gitops/' }));
    await iam.send(
      new CreateUserCommand({
        UserName: 'other-team',
        Path: '/iam-gitops/',
        Tags: [{ Key: TAG_MANAGED_BY, Value: 'acme/other-repo' }],
      }),
    );
    await iam.send(new TagUserCommand({ UserName: 'root-admin', Tags: [{ Key: 'team', Value: 'sec' }] }));

    const planned = await plan();
    await applyPlan(iam, planned);

    expect(planned.users.map((u) => u.user)).not.toContain('root-admin');
    expect(planned.offboard).toEqual([]);
    expect(planned.unmanaged).toEqual([
      { user: 'hand-made', path: '/iam-gitops/', managedBy: undefined },
      { user: 'other-team', path: '/iam-gitops/', managedBy: 'acme/other-repo' },
    ]);
    expect(await tagsOf('root-admin')).toEqual({ team: 'sec' });
    expect(await tagsOf('hand-made')).toEqual({});
    expect(await tagsOf('other-team')).toEqual({ [TAG_MANAGED_BY]: 'acme/other-repo' });
  });

  it('plans to offboard a managed user whose file is gone, and planning alone does not touch it', async () => {
    await applyPlan(iam, await plan());
    await roster.remove('bob@example.com.yaml');

    const planned = await plan();

    expect(planned.offboard.map((u) => u.user)).toEqual(['bob@example.com']);
    // One offboarding (see test/integration/offboarding.int.test.ts for what apply does).
    expect(changeCount(planned)).toBe(1);
    expect(await groupsOf('bob@example.com')).toEqual(['developers', 'oncall']);
  });

  it('refuses a plan that names a missing group, and changes nothing', async () => {
    await roster.write({
      'carol@example.com.yaml': { name: 'carol@example.com', groups: ['no-such-group'] },
    });

    const planned = await plan();

    expect(planned.errors).toEqual([
      expect.objectContaining({
        file: 'users/carol@example.com.yaml',
        field: 'groups.0',
        line: 3,
        message: expect.stringContaining('"no-such-group" does not exist'),
      }),
    ]);
    await expect(applyPlan(iam, planned)).rejects.toBeInstanceOf(PlanHasErrors);
    const users = await iam.send(new ListUsersCommand({}));
    expect(users.Users ?? []).toEqual([]);
  });
});

describe('apply under faults', () => {
  let proxy: FaultProxy;
  beforeEach(async () => {
    proxy = await startFaultProxy(account.endpoint);
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('reports a throttled change and its skipped followers, and a rerun converges', async () => {
    const faulty = new IAMClient({ ...account.clientConfig, endpoint: proxy.endpoint });
    proxy.setRule((request) =>
      request.action === 'AddUserToGroup' && request.body.includes('bob%40example.com')
        ? { kind: 'throttle' }
        : undefined,
    );

    const result = await applyPlan(faulty, await plan(faulty));

    const failed = result.outcomes.filter((o) => o.status === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({
        status: 'failed',
        code: expect.stringMatching(/^Throttling/),
        change: expect.objectContaining({ user: 'bob@example.com' }),
      }),
    ]);
    expect(result.skipped).toBe(1);
    expect(await groupsOf('alice@example.com')).toEqual(['developers']);

    proxy.setRule(undefined);
    const rerun = await plan(faulty);
    expect(rerun.users.map((u) => [u.user, u.changes.map((c) => c.kind)])).toEqual([
      ['bob@example.com', ['add-to-group', 'add-to-group']],
    ]);
    const second = await applyPlan(faulty, rerun);
    expect(second.failed).toBe(0);
    expect(changeCount(await plan(faulty))).toBe(0);
  });

  it('converges in one run when a CreateUser answer is lost and the SDK retries it', async () => {
    const retrying = new IAMClient({ ...account.clientConfig, endpoint: proxy.endpoint, maxAttempts: 3 });
    proxy.setRule((request, seen) =>
      request.action === 'CreateUser' && request.body.includes('alice') && seen === 1
        ? { kind: 'drop-after-forward' }
        : request.action === 'CreateUser' && seen === 1
          ? { kind: 'server-error' }
          : undefined,
    );

    const result = await applyPlan(retrying, await plan(retrying), { concurrency: 1 });

    expect(result.failed).toBe(0);
    expect(
      result.outcomes.find((o) => o.change.kind === 'create-user' && o.change.user === 'alice@example.com')
        ?.status,
    ).toBe('already-done');
    expect(changeCount(await plan(retrying))).toBe(0);
  });

  it('names the project and version in every request user agent', async () => {
    const proxied = new IAMClient({
      ...account.clientConfig,
      endpoint: proxy.endpoint,
      customUserAgent: userAgent('test'),
    });

    await plan(proxied);

    expect(proxy.requests.length).toBeGreaterThan(0);
    for (const request of proxy.requests) expect(request.userAgent).toMatch(/iam-gitops\/\d+\.\d+\.\d+/);
  });
});

describe('iam-gitops.yaml', () => {
  it("plans and applies the roster under the repository's own example guardrails, then plans nothing", async () => {
    const loaded = await loadRepoConfig({
      path: join(import.meta.dirname, '..', '..', 'iam-gitops.yaml'),
      displayPath: 'iam-gitops.yaml',
      required: true,
    });
    if (!loaded.ok) throw new Error('the example iam-gitops.yaml must load');
    const validated = await validateRoster(settings(), loaded.config, loaded.source);
    if (validated.kind !== 'valid') throw new Error(JSON.stringify(validated.issues));

    const first = await makePlan(validated, settings(), iam);
    const result = await applyPlan(iam, first.plan);
    const second = await makePlan(validated, settings(), iam);

    expect(first.plan.errors).toEqual([]);
    expect(result).toMatchObject({ failed: 0, succeeded: changeCount(first.plan) });
    expect(changeCount(second.plan)).toBe(0);
    expect(second.plan.warnings).toEqual([]);
  });

  it("shows a '*' guardrail as a warning in the plan's Markdown and JSON, and still applies", async () => {
    const loaded = parseRepoConfig(
      'iam-gitops.yaml',
      "guardrails:\n  groups: ['*']\n  policies:\n    - arn:aws:iam::aws:policy/ReadOnlyAccess\n",
    );
    if (!loaded.ok) throw new Error('the configuration must parse');
    const validated = await validateRoster(settings(), loaded.config, loaded.source);
    if (validated.kind !== 'valid') throw new Error(JSON.stringify(validated.issues));

    const { plan: planned } = await makePlan(validated, settings(), iam);
    const result = await applyPlan(iam, planned);

    expect(renderPlanMarkdown(planned)).toContain(
      "> [!WARNING]\n> **Guardrails opted out**: this roster may grant more than a list allows (1 warning).\n>\n> - `iam-gitops.yaml:2:12: guardrails.groups: '*' allows any IAM group",
    );
    expect(planToJson(planned).warnings).toEqual([
      expect.objectContaining({ file: 'iam-gitops.yaml', field: 'guardrails.groups', line: 2, column: 12 }),
    ]);
    expect(result.failed).toBe(0);
  });

  it("plans one account's users only, with the roster of that account", async () => {
    const loaded = parseRepoConfig(
      'iam-gitops.yaml',
      'accounts:\n  prod: { id: "111111111111" }\n  dev: { id: "222222222222" }\ndefaultAccounts: [dev]\n',
    );
    if (!loaded.ok) throw new Error('the configuration must parse');
    await roster.write({ 'bob@example.com.yaml': { ...bob, accounts: ['prod'] } });
    const validated = await validateRoster(settings(), loaded.config, loaded.source);
    if (validated.kind !== 'valid') throw new Error(JSON.stringify(validated.issues));

    const dev = { ...validated, roster: rosterForAccount(validated.roster, validated.config, 'dev') };
    const { plan: planned } = await makePlan(dev, settings(), iam);

    expect(planned.users.map((user) => [user.user, user.action])).toEqual([
      ['alice@example.com', 'create'],
      ['ci-deployer', 'create'],
    ]);
  });
});
