import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  DeleteLoginProfileCommand,
  DetachUserPolicyCommand,
  IAMClient,
  IAMServiceException,
  NoSuchEntityException,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG_DISABLED_AT } from '../../../src/contract.js';
import {
  applyPlan,
  type ChangeOutcome,
  DEFAULT_APPLY_CONCURRENCY,
  PlanHasErrors,
} from '../../../src/iam/apply-plan.js';
import { planChanges } from '../../../src/plan/diff.js';
import type { Change } from '../../../src/plan/plan.js';
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

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

const attach = (user: string): Change => ({ kind: 'attach-policy', user, policyArn: READ_ONLY });
const join = (user: string, group: string): Change => ({ kind: 'add-to-group', user, group });
const tag = (user: string): Change => ({ kind: 'tag-user', user, tags: [{ key: 'team', value: 'x' }] });

const throttled = () =>
  new IAMServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', $metadata: {} });

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('applyPlan', () => {
  it('runs each user’s changes in order and reports every outcome', async () => {
    iamMock.onAnyCommand().resolves({});
    const plan = emptyPlan({
      users: [userPlan('alice', [attach('alice'), join('alice', 'dev')]), userPlan('bob', [tag('bob')])],
    });

    const result = await applyPlan(iam, plan, { concurrency: 1 });

    expect(result).toEqual({
      outcomes: [
        { change: attach('alice'), status: 'done' },
        { change: join('alice', 'dev'), status: 'done' },
        { change: tag('bob'), status: 'done' },
      ],
      failed: 0,
      succeeded: 3,
      skipped: 0,
    });
    expect(
      iamMock.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name),
    ).toEqual(['AttachUserPolicyCommand', 'AddUserToGroupCommand', 'TagUserCommand']);
  });

  it('counts already-done changes as succeeded', async () => {
    iamMock.on(AttachUserPolicyCommand).resolves({});
    iamMock
      .on(DetachUserPolicyCommand)
      .rejects(new NoSuchEntityException({ message: 'gone', $metadata: {} }));
    const plan = emptyPlan({
      users: [
        userPlan('alice', [{ kind: 'detach-policy', user: 'alice', policyArn: READ_ONLY }, attach('alice')]),
      ],
    });

    const result = await applyPlan(iam, plan);

    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['already-done', 'done']);
    expect(result).toMatchObject({ succeeded: 2, failed: 0, skipped: 0 });
  });

  it("stops a user's later changes at its first failure, and goes on with other users", async () => {
    iamMock.onAnyCommand().resolves({});
    iamMock.on(AttachUserPolicyCommand, { UserName: 'bob' }).rejects(throttled());
    const plan = emptyPlan({
      users: [
        userPlan('alice', [attach('alice'), join('alice', 'dev')]),
        userPlan('bob', [attach('bob'), join('bob', 'dev'), tag('bob')]),
        userPlan('carol', [join('carol', 'dev')]),
      ],
    });

    const result = await applyPlan(iam, plan, { concurrency: 1 });

    expect(result).toEqual({
      outcomes: [
        { change: attach('alice'), status: 'done' },
        { change: join('alice', 'dev'), status: 'done' },
        { change: attach('bob'), status: 'failed', error: 'Rate exceeded', code: 'Throttling' },
        { change: join('bob', 'dev'), status: 'skipped' },
        { change: tag('bob'), status: 'skipped' },
        { change: join('carol', 'dev'), status: 'done' },
      ],
      failed: 1,
      succeeded: 3,
      skipped: 2,
    });
    expect(iamMock.commandCalls(AddUserToGroupCommand).map((call) => call.args[0].input.UserName)).toEqual([
      'alice',
      'carol',
    ]);
    expect(iamMock.commandCalls(TagUserCommand)).toEqual([]);
  });

  it('reports a thrown value that is not an Error without a code', async () => {
    iamMock.on(AttachUserPolicyCommand).callsFake(() => Promise.reject('connection reset'));

    const result = await applyPlan(iam, emptyPlan({ users: [userPlan('alice', [attach('alice')])] }));

    expect(result.outcomes).toEqual([
      { change: attach('alice'), status: 'failed', error: 'connection reset', code: undefined },
    ]);
  });

  it('refuses a plan with errors and sends nothing', async () => {
    iamMock.onAnyCommand().resolves({});
    const issue = { file: 'users/a.yaml', field: 'groups.0', line: 2, column: 5, message: 'no such group' };
    const plan = emptyPlan({ users: [userPlan('alice', [attach('alice')])], errors: [issue, issue] });

    await expect(applyPlan(iam, plan)).rejects.toThrow(new PlanHasErrors(2));
    await expect(applyPlan(iam, plan)).rejects.toMatchObject({
      name: 'PlanHasErrors',
      message: 'the plan has 2 errors; nothing was applied',
    });
    expect(iamMock.calls()).toEqual([]);
  });

  it('calls onOutcome for every outcome', async () => {
    iamMock.onAnyCommand().resolves({});
    const seen: ChangeOutcome[] = [];

    await applyPlan(iam, emptyPlan({ users: [userPlan('alice', [attach('alice'), tag('alice')])] }), {
      onOutcome: (outcome) => seen.push(outcome),
    });

    expect(seen).toEqual([
      { change: attach('alice'), status: 'done' },
      { change: tag('alice'), status: 'done' },
    ]);
  });

  it('returns an empty result for a plan without changes, with no call', async () => {
    const result = await applyPlan(iam, emptyPlan());

    expect(result).toEqual({ outcomes: [], failed: 0, succeeded: 0, skipped: 0 });
    expect(iamMock.calls()).toEqual([]);
  });

  it.each([
    [undefined, DEFAULT_APPLY_CONCURRENCY],
    [2, 2],
    [1, 1],
  ])('keeps at most %s users in flight (max %i)', async (concurrency, expected) => {
    let inFlight = 0;
    let maxInFlight = 0;
    iamMock.onAnyCommand().callsFake(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await delay(5);
      inFlight--;
      return {};
    });
    const names = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    const plan = emptyPlan({ users: names.map((name) => userPlan(name, [attach(name), tag(name)])) });

    const result = await applyPlan(iam, plan, concurrency === undefined ? {} : { concurrency });

    expect(maxInFlight).toBe(expected);
    expect(iamMock.calls()).toHaveLength(20);
    expect(result.succeeded).toBe(20);
    expect(result.outcomes.map((outcome) => outcome.change.user)).toEqual(
      names.flatMap((name) => [name, name]),
    );
  });
});

// Offboardings: the guard stops everything, each offboarding runs as one unit of work beside the
// users' changes, with the clock the caller gives.
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

  it('disables with the clock it is given and reports each call that removed something', async () => {
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
          offboarding: {
            status: 'done',
            steps: [
              { call: 'DeleteLoginProfile', target: 'bob', result: 'done' },
              { call: 'UpdateAccessKey', target: 'AKIA1', result: 'done' },
              { call: 'TagUser', target: `${TAG_DISABLED_AT}=${NOW.toISOString()}`, result: 'done' },
            ],
          },
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
