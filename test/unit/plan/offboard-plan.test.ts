import { describe, expect, it } from 'vitest';
import {
  CHANGE_PASSWORD_POLICY_ARN,
  TAG_CREDENTIALS_SENT,
  TAG_DISABLED_AT,
  TAG_MANAGED_BY,
} from '../../../src/contract.js';
import { planChanges } from '../../../src/plan/diff.js';
import { offboardChange, removalGuard } from '../../../src/plan/offboard.js';
import { changeCount } from '../../../src/plan/plan.js';
import {
  ACCOUNT,
  appliedUser,
  desiredUser,
  iamUser,
  REPOSITORY,
  SCOPE,
  snapshotOf,
} from '../support/factories.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
const KNOWN = {
  groups: ['developers', 'oncall'],
  policies: [READ_ONLY, CHANGE_PASSWORD_POLICY_ARN, BOUNDARY],
};
const DISABLED_AT = '2025-01-02T03:04:05.000Z';

const alice = desiredUser('alice@example.com');
/** Managed users whose roster files are gone. */
const gone = (name: string, fields: Parameters<typeof appliedUser>[1] = {}) =>
  appliedUser(desiredUser(name, { console: false }), fields);
const disabled = (name: string) =>
  gone(name, { tags: { [TAG_MANAGED_BY]: REPOSITORY, [TAG_DISABLED_AT]: DISABLED_AT } });

describe('planChanges, offboarding', () => {
  it('plans to disable a managed user whose file is gone, naming what the snapshot shows', () => {
    const bob = appliedUser(desiredUser('bob@example.com', { groups: ['oncall', 'developers'] }), {
      inlinePolicyNames: ['scratch'],
      permissionsBoundaryArn: BOUNDARY,
    });

    const plan = planChanges({ users: [alice] }, snapshotOf([appliedUser(alice), bob], KNOWN), SCOPE);

    expect(plan.offboard).toEqual([
      {
        kind: 'offboard-user',
        user: 'bob@example.com',
        arn: `arn:aws:iam::${ACCOUNT}:user/iam-gitops/bob@example.com`,
        mode: 'disable',
        reason: 'its roster file was removed',
        groups: ['developers', 'oncall'],
        attachedPolicyArns: [CHANGE_PASSWORD_POLICY_ARN],
        inlinePolicyNames: ['scratch'],
        permissionsBoundaryArn: BOUNDARY,
      },
    ]);
    expect(plan.users).toEqual([]);
    expect(plan.errors).toEqual([]);
    expect(changeCount(plan)).toBe(1);
  });

  it('plans to delete with on-remove: delete', () => {
    const plan = planChanges(
      { users: [alice] },
      snapshotOf([appliedUser(alice), gone('bob')], KNOWN),
      SCOPE,
      {
        onRemove: 'delete',
      },
    );

    expect(plan.offboard.map((change) => [change.user, change.mode])).toEqual([['bob', 'delete']]);
  });

  it('offboards only users in scope: never one outside the path, untagged, or another repository’s', () => {
    const snapshot = snapshotOf(
      [
        appliedUser(alice),
        iamUser('root-admin', { path: '/', tags: { [TAG_MANAGED_BY]: REPOSITORY } }),
        iamUser('hand-made', { path: '/iam-gitops/' }),
        iamUser('other-team', { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: 'acme/other-repo' } }),
      ],
      KNOWN,
    );

    const plan = planChanges({ users: [alice] }, snapshot, SCOPE, { maxRemovals: 0 });

    expect(plan.offboard).toEqual([]);
    expect(plan.errors).toEqual([]);
    expect(plan.unmanaged.map((user) => user.user)).toEqual(['hand-made', 'other-team']);
  });

  it('lists users disabled earlier apart: no changes, and not counted against max-removals', () => {
    const snapshot = snapshotOf(
      [appliedUser(alice), disabled('d1'), disabled('d2'), disabled('d3'), disabled('d4'), gone('erin')],
      KNOWN,
    );

    const plan = planChanges({ users: [alice] }, snapshot, SCOPE);

    expect(plan.disabled).toEqual(
      ['d1', 'd2', 'd3', 'd4'].map((name) => ({
        user: name,
        arn: `arn:aws:iam::${ACCOUNT}:user/iam-gitops/${name}`,
        disabledAt: DISABLED_AT,
      })),
    );
    expect(plan.offboard.map((change) => change.user)).toEqual(['erin']);
    expect(plan.errors).toEqual([]);
    expect(changeCount(plan)).toBe(1);
  });

  it('leaves a disabled user disabled whatever on-remove says', () => {
    const plan = planChanges(
      { users: [alice] },
      snapshotOf([appliedUser(alice), disabled('d1')], KNOWN),
      SCOPE,
      {
        onRemove: 'delete',
      },
    );

    expect(plan.offboard).toEqual([]);
    expect(plan.disabled.map((user) => user.user)).toEqual(['d1']);
  });
});

describe('planChanges, the removal guard', () => {
  const four = ['bob', 'carol', 'dave', 'erin'].map((name) => gone(name));

  it('refuses a plan that would offboard 4 users with the default of 3, and says which input to raise', () => {
    const plan = planChanges({ users: [alice] }, snapshotOf([appliedUser(alice), ...four], KNOWN), SCOPE, {
      rosterDir: 'people',
    });

    expect(plan.errors).toEqual([
      {
        file: 'people',
        field: '',
        line: 1,
        column: 1,
        message:
          '4 managed users would be offboarded (bob, carol, dave, erin), more than max-removals (3); nothing is changed. If these removals are intended, raise the input max-removals (CLI: --max-removals) to 4 for this run; if not, check users-dir and the roster files.',
      },
    ]);
    // Reviewers still see who would have gone.
    expect(plan.offboard.map((change) => change.user)).toEqual(['bob', 'carol', 'dave', 'erin']);
  });

  it('lets exactly max-removals through, and a raised limit lets more through', () => {
    const three = planChanges(
      { users: [alice] },
      snapshotOf([appliedUser(alice), ...four.slice(0, 3)], KNOWN),
      SCOPE,
    );
    const raised = planChanges({ users: [alice] }, snapshotOf([appliedUser(alice), ...four], KNOWN), SCOPE, {
      maxRemovals: 4,
    });

    expect(three.errors).toEqual([]);
    expect(raised.errors).toEqual([]);
    expect(raised.offboard).toHaveLength(4);
  });

  it('with max-removals 0, refuses any offboarding', () => {
    const plan = planChanges(
      { users: [alice] },
      snapshotOf([appliedUser(alice), gone('bob')], KNOWN),
      SCOPE,
      {
        maxRemovals: 0,
      },
    );

    expect(plan.errors.map((issue) => issue.message)).toEqual([
      expect.stringContaining('1 managed user would be offboarded (bob), more than max-removals (0)'),
    ]);
  });
});

describe('removalGuard', () => {
  it('names ten users and counts the rest', () => {
    const offboard = Array.from({ length: 12 }, (_, index) =>
      offboardChange(gone(`user${String(index).padStart(2, '0')}`), 'disable'),
    );

    const issue = removalGuard(offboard, 3, 'users');

    expect(issue?.message).toContain(
      '(user00, user01, user02, user03, user04, user05, user06, user07, user08, user09 and 2 more)',
    );
  });

  it('passes a plan within the limit', () => {
    expect(removalGuard([], 0, 'users')).toBeUndefined();
  });
});

describe('planChanges, restoring a disabled user', () => {
  it('puts back groups, policies and tags and removes disabled-at when the file comes back', () => {
    const bob = desiredUser('bob@example.com', { groups: ['developers'], policies: [READ_ONLY] });
    const wasDisabled = appliedUser(bob, {
      groups: [],
      attachedPolicyArns: [],
      tags: {
        ...appliedUser(bob).tags,
        [TAG_DISABLED_AT]: DISABLED_AT,
        [TAG_CREDENTIALS_SENT]: 'event-1',
      },
    });

    const plan = planChanges({ users: [bob] }, snapshotOf([wasDisabled], KNOWN), SCOPE);

    expect(plan.users).toEqual([
      {
        user: 'bob@example.com',
        action: 'restore',
        file: 'users/bob@example.com.yaml',
        changes: [
          { kind: 'attach-policy', user: 'bob@example.com', policyArn: READ_ONLY },
          { kind: 'attach-policy', user: 'bob@example.com', policyArn: CHANGE_PASSWORD_POLICY_ARN },
          { kind: 'add-to-group', user: 'bob@example.com', group: 'developers' },
          { kind: 'untag-user', user: 'bob@example.com', keys: [TAG_DISABLED_AT] },
        ],
      },
    ]);
    expect(plan.disabled).toEqual([]);
    expect(plan.offboard).toEqual([]);
  });

  it('never removes disabled-at from a user the roster does not restore', () => {
    const plan = planChanges(
      { users: [alice] },
      snapshotOf([appliedUser(alice), disabled('d1')], KNOWN),
      SCOPE,
    );

    expect(plan.users).toEqual([]);
    expect(plan.unchanged).toEqual(['alice@example.com']);
  });
});
