// The entry point as Lambda loads it: configuration read at import (cold start), clients made once.
import {
  CreateLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccountAliasesCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LAMBDA_ENV, TAG_CONSOLE, TAG_MANAGED_BY } from '../../src/contract.js';
import { VERSION } from '../../src/version.js';
import { addressed } from './support/events.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:iam-gitops-credentials';

beforeEach(() => {
  vi.resetModules();
  vi.stubEnv(LAMBDA_ENV.sender, 'it@corp.example');
  vi.stubEnv(LAMBDA_ENV.topicArn, TOPIC);
  vi.stubEnv(LAMBDA_ENV.managedPath, '');
  vi.stubEnv(LAMBDA_ENV.emailDomain, '');
  vi.stubEnv(LAMBDA_ENV.signInUrl, '');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('index (cold start)', () => {
  it.each([LAMBDA_ENV.sender, LAMBDA_ENV.topicArn])('fails to load without %s, naming it', async (name) => {
    vi.stubEnv(name, '');

    await expect(import('../../lambda/src/index.js')).rejects.toThrow(`missing environment variable ${name}`);
  });
});

describe('handler', () => {
  it('answers through clients named for the project, IAM in us-east-1 and SES in the function region', async () => {
    const iamMock = mockClient(IAMClient);
    const sesMock = mockClient(SESv2Client);
    iamMock.on(GetUserCommand).resolves({
      User: {
        UserName: 'alice@example.com',
        UserId: 'AIDAYFKQ3EXAMPLEA7RS2',
        Path: '/iam-gitops/',
        Arn: 'arn:aws:iam::111122223333:user/iam-gitops/alice@example.com',
        CreateDate: new Date(),
        Tags: [
          { Key: TAG_MANAGED_BY, Value: 'acme/aws-users' },
          { Key: TAG_CONSOLE, Value: 'true' },
        ],
      },
    });
    iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 12 } });
    iamMock.on(CreateLoginProfileCommand).resolves({});
    iamMock.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['acme-prod'] });
    iamMock.on(TagUserCommand).resolves({});
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });

    try {
      const { handler } = await import('../../lambda/src/index.js');
      const reports = await handler(addressed('create-user', { eventId: 'event-1' }), {
        awsRequestId: 'request-1',
      });

      expect(reports).toEqual([
        { outcome: 'sent', eventId: 'event-1', eventName: 'CreateUser', user: 'alice@example.com' },
      ]);
    } finally {
      write.mockRestore();
    }

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      requestId: 'request-1',
      outcome: 'sent',
      user: 'alice@example.com',
    });
    const password = iamMock.commandCalls(CreateLoginProfileCommand)[0]?.args[0].input.Password ?? '';
    expect(password.length > 0 && !lines[0]?.includes(password)).toBe(true);

    const iam = iamMock.send.thisValues[0] as IAMClient;
    const ses = sesMock.send.thisValues[0] as SESv2Client;
    expect(await iam.config.region()).toBe('us-east-1');
    expect(await ses.config.region()).toBe('eu-west-1');
    for (const client of [iam.config, ses.config]) {
      expect(client.customUserAgent).toEqual([['iam-gitops-lambda', VERSION]]);
      expect(await client.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    }
    // Clients are made once per cold start, not once per invocation.
    expect(new Set(iamMock.send.thisValues).size).toBe(1);
    iamMock.restore();
    sesMock.restore();
  });
});
