// The flow against AWS's documented behaviour, stubbed at the SDK boundary: what moto does not
// enforce (PasswordResetRequired, password policy violations, throttling) is covered here.
import {
  CreateLoginProfileCommand,
  EntityAlreadyExistsException,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccountAliasesCommand,
  NoSuchEntityException,
  type PasswordPolicy,
  PasswordPolicyViolationException,
  ServiceFailureException,
  TagUserCommand,
  UpdateLoginProfileCommand,
  type User,
} from '@aws-sdk/client-iam';
import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialRequest } from '../../lambda/src/classify-record.js';
import type { Config } from '../../lambda/src/config.js';
import { type DeliveryDependencies, deliverCredentials } from '../../lambda/src/deliver-credentials.js';
import { passwordViolations, rulesFromPolicy } from '../../lambda/src/password.js';
import { TAG_CONSOLE, TAG_CREDENTIALS_SENT, TAG_EMAIL, TAG_MANAGED_BY } from '../../src/contract.js';
import {
  captureLog,
  expectIncludes,
  expectNoPasswordIn,
  expectSame,
  type LogCapture,
} from './support/capture.js';

const iamMock = mockClient(IAMClient);
const sesMock = mockClient(SESv2Client);
const $metadata = {};

const ACCOUNT = '111122223333';
const USER = 'alice@example.com';
const config: Config = {
  senderEmail: 'it@corp.example',
  managedPath: '/iam-gitops/',
  topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:iam-gitops-credentials`,
};
const createUser: CredentialRequest = { eventId: 'event-create-1', eventName: 'CreateUser', userName: USER };
const resend: CredentialRequest = { eventId: 'event-resend-1', eventName: 'TagUser', userName: USER };

const managedTags = { [TAG_MANAGED_BY]: 'acme/aws-users', [TAG_CONSOLE]: 'true' };

function iamUser(tags: Record<string, string> = managedTags, path = '/iam-gitops/'): User {
  return {
    UserName: USER,
    UserId: 'AIDAYFKQ3EXAMPLEA7RS2',
    Path: path,
    Arn: `arn:aws:iam::${ACCOUNT}:user${path}${USER}`,
    CreateDate: new Date('2025-03-10T14:22:05Z'),
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

let logs: LogCapture;
let sleeps: number[];
let deps: DeliveryDependencies;

function givenUser(user: User = iamUser()): void {
  iamMock.on(GetUserCommand).resolves({ User: user });
}

/** A user, no account password policy, an alias, and every write succeeding. */
function givenHappyAccount(policy?: PasswordPolicy): void {
  givenUser();
  if (policy === undefined) {
    iamMock
      .on(GetAccountPasswordPolicyCommand)
      .rejects(new NoSuchEntityException({ message: 'The Password Policy cannot be found.', $metadata }));
  } else {
    iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: policy });
  }
  iamMock.on(CreateLoginProfileCommand).resolves({});
  iamMock.on(UpdateLoginProfileCommand).resolves({});
  iamMock.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['acme-prod'], IsTruncated: false });
  iamMock.on(TagUserCommand).resolves({});
  sesMock.on(SendEmailCommand).resolves({ MessageId: 'message-1' });
}

function passwordsSent(): string[] {
  return [
    ...iamMock.commandCalls(CreateLoginProfileCommand).map((call) => call.args[0].input.Password ?? ''),
    ...iamMock.commandCalls(UpdateLoginProfileCommand).map((call) => call.args[0].input.Password ?? ''),
  ];
}

function iamCommands(): string[] {
  return iamMock.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);
}

beforeEach(() => {
  iamMock.reset();
  sesMock.reset();
  logs = captureLog();
  sleeps = [];
  deps = {
    iam: new IAMClient({ region: 'us-east-1' }),
    ses: new SESv2Client({ region: 'eu-west-1' }),
    config,
    log: logs.log,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  };
});

afterEach(() => {
  expectNoPasswordIn(logs.lines, passwordsSent());
});

describe('deliverCredentials, a new user', () => {
  it('creates a login profile that must be reset, emails it, then marks the user', async () => {
    givenHappyAccount();

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toEqual({
      outcome: 'sent',
      loginProfile: 'created',
      recipientSource: 'user-name',
      marked: true,
    });
    expect(iamCommands()).toEqual([
      'GetUserCommand',
      'GetAccountPasswordPolicyCommand',
      'CreateLoginProfileCommand',
      'ListAccountAliasesCommand',
      'TagUserCommand',
    ]);
    const [create] = iamMock.commandCalls(CreateLoginProfileCommand);
    const password = create?.args[0].input.Password ?? '';
    expect(create?.args[0].input.UserName).toBe(USER);
    expect(create?.args[0].input.PasswordResetRequired).toBe(true);
    expect(passwordViolations(password, rulesFromPolicy(undefined), { userName: USER })).toEqual([]);

    const sends = sesMock.commandCalls(SendEmailCommand);
    expect(sends).toHaveLength(1);
    const input = sends[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('it@corp.example');
    expect(input?.Destination).toEqual({ ToAddresses: [USER] });
    expect(input?.Content?.Simple?.Subject).toEqual({
      Data: 'Your AWS sign-in details for acme-prod',
      Charset: 'UTF-8',
    });
    expect(input?.Content?.Simple?.Body?.Text?.Charset).toBe('UTF-8');
    expect(input?.Content?.Simple?.Body?.Html?.Charset).toBe('UTF-8');
    const text = input?.Content?.Simple?.Body?.Text?.Data;
    expectIncludes(text, 'Sign-in page:        https://acme-prod.signin.aws.amazon.com/console');
    expectIncludes(text, `User name:           ${USER}`);
    expectIncludes(text, `\n    ${password}\n`);
    expectIncludes(
      input?.Content?.Simple?.Body?.Html?.Data,
      '<a href="https://acme-prod.signin.aws.amazon.com/console">',
    );

    expect(iamMock.commandCalls(TagUserCommand)[0]?.args[0].input).toEqual({
      UserName: USER,
      Tags: [{ Key: TAG_CREDENTIALS_SENT, Value: 'event-create-1' }],
    });
  });

  it("generates to the account's password policy", async () => {
    const policy: PasswordPolicy = {
      MinimumPasswordLength: 40,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
    };
    givenHappyAccount(policy);

    await deliverCredentials(createUser, deps);

    const [password] = passwordsSent();
    expect(password?.length).toBe(40);
    expect(passwordViolations(password ?? '', rulesFromPolicy(policy))).toEqual([]);
  });

  it('replaces the password of the profile a crashed earlier attempt created', async () => {
    givenHappyAccount();
    iamMock
      .on(CreateLoginProfileCommand)
      .rejects(new EntityAlreadyExistsException({ message: 'User alice already has password', $metadata }));

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toMatchObject({ outcome: 'sent', loginProfile: 'updated' });
    const update = iamMock.commandCalls(UpdateLoginProfileCommand)[0]?.args[0].input;
    expect(update?.UserName).toBe(USER);
    expect(update?.PasswordResetRequired).toBe(true);
    const [created, updated] = passwordsSent();
    expectSame(updated, created, 'the password of the failed create and of the update');
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('waits for IAM to show a user it has just created', async () => {
    givenHappyAccount();
    iamMock
      .on(GetUserCommand)
      .rejectsOnce(new NoSuchEntityException({ message: 'cannot be found', $metadata }))
      .rejectsOnce(new NoSuchEntityException({ message: 'cannot be found', $metadata }))
      .resolves({ User: iamUser() });
    iamMock
      .on(CreateLoginProfileCommand)
      .rejectsOnce(new NoSuchEntityException({ message: 'cannot be found', $metadata }))
      .resolves({});

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toMatchObject({ outcome: 'sent', loginProfile: 'created' });
    expect(iamMock.commandCalls(GetUserCommand)).toHaveLength(3);
    expect(iamMock.commandCalls(CreateLoginProfileCommand)).toHaveLength(2);
    // Full jitter at random() = 0.5: half of 250 ms, then of 500 ms.
    expect(sleeps).toEqual([125, 250, 125]);
    expect(logs.entries().map((entry) => [entry.message, entry.attempt])).toEqual([
      ['GetUser: NoSuchEntity, IAM may not have caught up yet; retrying', 1],
      ['GetUser: NoSuchEntity, IAM may not have caught up yet; retrying', 2],
      ['CreateLoginProfile: NoSuchEntity, IAM may not have caught up yet; retrying', 1],
    ]);
  });

  it('gives up on a user IAM never shows, after about six seconds', async () => {
    iamMock.on(GetUserCommand).rejects(new NoSuchEntityException({ message: 'cannot be found', $metadata }));
    deps = { ...deps, random: () => 0.999_999 };

    await expect(deliverCredentials(createUser, deps)).rejects.toThrow(NoSuchEntityException);

    expect(iamMock.commandCalls(GetUserCommand)).toHaveLength(6);
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(5_750);
    expect(sesMock.calls()).toHaveLength(0);
  });

  it('uses SIGN_IN_URL without asking for the alias', async () => {
    givenHappyAccount();
    deps = { ...deps, config: { ...config, signInUrl: 'https://corp.awsapps.com/start' } };

    await deliverCredentials(createUser, deps);

    expect(iamMock.commandCalls(ListAccountAliasesCommand)).toHaveLength(0);
    const text = sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Text?.Data;
    expectIncludes(text, 'Sign-in page:        https://corp.awsapps.com/start');
    expectIncludes(text, `in the AWS account ${ACCOUNT}.`);
  });
});

describe('deliverCredentials, a re-send', () => {
  it('updates the login profile, which must be reset again', async () => {
    givenHappyAccount();

    const outcome = await deliverCredentials(resend, deps);

    expect(outcome).toMatchObject({ outcome: 'sent', loginProfile: 'updated' });
    expect(iamMock.commandCalls(CreateLoginProfileCommand)).toHaveLength(0);
    expect(iamMock.commandCalls(UpdateLoginProfileCommand)[0]?.args[0].input.PasswordResetRequired).toBe(
      true,
    );
    expect(sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Subject?.Data).toBe(
      'Your new AWS sign-in details for acme-prod',
    );
    expect(iamMock.commandCalls(TagUserCommand)[0]?.args[0].input.Tags).toEqual([
      { Key: TAG_CREDENTIALS_SENT, Value: 'event-resend-1' },
    ]);
  });

  it('creates a login profile when there is none to update', async () => {
    givenHappyAccount();
    iamMock
      .on(UpdateLoginProfileCommand)
      .rejects(new NoSuchEntityException({ message: 'Login profile not found', $metadata }));

    const outcome = await deliverCredentials(resend, deps);

    expect(outcome).toMatchObject({ outcome: 'sent', loginProfile: 'created' });
    expect(iamMock.commandCalls(CreateLoginProfileCommand)[0]?.args[0].input.PasswordResetRequired).toBe(
      true,
    );
  });

  it('draws a new password every time', async () => {
    givenHappyAccount();

    await deliverCredentials(resend, deps);
    await deliverCredentials({ ...resend, eventId: 'event-resend-2' }, deps);

    const [first, second] = passwordsSent();
    expect(first !== undefined && second !== undefined && first !== second).toBe(true);
  });
});

describe('deliverCredentials, users it leaves alone', () => {
  it.each([
    ['outside-path', iamUser(managedTags, '/')],
    ['not-managed', iamUser({ [TAG_CONSOLE]: 'true' })],
    ['not-managed', iamUser({ [TAG_MANAGED_BY]: '', [TAG_CONSOLE]: 'true' })],
    ['console-disabled', iamUser({ ...managedTags, [TAG_CONSOLE]: 'false' })],
    ['duplicate', iamUser({ ...managedTags, [TAG_CREDENTIALS_SENT]: 'event-create-1' })],
  ])('ignores a user that is %s, after GetUser only', async (reason, user) => {
    givenUser(user);

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toEqual({ outcome: 'ignored', reason });
    expect(iamCommands()).toEqual(['GetUserCommand']);
    expect(sesMock.calls()).toHaveLength(0);
  });

  it('ignores a user its role may not read (outside the path), without retrying', async () => {
    iamMock
      .on(GetUserCommand)
      .rejects(Object.assign(new Error('not authorized to perform: iam:GetUser'), { name: 'AccessDenied' }));

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toEqual({ outcome: 'ignored', reason: 'not-readable' });
    expect(iamCommands()).toEqual(['GetUserCommand']);
    expect(sesMock.calls()).toHaveLength(0);
  });

  it('answers a user marked for an earlier event', async () => {
    givenHappyAccount();
    givenUser(iamUser({ ...managedTags, [TAG_CREDENTIALS_SENT]: 'event-create-1' }));

    const outcome = await deliverCredentials(resend, deps);

    expect(outcome).toMatchObject({ outcome: 'sent' });
  });

  it('reports a user with nowhere to send to, after GetUser only', async () => {
    givenUser({ ...iamUser(), UserName: 'alice' });

    const outcome = await deliverCredentials({ ...createUser, userName: 'alice' }, deps);

    expect(outcome).toEqual({
      outcome: 'no-recipient',
      reason: `no ${TAG_EMAIL} tag, the user name is not an email address and EMAIL_DOMAIN is not set`,
    });
    expect(iamCommands()).toEqual(['GetUserCommand']);
  });
});

describe('deliverCredentials, failures', () => {
  it('retries SES throttling with backoff, then sends', async () => {
    givenHappyAccount();
    sesMock
      .on(SendEmailCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata }))
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata }))
      .resolves({ MessageId: 'm' });

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toMatchObject({ outcome: 'sent', marked: true });
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(sleeps).toEqual([500, 1_000]);
    expect(logs.entries().map((entry) => [entry.level, entry.message, entry.error])).toEqual([
      ['warn', 'SES throttled the send; retrying', 'TooManyRequestsException'],
      ['warn', 'SES throttled the send; retrying', 'TooManyRequestsException'],
    ]);
  });

  it('fails, unmarked, when SES keeps throttling, so that AWS retries the invocation', async () => {
    givenHappyAccount();
    sesMock
      .on(SendEmailCommand)
      .rejects(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata }));

    await expect(deliverCredentials(createUser, deps)).rejects.toThrow(TooManyRequestsException);

    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(4);
    expect(sleeps).toEqual([500, 1_000, 2_000]);
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0);
  });

  it('does not retry an email SES rejects', async () => {
    givenHappyAccount();
    sesMock
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata }));

    await expect(deliverCredentials(createUser, deps)).rejects.toThrow(MessageRejected);

    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0);
  });

  it('fails on an IAM server error, leaving the retry to AWS', async () => {
    iamMock
      .on(GetUserCommand)
      .rejects(new ServiceFailureException({ message: 'internal failure', $metadata }));

    await expect(deliverCredentials(createUser, deps)).rejects.toThrow(ServiceFailureException);

    expect(iamCommands()).toEqual(['GetUserCommand']);
    expect(sleeps).toEqual([]);
  });

  it('fails, sending nothing, when IAM refuses the password', async () => {
    givenHappyAccount();
    iamMock
      .on(CreateLoginProfileCommand)
      .rejects(new PasswordPolicyViolationException({ message: 'Password should have a symbol', $metadata }));

    await expect(deliverCredentials(createUser, deps)).rejects.toThrow(PasswordPolicyViolationException);

    expect(sesMock.calls()).toHaveLength(0);
  });

  it('does not fail once the email is out, even if the marker cannot be written', async () => {
    givenHappyAccount();
    iamMock
      .on(TagUserCommand)
      .rejects(new ServiceFailureException({ message: 'internal failure', $metadata }));

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toMatchObject({ outcome: 'sent', marked: false });
    expect(logs.entries()).toEqual([
      expect.objectContaining({
        level: 'error',
        message: `email sent, but the ${TAG_CREDENTIALS_SENT} marker could not be written`,
        error: 'ServiceFailureException',
      }),
    ]);
  });
});
