// The invocation around the flow: one log line and at most one metric per record, malformed,
// ignored and refused records done with, failures collected and thrown at the end. IAM and SES are
// stubbed at the SDK boundary; the log and EMF lines are Powertools' own, read from stdout.
import {
  CreateLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccountAliasesCommand,
  ServiceFailureException,
  TagUserCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountFacts } from '../../lambda/src/account-facts.js';
import {
  DeliveryFailedError,
  type HandlerDependencies,
  handleSnsEvent,
} from '../../lambda/src/handle-event.js';
import { OutcomeMetrics } from '../../lambda/src/metrics.js';
import {
  LAMBDA_METRICS,
  type MemberAccount,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { captureLog, expectNoPasswordIn, type LogCapture, metricSums } from './support/capture.js';
import { addressed, applyRoleIn, loadEvent } from './support/events.js';

const iamMock = mockClient(IAMClient);
const sesMock = mockClient(SESv2Client);
const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:iam-gitops-credentials`;
const APPLY_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/iam-gitops-apply/GitHubActions`;

let logs: LogCapture;
let metrics: OutcomeMetrics;
let deps: HandlerDependencies;

function givenManagedUser(userName: string, tags: Record<string, string> = {}, account = ACCOUNT): void {
  iamMock.on(GetUserCommand, { UserName: userName }).resolves({
    User: {
      UserName: userName,
      UserId: 'AIDAYFKQ3EXAMPLEA7RS2',
      Path: '/iam-gitops/',
      Arn: `arn:aws:iam::${account}:user/iam-gitops/${userName}`,
      CreateDate: new Date(),
      Tags: Object.entries({ [TAG_MANAGED_BY]: 'acme/aws-users', [TAG_CONSOLE]: 'true', ...tags }).map(
        ([Key, Value]) => ({ Key, Value }),
      ),
    },
  });
}

/** The log lines, without the fields Powertools adds to each. */
function lines(): Record<string, unknown>[] {
  return logs.entries().map(({ timestamp, service, sampling_rate, ...rest }) => rest);
}

beforeEach(() => {
  iamMock.reset();
  sesMock.reset();
  iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 14 } });
  iamMock.on(CreateLoginProfileCommand).resolves({});
  iamMock.on(UpdateLoginProfileCommand).resolves({});
  iamMock.on(ListAccountAliasesCommand).resolves({ AccountAliases: [] });
  iamMock.on(TagUserCommand).resolves({});
  sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  logs = captureLog();
  metrics = new OutcomeMetrics();
  // Each record takes "21 ms" by this clock.
  let tick = 0;
  deps = {
    iam: new IAMClient({ region: 'us-east-1' }),
    ses: new SESv2Client({ region: 'us-east-1' }),
    config: {
      senderEmail: 'it@corp.example',
      managedPath: '/iam-gitops/',
      topicArn: TOPIC,
      applyRoleArn: applyRoleIn(ACCOUNT),
    },
    ownAccountId: ACCOUNT,
    facts: new AccountFacts(),
    metrics,
    log: logs.log,
    sleep: async () => {},
    now: () => {
      tick += 21;
      return tick;
    },
  };
});

afterEach(() => {
  const passwords = [
    ...iamMock.commandCalls(CreateLoginProfileCommand).map((call) => call.args[0].input.Password ?? ''),
    ...iamMock.commandCalls(UpdateLoginProfileCommand).map((call) => call.args[0].input.Password ?? ''),
  ];
  expectNoPasswordIn(logs.lines, passwords);
  vi.restoreAllMocks();
});

describe('handleSnsEvent', () => {
  it('answers a request with one log line (user, event id, account, principal, outcome, duration) and one metric', async () => {
    givenManagedUser('alice@example.com');
    const event = addressed('create-user', { eventId: 'event-1' });

    const reports = await handleSnsEvent(event, deps);
    metrics.flush();

    const answered = {
      eventId: 'event-1',
      eventName: 'CreateUser',
      user: 'alice@example.com',
      account: ACCOUNT,
      principal: APPLY_SESSION,
    };
    expect(reports).toEqual([{ outcome: 'sent', ...answered }]);
    expect(lines()).toEqual([
      {
        level: 'INFO',
        message: 'sent',
        record: 0,
        outcome: 'sent',
        ...answered,
        loginProfile: 'created',
        recipientSource: 'user-name',
        marked: true,
        durationMs: 21,
      },
    ]);
    expect(metricSums(logs.emf())).toEqual({ [LAMBDA_METRICS.sent]: 1 });
    expect(logs.emf()[0]).toMatchObject({ account: ACCOUNT });
  });

  it('refuses a forged re-send with one warning naming reason, event, user and principal, and counts it', async () => {
    givenManagedUser('alice@example.com');

    const reports = await handleSnsEvent(loadEvent('tag-user-credentials-requested-by-user'), deps);
    metrics.flush();

    const refusal = {
      outcome: 'refused',
      reason: 'not-apply-role',
      eventId: 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70',
      eventName: 'TagUser',
      user: 'alice@example.com',
      account: ACCOUNT,
      principal: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    };
    expect(reports).toEqual([refusal]);
    expect(lines()).toEqual([
      { level: 'WARN', message: 'refused: not-apply-role', record: 0, ...refusal, durationMs: 21 },
    ]);
    expect(iamMock.calls()).toHaveLength(0);
    expect(sesMock.calls()).toHaveLength(0);
    expect(metricSums(logs.emf())).toEqual({ [LAMBDA_METRICS.refused]: 1 });
    expect(logs.emf()[0]).toMatchObject({ reason: 'not-apply-role', account: ACCOUNT });
  });

  it('refuses a stale re-send after asking IAM, and counts it', async () => {
    givenManagedUser('alice@example.com', { [TAG_CREDENTIALS_REQUESTED]: '2025-04-03T08:00:00Z run 99' });

    const reports = await handleSnsEvent(addressed('tag-user-credentials-requested', {}), deps);
    metrics.flush();

    expect(reports).toMatchObject([
      { outcome: 'refused', reason: 'stale-request', principal: APPLY_SESSION },
    ]);
    expect(iamMock.calls().map((call) => call.args[0].constructor.name)).toEqual(['GetUserCommand']);
    expect(metricSums(logs.emf())).toEqual({ [LAMBDA_METRICS.refused]: 1 });
  });

  it('logs something that is not an SNS event, and counts it as refused', async () => {
    const reports = await handleSnsEvent({ detail: { password: 'x' } }, deps);
    metrics.flush();

    expect(reports).toEqual([{ outcome: 'malformed', reason: 'SNS event: Records: invalid_type' }]);
    expect(lines()).toEqual([
      {
        level: 'WARN',
        message: 'not an SNS event: nothing to do',
        outcome: 'malformed',
        reason: 'SNS event: Records: invalid_type',
      },
    ]);
    expect(iamMock.calls()).toHaveLength(0);
    expect(metricSums(logs.emf())).toEqual({ [LAMBDA_METRICS.refused]: 1 });
    expect(logs.emf()[0]).toMatchObject({ reason: 'malformed' });
  });

  it('goes through the whole batch, then fails the invocation for the records that failed', async () => {
    givenManagedUser('alice@example.com');
    iamMock
      .on(GetUserCommand, { UserName: 'bob@example.com' })
      .rejects(new ServiceFailureException({ message: 'internal failure', $metadata: {} }));
    const batch: SNSEvent = {
      Records: [
        ...addressed('create-user', { userName: 'bob@example.com', eventId: 'event-bob' }).Records,
        { EventSource: 'aws:sns' } as unknown as SNSEvent['Records'][number],
        ...addressed('attach-user-policy', {}).Records,
        ...addressed('create-user', { userName: 'alice@example.com', eventId: 'event-alice' }).Records,
      ],
    };

    const handling = handleSnsEvent(batch, deps);

    await expect(handling).rejects.toThrow(DeliveryFailedError);
    await expect(handling).rejects.toThrow(
      '1 of 4 records failed (ServiceFailureException); AWS retries the invocation',
    );
    expect(lines().map((entry) => [entry.record, entry.level, entry.outcome, entry.reason ?? null])).toEqual([
      [0, 'ERROR', 'failed', 'ServiceFailureException'],
      [1, 'WARN', 'malformed', 'SNS record: Sns: invalid_type'],
      [2, 'INFO', 'ignored', 'other-event'],
      [3, 'INFO', 'sent', null],
    ]);
    expect(lines()[0]).toMatchObject({
      user: 'bob@example.com',
      eventId: 'event-bob',
      detail: 'internal failure',
    });
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
    metrics.flush();
    expect(metricSums(logs.emf())).toEqual({
      [LAMBDA_METRICS.failed]: 1,
      [LAMBDA_METRICS.refused]: 1,
      [LAMBDA_METRICS.sent]: 1,
    });
    expect(logs.emf()[0]).toMatchObject({ reason: 'ServiceFailureException,malformed' });
  });

  it('reports a user with no address as undeliverable, counted, without failing the invocation', async () => {
    givenManagedUser('carol');

    const reports = await handleSnsEvent(addressed('create-user', { userName: 'carol' }), deps);
    metrics.flush();

    expect(reports.map((report) => [report.outcome, report.reason])).toEqual([
      ['undeliverable', 'no-recipient'],
    ]);
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        outcome: 'undeliverable',
        reason: 'no-recipient',
        user: 'carol',
        detail: 'no iam-gitops:email tag, the user name is not an email address and EMAIL_DOMAIN is not set',
      }),
    ]);
    expect(metricSums(logs.emf())).toEqual({ [LAMBDA_METRICS.undeliverable]: 1 });
  });

  it('counts nothing for what it ignores', async () => {
    const reports = await handleSnsEvent(addressed('tag-user-credentials-sent', {}), deps);
    metrics.flush();

    expect(reports.map((report) => report.outcome)).toEqual(['ignored']);
    expect(logs.emf()).toEqual([]);
  });
});

describe('handleSnsEvent, member accounts', () => {
  const prod: MemberAccount = {
    id: '444455556666',
    name: 'prod',
    applyRoleArn: applyRoleIn('444455556666'),
    credentialsRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-credentials',
  };

  it("acts in the member's account through its own client, and counts with the account as metadata", async () => {
    const memberIam = new IAMClient({ region: 'us-east-1' });
    const clientsAskedFor: string[] = [];
    givenManagedUser('alice@example.com', {}, prod.id);
    deps = {
      ...deps,
      config: { ...deps.config, memberAccounts: [prod] },
      memberIam: (member) => {
        clientsAskedFor.push(member.id);
        return memberIam;
      },
    };

    const reports = await handleSnsEvent(addressed('create-user', { accountId: prod.id }), deps);
    metrics.flush();

    expect(reports).toMatchObject([{ outcome: 'sent', account: prod.id }]);
    expect(clientsAskedFor).toEqual([prod.id]);
    expect(new Set(iamMock.send.thisValues)).toEqual(new Set([memberIam]));
    expect(logs.emf()[0]).toMatchObject({ account: prod.id, [LAMBDA_METRICS.sent]: 1 });
  });

  describe('its own account listed as a member', () => {
    const tooling: MemberAccount = {
      id: ACCOUNT,
      name: 'tooling',
      applyRoleArn: `arn:aws:iam::${ACCOUNT}:role/iam-gitops/tooling-apply`,
      credentialsRoleArn: `arn:aws:iam::${ACCOUNT}:role/iam-gitops/iam-gitops-credentials`,
    };
    const memberIam = new IAMClient({ region: 'us-east-1' });
    const clientsAskedFor: string[] = [];

    beforeEach(() => {
      clientsAskedFor.length = 0;
      deps = {
        ...deps,
        config: { ...deps.config, memberAccounts: [prod, tooling] },
        memberIam: (member) => {
          clientsAskedFor.push(member.id);
          return memberIam;
        },
      };
    });

    it("acts for the entry's apply role, through the entry's client", async () => {
      givenManagedUser('alice@example.com');

      const reports = await handleSnsEvent(
        addressed('create-user', { accountId: ACCOUNT, issuerArn: tooling.applyRoleArn }),
        deps,
      );

      expect(reports).toMatchObject([{ outcome: 'sent', account: ACCOUNT }]);
      expect(clientsAskedFor).toEqual([ACCOUNT]);
      expect(new Set(iamMock.send.thisValues)).toEqual(new Set([memberIam]));
    });

    it('refuses APPLY_ROLE_ARN there, asking IAM nothing', async () => {
      const reports = await handleSnsEvent(addressed('create-user', { accountId: ACCOUNT }), deps);

      expect(reports).toMatchObject([{ outcome: 'refused', reason: 'not-apply-role', account: ACCOUNT }]);
      expect(clientsAskedFor).toEqual([]);
      expect(iamMock.calls()).toHaveLength(0);
    });
  });

  it('refuses an account that is neither its own nor a member', async () => {
    deps = { ...deps, config: { ...deps.config, memberAccounts: [prod] } };

    const reports = await handleSnsEvent(addressed('create-user', { accountId: '777788889999' }), deps);

    expect(reports).toMatchObject([{ outcome: 'refused', reason: 'other-account', account: '777788889999' }]);
    expect(iamMock.calls()).toHaveLength(0);
  });
});
