// The entry point as Lambda loads it: configuration read at import (cold start), the logger, the
// metrics, the clients and the caches made once, the metrics written once per invocation.
import {
  CreateLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccountAliasesCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveMemberAccount } from '../../src/accounts/target-accounts.js';
import { LAMBDA_ENV, LAMBDA_METRICS, TAG_CONSOLE, TAG_MANAGED_BY } from '../../src/contract.js';
import { VERSION } from '../../src/version.js';
import { captureOutput, metricSums } from './support/capture.js';
import { addressed, applyRoleIn } from './support/events.js';

const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:iam-gitops-credentials`;
const FUNCTION = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:iam-gitops-credentials`;
const iamMock = mockClient(IAMClient);
const sesMock = mockClient(SESv2Client);
const stsMock = mockClient(STSClient);

function context(requestId: string) {
  return { awsRequestId: requestId, invokedFunctionArn: FUNCTION, functionName: 'iam-gitops-credentials' };
}

function givenAccount(account = ACCOUNT): void {
  iamMock.on(GetUserCommand).callsFake((input: { UserName: string }) => ({
    User: {
      UserName: input.UserName,
      UserId: 'AIDAYFKQ3EXAMPLEA7RS2',
      Path: '/iam-gitops/',
      Arn: `arn:aws:iam::${account}:user/iam-gitops/${input.UserName}`,
      CreateDate: new Date(),
      Tags: [
        { Key: TAG_MANAGED_BY, Value: 'acme/aws-users' },
        { Key: TAG_CONSOLE, Value: 'true' },
      ],
    },
  }));
  iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 12 } });
  iamMock.on(CreateLoginProfileCommand).resolves({});
  iamMock.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['acme-prod'] });
  iamMock.on(TagUserCommand).resolves({});
  sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
}

function awsCallCount(): number {
  return iamMock.calls().length + sesMock.calls().length;
}

beforeEach(() => {
  vi.resetModules();
  iamMock.reset();
  sesMock.reset();
  stsMock.reset();
  vi.stubEnv(LAMBDA_ENV.sender, 'it@corp.example');
  vi.stubEnv(LAMBDA_ENV.topicArn, TOPIC);
  vi.stubEnv(LAMBDA_ENV.applyRoleArn, applyRoleIn(ACCOUNT));
  vi.stubEnv(LAMBDA_ENV.managedPath, '');
  vi.stubEnv(LAMBDA_ENV.emailDomain, '');
  vi.stubEnv(LAMBDA_ENV.signInUrl, '');
  vi.stubEnv(LAMBDA_ENV.recipientDomains, '');
  vi.stubEnv(LAMBDA_ENV.memberAccounts, '');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
  vi.stubEnv('AWS_RETRY_MODE', undefined);
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('index (cold start)', () => {
  it.each([LAMBDA_ENV.sender, LAMBDA_ENV.topicArn, LAMBDA_ENV.applyRoleArn])(
    'fails to load without %s, naming it',
    async (name) => {
      vi.stubEnv(name, '');

      await expect(import('../../lambda/src/index.js')).rejects.toThrow(
        `missing environment variable ${name}`,
      );
    },
  );
});

describe('handler', () => {
  it('answers through clients named for the project, IAM in us-east-1 and SES in the function region', async () => {
    givenAccount();
    const output = captureOutput();

    const { handler } = await import('../../lambda/src/index.js');
    const reports = await handler(addressed('create-user', { eventId: 'event-1' }), context('request-1'));

    expect(reports).toMatchObject([
      { outcome: 'sent', eventId: 'event-1', eventName: 'CreateUser', user: 'alice@example.com' },
    ]);
    expect(output.entries()).toHaveLength(1);
    expect(output.entries()[0]).toMatchObject({
      level: 'INFO',
      service: LAMBDA_METRICS.service,
      function_request_id: 'request-1',
      cold_start: true,
      outcome: 'sent',
      user: 'alice@example.com',
    });
    const password = iamMock.commandCalls(CreateLoginProfileCommand)[0]?.args[0].input.Password ?? '';
    expect(password.length > 0 && output.lines.every((line) => !line.includes(password))).toBe(true);

    const iam = iamMock.send.thisValues[0] as IAMClient;
    const ses = sesMock.send.thisValues[0] as SESv2Client;
    expect(await iam.config.region()).toBe('us-east-1');
    expect(await ses.config.region()).toBe('eu-west-1');
    for (const client of [iam.config, ses.config]) {
      expect(client.customUserAgent).toEqual([['iam-gitops-lambda', VERSION]]);
      // The SDK retries throttling itself; nothing is retried on top of it.
      expect(await client.retryStrategy()).toMatchObject({ mode: 'adaptive' });
      expect(await client.maxAttempts()).toBe(8);
    }
  });

  it('makes 6 AWS calls for a cold event and 4 for each warm one, and writes metrics once per invocation', async () => {
    givenAccount();
    const output = captureOutput();
    const { handler } = await import('../../lambda/src/index.js');

    await handler(addressed('create-user', { userName: 'a@example.com' }), context('request-1'));
    const cold = awsCallCount();
    await handler(addressed('create-user', { userName: 'b@example.com' }), context('request-2'));
    const warm = awsCallCount() - cold;
    await handler(addressed('create-user', { userName: 'c@example.com' }), context('request-3'));

    expect([cold, warm, awsCallCount() - cold - warm]).toEqual([6, 4, 4]);
    // Clients are made once per cold start, not once per invocation.
    expect(new Set(iamMock.send.thisValues).size).toBe(1);
    expect(output.emf().map((line) => metricSums([line]))).toEqual([
      { [LAMBDA_METRICS.sent]: 1 },
      { [LAMBDA_METRICS.sent]: 1 },
      { [LAMBDA_METRICS.sent]: 1 },
    ]);
    expect(output.emf()[0]?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: LAMBDA_METRICS.namespace,
        Dimensions: [['service']],
        Metrics: [{ Name: LAMBDA_METRICS.sent, Unit: 'Count' }],
      },
    ]);
    expect(output.entries().map((entry) => [entry.function_request_id, entry.cold_start])).toEqual([
      ['request-1', true],
      ['request-2', false],
      ['request-3', false],
    ]);
  });

  it('writes the metrics of a failed invocation too', async () => {
    givenAccount();
    iamMock
      .on(GetUserCommand)
      .rejects(Object.assign(new Error('internal failure'), { name: 'ServiceFailure' }));
    const output = captureOutput();
    const { handler } = await import('../../lambda/src/index.js');

    await expect(handler(addressed('create-user', {}), context('request-1'))).rejects.toThrow(
      /AWS retries the invocation/,
    );

    expect(metricSums(output.emf())).toEqual({ [LAMBDA_METRICS.failed]: 1 });
  });

  it('never logs the event, even when POWERTOOLS_LOGGER_LOG_EVENT asks for it', async () => {
    vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
    givenAccount();
    const output = captureOutput();
    const { handler } = await import('../../lambda/src/index.js');

    await handler(addressed('create-user', { eventId: 'event-1' }), context('request-1'));

    expect(
      output.lines.some((line) => line.includes('"Records"') || line.includes('requestParameters')),
    ).toBe(false);
  });

  it('refuses to act without its own account in the invocation context', async () => {
    const output = captureOutput();
    const { handler } = await import('../../lambda/src/index.js');

    await expect(
      handler(addressed('create-user', {}), { awsRequestId: 'request-1', invokedFunctionArn: '' }),
    ).rejects.toThrow("the invocation context's invokedFunctionArn names no account");

    expect(iamMock.calls()).toHaveLength(0);
    expect(output.emf()).toEqual([]);
  });

  it('acts in a member account through its credentials role when MEMBER_ACCOUNTS lists it', async () => {
    const prod = resolveMemberAccount('aws', '444455556666', 'prod');
    vi.stubEnv(LAMBDA_ENV.memberAccounts, JSON.stringify({ [prod.id]: prod.name }));
    givenAccount(prod.id);
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAPROD',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    captureOutput();
    const { handler } = await import('../../lambda/src/index.js');

    const reports = await handler(
      addressed('create-user', { accountId: prod.id, issuerArn: prod.applyRoleArn }),
      context('request-1'),
    );

    expect(reports).toMatchObject([{ outcome: 'sent', account: prod.id }]);
    const member = iamMock.send.thisValues[0] as IAMClient;
    expect((await member.config.credentials()).accessKeyId).toBe('ASIAPROD');
    expect(member.config.customUserAgent).toEqual([['iam-gitops-lambda', VERSION]]);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([
      prod.credentialsRoleArn,
    ]);
  });
});
