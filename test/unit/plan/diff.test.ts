import { afterEach, describe, expect, it } from 'vitest';
import {
  CHANGE_PASSWORD_POLICY_ARN,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_CREDENTIALS_SENT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../../src/contract.js';
import {
  adoptionChanges,
  desiredPolicies,
  desiredTags,
  diffUser,
  planChanges,
} from '../../../src/plan/diff.js';
import { loadRoster } from '../../../src/roster/load-roster.js';
import type { DesiredUser } from '../../../src/roster/roster.js';
import {
  appliedUser,
  desiredUser,
  emptyPlan,
  iamUser,
  REPOSITORY,
  SCOPE,
  snapshotOf,
} from '../support/factories.js';
import { type TempRoster, tempRoster } from '../support/roster-fixture.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const VIEW_ONLY = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess';
const BOUNDARY = 'arn:aws:iam::123456789012:policy/boundary';
const OTHER_BOUNDARY = 'arn:aws:iam::123456789012:policy/other-boundary';

const KNOWN = {
  groups: ['developers', 'oncall', 'deployers'],
  policies: [READ_ONLY, VIEW_ONLY, BOUNDARY, OTHER_BOUNDARY, CHANGE_PASSWORD_POLICY_ARN],
};

/** A user whose `name` field sits at line 1, column 7 of its file. */
function withNameAt(user: DesiredUser): DesiredUser {
  return { ...user, source: { ...user.source, positions: new Map([['name', { line: 1, column: 7 }]]) } };
}

describe('desiredTags', () => {
  it("is the file's tags, then managed-by, console and email", () => {
    const user = desiredUser('alice@example.com', { tags: { team: 'platform' } });

    expect(desiredTags(user, SCOPE)).toEqual([
      { key: 'team', value: 'platform' },
      { key: TAG_MANAGED_BY, value: REPOSITORY },
      { key: TAG_CONSOLE, value: 'true' },
      { key: TAG_EMAIL, value: 'alice@example.com' },
    ]);
  });

  it('has no email tag for a user without an address', () => {
    const user = desiredUser('ci-deployer', { console: false });

    expect(desiredTags(user, SCOPE)).toEqual([
      { key: TAG_MANAGED_BY, value: REPOSITORY },
      { key: TAG_CONSOLE, value: 'false' },
    ]);
  });
});

describe('desiredPolicies', () => {
  it('adds IAMUserChangePassword for a console user, once', () => {
    expect(desiredPolicies(desiredUser('a@example.com', { policies: [READ_ONLY] }))).toEqual([
      READ_ONLY,
      CHANGE_PASSWORD_POLICY_ARN,
    ]);
    expect(desiredPolicies(desiredUser('a@example.com', { policies: [CHANGE_PASSWORD_POLICY_ARN] }))).toEqual(
      [CHANGE_PASSWORD_POLICY_ARN],
    );
  });

  it('adds nothing for a user without console access', () => {
    expect(desiredPolicies(desiredUser('ci', { console: false, policies: [READ_ONLY] }))).toEqual([
      READ_ONLY,
    ]);
  });
});

describe('diffUser', () => {
  it('is empty for a user that matches', () => {
    const user = desiredUser('alice@example.com', {
      groups: ['developers'],
      policies: [READ_ONLY],
      tags: { team: 'platform' },
      permissionsBoundary: BOUNDARY,
    });

    expect(diffUser(user, appliedUser(user), SCOPE)).toEqual([]);
  });

  it('sets a boundary where there was none, and replaces another one', () => {
    const user = desiredUser('alice@example.com', { permissionsBoundary: BOUNDARY });

    const fromNone = diffUser(user, appliedUser(user, { permissionsBoundaryArn: undefined }), SCOPE);
    const fromOther = diffUser(user, appliedUser(user, { permissionsBoundaryArn: OTHER_BOUNDARY }), SCOPE);

    const set = { kind: 'set-boundary', user: 'alice@example.com', policyArn: BOUNDARY };
    expect(fromNone).toEqual([set]);
    expect(fromOther).toEqual([set]);
  });

  it('never removes a boundary the file no longer names (planChanges makes that an error)', () => {
    const user = desiredUser('alice@example.com');

    const changes = diffUser(user, appliedUser(user, { permissionsBoundaryArn: BOUNDARY }), SCOPE);

    expect(changes).toEqual([]);
  });

  it('detaches before it attaches, so the limit of 10 policies holds at every step', () => {
    const user = desiredUser('alice@example.com', { policies: [VIEW_ONLY] });
    const current = appliedUser(user, { attachedPolicyArns: [READ_ONLY, CHANGE_PASSWORD_POLICY_ARN] });

    expect(diffUser(user, current, SCOPE)).toEqual([
      { kind: 'detach-policy', user: 'alice@example.com', policyArn: READ_ONLY },
      { kind: 'attach-policy', user: 'alice@example.com', policyArn: VIEW_ONLY },
    ]);
  });

  it('detaches IAMUserChangePassword when console access is turned off', () => {
    const user = desiredUser('alice@example.com', { console: false, email: undefined });
    const current = appliedUser(user, {
      attachedPolicyArns: [CHANGE_PASSWORD_POLICY_ARN],
      tags: { [TAG_MANAGED_BY]: REPOSITORY, [TAG_CONSOLE]: 'false' },
    });

    expect(diffUser(user, current, SCOPE)).toEqual([
      { kind: 'detach-policy', user: 'alice@example.com', policyArn: CHANGE_PASSWORD_POLICY_ARN },
    ]);
  });

  it('leaves groups before it joins others, so the limit of 10 groups holds at every step', () => {
    const user = desiredUser('alice@example.com', { groups: ['oncall', 'deployers'] });
    const current = appliedUser(user, { groups: ['developers', 'oncall'] });

    expect(diffUser(user, current, SCOPE)).toEqual([
      { kind: 'remove-from-group', user: 'alice@example.com', group: 'developers' },
      { kind: 'add-to-group', user: 'alice@example.com', group: 'deployers' },
    ]);
  });

  it('tags only the values that changed', () => {
    const user = desiredUser('alice@example.com', { tags: { team: 'payments', site: 'remote' } });
    const current = appliedUser(
      desiredUser('alice@example.com', { tags: { team: 'platform', site: 'remote' } }),
    );

    expect(diffUser(user, current, SCOPE)).toEqual([
      { kind: 'tag-user', user: 'alice@example.com', tags: [{ key: 'team', value: 'payments' }] },
    ]);
  });

  it('restores reserved tags the action owns when they were changed by hand', () => {
    const user = desiredUser('alice@example.com');
    const current = appliedUser(user, {
      tags: { [TAG_MANAGED_BY]: REPOSITORY, [TAG_CONSOLE]: 'false', [TAG_EMAIL]: 'mallory@example.com' },
    });

    expect(diffUser(user, current, SCOPE)).toEqual([
      {
        kind: 'tag-user',
        user: 'alice@example.com',
        tags: [
          { key: TAG_CONSOLE, value: 'true' },
          { key: TAG_EMAIL, value: 'alice@example.com' },
        ],
      },
    ]);
  });

  it("untags removed keys in order, but never the Lambda's markers or AWS's own tags", () => {
    const user = desiredUser('ci-deployer', { console: false, tags: { team: 'platform' } });
    const current = appliedUser(user, {
      tags: {
        zeta: 'z',
        team: 'platform',
        'old-key': 'x',
        [TAG_MANAGED_BY]: REPOSITORY,
        [TAG_CONSOLE]: 'false',
        [TAG_EMAIL]: 'ci@example.com',
        [TAG_CREDENTIALS_SENT]: 'event-1',
        [TAG_CREDENTIALS_REQUESTED]: '2024-01-01T00:00:00Z run 7',
        'aws:cloudformation:stack-name': 'legacy',
      },
    });

    expect(diffUser(user, current, SCOPE)).toEqual([
      { kind: 'untag-user', user: 'ci-deployer', keys: [TAG_EMAIL, 'old-key', 'zeta'] },
    ]);
  });

  it('orders every kind of change: boundary, detach, attach, leave, join, tag, untag', () => {
    const user = desiredUser('alice@example.com', {
      groups: ['oncall'],
      policies: [VIEW_ONLY],
      tags: { team: 'payments' },
      permissionsBoundary: BOUNDARY,
    });
    const current = iamUser('alice@example.com', {
      path: SCOPE.iamPath,
      groups: ['developers'],
      attachedPolicyArns: [READ_ONLY, CHANGE_PASSWORD_POLICY_ARN],
      tags: { team: 'platform', old: 'x', [TAG_MANAGED_BY]: REPOSITORY, [TAG_CONSOLE]: 'true' },
    });

    expect(diffUser(user, current, SCOPE).map((change) => change.kind)).toEqual([
      'set-boundary',
      'detach-policy',
      'attach-policy',
      'remove-from-group',
      'add-to-group',
      'tag-user',
      'untag-user',
    ]);
  });
});

describe('planChanges', () => {
  let roster: TempRoster | undefined;
  afterEach(async () => {
    await roster?.cleanup();
    roster = undefined;
  });

  it('creates a user with path, every tag and the boundary in one call, then policies and groups', () => {
    const alice = desiredUser('alice@example.com', {
      groups: ['developers', 'oncall'],
      policies: [READ_ONLY],
      tags: { team: 'platform' },
      permissionsBoundary: BOUNDARY,
    });

    const plan = planChanges({ users: [alice] }, snapshotOf([], KNOWN), SCOPE);

    expect(plan).toEqual(
      emptyPlan({
        users: [
          {
            user: 'alice@example.com',
            action: 'create',
            file: 'users/alice@example.com.yaml',
            changes: [
              {
                kind: 'create-user',
                user: 'alice@example.com',
                path: '/iam-gitops/',
                tags: [
                  { key: 'team', value: 'platform' },
                  { key: TAG_MANAGED_BY, value: REPOSITORY },
                  { key: TAG_CONSOLE, value: 'true' },
                  { key: TAG_EMAIL, value: 'alice@example.com' },
                ],
                permissionsBoundary: BOUNDARY,
              },
              { kind: 'attach-policy', user: 'alice@example.com', policyArn: READ_ONLY },
              { kind: 'attach-policy', user: 'alice@example.com', policyArn: CHANGE_PASSWORD_POLICY_ARN },
              { kind: 'add-to-group', user: 'alice@example.com', group: 'developers' },
              { kind: 'add-to-group', user: 'alice@example.com', group: 'oncall' },
            ],
          },
        ],
      }),
    );
  });

  it('creates a user without console access with no password policy, email or boundary', () => {
    const deployer = desiredUser('ci-deployer', { console: false, groups: ['deployers'] });

    const plan = planChanges({ users: [deployer] }, snapshotOf([], KNOWN), SCOPE);

    expect(plan.users[0]?.changes).toEqual([
      {
        kind: 'create-user',
        user: 'ci-deployer',
        path: '/iam-gitops/',
        tags: [
          { key: TAG_MANAGED_BY, value: REPOSITORY },
          { key: TAG_CONSOLE, value: 'false' },
        ],
        permissionsBoundary: undefined,
      },
      { kind: 'add-to-group', user: 'ci-deployer', group: 'deployers' },
    ]);
  });

  it('creates under a configured path', () => {
    const scope = { iamPath: '/people/staff/', repository: REPOSITORY };

    const plan = planChanges(
      { users: [desiredUser('ci', { console: false })] },
      snapshotOf([], KNOWN),
      scope,
    );

    expect(plan.users[0]?.changes[0]).toMatchObject({ kind: 'create-user', path: '/people/staff/' });
  });

  it('updates a managed user that differs, with the changes of diffUser', () => {
    const alice = desiredUser('alice@example.com', { groups: ['oncall'] });
    const current = appliedUser(alice, { groups: ['developers'] });

    const plan = planChanges({ users: [alice] }, snapshotOf([current], KNOWN), SCOPE);

    expect(plan.users).toEqual([
      {
        user: 'alice@example.com',
        action: 'update',
        file: 'users/alice@example.com.yaml',
        changes: [
          { kind: 'remove-from-group', user: 'alice@example.com', group: 'developers' },
          { kind: 'add-to-group', user: 'alice@example.com', group: 'oncall' },
        ],
      },
    ]);
    expect(plan.unchanged).toEqual([]);
  });

  it('lists a managed user that matches as unchanged, with no changes', () => {
    const alice = desiredUser('alice@example.com', { groups: ['developers'], policies: [READ_ONLY] });

    const plan = planChanges({ users: [alice] }, snapshotOf([appliedUser(alice)], KNOWN), SCOPE);

    expect(plan.users).toEqual([]);
    expect(plan.unchanged).toEqual(['alice@example.com']);
    expect(plan.errors).toEqual([]);
  });

  it('names the file and line of a group, policy or boundary that does not exist', async () => {
    roster = await tempRoster('valid');
    const loaded = await loadRoster({ usersDir: roster.usersDir, displayDir: 'users' });
    if (!loaded.ok) throw new Error('the valid fixture must load');

    const plan = planChanges(loaded.roster, snapshotOf([], { groups: ['developers', 'deployers'] }), SCOPE);

    expect(plan.errors).toEqual([
      {
        file: 'users/alice@example.com.yaml',
        field: 'groups.1',
        line: 3,
        column: 22,
        message: 'group "oncall" does not exist in IAM (groups are not created by iam-gitops)',
      },
      {
        file: 'users/alice@example.com.yaml',
        field: 'policies.0',
        line: 5,
        column: 5,
        message: `managed policy ${READ_ONLY} does not exist`,
      },
      {
        file: 'users/alice@example.com.yaml',
        field: 'permissionsBoundary',
        line: 8,
        column: 22,
        message: `managed policy ${BOUNDARY} does not exist`,
      },
    ]);
  });

  it('reports users under the path that another repository manages, or nobody, and never plans them', () => {
    const snapshot = snapshotOf(
      [
        iamUser('zed', { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: 'acme/other-repo' } }),
        iamUser('hand-made', { path: '/iam-gitops/' }),
        iamUser('nested', { path: '/iam-gitops/team/', tags: { [TAG_MANAGED_BY]: 'acme/other-repo' } }),
        iamUser('root-admin', { path: '/', tags: { [TAG_MANAGED_BY]: REPOSITORY } }),
        iamUser('near-miss', { path: '/iam-gitops-old/', tags: { [TAG_MANAGED_BY]: REPOSITORY } }),
      ],
      KNOWN,
    );

    const plan = planChanges({ users: [desiredUser('ci', { console: false })] }, snapshot, SCOPE);

    expect(plan.unmanaged).toEqual([
      { user: 'hand-made', path: '/iam-gitops/', managedBy: undefined },
      { user: 'nested', path: '/iam-gitops/team/', managedBy: 'acme/other-repo' },
      { user: 'zed', path: '/iam-gitops/', managedBy: 'acme/other-repo' },
    ]);
    expect(plan.users.map((user) => user.user)).toEqual(['ci']);
    expect(plan.offboard).toEqual([]);
    expect(plan.errors).toEqual([]);
  });

  it.each([
    [
      'outside the managed path',
      iamUser('bob', { path: '/', tags: { [TAG_MANAGED_BY]: REPOSITORY } }),
      'an IAM user "bob" already exists outside the managed path /iam-gitops/ (at /); it is not changed',
    ],
    [
      'under the path for another repository',
      iamUser('bob', { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: 'acme/other-repo' } }),
      'an IAM user "bob" already exists under /iam-gitops/ but managed by acme/other-repo; it is not changed',
    ],
    [
      'under the path without the managed-by tag',
      iamUser('BOB', { path: '/iam-gitops/' }),
      'an IAM user "BOB" already exists under /iam-gitops/ without the iam-gitops:managed-by tag; it is not changed',
    ],
  ])('refuses a roster name that IAM holds %s, and plans nothing for it', (_label, existing, message) => {
    const bob = withNameAt(desiredUser('bob', { console: false }));

    const plan = planChanges({ users: [bob] }, snapshotOf([existing], KNOWN), SCOPE);

    expect(plan.errors).toEqual([{ file: 'users/bob.yaml', field: 'name', line: 1, column: 7, message }]);
    expect(plan.users).toEqual([]);
    expect(plan.unchanged).toEqual([]);
    expect(plan.unmanaged).toEqual([]);
  });

  it('lists a managed user whose file is gone as to offboard, with no changes', () => {
    const alice = desiredUser('alice@example.com');
    const gone = appliedUser(desiredUser('bob@example.com'), { groups: ['developers'] });

    const plan = planChanges({ users: [alice] }, snapshotOf([appliedUser(alice), gone], KNOWN), SCOPE);

    expect(plan.offboard).toEqual([
      expect.objectContaining({
        user: 'bob@example.com',
        arn: 'arn:aws:iam::123456789012:user/iam-gitops/bob@example.com',
      }),
    ]);
    expect(plan.users).toEqual([]);
    expect(plan.unchanged).toEqual(['alice@example.com']);
  });

  it('refuses a name that matches a managed user only when case is ignored', () => {
    const alice = withNameAt(desiredUser('Alice@example.com'));
    const current = appliedUser(desiredUser('alice@example.com'));

    const plan = planChanges({ users: [alice] }, snapshotOf([current], KNOWN), SCOPE);

    expect(plan.errors).toEqual([
      {
        file: 'users/Alice@example.com.yaml',
        field: 'name',
        line: 1,
        column: 7,
        message:
          'IAM holds this user as "alice@example.com"; IAM names keep their case, so use that spelling',
      },
    ]);
    expect(plan.users).toEqual([]);
    expect(plan.offboard).toEqual([]);
  });

  it('orders its lists the same way whatever order the roster and IAM list users in', () => {
    const names = ['erin', 'bob', 'dave', 'alice', 'carol', 'frank'];
    const roster = names.map((name) => desiredUser(name, { console: false }));
    const iam = [
      appliedUser(desiredUser('erin', { console: false })),
      appliedUser(desiredUser('dave', { console: false }), { groups: ['developers'] }),
      appliedUser(desiredUser('alice', { console: false })),
      appliedUser(desiredUser('bob', { console: false }), { attachedPolicyArns: [READ_ONLY] }),
      appliedUser(desiredUser('zoe', { console: false })),
      appliedUser(desiredUser('yann', { console: false })),
      iamUser('xavier', { path: '/iam-gitops/' }),
      iamUser('walter', { path: '/iam-gitops/' }),
    ];

    const forward = planChanges({ users: roster }, snapshotOf(iam, KNOWN), SCOPE);
    const backward = planChanges(
      { users: [...roster].reverse() },
      snapshotOf([...iam].reverse(), KNOWN),
      SCOPE,
    );

    expect(backward).toEqual(forward);
    expect(forward.users.map((user) => [user.action, user.user])).toEqual([
      ['create', 'carol'],
      ['create', 'frank'],
      ['update', 'bob'],
      ['update', 'dave'],
    ]);
    expect(forward.unchanged).toEqual(['alice', 'erin']);
    expect(forward.offboard.map((user) => user.user)).toEqual(['yann', 'zoe']);
    expect(forward.unmanaged.map((user) => user.user)).toEqual(['walter', 'xavier']);
  });
});

// Adoption: a user made by hand outside the scope, taken over with adopt: true.
const ADOPTION_KNOWN = {
  groups: ['developers', 'legacy'],
  policies: [READ_ONLY, CHANGE_PASSWORD_POLICY_ARN],
};
const BOB_NAME_AT = new Map([
  ['name', { line: 1, column: 7 }],
  ['adopt', { line: 4, column: 8 }],
]);

const bobFile = (adopt: boolean) =>
  desiredUser('bob@example.com', {
    groups: ['developers'],
    tags: { team: 'platform' },
    adopt,
    source: { file: 'users/bob@example.com.yaml', positions: BOB_NAME_AT },
  });

/** Bob as someone made him by hand years ago: at the root path, in a legacy group, with a tag of his own. */
const handMadeBob = iamUser('bob@example.com', {
  path: '/',
  groups: ['legacy'],
  attachedPolicyArns: [READ_ONLY],
  tags: { cost: 'ops' },
});

describe('planChanges, adoption', () => {
  it('refuses a name taken outside the scope without adopt: true, and changes nothing', () => {
    const plan = planChanges({ users: [bobFile(false)] }, snapshotOf([handMadeBob], ADOPTION_KNOWN), SCOPE);

    expect(plan.errors).toEqual([
      {
        file: 'users/bob@example.com.yaml',
        field: 'name',
        line: 1,
        column: 7,
        message:
          'an IAM user "bob@example.com" already exists outside the managed path /iam-gitops/ (at /); it is not changed',
      },
    ]);
    expect(plan.users).toEqual([]);
  });

  it('with adopt: true, moves the user under the path, tags it in full, then applies the usual diff', () => {
    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([handMadeBob], ADOPTION_KNOWN), SCOPE);

    expect(plan.errors).toEqual([]);
    expect(plan.users).toEqual([
      {
        user: 'bob@example.com',
        action: 'adopt',
        file: 'users/bob@example.com.yaml',
        changes: [
          { kind: 'move-user', user: 'bob@example.com', fromPath: '/', toPath: '/iam-gitops/' },
          {
            kind: 'tag-user',
            user: 'bob@example.com',
            tags: [
              { key: 'team', value: 'platform' },
              { key: TAG_MANAGED_BY, value: REPOSITORY },
              { key: TAG_CONSOLE, value: 'true' },
              { key: TAG_EMAIL, value: 'bob@example.com' },
            ],
          },
          { kind: 'detach-policy', user: 'bob@example.com', policyArn: READ_ONLY },
          { kind: 'attach-policy', user: 'bob@example.com', policyArn: CHANGE_PASSWORD_POLICY_ARN },
          { kind: 'remove-from-group', user: 'bob@example.com', group: 'legacy' },
          { kind: 'add-to-group', user: 'bob@example.com', group: 'developers' },
          { kind: 'untag-user', user: 'bob@example.com', keys: ['cost'] },
        ],
      },
    ]);
    expect(plan.offboard).toEqual([]);
  });

  it('tags without moving a user already under the path that has no managed-by tag', () => {
    const untagged = iamUser('bob@example.com', { path: '/iam-gitops/' });

    const changes = adoptionChanges(bobFile(true), untagged, SCOPE).map((change) => change.kind);

    expect(changes).toEqual(['tag-user', 'attach-policy', 'add-to-group']);
  });

  it('takes over a user outside the path that already carries this repository’s tag', () => {
    const strayed = iamUser('bob@example.com', { path: '/old/', tags: { [TAG_MANAGED_BY]: REPOSITORY } });

    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([strayed], ADOPTION_KNOWN), SCOPE);

    expect(plan.users[0]?.action).toBe('adopt');
    expect(plan.users[0]?.changes[0]).toEqual({
      kind: 'move-user',
      user: 'bob@example.com',
      fromPath: '/old/',
      toPath: '/iam-gitops/',
    });
  });

  it.each([
    ['outside the path', '/contractors/'],
    ['under the path', '/iam-gitops/'],
  ])('never adopts a user another repository manages (%s), even with adopt: true', (_label, path) => {
    const theirs = iamUser('bob@example.com', { path, tags: { [TAG_MANAGED_BY]: 'acme/other-repo' } });

    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([theirs], ADOPTION_KNOWN), SCOPE);

    expect(plan.users).toEqual([]);
    expect(plan.errors).toEqual([
      {
        file: 'users/bob@example.com.yaml',
        field: 'adopt',
        line: 4,
        column: 8,
        message: `an IAM user "bob@example.com" already exists at ${path} and is managed by acme/other-repo; adopt: true takes over only users no other repository manages, so it is not changed`,
      },
    ]);
  });

  it('refuses to adopt a user whose name differs in case, as for any other user', () => {
    const upper = iamUser('Bob@example.com', { path: '/' });

    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([upper], ADOPTION_KNOWN), SCOPE);

    expect(plan.users).toEqual([]);
    expect(plan.errors.map((issue) => issue.field)).toEqual(['name']);
  });

  it('plans an adopted user as an ordinary update once it is in scope', () => {
    const adopted = iamUser('bob@example.com', {
      path: '/iam-gitops/',
      groups: ['developers'],
      attachedPolicyArns: [CHANGE_PASSWORD_POLICY_ARN],
      tags: {
        team: 'platform',
        [TAG_MANAGED_BY]: REPOSITORY,
        [TAG_CONSOLE]: 'true',
        [TAG_EMAIL]: 'bob@example.com',
      },
    });

    const plan = planChanges({ users: [bobFile(true)] }, snapshotOf([adopted], ADOPTION_KNOWN), SCOPE);

    expect(plan.users).toEqual([]);
    expect(plan.unchanged).toEqual(['bob@example.com']);
  });
});

// The permissions boundary: set by the plan on every managed user when the guardrails name one,
// never removed (the apply role may not).
const CONFIG_AT = { file: 'iam-gitops.yaml', field: 'guardrails.permissionsBoundary', line: 8, column: 24 };
const GUARDED = { permissionsBoundary: { arn: BOUNDARY, source: CONFIG_AT } };

describe('planChanges, permissions boundary', () => {
  it('creates every new user with the guardrail boundary in CreateUser itself', () => {
    const carol = desiredUser('carol@example.com');

    const plan = planChanges({ users: [carol] }, snapshotOf([], KNOWN), SCOPE, GUARDED);

    expect(plan.errors).toEqual([]);
    expect(plan.users[0]?.changes[0]).toEqual({
      kind: 'create-user',
      user: 'carol@example.com',
      path: '/iam-gitops/',
      tags: desiredTags(carol, SCOPE),
      permissionsBoundary: BOUNDARY,
    });
  });

  it('sets the guardrail boundary on a managed user without one or with another, and leaves one that has it', () => {
    const users = ['a', 'b', 'c'].map((name) => desiredUser(name, { console: false }));
    const [a, b, c] = users as [DesiredUser, DesiredUser, DesiredUser];
    const iam = [
      appliedUser(a),
      appliedUser(b, { permissionsBoundaryArn: OTHER_BOUNDARY }),
      appliedUser(c, { permissionsBoundaryArn: BOUNDARY }),
    ];

    const plan = planChanges({ users }, snapshotOf(iam, KNOWN), SCOPE, GUARDED);

    expect(plan.users).toEqual([
      {
        user: 'a',
        action: 'update',
        file: 'users/a.yaml',
        changes: [{ kind: 'set-boundary', user: 'a', policyArn: BOUNDARY }],
      },
      {
        user: 'b',
        action: 'update',
        file: 'users/b.yaml',
        changes: [{ kind: 'set-boundary', user: 'b', policyArn: BOUNDARY }],
      },
    ]);
    expect(plan.unchanged).toEqual(['c']);
    expect(plan.errors).toEqual([]);
  });

  it('refuses to drop a boundary IAM holds: an error at the file, and no change removes it', () => {
    const alice = withNameAt(desiredUser('alice@example.com'));
    const current = appliedUser(alice, { permissionsBoundaryArn: OTHER_BOUNDARY });

    const plan = planChanges({ users: [alice] }, snapshotOf([current], KNOWN), SCOPE);

    expect(plan.errors).toEqual([
      {
        file: 'users/alice@example.com.yaml',
        field: 'permissionsBoundary',
        line: 1,
        column: 1,
        message: `IAM holds the permissions boundary ${OTHER_BOUNDARY} on this user and iam-gitops does not remove boundaries (the apply role may not): add permissionsBoundary: ${OTHER_BOUNDARY} back, or remove the boundary in IAM by hand`,
      },
    ]);
    expect(plan.unchanged).toEqual(['alice@example.com']);
    expect(plan.users.flatMap((user) => user.changes)).toEqual([]);
  });

  it('refuses to drop a boundary on adoption too', () => {
    const dave = desiredUser('dave', { console: false, adopt: true });
    const current = iamUser('dave', { permissionsBoundaryArn: OTHER_BOUNDARY });

    const plan = planChanges({ users: [dave] }, snapshotOf([current], KNOWN), SCOPE);

    expect(plan.errors.map((error) => [error.file, error.field])).toEqual([
      ['users/dave.yaml', 'permissionsBoundary'],
    ]);
  });

  it('is an error at the file that names the same policy name in another account', () => {
    const elsewhere = 'arn:aws:iam::210987654321:policy/boundary';
    const erin = desiredUser('erin', {
      console: false,
      permissionsBoundary: elsewhere,
      source: {
        file: 'users/erin.yaml',
        positions: new Map([['permissionsBoundary', { line: 4, column: 22 }]]),
      },
    });

    const plan = planChanges({ users: [erin] }, snapshotOf([], KNOWN), SCOPE, GUARDED);

    expect(plan.errors).toEqual([
      {
        file: 'users/erin.yaml',
        field: 'permissionsBoundary',
        line: 4,
        column: 22,
        message: `${elsewhere} is not guardrails.permissionsBoundary, which is ${BOUNDARY} in this account; leave the field out`,
      },
    ]);
  });

  it('is an error at the configuration when the boundary policy does not exist', () => {
    const plan = planChanges(
      { users: [desiredUser('carol@example.com')] },
      snapshotOf([], { groups: KNOWN.groups, policies: [CHANGE_PASSWORD_POLICY_ARN] }),
      SCOPE,
      GUARDED,
    );

    expect(plan.errors).toEqual([
      {
        ...CONFIG_AT,
        message: `policy ${BOUNDARY} does not exist in IAM; create it before apply: every managed user gets it as permissions boundary`,
      },
    ]);
  });

  it('is an error at the configuration when a boundary name could not be made an ARN', () => {
    const plan = planChanges({ users: [desiredUser('carol@example.com')] }, snapshotOf([], KNOWN), SCOPE, {
      permissionsBoundary: { arn: undefined, source: CONFIG_AT },
    });

    expect(plan.errors).toEqual([
      {
        ...CONFIG_AT,
        message:
          'names a policy, but the account it is in could not be told (IAM listed no user, group or role to read its id from); give the policy ARN instead',
      },
    ]);
    expect(plan.users[0]?.changes[0]).toMatchObject({ kind: 'create-user', permissionsBoundary: undefined });
  });
});

describe('planChanges, warnings', () => {
  it("carries the roster's warnings into the plan unchanged, and has none by default", () => {
    const warning = { ...CONFIG_AT, field: 'guardrails.groups', message: "'*' allows any IAM group" };

    const warned = planChanges({ users: [] }, snapshotOf([], KNOWN), SCOPE, { warnings: [warning] });
    const plain = planChanges({ users: [] }, snapshotOf([], KNOWN), SCOPE);

    expect(warned.warnings).toEqual([warning]);
    expect(plain.warnings).toEqual([]);
  });
});
