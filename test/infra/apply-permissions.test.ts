// The apply and plan roles' synthesized policies, decided by the IAM simulator for the calls the
// core makes (src/iam/execute-change.ts, src/iam/offboard-user.ts, src/commands/resend.ts) with
// the request context IAM builds for each. The guarantees of the guardrails, each beside its
// positive control, are the table in iam-gitops-stack.test.ts; here: every call the core makes is
// allowed on this repository's users and on no one else, and each option changes what it says.
import { describe, expect, it } from 'vitest';
import {
  APPLY_MANAGED_USER_ACTIONS,
  CORE_EXTRA_READS,
  NEVER_GRANTED,
  PLAN_READ_ACTIONS,
  TAGGED_USER_WRITES,
} from '../../infra/lib/apply-permissions.js';
import {
  APPLY_USER_ACTIONS,
  CHANGE_PASSWORD_POLICY_ARN,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { type Decision, decideIdentity } from './support/iam-simulator.js';
import { type ConfigFixture, logicalId, SYNTH_TIMEOUT, synth, type TestContext } from './support/synth.js';
import { rolePolicies, TEST_ENVIRONMENT } from './support/template-policies.js';

const ACCOUNT = TEST_ENVIRONMENT.accountId;
const REPOSITORY = 'example-org/iam-users';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/iam-gitops-boundary`;
const user = (path: string) => `arn:aws:iam::${ACCOUNT}:user${path}alice@example.com`;
const MANAGED = user('/iam-gitops/');
/** Outside the managed path: the root path, another path, a path that only starts alike, a parent. */
const OUTSIDE = [user('/'), user('/engineering/'), user('/iam-gitops-other/'), user('/iam/')];

type Context = Record<string, string | string[]>;

/** What IAM puts in the request context for a call that sets tags (CreateUser with Tags, TagUser). */
function tagContext(tags: Record<string, string>): Context {
  const context: Context = { 'aws:TagKeys': Object.keys(tags) };
  for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
  return context;
}

/** An existing user's tags, as IAM exposes them to the policy (aws:ResourceTag/...). */
const ownedBy = (repository: string): Context => ({ [`aws:ResourceTag/${TAG_MANAGED_BY}`]: repository });

const ACTION_TAGS = {
  [TAG_MANAGED_BY]: REPOSITORY,
  [TAG_CONSOLE]: 'true',
  [TAG_EMAIL]: 'alice@example.com',
  team: 'platform',
};

interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Context;
}

interface Call {
  readonly name: string;
  /** The requests IAM authorizes for the call on `target` (CreateUser with tags needs TagUser too). */
  readonly requests: (target: string) => Request[];
}

const onUser = (action: string, context: Context = {}): Call => ({
  name: action,
  requests: (target) => [{ action, resource: target, context: { ...ownedBy(REPOSITORY), ...context } }],
});

/** Every call the core's apply makes on a user, with its request context, under the guarded fixture. */
const USER_CALLS: Call[] = [
  {
    name: 'iam:CreateUser (with tags and the boundary)',
    requests: (target) => [
      {
        action: 'iam:CreateUser',
        resource: target,
        context: { ...tagContext(ACTION_TAGS), 'iam:PermissionsBoundary': BOUNDARY },
      },
      // The tags of a new user are authorized as TagUser on it; it has no tags of its own yet.
      { action: 'iam:TagUser', resource: target, context: tagContext(ACTION_TAGS) },
    ],
  },
  onUser('iam:GetUser'),
  onUser('iam:TagUser', tagContext({ [TAG_EMAIL]: 'alice@corp.example.org' })),
  {
    ...onUser('iam:TagUser', tagContext({ [TAG_CREDENTIALS_REQUESTED]: '2025-03-10T14:22:02Z run 1' })),
    name: 'iam:TagUser (resend)',
  },
  onUser('iam:UntagUser', { 'aws:TagKeys': ['team'] }),
  onUser('iam:AttachUserPolicy', { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
  onUser('iam:AttachUserPolicy', { 'iam:PolicyARN': CHANGE_PASSWORD_POLICY_ARN }),
  onUser('iam:DetachUserPolicy', { 'iam:PolicyARN': CHANGE_PASSWORD_POLICY_ARN }),
  onUser('iam:PutUserPermissionsBoundary', { 'iam:PermissionsBoundary': BOUNDARY }),
  ...APPLY_USER_ACTIONS.offboarding.map((action) => onUser(action)),
];

const actionsOf = (calls: Call[]) =>
  new Set(calls.flatMap((call) => call.requests(MANAGED).map((r) => r.action)));

function applyRole(context: TestContext = {}, config: ConfigFixture = 'guarded') {
  const { template } = synth(context, { config });
  const policies = rolePolicies(template, logicalId(template, 'AWS::IAM::Role', 'GitHubApplyRole'));
  return (request: Request): Promise<Decision> => decideIdentity(policies, request);
}

function planRole() {
  const { template } = synth();
  const policies = rolePolicies(template, logicalId(template, 'AWS::IAM::Role', 'GitHubPlanRole'));
  return (request: Request): Promise<Decision> => decideIdentity(policies, request);
}

describe('applyStatements (simulated)', { timeout: SYNTH_TIMEOUT }, () => {
  const decide = applyRole();

  it('is checked for every user action the contract grants, and never for the boundary removal', () => {
    expect(actionsOf(USER_CALLS)).toEqual(
      new Set(
        [...APPLY_USER_ACTIONS.core, ...APPLY_USER_ACTIONS.offboarding, ...CORE_EXTRA_READS.user].filter(
          (action) => !(NEVER_GRANTED as readonly string[]).includes(action),
        ),
      ),
    );
  });

  describe.each(USER_CALLS)('$name', (call) => {
    it('is allowed on a user of this repository under the path', async () => {
      for (const request of call.requests(MANAGED))
        expect(await decide(request), request.action).toBe('Allowed');
    });

    it.each(OUTSIDE)('is denied on %s', async (target) => {
      const decisions = await Promise.all(call.requests(target).map(decide));
      expect(decisions.some((decision) => decision !== 'Allowed')).toBe(true);
    });
  });

  it('requires the managed-by tag of this repository on every write to an existing user', async () => {
    for (const action of TAGGED_USER_WRITES) {
      const context = ['iam:AttachUserPolicy', 'iam:DetachUserPolicy'].includes(action)
        ? { 'iam:PolicyARN': CHANGE_PASSWORD_POLICY_ARN }
        : {};
      expect(await decide({ action, resource: MANAGED, context }), `${action} untagged`).toBe(
        'ExplicitlyDenied',
      );
      expect(
        await decide({
          action,
          resource: MANAGED,
          context: { ...context, ...ownedBy('someone-else/roster') },
        }),
        `${action} foreign`,
      ).toBe('ExplicitlyDenied');
    }
    expect(TAGGED_USER_WRITES).toContain('iam:DeleteUser');
    expect(TAGGED_USER_WRITES).not.toContain('iam:TagUser');
  });

  it('joins and leaves only the listed groups, at any path', async () => {
    for (const action of APPLY_USER_ACTIONS.groupMembership) {
      expect(await decide({ action, resource: `arn:aws:iam::${ACCOUNT}:group/developers` })).toBe('Allowed');
      expect(await decide({ action, resource: `arn:aws:iam::${ACCOUNT}:group/teams/oncall` })).toBe(
        'Allowed',
      );
      expect(await decide({ action, resource: `arn:aws:iam::${ACCOUNT}:group/Administrators` })).toBe(
        'ExplicitlyDenied',
      );
      // A name that only ends like a listed one is another group.
      expect(await decide({ action, resource: `arn:aws:iam::${ACCOUNT}:group/olddevelopers` })).toBe(
        'ExplicitlyDenied',
      );
    }
  });

  it('deletes virtual MFA devices of the account (they cannot be deleted while assigned)', async () => {
    expect(
      await decide({ action: 'iam:DeleteVirtualMFADevice', resource: `arn:aws:iam::${ACCOUNT}:mfa/alice` }),
    ).toBe('Allowed');
  });

  it('reads the snapshot, the policies a roster names, and the user listing of stale invitations', async () => {
    expect(await decide({ action: 'iam:GetAccountAuthorizationDetails', resource: '*' })).toBe('Allowed');
    expect(await decide({ action: 'iam:ListUsers', resource: '*' })).toBe('Allowed');
    expect(
      await decide({ action: 'iam:GetPolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    ).toBe('Allowed');
  });

  it('may not give anyone keys, passwords, inline policies or a new path', async () => {
    for (const action of [
      'iam:CreateAccessKey',
      'iam:CreateLoginProfile',
      'iam:UpdateLoginProfile',
      'iam:PutUserPolicy',
      'iam:UpdateUser',
    ]) {
      expect(await decide({ action, resource: MANAGED, context: ownedBy(REPOSITORY) }), action).toBe(
        'ImplicitlyDenied',
      );
    }
    for (const action of ['iam:CreateRole', 'iam:PassRole']) {
      expect(await decide({ action, resource: `arn:aws:iam::${ACCOUNT}:role/admin` }), action).toBe(
        'ImplicitlyDenied',
      );
    }
  });
});

describe('applyStatements with the opt-outs (groups and policies "*", no boundary, any recipient)', {
  timeout: SYNTH_TIMEOUT,
}, () => {
  const decide = applyRole({ groupPath: '/iam-gitops/' }, 'open');

  it('attaches any policy, and creates users without a boundary', async () => {
    expect(
      await decide({
        action: 'iam:AttachUserPolicy',
        resource: MANAGED,
        context: { ...ownedBy(REPOSITORY), 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
      }),
    ).toBe('Allowed');
    expect(
      await decide({ action: 'iam:CreateUser', resource: MANAGED, context: tagContext(ACTION_TAGS) }),
    ).toBe('Allowed');
  });

  it('joins any group under groupPath, and no other', async () => {
    for (const action of APPLY_USER_ACTIONS.groupMembership) {
      expect(await decide({ action, resource: `arn:aws:iam::${ACCOUNT}:group/iam-gitops/developers` })).toBe(
        'Allowed',
      );
      expect(await decide({ action, resource: `arn:aws:iam::${ACCOUNT}:group/Administrators` })).toBe(
        'ImplicitlyDenied',
      );
    }
  });

  it('tags any email, and still never removes a boundary', async () => {
    expect(
      await decide({
        action: 'iam:TagUser',
        resource: MANAGED,
        context: { ...ownedBy(REPOSITORY), ...tagContext({ [TAG_EMAIL]: 'alice@elsewhere.test' }) },
      }),
    ).toBe('Allowed');
    expect(
      await decide({
        action: 'iam:DeleteUserPermissionsBoundary',
        resource: MANAGED,
        context: ownedBy(REPOSITORY),
      }),
    ).toBe('ExplicitlyDenied');
  });
});

describe('applyStatements with the boundary given as an ARN', { timeout: SYNTH_TIMEOUT }, () => {
  const decide = applyRole({}, 'boundary-arn');
  const pathBoundary = 'arn:aws:iam::111122223333:policy/boundaries/people';

  it('requires exactly that ARN on CreateUser', async () => {
    const tags = tagContext(ACTION_TAGS);
    expect(
      await decide({
        action: 'iam:CreateUser',
        resource: MANAGED,
        context: { ...tags, 'iam:PermissionsBoundary': pathBoundary },
      }),
    ).toBe('Allowed');
    expect(
      await decide({
        action: 'iam:CreateUser',
        resource: MANAGED,
        context: { ...tags, 'iam:PermissionsBoundary': BOUNDARY },
      }),
    ).toBe('ExplicitlyDenied');
  });
});

describe('adoption (iam:UpdateUser)', { timeout: SYNTH_TIMEOUT }, () => {
  const outsideUntagged = user('/engineering/');

  it('is not granted unless allowAdoption is set', async () => {
    const decide = applyRole();
    expect(await decide({ action: 'iam:UpdateUser', resource: outsideUntagged })).toBe('ImplicitlyDenied');
    expect(await decide({ action: 'iam:UpdateUser', resource: MANAGED, context: ownedBy(REPOSITORY) })).toBe(
      'ImplicitlyDenied',
    );
  });

  it('with allowAdoption, moves a user no repository manages, then stamps it, then manages it', async () => {
    const decide = applyRole({ allowAdoption: true });
    // The core's adoption: UpdateUser to the path, TagUser with every desired tag (managed-by among
    // them), then the usual changes on a user that now carries the tag.
    expect(await decide({ action: 'iam:UpdateUser', resource: outsideUntagged })).toBe('Allowed');
    expect(await decide({ action: 'iam:TagUser', resource: MANAGED, context: tagContext(ACTION_TAGS) })).toBe(
      'Allowed',
    );
    expect(
      await decide({
        action: 'iam:PutUserPermissionsBoundary',
        resource: MANAGED,
        context: { ...ownedBy(REPOSITORY), 'iam:PermissionsBoundary': BOUNDARY },
      }),
    ).toBe('Allowed');
  });

  it('with allowAdoption, leaves another repository’s users alone and stamps no one without this repository', async () => {
    const decide = applyRole({ allowAdoption: true });
    expect(
      await decide({
        action: 'iam:UpdateUser',
        resource: outsideUntagged,
        context: ownedBy('someone-else/roster'),
      }),
    ).toBe('ExplicitlyDenied');
    // An untagged user may only be tagged in a call that stamps this repository.
    expect(
      await decide({
        action: 'iam:TagUser',
        resource: MANAGED,
        context: tagContext({ [TAG_EMAIL]: 'alice@example.com' }),
      }),
    ).toBe('ExplicitlyDenied');
  });
});

describe('planStatements (simulated)', { timeout: SYNTH_TIMEOUT }, () => {
  const decide = planRole();

  it('reads what plan and drift read', async () => {
    expect(await decide({ action: 'iam:GetAccountAuthorizationDetails', resource: '*' })).toBe('Allowed');
    expect(await decide({ action: 'iam:ListUsers', resource: '*' })).toBe('Allowed');
    expect(await decide({ action: 'iam:GetUser', resource: MANAGED })).toBe('Allowed');
    expect(await decide({ action: 'iam:GetLoginProfile', resource: MANAGED })).toBe('Allowed');
    expect(await decide({ action: 'iam:GetLoginProfile', resource: user('/') })).toBe('ImplicitlyDenied');
  });

  it('writes nothing', async () => {
    const writes = APPLY_MANAGED_USER_ACTIONS.filter((action) => !/^iam:(Get|List)/.test(action));
    expect(writes.length).toBeGreaterThan(10);
    for (const action of [...writes, 'iam:AddUserToGroup', 'iam:AttachUserPolicy']) {
      const resource = action === 'iam:AddUserToGroup' ? `arn:aws:iam::${ACCOUNT}:group/developers` : MANAGED;
      expect(await decide({ action, resource }), action).toBe('ImplicitlyDenied');
    }
  });

  it('reads only (PLAN_READ_ACTIONS)', () => {
    for (const action of PLAN_READ_ACTIONS) expect(action).toMatch(/^iam:(Get|List)/);
  });
});
