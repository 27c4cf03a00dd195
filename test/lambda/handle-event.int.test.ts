// The handler in-process, its clients pointed at moto (the run's server without managed policies, see moto-for-mail.ts),
// fed the SNS events AWS would deliver.
// Sent mail is read back from moto; every password handed to IAM is captured so that each test
// can assert no log line contains one.
import { randomUUID } from 'node:crypto';
import {
  CreateAccountAliasCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  type PasswordPolicy,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccountFacts } from '../../lambda/src/account-facts.js';
import type { Config } from '../../lambda/src/config.js';
import { type HandlerDependencies, handleSnsEvent } from '../../lambda/src/handle-event.js';
import { OutcomeMetrics } from '../../lambda/src/metrics.js';
import { passwordViolations, rulesFromPolicy } from '../../lambda/src/password.js';
import {
  LAMBDA_METRICS,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_CREDENTIALS_SENT,
  TAG_DISABLED_AT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { freshAccount, type TestAccount } from '../support/aws.js';
import { passwordInHtml, sentTo } from '../support/mailbox.js';
import {
  captureLog,
  capturePasswords,
  expectDifferent,
  expectIncludes,
  expectNoPasswordIn,
  expectSame,
  type LogCapture,
  metricSums,
} from './support/capture.js';
import { addressed, applyRoleIn, type EventFixture, withEventBridge } from './support/events.js';
import { mailMotoEndpoint } from './support/moto-for-mail.js';

const SENDER_ADDRESS = 'it-onboarding@corp.example';
const SENDER = `IT Onboarding <${SENDER_ADDRESS}>`;
const MANAGED_BY = 'acme/aws-users';

interface Harness {
  readonly account: TestAccount;
  /** The test's own IAM client: it plays the action (CreateUser, tags) and inspects the result. */
  readonly admin: IAMClient;
  /** The Lambda's clients. */
  readonly iam: IAMClient;
  readonly ses: SESv2Client;
  readonly topicArn: string;
  readonly logs: LogCapture;
  readonly passwords: string[];
  readonly sleeps: number[];
  readonly deps: HandlerDependencies;
  /** One invocation: the records handled, then the metrics written, as the entry point does. */
  readonly run: (event: SNSEvent) => ReturnType<typeof handleSnsEvent>;
  readonly event: (fixture: EventFixture, userName: string, eventId?: string) => SNSEvent;
  /** Plays the action's re-send: tags the user credentials-requested, returns the event CloudTrail logs. */
  readonly requestResend: (userName: string, eventId?: string) => Promise<SNSEvent>;
}

const moto = { endpoint: '' };
let current: Harness | undefined;

beforeAll(() => {
  moto.endpoint = mailMotoEndpoint();
});

afterEach(() => {
  if (current !== undefined) expectNoPasswordIn(current.logs.lines, current.passwords);
  current = undefined;
  vi.restoreAllMocks();
});

async function harness(settings: Partial<Config> = {}): Promise<Harness> {
  const account = await freshAccount(moto.endpoint);
  const admin = new IAMClient(account.clientConfig);
  const iam = new IAMClient(account.clientConfig);
  const ses = new SESv2Client(account.clientConfig);
  // moto, like SES, refuses to send from an identity that is not verified.
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: SENDER_ADDRESS }));
  const topicArn = `arn:aws:sns:us-east-1:${account.accountId}:iam-gitops-credentials`;
  const logs = captureLog();
  const passwords = capturePasswords(iam);
  const sleeps: number[] = [];
  const config: Config = {
    senderEmail: SENDER,
    managedPath: '/iam-gitops/',
    topicArn,
    applyRoleArn: applyRoleIn(account.accountId),
    ...settings,
  };
  const metrics = new OutcomeMetrics();
  const deps: HandlerDependencies = {
    iam,
    ses,
    config,
    ownAccountId: account.accountId,
    facts: new AccountFacts(),
    metrics,
    log: logs.log,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: Date.now,
  };
  const event = (fixture: EventFixture, userName: string, eventId: string = randomUUID()) =>
    addressed(fixture, { accountId: account.accountId, topicArn, userName, eventId });
  const harnessed: Harness = {
    account,
    admin,
    iam,
    ses,
    topicArn,
    logs,
    passwords,
    sleeps,
    deps,
    run: async (sns) => {
      try {
        return await handleSnsEvent(sns, deps);
      } finally {
        metrics.flush();
      }
    },
    event,
    requestResend: async (userName, eventId = randomUUID()) => {
      const requestedValue = `${new Date().toISOString()} run ${randomUUID().slice(0, 8)}`;
      await admin.send(
        new TagUserCommand({
          UserName: userName,
          Tags: [{ Key: TAG_CREDENTIALS_REQUESTED, Value: requestedValue }],
        }),
      );
      return addressed('tag-user-credentials-requested', {
        accountId: account.accountId,
        topicArn,
        userName,
        eventId,
        requestedValue,
      });
    },
  };
  current = harnessed;
  return harnessed;
}

/** A unique mailbox per test: the moto server, and so its sent mail, is shared by all tests. */
function newHireName(): string {
  return `new.hire+${randomUUID().slice(0, 8)}@example.com`;
}

async function createUser(
  h: Harness,
  userName: string,
  options: { path?: string; tags?: Record<string, string> } = {},
): Promise<void> {
  const tags = options.tags ?? { [TAG_MANAGED_BY]: MANAGED_BY, [TAG_CONSOLE]: 'true' };
  await h.admin.send(
    new CreateUserCommand({
      UserName: userName,
      Path: options.path ?? '/iam-gitops/',
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

async function tagsOf(h: Harness, userName: string): Promise<Record<string, string>> {
  const { User } = await h.admin.send(new GetUserCommand({ UserName: userName }));
  return Object.fromEntries((User?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

async function hasLoginProfile(h: Harness, userName: string): Promise<boolean> {
  try {
    await h.admin.send(new GetLoginProfileCommand({ UserName: userName }));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchEntityException') return false;
    throw error;
  }
}

/** Makes the Lambda's next SES call fail, as a crash or a network cut between profile and email would. */
function failNextSend(ses: SESv2Client): void {
  let armed = true;
  ses.middlewareStack.add(
    (next) => async (args) => {
      if (armed) {
        armed = false;
        throw Object.assign(new Error('simulated: the connection to SES dropped'), { name: 'TimeoutError' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failNextSend' },
  );
}

describe('handleSnsEvent, CreateUser', () => {
  it('gives a new user a login profile and one email with the user name, sign-in URL and a password that meets the policy', async () => {
    const h = await harness();
    const policy: PasswordPolicy = {
      MinimumPasswordLength: 24,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
    };
    await h.admin.send(new UpdateAccountPasswordPolicyCommand(policy));
    await h.admin.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-sandbox' }));
    const userName = newHireName();
    await createUser(h, userName);
    const eventId = randomUUID();

    const reports = await h.run(h.event('create-user', userName, eventId));

    expect(reports).toEqual([
      {
        outcome: 'sent',
        eventId,
        eventName: 'CreateUser',
        user: userName,
        account: h.account.accountId,
        principal: `arn:aws:sts::${h.account.accountId}:assumed-role/iam-gitops-apply/GitHubActions`,
      },
    ]);
    expect(await hasLoginProfile(h, userName)).toBe(true);
    const mails = await sentTo(h.account.endpoint, userName);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.source).toBe(SENDER);
    expect(mail?.destinations.ToAddresses).toEqual([userName]);
    expect(mail?.subject).toBe('Your AWS sign-in details for acme-sandbox');
    expectIncludes(
      mail?.body,
      '<a href="https://acme-sandbox.signin.aws.amazon.com/console">https://acme-sandbox.signin.aws.amazon.com/console</a>',
    );
    expectIncludes(mail?.body, `<code>${userName}</code>`);
    expectIncludes(mail?.body, 'asks you to choose a new password');
    const password = passwordInHtml(mail?.body ?? '');
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(passwordViolations(password, rulesFromPolicy(policy), { userName })).toEqual([]);
    expect(h.passwords.length).toBe(1);
    expectSame(h.passwords[0], password, 'the emailed password and the one IAM got');
    expect((await tagsOf(h, userName))[TAG_CREDENTIALS_SENT]).toBe(eventId);
    const entries = h.logs.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 'INFO',
      message: 'sent',
      outcome: 'sent',
      eventId,
      eventName: 'CreateUser',
      user: userName,
      loginProfile: 'created',
      recipientSource: 'user-name',
      marked: true,
    });
    expect(entries[0]?.durationMs).toEqual(expect.any(Number));
    expect(metricSums(h.logs.emf())).toEqual({ [LAMBDA_METRICS.sent]: 1 });
  });

  it("names the account by its id without an alias, and meets AWS's default policy without one", async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);

    await h.run(h.event('create-user', userName));

    const [mail] = await sentTo(h.account.endpoint, userName);
    const url = `https://${h.account.accountId}.signin.aws.amazon.com/console`;
    expect(mail?.subject).toBe(`Your AWS sign-in details for ${h.account.accountId}`);
    expectIncludes(mail?.body, `<a href="${url}">`);
    expect(
      passwordViolations(passwordInHtml(mail?.body ?? ''), rulesFromPolicy(undefined), { userName }),
    ).toEqual([]);
  });

  it('uses SIGN_IN_URL when it is configured', async () => {
    const h = await harness({ signInUrl: 'https://aws.corp.example/start?a=1&b=2' });
    const userName = newHireName();
    await createUser(h, userName);

    await h.run(h.event('create-user', userName));

    const [mail] = await sentTo(h.account.endpoint, userName);
    expectIncludes(mail?.body, '<a href="https://aws.corp.example/start?a=1&amp;b=2">');
  });

  it('sends to the email tag rather than the user name', async () => {
    const h = await harness();
    const userName = newHireName();
    const mailbox = `personal+${randomUUID().slice(0, 8)}@example.org`;
    await createUser(h, userName, {
      tags: { [TAG_MANAGED_BY]: MANAGED_BY, [TAG_CONSOLE]: 'true', [TAG_EMAIL]: mailbox },
    });

    await h.run(h.event('create-user', userName));

    expect(await sentTo(h.account.endpoint, userName)).toHaveLength(0);
    expect(await sentTo(h.account.endpoint, mailbox)).toHaveLength(1);
  });

  it('sends to name@EMAIL_DOMAIN when the user name is not an address', async () => {
    const domain = `corp-${randomUUID().slice(0, 8)}.example`;
    const h = await harness({ emailDomain: domain });
    await createUser(h, 'grace.hopper');

    const [report] = await h.run(h.event('create-user', 'grace.hopper'));

    expect(report?.outcome).toBe('sent');
    const [mail] = await sentTo(h.account.endpoint, `grace.hopper@${domain}`);
    expectIncludes(mail?.body, '<code>grace.hopper</code>');
  });

  it('treats a missing console tag as console: true, and says so in the log', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName, { tags: { [TAG_MANAGED_BY]: MANAGED_BY } });

    const [report] = await h.run(h.event('create-user', userName));

    expect(report?.outcome).toBe('sent');
    expect(await sentTo(h.account.endpoint, userName)).toHaveLength(1);
    expect(h.logs.entries().map((entry) => entry.message)).toEqual([
      `no ${TAG_CONSOLE} tag: treated as true, the roster's default`,
      'sent',
    ]);
  });
});

/** Every AWS call a client makes, by operation, in order. */
function recordCalls(client: IAMClient | SESv2Client): string[] {
  const calls: string[] = [];
  (client.middlewareStack as IAMClient['middlewareStack']).add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );
  return calls;
}

describe('handleSnsEvent, AWS calls per event', () => {
  it('makes 6 calls for the first event of a container and 4 for the next ones', async () => {
    const h = await harness();
    await h.admin.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-calls' }));
    const [first, second] = [newHireName(), newHireName()];
    await createUser(h, first);
    await createUser(h, second);
    const iamCalls = recordCalls(h.iam);
    const sesCalls = recordCalls(h.ses);

    await h.run(h.event('create-user', first));
    const cold = [...iamCalls, ...sesCalls];
    iamCalls.length = 0;
    sesCalls.length = 0;
    await h.run(h.event('create-user', second));
    await h.run(await h.requestResend(first));

    expect(cold.sort()).toEqual([
      'CreateLoginProfileCommand',
      'GetAccountPasswordPolicyCommand',
      'GetUserCommand',
      'ListAccountAliasesCommand',
      'SendEmailCommand',
      'TagUserCommand',
    ]);
    expect(iamCalls).toEqual([
      'GetUserCommand',
      'CreateLoginProfileCommand',
      'TagUserCommand',
      'GetUserCommand',
      'UpdateLoginProfileCommand',
      'TagUserCommand',
    ]);
    expect(sesCalls).toEqual(['SendEmailCommand', 'SendEmailCommand']);
    expect((await sentTo(h.account.endpoint, second))[0]?.subject).toBe(
      'Your AWS sign-in details for acme-calls',
    );
  });
});

describe('handleSnsEvent, exactly once', () => {
  it('sends one email when the same event is delivered twice', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);
    const event = h.event('create-user', userName);

    const first = await h.run(event);
    const second = await h.run(event);

    expect(first.map((report) => report.outcome)).toEqual(['sent']);
    expect(second.map((report) => [report.outcome, report.reason])).toEqual([['ignored', 'duplicate']]);
    expect(await sentTo(h.account.endpoint, userName)).toHaveLength(1);
    expect(h.passwords.length).toBe(1);
  });

  it('answers a re-send request with a new password and a second email', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);
    await h.run(h.event('create-user', userName));
    const resendId = randomUUID();

    const reports = await h.run(await h.requestResend(userName, resendId));

    expect(reports).toMatchObject([
      { outcome: 'sent', eventId: resendId, eventName: 'TagUser', user: userName },
    ]);
    const mails = await sentTo(h.account.endpoint, userName);
    expect(mails.map((mail) => mail.subject)).toEqual([
      `Your AWS sign-in details for ${h.account.accountId}`,
      `Your new AWS sign-in details for ${h.account.accountId}`,
    ]);
    const [first, second] = mails.map((mail) => passwordInHtml(mail.body));
    expectDifferent(second, first, 'the re-sent password and the first one');
    expect(h.passwords.length).toBe(2);
    expectSame(h.passwords[0], first, 'the first emailed password and the one IAM got');
    expectSame(h.passwords[1], second, 'the re-sent password and the one IAM got');
    expect(h.logs.entries().at(-1)).toMatchObject({ outcome: 'sent', loginProfile: 'updated' });
    expect((await tagsOf(h, userName))[TAG_CREDENTIALS_SENT]).toBe(resendId);
  });

  it('creates the login profile on a re-send when the user has none', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);

    await h.run(await h.requestResend(userName));

    expect(await hasLoginProfile(h, userName)).toBe(true);
    expect(await sentTo(h.account.endpoint, userName)).toHaveLength(1);
    expect(h.logs.entries().at(-1)).toMatchObject({ outcome: 'sent', loginProfile: 'created' });
  });

  it('recovers a failure between the login profile and the email when the event is redelivered', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);
    const event = h.event('create-user', userName);
    failNextSend(h.ses);

    await expect(h.run(event)).rejects.toThrow(/1 of 1 records failed \(TimeoutError\)/);
    expect(await hasLoginProfile(h, userName)).toBe(true);
    expect(await sentTo(h.account.endpoint, userName)).toHaveLength(0);
    expect((await tagsOf(h, userName))[TAG_CREDENTIALS_SENT]).toBeUndefined();

    const redelivered = await h.run(event);

    expect(redelivered.map((report) => report.outcome)).toEqual(['sent']);
    const mails = await sentTo(h.account.endpoint, userName);
    expect(mails).toHaveLength(1);
    // The first password never reached anyone; the email carries the one set on redelivery.
    expect(h.passwords.length).toBe(2);
    expectSame(
      passwordInHtml(mails[0]?.body ?? ''),
      h.passwords[1],
      "the emailed password and the redelivery's",
    );
    expectDifferent(h.passwords[1], h.passwords[0], "the redelivery's password and the lost one");
    expect(h.logs.entries().map((entry) => [entry.outcome, entry.loginProfile])).toEqual([
      ['failed', undefined],
      [undefined, undefined],
      ['sent', 'updated'],
    ]);
  });
});

interface NothingCase {
  readonly name: string;
  readonly fixture: EventFixture;
  /** Ignored: nothing amiss. Refused: out of scope, counted and alarmed. */
  readonly outcome: 'ignored' | 'refused';
  readonly reason: string;
  readonly user?: { path?: string; tags?: Record<string, string> };
  readonly otherTopic?: boolean;
}

const nothingCases: readonly NothingCase[] = [
  {
    name: 'another topic',
    fixture: 'create-user',
    outcome: 'ignored',
    reason: 'other-topic',
    otherTopic: true,
  },
  { name: 'another IAM call', fixture: 'attach-user-policy', outcome: 'ignored', reason: 'other-event' },
  {
    name: 'a failed CreateUser (errorCode)',
    fixture: 'create-user-failed',
    outcome: 'ignored',
    reason: 'failed-call',
  },
  {
    name: 'CreateUser outside the path (per the event)',
    fixture: 'create-user-default-path',
    outcome: 'ignored',
    reason: 'outside-path',
  },
  {
    name: 'a user with console: false',
    fixture: 'create-user',
    outcome: 'ignored',
    reason: 'console-disabled',
    user: { tags: { [TAG_MANAGED_BY]: MANAGED_BY, [TAG_CONSOLE]: 'false' } },
  },
  {
    name: "the Lambda's own credentials-sent tagging",
    fixture: 'tag-user-credentials-sent',
    outcome: 'ignored',
    reason: 'own-marker',
  },
  {
    name: 'TagUser of other tags',
    fixture: 'tag-user-other-tags',
    outcome: 'ignored',
    reason: 'not-a-credentials-request',
  },
  {
    name: 'a user outside the path (per GetUser)',
    fixture: 'create-user',
    outcome: 'refused',
    reason: 'outside-path',
    user: { path: '/', tags: { [TAG_MANAGED_BY]: MANAGED_BY, [TAG_CONSOLE]: 'true' } },
  },
  {
    name: 'a user without the managed-by tag',
    fixture: 'create-user',
    outcome: 'refused',
    reason: 'not-managed',
    user: { tags: { [TAG_CONSOLE]: 'true' } },
  },
];

describe('handleSnsEvent, events that get nothing', () => {
  it.each(nothingCases)('answers $name with one log line ($outcome) and changes nothing', async (nothing) => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName, nothing.user ?? {});
    const eventId = randomUUID();
    const event = addressed(nothing.fixture, {
      accountId: h.account.accountId,
      topicArn: nothing.otherTopic ? `arn:aws:sns:us-east-1:${h.account.accountId}:someone-else` : h.topicArn,
      userName,
      eventId,
    });

    const reports = await h.run(event);

    expect(reports.map((report) => [report.outcome, report.reason])).toEqual([
      [nothing.outcome, nothing.reason],
    ]);
    const entries = h.logs.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: nothing.outcome === 'ignored' ? 'INFO' : 'WARN',
      outcome: nothing.outcome,
      reason: nothing.reason,
    });
    expect(metricSums(h.logs.emf())).toEqual(
      nothing.outcome === 'ignored' ? {} : { [LAMBDA_METRICS.refused]: 1 },
    );
    expect(await hasLoginProfile(h, userName)).toBe(false);
    expect(await sentTo(h.account.endpoint, userName)).toHaveLength(0);
    expect((await tagsOf(h, userName))[TAG_CREDENTIALS_SENT]).toBeUndefined();
    expect(h.passwords.length).toBe(0);
  });

  it('logs a malformed record without its content and still answers the rest of the batch', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);
    const good = h.event('create-user', userName);
    const secret = `do-not-log-${randomUUID()}`;
    const broken = withEventBridge(good, (eventBridge) => {
      eventBridge.detail = { eventName: secret, requestParameters: { userName: secret } };
    });
    const batch: SNSEvent = { Records: [...broken.Records, ...good.Records] };

    const reports = await h.run(batch);

    expect(reports.map((report) => report.outcome)).toEqual(['malformed', 'sent']);
    expect(reports[0]?.reason).toBe('CloudTrail record: eventID: invalid_type; eventSource: invalid_type');
    expect(await sentTo(h.account.endpoint, userName)).toHaveLength(1);
    expect(h.logs.lines.filter((line) => line.includes(secret))).toEqual([]);
    expect(h.logs.entries()[0]).toMatchObject({ level: 'WARN', outcome: 'malformed', record: 0 });
  });

  it('reports a user without an email address as undeliverable, returns normally and changes nothing', async () => {
    const h = await harness();
    await createUser(h, 'no-mailbox');

    const reports = await h.run(h.event('create-user', 'no-mailbox'));

    expect(reports.map((report) => [report.outcome, report.reason])).toEqual([
      ['undeliverable', 'no-recipient'],
    ]);
    expect(h.logs.entries()).toEqual([
      expect.objectContaining({ level: 'ERROR', outcome: 'undeliverable', user: 'no-mailbox' }),
    ]);
    expect(metricSums(h.logs.emf())).toEqual({ [LAMBDA_METRICS.undeliverable]: 1 });
    expect(await hasLoginProfile(h, 'no-mailbox')).toBe(false);
    expect(h.passwords.length).toBe(0);
  });
});

/**
 * One refused record: the report and its one warning line name the reason and the principal, the
 * metric counts it, and the user got nothing from it.
 */
async function expectRefused(
  h: Harness,
  reports: Awaited<ReturnType<Harness['run']>>,
  expected: { reason: string; user: string; principal?: string },
): Promise<void> {
  expect(reports).toMatchObject([{ outcome: 'refused', reason: expected.reason, user: expected.user }]);
  const line = h.logs.entries().find((entry) => entry.outcome === 'refused');
  expect(line).toMatchObject({
    level: 'WARN',
    reason: expected.reason,
    user: expected.user,
    eventId: reports[0]?.eventId,
    ...(expected.principal === undefined ? {} : { principal: expected.principal }),
  });
  expect(metricSums(h.logs.emf())).toMatchObject({ [LAMBDA_METRICS.refused]: 1 });
  expect(h.logs.emf().find((emf) => LAMBDA_METRICS.refused in emf)).toMatchObject({
    reason: expected.reason,
  });
  expect(await sentTo(h.account.endpoint, expected.user)).toHaveLength(0);
  expect(h.passwords.length).toBe(0);
}

/** The positive control: the genuine request, answered with exactly one email. */
async function expectAnswered(h: Harness, reports: Awaited<ReturnType<Harness['run']>>, user: string) {
  expect(reports.map((report) => report.outcome)).toEqual(['sent']);
  expect(await sentTo(h.account.endpoint, user)).toHaveLength(1);
  expect(metricSums(h.logs.emf())).toMatchObject({ [LAMBDA_METRICS.sent]: 1 });
}

describe('handleSnsEvent, provenance', () => {
  it.each<[string, EventFixture, string]>([
    ['an IAM user', 'tag-user-credentials-requested-by-user', 'user/mallory'],
    [
      'a session of another role',
      'tag-user-credentials-requested-by-other-role',
      'assumed-role/AWSReservedSSO_',
    ],
  ])('refuses a re-send made by %s, and answers the apply role’s', async (_who, fixture, principal) => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);
    // Someone with iam:TagUser asks for the user's password themselves.
    const forgedValue = `${new Date().toISOString()} by hand`;
    await h.admin.send(
      new TagUserCommand({
        UserName: userName,
        Tags: [{ Key: TAG_CREDENTIALS_REQUESTED, Value: forgedValue }],
      }),
    );
    const forged = addressed(fixture, {
      accountId: h.account.accountId,
      topicArn: h.topicArn,
      userName,
      eventId: randomUUID(),
      requestedValue: forgedValue,
    });

    const refused = await h.run(forged);

    await expectRefused(h, refused, { reason: 'not-apply-role', user: userName });
    expect(refused[0]?.principal).toContain(principal);
    expect(await hasLoginProfile(h, userName)).toBe(false);
    await expectAnswered(h, await h.run(await h.requestResend(userName)), userName);
  });

  it("refuses another account's event, and answers its own", async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);
    const elsewhere = addressed('create-user', {
      accountId: '999988887777',
      topicArn: h.topicArn,
      userName,
      eventId: randomUUID(),
    });

    await expectRefused(h, await h.run(elsewhere), { reason: 'other-account', user: userName });
    await expectAnswered(h, await h.run(h.event('create-user', userName)), userName);
  });

  it('answers a CreateUser once, and refuses it replayed with a new event id', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);
    await expectAnswered(h, await h.run(h.event('create-user', userName)), userName);

    const replayed = await h.run(h.event('create-user', userName));

    expect(replayed).toMatchObject([{ outcome: 'refused', reason: 'already-sent' }]);
    expect(await sentTo(h.account.endpoint, userName)).toHaveLength(1);
    expect(h.passwords.length).toBe(1);
    expect(metricSums(h.logs.emf())).toEqual({ [LAMBDA_METRICS.sent]: 1, [LAMBDA_METRICS.refused]: 1 });
  });

  it('refuses a re-send whose value a newer request has replaced, and answers the newer one', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName);
    const stale = await h.requestResend(userName);
    const current = await h.requestResend(userName);

    await expectRefused(h, await h.run(stale), { reason: 'stale-request', user: userName });
    await expectAnswered(h, await h.run(current), userName);
  });

  it('refuses a re-send for a disabled user, and answers it once the user is restored', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName, {
      tags: {
        [TAG_MANAGED_BY]: MANAGED_BY,
        [TAG_CONSOLE]: 'true',
        [TAG_DISABLED_AT]: new Date().toISOString(),
      },
    });

    await expectRefused(h, await h.run(await h.requestResend(userName)), {
      reason: 'disabled',
      user: userName,
    });
    await h.admin.send(new UntagUserCommand({ UserName: userName, TagKeys: [TAG_DISABLED_AT] }));
    await expectAnswered(h, await h.run(await h.requestResend(userName)), userName);
  });

  it('refuses a re-send for a console: false user, and answers a console user', async () => {
    const h = await harness();
    const userName = newHireName();
    await createUser(h, userName, { tags: { [TAG_MANAGED_BY]: MANAGED_BY, [TAG_CONSOLE]: 'false' } });

    await expectRefused(h, await h.run(await h.requestResend(userName)), {
      reason: 'console-disabled',
      user: userName,
    });
    await h.admin.send(
      new TagUserCommand({ UserName: userName, Tags: [{ Key: TAG_CONSOLE, Value: 'true' }] }),
    );
    await expectAnswered(h, await h.run(await h.requestResend(userName)), userName);
  });

  it('sends nothing outside RECIPIENT_DOMAINS, counted as undeliverable, and sends inside them', async () => {
    const h = await harness({ recipientDomains: ['example.com'] });
    const outside = newHireName().replace('@example.com', '@example.org');
    const inside = newHireName();
    await createUser(h, outside);
    await createUser(h, inside);

    const refused = await h.run(h.event('create-user', outside));

    expect(refused).toMatchObject([{ outcome: 'undeliverable', reason: 'recipient-not-allowed' }]);
    expect(h.logs.entries()).toEqual([
      expect.objectContaining({ level: 'ERROR', outcome: 'undeliverable', user: outside }),
    ]);
    expect(metricSums(h.logs.emf())).toEqual({ [LAMBDA_METRICS.undeliverable]: 1 });
    expect(await sentTo(h.account.endpoint, outside)).toHaveLength(0);
    expect(await hasLoginProfile(h, outside)).toBe(false);
    await expectAnswered(h, await h.run(h.event('create-user', inside)), inside);
  });
});

describe('handleSnsEvent, failures AWS should retry', () => {
  it('fails the invocation when the user does not exist, after retrying NoSuchEntity for a while', async () => {
    const h = await harness();
    const userName = newHireName();

    await expect(h.run(h.event('create-user', userName))).rejects.toThrow(/NoSuchEntityException/);

    expect(h.sleeps).toHaveLength(5);
    expect(h.logs.entries().at(-1)).toMatchObject({ level: 'ERROR', outcome: 'failed', user: userName });
    expect(metricSums(h.logs.emf())).toEqual({ [LAMBDA_METRICS.failed]: 1 });
  });

  it('creates the login profile once IAM shows the user, when the event outran IAM', async () => {
    const h = await harness();
    const userName = newHireName();
    // The user appears in IAM while the Lambda waits between GetUser attempts.
    const deps: HandlerDependencies = {
      ...h.deps,
      sleep: async (ms) => {
        h.sleeps.push(ms);
        if (h.sleeps.length === 2) await createUser(h, userName);
      },
    };

    const reports = await handleSnsEvent(h.event('create-user', userName), deps);

    expect(reports.map((report) => report.outcome)).toEqual(['sent']);
    expect(h.sleeps).toHaveLength(2);
    expect(await hasLoginProfile(h, userName)).toBe(true);
  });
});
