// The invocation around the flow: one log line per record, malformed and ignored records done
// with, failures collected and thrown at the end. IAM and SES are stubbed at the SDK boundary.
import {
  CreateLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccountAliasesCommand,
  ServiceFailureException,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DeliveryFailedError,
  type HandlerDependencies,
  handleSnsEvent,
} from '../../lambda/src/handle-event.js';
import { TAG_CONSOLE, TAG_MANAGED_BY } from '../../src/contract.js';
import { captureLog, expectNoPasswordIn, type LogCapture } from './support/capture.js';
import { addressed } from './support/events.js';

const iamMock = mockClient(IAMClient);
const sesMock = mockClient(SESv2Client);
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:iam-gitops-credentials';

let logs: LogCapture;
let deps: HandlerDependencies;

function givenManagedUser(userName: string): void {
  iamMock.on(GetUserCommand, { UserName: userName }).resolves({
    User: {
      UserName: userName,
      UserId: 'AIDAYFKQ3EXAMPLEA7RS2',
      Path: '/iam-gitops/',
      Arn: `arn:aws:iam::111122223333:user/iam-gitops/${userName}`,
      CreateDate: new Date(),
      Tags: [
        { Key: TAG_MANAGED_BY, Value: 'acme/aws-users' },
        { Key: TAG_CONSOLE, Value: 'true' },
      ],
    },
  });
}

beforeEach(() => {
  iamMock.reset();
  sesMock.reset();
  iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 14 } });
  iamMock.on(CreateLoginProfileCommand).resolves({});
  iamMock.on(ListAccountAliasesCommand).resolves({ AccountAliases: [] });
  iamMock.on(TagUserCommand).resolves({});
  sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  logs = captureLog();
  // Each record takes "42 ms" by this clock.
  let tick = 0;
  deps = {
    iam: new IAMClient({ region: 'us-east-1' }),
    ses: new SESv2Client({ region: 'us-east-1' }),
    config: { senderEmail: 'it@corp.example', managedPath: '/iam-gitops/', topicArn: TOPIC },
    log: logs.log,
    sleep: async () => {},
    now: () => {
      tick += 21;
      return tick;
    },
  };
});

afterEach(() => {
  const passwords = iamMock
    .commandCalls(CreateLoginProfileCommand)
    .map((call) => call.args[0].input.Password ?? '');
  expectNoPasswordIn(logs.lines, passwords);
});

describe('handleSnsEvent', () => {
  it('answers a request with one log line: user, event id, outcome, duration', async () => {
    givenManagedUser('alice@example.com');
    const event = addressed('create-user', { eventId: 'event-1' });

    const reports = await handleSnsEvent(event, deps);

    expect(reports).toEqual([
      { outcome: 'sent', eventId: 'event-1', eventName: 'CreateUser', user: 'alice@example.com' },
    ]);
    expect(logs.entries()).toEqual([
      {
        time: expect.any(String),
        level: 'info',
        message: 'sent',
        record: 0,
        outcome: 'sent',
        eventId: 'event-1',
        eventName: 'CreateUser',
        user: 'alice@example.com',
        loginProfile: 'created',
        recipientSource: 'user-name',
        marked: true,
        durationMs: 21,
      },
    ]);
  });

  it('logs something that is not an SNS event, and returns', async () => {
    const reports = await handleSnsEvent({ detail: { password: 'x' } }, deps);

    expect(reports).toEqual([{ outcome: 'malformed', reason: 'SNS event: Records: invalid_type' }]);
    expect(logs.entries()).toEqual([
      expect.objectContaining({
        level: 'warn',
        outcome: 'malformed',
        reason: 'SNS event: Records: invalid_type',
      }),
    ]);
    expect(iamMock.calls()).toHaveLength(0);
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
    expect(
      logs.entries().map((entry) => [entry.record, entry.level, entry.outcome, entry.reason ?? null]),
    ).toEqual([
      [0, 'error', 'failed', 'ServiceFailureException'],
      [1, 'warn', 'malformed', 'SNS record: Sns: invalid_type'],
      [2, 'info', 'ignored', 'other-event'],
      [3, 'info', 'sent', null],
    ]);
    expect(logs.entries()[0]).toMatchObject({
      user: 'bob@example.com',
      eventId: 'event-bob',
      detail: 'internal failure',
    });
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('reports a user with no address as an error without failing the invocation', async () => {
    givenManagedUser('carol');

    const reports = await handleSnsEvent(addressed('create-user', { userName: 'carol' }), deps);

    expect(reports.map((report) => report.outcome)).toEqual(['no-recipient']);
    expect(logs.entries()).toEqual([
      expect.objectContaining({ level: 'error', outcome: 'no-recipient', user: 'carol' }),
    ]);
  });
});
