// applyPlan with offboardings: the guard stops everything, each offboarding runs as one unit of
// work beside the users' changes, with the clock the caller gives.
import {
  AddUserToGroupCommand,
  DeleteLoginProfileCommand,
  IAMClient,
  IAMServiceException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG_DISABLED_AT } from '../../../src/contract.js';
import { applyPlan, PlanHasErrors } from '../../../src/iam/apply-plan.js';
import { planChanges } from '../../../src/plan/diff.js';
import {
  appliedUser,
  desiredUser,
  emptyPlan,
  offboarding,
  SCOPE,
  snapshotOf,
  userPlan,
} from '../support/factories.js';
import { emptyUserState, fakeIamUser } from '../support/fake-iam-user.js';

const iamMock = mockClient(IAMClient);
let iam: IAMClient;

beforeEach(() => {
  iamMock.reset();
  iam = new IAMClient({ region: 'us-east-1' });
});

afterEach(() => {
  iam.destroy();
});

const NOW = new Date('2025-06-07T08:09:10.000Z');

describe('applyPlan, offboarding', () => {
  it('refuses a plan over max-removals before any AWS call', async () => {
    const alice = desiredUser('alice', { console: false });
    const leavers = ['bob', 'carol', 'dave', 'erin'].map((name) =>
      appliedUser(desiredUser(name, { console: false })),
    );
    const plan = planChanges({ users: [alice] }, snapshotOf([appliedUser(alice), ...leavers]), SCOPE);

    await expect(applyPlan(iam, plan)).rejects.toBeInstanceOf(PlanHasErrors);
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('disables with the clock it is given and reports what was removed', async () => {
    const state = emptyUserState();
    state.loginProfile = true;
    state.accessKeys.set('AKIA1', 'Active');
    const fake = fakeIamUser(iamMock, 'bob', state);

    const result = await applyPlan(iam, emptyPlan({ offboard: [offboarding('bob')] }), { now: () => NOW });

    expect(result).toEqual({
      outcomes: [
        {
          change: offboarding('bob'),
          status: 'done',
          detail: `deleted login profile, deactivated 1 access key, tagged ${TAG_DISABLED_AT}`,
        },
      ],
      failed: 0,
      succeeded: 1,
      skipped: 0,
    });
    expect(fake.state.tags.get(TAG_DISABLED_AT)).toBe(NOW.toISOString());
  });

  it('reports a failed offboarding without stopping another user’s changes', async () => {
    fakeIamUser(iamMock, 'bob', emptyUserState());
    iamMock
      .on(DeleteLoginProfileCommand)
      .rejects(
        new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'denied', $metadata: {} }),
      );
    iamMock.on(AddUserToGroupCommand).resolves({});
    const plan = emptyPlan({
      users: [userPlan('alice', [{ kind: 'add-to-group', user: 'alice', group: 'developers' }])],
      offboard: [offboarding('bob')],
    });

    const result = await applyPlan(iam, plan, { now: () => NOW });

    expect(result.outcomes.map((outcome) => [outcome.change.user, outcome.status])).toEqual([
      ['alice', 'done'],
      ['bob', 'failed'],
    ]);
    expect(result.failed).toBe(1);
  });
});
