// The resilience suite: a fault-injecting proxy between the SDK and moto (throttling, 500s,
// dropped connections, slow answers) during apply and during the credential Lambda. Nothing is
// lost, nothing is done twice, and a rerun or a redelivery converges.
import { randomUUID } from 'node:crypto';
import {
  CreateGroupCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListGroupsForUserCommand,
} from '@aws-sdk/client-iam';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountFacts } from '../../lambda/src/account-facts.js';
import { handleSnsEvent } from '../../lambda/src/handle-event.js';
import { OutcomeMetrics } from '../../lambda/src/metrics.js';
import { makePlan, validateRoster } from '../../src/commands/make-plan.js';
import { TAG_CONSOLE, TAG_CREDENTIALS_SENT, TAG_MANAGED_BY } from '../../src/contract.js';
import { applyPlan } from '../../src/iam/apply-plan.js';
import { changeCount, type Plan } from '../../src/plan/plan.js';
import { captureLog, capturePasswords, expectNoPasswordIn } from '../lambda/support/capture.js';
import { addressed, applyRoleIn } from '../lambda/support/events.js';
import { mailMotoEndpoint } from '../lambda/support/moto-for-mail.js';
import { freshAccount, type TestAccount } from '../support/aws.js';
import { type Fault, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { sentTo } from '../support/mailbox.js';
import { makeRosterDir, type RosterDir } from '../support/roster-dir.js';

const REPOSITORY = 'acme/iam-users';
const noSleep = async () => undefined;

/** Forwarded to moto and answered 200: the calls that really happened. */
function succeeded(proxy: FaultProxy, action: string, needle = ''): number {
  return proxy.requests.filter((r) => r.action === action && r.status === 200 && r.body.includes(needle))
    .length;
}

describe('apply through faults', () => {
  let account: TestAccount;
  let proxy: FaultProxy;
  let roster: RosterDir;
  const users = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'].map((name) => `${name}@example.com`);

  beforeEach(async () => {
    account = await freshAccount();
    proxy = await startFaultProxy(account.endpoint);
    const admin = new IAMClient(account.clientConfig);
    await admin.send(new CreateGroupCommand({ GroupName: 'developers' }));
    roster = await makeRosterDir(
      Object.fromEntries(
        users.map((name) => [`${name}.yaml`, { name, groups: ['developers'], tags: { team: 'a' } }]),
      ),
    );
  });

  afterEach(async () => {
    await proxy.close();
    await roster.cleanup();
  });

  async function plan(iam: IAMClient): Promise<Plan> {
    const settings = {
      usersDir: roster.usersDir,
      displayDir: 'users',
      iamPath: '/iam-gitops/',
      repository: REPOSITORY,
      emailDomain: undefined,
    };
    const validated = await validateRoster(settings);
    if (validated.kind !== 'valid') throw new Error('roster invalid');
    return (await makePlan(validated, settings, iam)).plan;
  }

  it('rides out throttling, 500s and slow answers with the SDK retries, each change made once', async () => {
    const iam = new IAMClient({ ...account.clientConfig, endpoint: proxy.endpoint, maxAttempts: 4 });
    const first = await plan(iam);
    proxy.setRule((request, seen): Fault | undefined => {
      if (request.action === 'GetAccountAuthorizationDetails') return undefined;
      if (seen % 5 === 1) return { kind: 'throttle' };
      if (seen % 5 === 2) return { kind: 'server-error' };
      if (seen % 5 === 3) return { kind: 'delay', ms: 150 };
      return undefined;
    });

    const result = await applyPlan(iam, first);

    expect(result.failed).toBe(0);
    expect(proxy.requests.some((r) => r.fault === 'throttle')).toBe(true);
    expect(proxy.requests.some((r) => r.fault === 'server-error')).toBe(true);
    for (const user of users) expect(succeeded(proxy, 'CreateUser', encodeURIComponent(user))).toBe(1);
    proxy.setRule(undefined);
    expect(changeCount(await plan(iam))).toBe(0);
  });

  it('loses nothing when connections drop: the run reports them, the rerun finishes the work once', async () => {
    const iam = new IAMClient({ ...account.clientConfig, endpoint: proxy.endpoint, maxAttempts: 1 });
    const first = await plan(iam);
    proxy.setRule((request, seen) =>
      (request.action === 'AddUserToGroup' || request.action === 'AttachUserPolicy') && seen % 2 === 0
        ? { kind: 'drop' }
        : undefined,
    );

    const broken = await applyPlan(iam, first);
    proxy.setRule(undefined);
    const rerun = await plan(iam);
    const fixed = await applyPlan(iam, rerun);

    expect(broken.failed).toBeGreaterThan(0);
    expect(changeCount(rerun)).toBe(broken.failed + broken.skipped);
    expect(fixed.failed).toBe(0);
    expect(changeCount(await plan(iam))).toBe(0);
    for (const user of users) expect(succeeded(proxy, 'CreateUser', encodeURIComponent(user))).toBe(1);
    const admin = new IAMClient(account.clientConfig);
    for (const user of users) {
      const groups = await admin.send(new ListGroupsForUserCommand({ UserName: user }));
      expect((groups.Groups ?? []).map((g) => g.GroupName)).toEqual(['developers']);
    }
  });
});

describe('the credential Lambda through faults', () => {
  let account: TestAccount;
  let proxy: FaultProxy;
  let lines: string[];
  let passwords: string[];
  const sender = 'it@corp.example';

  beforeEach(async () => {
    account = await freshAccount(mailMotoEndpoint());
    proxy = await startFaultProxy(account.endpoint);
    await new SESv2Client(account.clientConfig).send(
      new CreateEmailIdentityCommand({ EmailIdentity: sender }),
    );
    lines = [];
  });

  afterEach(async () => {
    expectNoPasswordIn(lines, passwords);
    vi.restoreAllMocks();
    await proxy.close();
  });

  async function newHire(): Promise<string> {
    const userName = `hire+${randomUUID().slice(0, 8)}@example.com`;
    await new IAMClient(account.clientConfig).send(
      new CreateUserCommand({
        UserName: userName,
        Path: '/iam-gitops/',
        Tags: [
          { Key: TAG_MANAGED_BY, Value: REPOSITORY },
          { Key: TAG_CONSOLE, Value: 'true' },
        ],
      }),
    );
    return userName;
  }

  function handler(maxAttempts: number) {
    const config = { ...account.clientConfig, endpoint: proxy.endpoint, maxAttempts };
    const iam = new IAMClient(config);
    passwords = capturePasswords(iam);
    const topicArn = `arn:aws:sns:us-east-1:${account.accountId}:iam-gitops-credentials`;
    const logs = captureLog();
    lines = logs.lines;
    const deps = {
      iam,
      ses: new SESv2Client(config),
      config: {
        senderEmail: sender,
        managedPath: '/iam-gitops/',
        topicArn,
        applyRoleArn: applyRoleIn(account.accountId),
      },
      ownAccountId: account.accountId,
      facts: new AccountFacts(),
      metrics: new OutcomeMetrics(),
      log: logs.log,
      sleep: noSleep,
      now: Date.now,
    };
    return {
      deliver: (userName: string, eventId: string) =>
        handleSnsEvent(
          addressed('create-user', { accountId: account.accountId, topicArn, userName, eventId }),
          deps,
        ),
    };
  }

  it('fails the invocation on a 500 before the email, and the redelivery sends exactly one', async () => {
    const userName = await newHire();
    const lambda = handler(1);
    const eventId = randomUUID();
    proxy.setRule((request, seen) =>
      request.action === 'CreateLoginProfile' && seen === 1 ? { kind: 'server-error' } : undefined,
    );

    await expect(lambda.deliver(userName, eventId)).rejects.toThrow(/AWS retries the invocation/);
    expect(await sentTo(account.endpoint, userName)).toHaveLength(0);
    await lambda.deliver(userName, eventId);
    await lambda.deliver(userName, eventId);

    expect(await sentTo(account.endpoint, userName)).toHaveLength(1);
    const iam = new IAMClient(account.clientConfig);
    await expect(iam.send(new GetLoginProfileCommand({ UserName: userName }))).resolves.toBeDefined();
    const user = await iam.send(new GetUserCommand({ UserName: userName }));
    expect(user.User?.Tags?.find((t) => t.Key === TAG_CREDENTIALS_SENT)?.Value).toBe(eventId);
  });

  it('sends one email through throttling, a dropped connection before SES, and slow answers', async () => {
    const userName = await newHire();
    const lambda = handler(4);
    proxy.setRule((request, seen): Fault | undefined => {
      if (request.action.includes('SendEmail') || request.action.includes('outbound-emails')) {
        return seen === 1 ? { kind: 'drop' } : seen === 2 ? { kind: 'throttle' } : undefined;
      }
      return seen === 1 ? { kind: 'delay', ms: 200 } : undefined;
    });

    const reports = await lambda.deliver(userName, randomUUID());

    expect(reports).toEqual([expect.objectContaining({ outcome: 'sent', user: userName })]);
    expect(proxy.requests.filter((r) => r.fault === 'drop')).toHaveLength(1);
    expect(await sentTo(account.endpoint, userName)).toHaveLength(1);
  });
});
