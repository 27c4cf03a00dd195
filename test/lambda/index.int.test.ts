// The entry point as Lambda runs it, configured only through its environment, against moto:
// the SDK's own configuration chain (AWS_ENDPOINT_URL, credentials, region) points it there.
import { randomUUID } from 'node:crypto';
import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LAMBDA_ENV, TAG_CONSOLE, TAG_CREDENTIALS_SENT, TAG_MANAGED_BY } from '../../src/contract.js';
import { freshAccount } from '../support/aws.js';
import { passwordInHtml, sentTo } from '../support/mailbox.js';
import { expectNoPasswordIn } from './support/capture.js';
import { addressed } from './support/events.js';
import { mailMotoEndpoint } from './support/moto-for-mail.js';

const moto = { endpoint: '' };

beforeAll(() => {
  moto.endpoint = mailMotoEndpoint();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('handler', () => {
  it('delivers credentials with nothing but its environment', async () => {
    const account = await freshAccount(moto.endpoint);
    const admin = new IAMClient(account.clientConfig);
    await new SESv2Client(account.clientConfig).send(
      new CreateEmailIdentityCommand({ EmailIdentity: 'it@corp.example' }),
    );
    const userName = `new.hire+${randomUUID().slice(0, 8)}@example.com`;
    await admin.send(
      new CreateUserCommand({
        UserName: userName,
        Path: '/iam-gitops/',
        Tags: [
          { Key: TAG_MANAGED_BY, Value: 'acme/aws-users' },
          { Key: TAG_CONSOLE, Value: 'true' },
        ],
      }),
    );
    const topicArn = `arn:aws:sns:us-east-1:${account.accountId}:iam-gitops-credentials`;
    for (const [name, value] of Object.entries(account.env)) vi.stubEnv(name, value);
    vi.stubEnv(LAMBDA_ENV.sender, 'it@corp.example');
    vi.stubEnv(LAMBDA_ENV.topicArn, topicArn);
    vi.stubEnv(LAMBDA_ENV.managedPath, '/iam-gitops/');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const eventId = randomUUID();
    const event = addressed('create-user', { accountId: account.accountId, topicArn, userName, eventId });
    vi.resetModules();
    const { handler } = await import('../../lambda/src/index.js');

    const first = await handler(event, { awsRequestId: 'request-1' });
    const again = await handler(event, { awsRequestId: 'request-2' });
    vi.restoreAllMocks();

    expect(first.map((report) => report.outcome)).toEqual(['sent']);
    expect(again.map((report) => [report.outcome, report.reason])).toEqual([['ignored', 'duplicate']]);
    const mails = await sentTo(moto.endpoint, userName);
    expect(mails).toHaveLength(1);
    const { User } = await admin.send(new GetUserCommand({ UserName: userName }));
    expect(User?.Tags).toContainEqual({ Key: TAG_CREDENTIALS_SENT, Value: eventId });
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ requestId: 'request-1', outcome: 'sent', eventId, user: userName }),
      expect.objectContaining({ requestId: 'request-2', outcome: 'ignored', reason: 'duplicate', eventId }),
    ]);
    expectNoPasswordIn(lines, [passwordInHtml(mails[0]?.body ?? '')]);
  });
});
