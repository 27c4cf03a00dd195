// The entry point as Lambda runs it, configured only through its environment, against moto:
// the SDK's own configuration chain (AWS_ENDPOINT_URL, credentials, region) points it there.
// moto keeps accounts apart and honours AssumeRole into another account (the credentials act
// there), but it stamps an event forwarded between buses with the receiving account; so the tests
// build the forwarded event themselves, with the sender's account, as EventBridge delivers it.
import { randomUUID } from 'node:crypto';
import {
  CreateAccountAliasCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  NoSuchEntityException,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveMemberAccount } from '../../src/accounts/target-accounts.js';
import {
  LAMBDA_ENV,
  LAMBDA_METRICS,
  type MemberAccount,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_CREDENTIALS_SENT,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { freshAccount, type TestAccount } from '../support/aws.js';
import { type CredentialRecorder, startCredentialRecorder } from '../support/credential-recorder.js';
import { passwordInHtml, sentTo } from '../support/mailbox.js';
import { captureOutput, expectNoPasswordIn, metricSums } from './support/capture.js';
import { addressed, applyRoleIn } from './support/events.js';
import { mailMotoEndpoint } from './support/moto-for-mail.js';

const moto = { endpoint: '' };

beforeAll(() => {
  moto.endpoint = mailMotoEndpoint();
});

let recorder: CredentialRecorder | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await recorder?.close();
  recorder = undefined;
});

function newHireName(): string {
  return `new.hire+${randomUUID().slice(0, 8)}@example.com`;
}

async function createManagedUser(account: TestAccount, userName: string): Promise<void> {
  await new IAMClient(account.clientConfig).send(
    new CreateUserCommand({
      UserName: userName,
      Path: '/iam-gitops/',
      Tags: [
        { Key: TAG_MANAGED_BY, Value: 'acme/aws-users' },
        { Key: TAG_CONSOLE, Value: 'true' },
      ],
    }),
  );
}

async function tagsOf(account: TestAccount, userName: string): Promise<Record<string, string>> {
  const { User } = await new IAMClient(account.clientConfig).send(new GetUserCommand({ UserName: userName }));
  return Object.fromEntries((User?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/** The hub: the account the function runs in, its SES sender verified, the environment Lambda gives it. */
async function deployIn(account: TestAccount, extra: Record<string, string> = {}) {
  await new SESv2Client(account.clientConfig).send(
    new CreateEmailIdentityCommand({ EmailIdentity: 'it@corp.example' }),
  );
  const topicArn = `arn:aws:sns:us-east-1:${account.accountId}:iam-gitops-credentials`;
  for (const [name, value] of Object.entries(account.env)) vi.stubEnv(name, value);
  vi.stubEnv(LAMBDA_ENV.sender, 'it@corp.example');
  vi.stubEnv(LAMBDA_ENV.topicArn, topicArn);
  vi.stubEnv(LAMBDA_ENV.managedPath, '/iam-gitops/');
  vi.stubEnv(LAMBDA_ENV.applyRoleArn, applyRoleIn(account.accountId));
  for (const [name, value] of Object.entries(extra)) vi.stubEnv(name, value);
  const output = captureOutput();
  vi.resetModules();
  const { handler } = await import('../../lambda/src/index.js');
  let invocation = 0;
  return {
    topicArn,
    output,
    invoke: (event: unknown) =>
      handler(event, {
        awsRequestId: `request-${++invocation}`,
        invokedFunctionArn: `arn:aws:lambda:us-east-1:${account.accountId}:function:iam-gitops-credentials`,
      }),
  };
}

describe('handler', () => {
  it('delivers credentials with nothing but its environment', async () => {
    const account = await freshAccount(moto.endpoint);
    const userName = newHireName();
    await createManagedUser(account, userName);
    const lambda = await deployIn(account);
    const eventId = randomUUID();
    const event = addressed('create-user', {
      accountId: account.accountId,
      topicArn: lambda.topicArn,
      userName,
      eventId,
    });

    const first = await lambda.invoke(event);
    const again = await lambda.invoke(event);
    vi.restoreAllMocks();

    expect(first.map((report) => report.outcome)).toEqual(['sent']);
    expect(again.map((report) => [report.outcome, report.reason])).toEqual([['ignored', 'duplicate']]);
    const mails = await sentTo(moto.endpoint, userName);
    expect(mails).toHaveLength(1);
    expect((await tagsOf(account, userName))[TAG_CREDENTIALS_SENT]).toBe(eventId);
    expect(lambda.output.entries()).toEqual([
      expect.objectContaining({ function_request_id: 'request-1', outcome: 'sent', eventId, user: userName }),
      expect.objectContaining({
        function_request_id: 'request-2',
        outcome: 'ignored',
        reason: 'duplicate',
        eventId,
      }),
    ]);
    expect(lambda.output.emf().map((line) => metricSums([line]))).toEqual([{ [LAMBDA_METRICS.sent]: 1 }]);
    expectNoPasswordIn(lambda.output.lines, [passwordInHtml(mails[0]?.body ?? '')]);
  });
});

describe('handler, the central Lambda (MEMBER_ACCOUNTS)', () => {
  it("answers two member accounts' events through their credentials roles, naming each account", async () => {
    const [hub, prod, dev] = await Promise.all([
      freshAccount(moto.endpoint),
      freshAccount(moto.endpoint),
      freshAccount(moto.endpoint),
    ]);
    if (hub === undefined || prod === undefined || dev === undefined) throw new Error('no accounts');
    const member = (account: TestAccount, name: string): MemberAccount => ({
      id: account.accountId,
      name,
      applyRoleArn: `arn:aws:iam::${account.accountId}:role/iam-gitops/iam-gitops-apply`,
      credentialsRoleArn: `arn:aws:iam::${account.accountId}:role/iam-gitops/iam-gitops-credentials`,
    });
    const members = [member(prod, 'prod'), member(dev, 'dev')];
    await new IAMClient(prod.clientConfig).send(new CreateAccountAliasCommand({ AccountAlias: 'acme-prod' }));
    const [alice, bob] = [newHireName(), newHireName()];
    await createManagedUser(prod, alice);
    await createManagedUser(dev, bob);
    // Between the Lambda and moto: remembers the credentials STS hands out, and who signed what.
    recorder = await startCredentialRecorder(moto.endpoint);
    const lambda = await deployIn(hub, {
      [LAMBDA_ENV.memberAccounts]: JSON.stringify(Object.fromEntries(members.map((m) => [m.id, m.name]))),
      AWS_ENDPOINT_URL: recorder.endpoint,
    });
    /** The event as the member's rule forwards it to the hub's bus: the member's account, its apply role. */
    const forwarded = (account: TestAccount, roleArn: string, userName: string, eventId = randomUUID()) => {
      const event = addressed('create-user', {
        accountId: account.accountId,
        topicArn: lambda.topicArn,
        userName,
        eventId,
      });
      const record = event.Records[0];
      if (record !== undefined) {
        record.Sns.Message = record.Sns.Message.replaceAll(
          `arn:aws:iam::${account.accountId}:role/iam-gitops-apply`,
          roleArn,
        );
      }
      return event;
    };
    const [prodMember, devMember] = members as [MemberAccount, MemberAccount];
    const aliceEvent = forwarded(prod, prodMember.applyRoleArn, alice);

    const reports = [
      ...(await lambda.invoke(aliceEvent)),
      ...(await lambda.invoke(forwarded(dev, devMember.applyRoleArn, bob))),
      // Redelivered: exactly once, per account.
      ...(await lambda.invoke(aliceEvent)),
      // dev's apply role acting in prod is not prod's apply role.
      ...(await lambda.invoke(forwarded(prod, devMember.applyRoleArn, alice))),
    ];
    vi.restoreAllMocks();

    expect(reports.map((report) => [report.outcome, report.reason ?? null, report.account])).toEqual([
      ['sent', null, prod.accountId],
      ['sent', null, dev.accountId],
      ['ignored', 'duplicate', prod.accountId],
      ['refused', 'not-apply-role', prod.accountId],
    ]);
    const [aliceMail] = await sentTo(moto.endpoint, alice);
    const [bobMail] = await sentTo(moto.endpoint, bob);
    expect(aliceMail?.subject).toBe('Your AWS sign-in details for acme-prod');
    expect(bobMail?.subject).toBe('Your AWS sign-in details for dev');
    expect(bobMail?.body).toContain(`https://${dev.accountId}.signin.aws.amazon.com/console`);
    // The login profile and the marker live in the member account, nowhere else.
    expect((await tagsOf(prod, alice))[TAG_CREDENTIALS_SENT]).toBe(reports[0]?.eventId);
    expect((await tagsOf(dev, bob))[TAG_CREDENTIALS_SENT]).toBe(reports[1]?.eventId);
    await expect(
      new IAMClient(hub.clientConfig).send(new GetUserCommand({ UserName: alice })),
    ).rejects.toThrow(NoSuchEntityException);
    expect(lambda.output.emf().map((line) => [metricSums([line]), line.account, line.reason])).toEqual([
      [{ [LAMBDA_METRICS.sent]: 1 }, prod.accountId, undefined],
      [{ [LAMBDA_METRICS.sent]: 1 }, dev.accountId, undefined],
      [{ [LAMBDA_METRICS.refused]: 1 }, prod.accountId, 'not-apply-role'],
    ]);
    expectNoPasswordIn(
      lambda.output.lines,
      [aliceMail, bobMail].map((mail) => passwordInHtml(mail?.body ?? '')),
    );
    // One AssumeRole per member for all its events, named for iam-gitops; each member's IAM calls
    // signed with that member's session; none of those credentials ever written anywhere.
    expect(recorder.assumed.map((c) => [c.roleArn, c.roleSessionName])).toEqual([
      [prodMember.credentialsRoleArn, 'iam-gitops-credential-lambda'],
      [devMember.credentialsRoleArn, 'iam-gitops-credential-lambda'],
    ]);
    const [prodKeys, devKeys] = recorder.assumed;
    const signers = (userName: string) =>
      new Set(
        recorder?.calls
          .filter((call) => call.body.includes(`UserName=${encodeURIComponent(userName)}`))
          .map((call) => call.signedWith),
      );
    expect(signers(alice)).toEqual(new Set([prodKeys?.accessKeyId]));
    expect(signers(bob)).toEqual(new Set([devKeys?.accessKeyId]));
    expectNoPasswordIn(
      lambda.output.lines,
      recorder.assumed.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
    );
  });

  it('answers a re-send in one member account, and refuses one for a value no longer requested', async () => {
    const [hub, prod] = await Promise.all([freshAccount(moto.endpoint), freshAccount(moto.endpoint)]);
    if (hub === undefined || prod === undefined) throw new Error('no accounts');
    const prodMember = resolveMemberAccount('aws', prod.accountId, 'prod');
    const alice = newHireName();
    await createManagedUser(prod, alice);
    const requested = '2025-04-02T09:15:31Z run 7';
    await new IAMClient(prod.clientConfig).send(
      new TagUserCommand({ UserName: alice, Tags: [{ Key: TAG_CREDENTIALS_REQUESTED, Value: requested }] }),
    );
    const lambda = await deployIn(hub, {
      [LAMBDA_ENV.memberAccounts]: JSON.stringify({ [prodMember.id]: 'prod' }),
    });
    const resend = (requestedValue: string) =>
      addressed('tag-user-credentials-requested', {
        accountId: prod.accountId,
        topicArn: lambda.topicArn,
        userName: alice,
        eventId: randomUUID(),
        requestedValue,
        issuerArn: prodMember.applyRoleArn,
      });

    const stale = await lambda.invoke(resend('2025-04-01T00:00:00Z run 6'));
    const current = await lambda.invoke(resend(requested));
    vi.restoreAllMocks();

    expect(stale).toMatchObject([{ outcome: 'refused', reason: 'stale-request', account: prod.accountId }]);
    expect(current).toMatchObject([{ outcome: 'sent', account: prod.accountId }]);
    const mails = await sentTo(moto.endpoint, alice);
    expect(mails.map((mail) => mail.subject)).toEqual(['Your new AWS sign-in details for prod']);
    expectNoPasswordIn(lambda.output.lines, [passwordInHtml(mails[0]?.body ?? '')]);
  });
});
