// The apply role's synthesized policy, evaluated for the calls the core's apply makes
// (src/iam/execute-change.ts, src/iam/read-snapshot.ts, src/commands/resend.ts) with the request
// context IAM builds for each: allowed on a managed user, denied on a user outside the path.
// How it is checked: test/infra/support/policy-evaluator.ts (explicit deny > allow > implicit deny,
// wildcards, the condition operators used here; docs/infrastructure.md explains its limits).
import { describe, expect, it } from 'vitest';
import { CORE_EXTRA_READS, PLAN_READ_ACTIONS } from '../../infra/lib/apply-permissions.js';
import {
  APPLY_USER_ACTIONS,
  CHANGE_PASSWORD_POLICY_ARN,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_CREDENTIALS_SENT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { type AuthorizationRequest, evaluate } from './support/policy-evaluator.js';
import { logicalId, roleStatements, SYNTH_TIMEOUT, synth, type TestContext } from './support/synth.js';

const ACCOUNT = '111122223333';
const REPOSITORY = 'example-org/iam-users';
const user = (path: string) => `arn:aws:iam::${ACCOUNT}:user${path}alice@example.com`;
const MANAGED = user('/iam-gitops/');
/** Outside the managed path: the root path, another path, a path that only starts alike, a parent. */
const OUTSIDE = [user('/'), user('/engineering/'), user('/iam-gitops-other/'), user('/iam/')];

type Tags = Record<string, string>;

/** What IAM puts in the request context for a call that sets tags (CreateUser with Tags, TagUser). */
function tagContext(tags: Tags): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = { 'aws:TagKeys': Object.keys(tags) };
  for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
  return context;
}

/** An existing managed user carries the managed-by tag, which IAM exposes as aws:ResourceTag. */
const ownedBy = (repository: string) => ({ [`aws:ResourceTag/${TAG_MANAGED_BY}`]: repository });

const ACTION_TAGS: Tags = {
  [TAG_MANAGED_BY]: REPOSITORY,
  [TAG_CONSOLE]: 'true',
  [TAG_EMAIL]: 'alice@example.com',
  team: 'platform',
};

interface Call {
  readonly name: string;
  /** The requests IAM authorizes for the call on `target` (CreateUser with tags needs TagUser too). */
  readonly requests: (target: string) => AuthorizationRequest[];
}

const onUser = (action: string, context: Record<string, string | string[]> = {}): Call => ({
  name: action,
  requests: (target) => [{ action, resource: target, context: { ...ownedBy(REPOSITORY), ...context } }],
});

/** Every call the core's apply makes on a user, with its request context. */
const USER_CALLS: Call[] = [
  {
    name: 'iam:CreateUser (with tags)',
    requests: (target) => [
      { action: 'iam:CreateUser', resource: target, context: tagContext(ACTION_TAGS) },
      { action: 'iam:TagUser', resource: target, context: tagContext(ACTION_TAGS) },
    ],
  },
  onUser('iam:GetUser'),
  onUser('iam:TagUser', tagContext({ [TAG_EMAIL]: 'alice@corp.example.com' })),
  {
    ...onUser('iam:TagUser', tagContext({ [TAG_CREDENTIALS_REQUESTED]: '2025-03-10T14:22:02Z run 1' })),
    name: 'iam:TagUser (resend)',
  },
  onUser('iam:UntagUser', { 'aws:TagKeys': ['team'] }),
  onUser('iam:AttachUserPolicy', { 'iam:PolicyARN': CHANGE_PASSWORD_POLICY_ARN }),
  onUser('iam:DetachUserPolicy', { 'iam:PolicyARN': CHANGE_PASSWORD_POLICY_ARN }),
  onUser('iam:PutUserPermissionsBoundary', {
    'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/boundary`,
  }),
  onUser('iam:DeleteUserPermissionsBoundary'),
  ...APPLY_USER_ACTIONS.offboarding.map((action) => onUser(action)),
];

const actionsOf = (calls: Call[]) =>
  new Set(calls.flatMap((call) => call.requests(MANAGED).map((r) => r.action)));

function applyRole(context: TestContext = {}) {
  const { template } = synth(context);
  const statements = roleStatements(template, logicalId(template, 'AWS::IAM::Role', 'GitHubApplyRole'));
  return (request: AuthorizationRequest) => evaluate(statements, request);
}

describe('the apply role (evaluated)', { timeout: SYNTH_TIMEOUT }, () => {
  const decide = applyRole();

  it('is checked for every user action the contract grants', () => {
    expect(actionsOf(USER_CALLS)).toEqual(
      new Set([...APPLY_USER_ACTIONS.core, ...APPLY_USER_ACTIONS.offboarding, ...CORE_EXTRA_READS.user]),
    );
  });

  describe.each(USER_CALLS)('$name', (call) => {
    it('is allowed on a managed user', () => {
      for (const request of call.requests(MANAGED)) expect(decide(request), request.action).toBe('allow');
    });

    it.each(OUTSIDE)('is denied on %s', (target) => {
      const decisions = call.requests(target).map(decide);
      expect(decisions.some((decision) => decision !== 'allow')).toBe(true);
    });
  });

  describe('group membership (authorized against the group; IAM does not name the user)', () => {
    it.each(APPLY_USER_ACTIONS.groupMembership)('allows %s on any group by default', (action) => {
      expect(decide({ action, resource: `arn:aws:iam::${ACCOUNT}:group/developers` })).toBe('allow');
    });

    it.each(APPLY_USER_ACTIONS.groupMembership)(
      'allows %s only under the configured group path',
      (action) => {
        const narrowed = applyRole({ groupPath: '/iam-gitops/' });
        expect(narrowed({ action, resource: `arn:aws:iam::${ACCOUNT}:group/iam-gitops/developers` })).toBe(
          'allow',
        );
        expect(narrowed({ action, resource: `arn:aws:iam::${ACCOUNT}:group/Administrators` })).toBe(
          'implicit-deny',
        );
      },
    );
  });

  it('deletes virtual MFA devices of the account (they cannot be deleted while assigned)', () => {
    expect(
      decide({ action: 'iam:DeleteVirtualMFADevice', resource: `arn:aws:iam::${ACCOUNT}:mfa/alice` }),
    ).toBe('allow');
  });

  it('reads the snapshot, the policies a roster names, and the user listing of stale invitations', () => {
    expect(decide({ action: 'iam:GetAccountAuthorizationDetails', resource: '*' })).toBe('allow');
    expect(decide({ action: 'iam:ListUsers', resource: '*' })).toBe('allow');
    expect(decide({ action: 'iam:GetPolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })).toBe(
      'allow',
    );
  });

  it("never sets or removes the Lambda's credentials-sent marker", () => {
    const marker = { [TAG_CREDENTIALS_SENT]: 'event-1' };
    expect(
      decide({
        action: 'iam:TagUser',
        resource: MANAGED,
        context: { ...ownedBy(REPOSITORY), ...tagContext(marker) },
      }),
    ).toBe('explicit-deny');
    expect(
      decide({
        action: 'iam:UntagUser',
        resource: MANAGED,
        context: { ...ownedBy(REPOSITORY), 'aws:TagKeys': [TAG_CREDENTIALS_SENT] },
      }),
    ).toBe('explicit-deny');
    expect(
      decide({
        action: 'iam:CreateUser',
        resource: MANAGED,
        context: tagContext({ ...ACTION_TAGS, ...marker }),
      }),
    ).toBe('explicit-deny');
  });

  it('stamps users with this repository only', () => {
    const foreign = { ...ACTION_TAGS, [TAG_MANAGED_BY]: 'someone-else/roster' };
    expect(decide({ action: 'iam:CreateUser', resource: MANAGED, context: tagContext(foreign) })).toBe(
      'explicit-deny',
    );
    expect(
      decide({
        action: 'iam:TagUser',
        resource: MANAGED,
        context: { ...ownedBy(REPOSITORY), ...tagContext({ [TAG_MANAGED_BY]: 'someone-else/roster' }) },
      }),
    ).toBe('explicit-deny');
  });

  it('leaves alone a user under the path that another repository manages', () => {
    for (const action of [
      'iam:DeleteUser',
      'iam:AttachUserPolicy',
      'iam:TagUser',
      'iam:DeleteLoginProfile',
    ]) {
      expect(decide({ action, resource: MANAGED, context: ownedBy('someone-else/roster') }), action).toBe(
        'explicit-deny',
      );
    }
  });

  it('may not give anyone keys, passwords, inline policies or a new path', () => {
    for (const action of [
      'iam:CreateAccessKey',
      'iam:CreateLoginProfile',
      'iam:UpdateLoginProfile',
      'iam:PutUserPolicy',
      'iam:CreateRole',
      'iam:PassRole',
    ]) {
      expect(decide({ action, resource: MANAGED, context: ownedBy(REPOSITORY) }), action).toBe(
        'implicit-deny',
      );
    }
  });
});

describe('adoption (iam:UpdateUser)', { timeout: SYNTH_TIMEOUT }, () => {
  const outsideUntagged = user('/engineering/');

  it('is not granted unless allowAdoption is set', () => {
    const decide = applyRole();
    expect(decide({ action: 'iam:UpdateUser', resource: outsideUntagged })).toBe('implicit-deny');
    expect(decide({ action: 'iam:UpdateUser', resource: MANAGED, context: ownedBy(REPOSITORY) })).toBe(
      'implicit-deny',
    );
  });

  it('with allowAdoption, moves users no other repository manages, from anywhere', () => {
    const decide = applyRole({ allowAdoption: true });
    expect(decide({ action: 'iam:UpdateUser', resource: outsideUntagged })).toBe('allow');
    expect(decide({ action: 'iam:UpdateUser', resource: MANAGED, context: ownedBy(REPOSITORY) })).toBe(
      'allow',
    );
    expect(
      decide({
        action: 'iam:UpdateUser',
        resource: outsideUntagged,
        context: ownedBy('someone-else/roster'),
      }),
    ).toBe('explicit-deny');
  });
});

describe('PLAN_READ_ACTIONS', () => {
  it('are reads only', () => {
    for (const action of PLAN_READ_ACTIONS) expect(action).toMatch(/^iam:(Get|List)/);
  });
});
