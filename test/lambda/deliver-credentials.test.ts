// The flow against AWS's documented behaviour, stubbed at the SDK boundary: what moto does not
// enforce (PasswordResetRequired, password policy violations, throttling) is covered here, and so
// is every check of the event against IAM now, each beside the request that passes it.
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
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountFacts } from '../../lambda/src/account-facts.js';
import type { CredentialRequest } from '../../lambda/src/classify-record.js';
import {
  type DeliveryDependencies,
  type DeliverySettings,
  deliverCredentials,
} from '../../lambda/src/deliver-credentials.js';
import { passwordViolations, rulesFromPolicy } from '../../lambda/src/password.js';
import {
  type MemberAccount,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_CREDENTIALS_SENT,
  TAG_DISABLED_AT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
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
const REQUESTED = '2025-04-02T09:15:31Z run 14230984512';
const config: DeliverySettings = { senderEmail: 'it@corp.example', managedPath: '/iam-gitops/' };
const own = { kind: 'own', id: ACCOUNT } as const;
const createUser: CredentialRequest = {
  eventId: 'event-create-1',
  eventName: 'CreateUser',
  userName: USER,
  account: own,
};
const resend: CredentialRequest = {
  eventId: 'event-resend-1',
  eventName: 'TagUser',
  userName: USER,
  account: own,
  requestedValue: REQUESTED,
};

const managedTags = { [TAG_MANAGED_BY]: 'acme/aws-users', [TAG_CONSOLE]: 'true' };
const resendTags = { ...managedTags, [TAG_CREDENTIALS_REQUESTED]: REQUESTED };

function iamUser(
  tags: Record<string, string> = managedTags,
  path = '/iam-gitops/',
  account = ACCOUNT,
  userName = USER,
): User {
  return {
    UserName: userName,
    UserId: 'AIDAYFKQ3EXAMPLEA7RS2',
    Path: path,
    Arn: `arn:aws:iam::${account}:user${path}${userName}`,
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
function givenHappyAccount(policy?: PasswordPolicy, user: User = iamUser()): void {
  givenUser(user);
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

function commandName(call: { args: readonly unknown[] }): string {
  return (call.args[0] as { constructor: { name: string } }).constructor.name;
}

function iamCommands(): string[] {
  return iamMock.calls().map(commandName);
}

/** Every AWS call, IAM's and SES's, in the order made. */
function awsCalls(): string[] {
  return [...iamMock.calls(), ...sesMock.calls()]
    .map((call) => ({ name: commandName(call), order: (call as unknown as { callId: number }).callId }))
    .sort((a, b) => a.order - b.order)
    .map((call) => call.name);
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
    facts: new AccountFacts(),
    log: logs.log,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  };
});

afterEach(() => {
  expectNoPasswordIn(logs.lines, passwordsSent());
  vi.restoreAllMocks();
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
    expect(awsCalls()).toEqual([
      'GetUserCommand',
      'GetAccountPasswordPolicyCommand',
      'CreateLoginProfileCommand',
      'ListAccountAliasesCommand',
      'SendEmailCommand',
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

  it('makes 6 AWS calls on a cold container and 4 on a warm one: the policy and alias are cached', async () => {
    givenHappyAccount();
    await deliverCredentials(createUser, deps);
    const cold = awsCalls();
    iamMock.resetHistory();
    sesMock.resetHistory();

    await deliverCredentials({ ...createUser, eventId: 'event-create-2' }, deps);

    expect(cold).toHaveLength(6);
    expect(awsCalls()).toEqual([
      'GetUserCommand',
      'CreateLoginProfileCommand',
      'SendEmailCommand',
      'TagUserCommand',
    ]);
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

  it('reads the policy again and retries once when IAM refuses a password under a changed policy', async () => {
    const changed: PasswordPolicy = { MinimumPasswordLength: 50, RequireSymbols: true };
    givenHappyAccount({ MinimumPasswordLength: 8 });
    await deliverCredentials(createUser, deps);
    iamMock.resetHistory();
    sesMock.resetHistory();
    // Meanwhile an administrator raised the minimum length to 50.
    iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: changed });
    iamMock
      .on(CreateLoginProfileCommand)
      .rejectsOnce(new PasswordPolicyViolationException({ message: 'Password is too short', $metadata }))
      .resolves({});

    const outcome = await deliverCredentials({ ...createUser, eventId: 'event-create-2' }, deps);

    expect(outcome).toMatchObject({ outcome: 'sent', loginProfile: 'created' });
    expect(awsCalls()).toEqual([
      'GetUserCommand',
      'CreateLoginProfileCommand',
      'GetAccountPasswordPolicyCommand',
      'CreateLoginProfileCommand',
      'SendEmailCommand',
      'TagUserCommand',
    ]);
    const [refused, accepted] = passwordsSent();
    expect(refused?.length).toBe(20);
    expect(accepted?.length).toBe(50);
    expect(passwordViolations(accepted ?? '', rulesFromPolicy(changed), { userName: USER })).toEqual([]);
    const sent = sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Text?.Data;
    expectIncludes(sent, `\n    ${accepted}\n`);
    expect(logs.entries().map((entry) => entry.message)).toEqual([
      'IAM refused the password: the password policy changed; reading it again',
    ]);
  });

  it('fails, sending nothing, when IAM refuses the password twice', async () => {
    givenHappyAccount();
    iamMock
      .on(CreateLoginProfileCommand)
      .rejects(new PasswordPolicyViolationException({ message: 'Password should have a symbol', $metadata }));

    await expect(deliverCredentials(createUser, deps)).rejects.toThrow(PasswordPolicyViolationException);

    expect(iamMock.commandCalls(CreateLoginProfileCommand)).toHaveLength(2);
    expect(iamMock.commandCalls(GetAccountPasswordPolicyCommand)).toHaveLength(2);
    expect(sesMock.calls()).toHaveLength(0);
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

  it('sends through the configuration set when CONFIGURATION_SET names one, and without one otherwise', async () => {
    givenHappyAccount();
    await deliverCredentials(createUser, deps);
    deps = { ...deps, config: { ...config, configurationSet: 'iam-gitops-tls' } };
    await deliverCredentials(createUser, deps);

    const sets = sesMock
      .commandCalls(SendEmailCommand)
      .map((call) => call.args[0].input.ConfigurationSetName);
    expect(sets).toEqual([undefined, 'iam-gitops-tls']);
  });
});

describe('deliverCredentials, a re-send', () => {
  it('updates the login profile, which must be reset again', async () => {
    givenHappyAccount(undefined, iamUser(resendTags));

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
    givenHappyAccount(undefined, iamUser(resendTags));
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
    givenHappyAccount(undefined, iamUser(resendTags));

    await deliverCredentials(resend, deps);
    await deliverCredentials({ ...resend, eventId: 'event-resend-2' }, deps);

    const [first, second] = passwordsSent();
    expect(first !== undefined && second !== undefined && first !== second).toBe(true);
  });

  it('answers a user marked for an earlier event', async () => {
    givenHappyAccount(undefined, iamUser({ ...resendTags, [TAG_CREDENTIALS_SENT]: 'event-create-1' }));

    const outcome = await deliverCredentials(resend, deps);

    expect(outcome).toMatchObject({ outcome: 'sent' });
  });
});

interface Case {
  readonly name: string;
  readonly request: CredentialRequest;
  /** The user as IAM has it now. */
  readonly user: User;
  readonly outcome: unknown;
  /** The same request for the user with one thing different: answered. */
  readonly control: User;
}

const refusals: readonly Case[] = [
  {
    name: 'a replayed CreateUser (the user was answered for another event)',
    request: { ...createUser, eventId: 'event-create-replayed' },
    user: iamUser({ ...managedTags, [TAG_CREDENTIALS_SENT]: 'event-create-1' }),
    outcome: { outcome: 'refused', reason: 'already-sent' },
    control: iamUser(managedTags),
  },
  {
    name: 'a CreateUser after a re-send was answered',
    request: createUser,
    user: iamUser({ ...resendTags, [TAG_CREDENTIALS_SENT]: 'event-resend-1' }),
    outcome: { outcome: 'refused', reason: 'already-sent' },
    control: iamUser(resendTags),
  },
  {
    name: 'a re-send whose value is no longer the tag (a newer request replaced it)',
    request: resend,
    user: iamUser({ ...managedTags, [TAG_CREDENTIALS_REQUESTED]: '2025-04-03T10:00:00Z run 2' }),
    outcome: { outcome: 'refused', reason: 'stale-request' },
    control: iamUser(resendTags),
  },
  {
    name: 'a re-send for a user without the request tag (removed since)',
    request: resend,
    user: iamUser(managedTags),
    outcome: { outcome: 'refused', reason: 'stale-request' },
    control: iamUser(resendTags),
  },
  {
    name: 'a re-send for a disabled user',
    request: resend,
    user: iamUser({ ...resendTags, [TAG_DISABLED_AT]: '2025-04-01T00:00:00Z' }),
    outcome: { outcome: 'refused', reason: 'disabled' },
    control: iamUser(resendTags),
  },
  {
    name: 'a CreateUser for a user tagged disabled',
    request: createUser,
    user: iamUser({ ...managedTags, [TAG_DISABLED_AT]: '2025-04-01T00:00:00Z' }),
    outcome: { outcome: 'refused', reason: 'disabled' },
    control: iamUser(managedTags),
  },
  {
    name: 'a re-send for a user with console: false',
    request: resend,
    user: iamUser({ ...resendTags, [TAG_CONSOLE]: 'false' }),
    outcome: { outcome: 'refused', reason: 'console-disabled' },
    control: iamUser(resendTags),
  },
  {
    name: 'a user outside the path',
    request: createUser,
    user: iamUser(managedTags, '/'),
    outcome: { outcome: 'refused', reason: 'outside-path' },
    control: iamUser(managedTags),
  },
  {
    name: 'a user without the managed-by tag',
    request: createUser,
    user: iamUser({ [TAG_CONSOLE]: 'true' }),
    outcome: { outcome: 'refused', reason: 'not-managed' },
    control: iamUser(managedTags),
  },
  {
    name: 'a user with an empty managed-by tag',
    request: createUser,
    user: iamUser({ [TAG_MANAGED_BY]: '', [TAG_CONSOLE]: 'true' }),
    outcome: { outcome: 'refused', reason: 'not-managed' },
    control: iamUser(managedTags),
  },
  {
    name: "a user of another account than the event's",
    request: createUser,
    user: iamUser(managedTags, '/iam-gitops/', '999988887777'),
    outcome: { outcome: 'refused', reason: 'other-account' },
    control: iamUser(managedTags),
  },
  {
    name: 'a new user with console: false (nothing amiss: ignored)',
    request: createUser,
    user: iamUser({ ...managedTags, [TAG_CONSOLE]: 'false' }),
    outcome: { outcome: 'ignored', reason: 'console-disabled' },
    control: iamUser(managedTags),
  },
  {
    name: 'a redelivery of the event already answered (ignored)',
    request: createUser,
    user: iamUser({ ...managedTags, [TAG_CREDENTIALS_SENT]: 'event-create-1' }),
    outcome: { outcome: 'ignored', reason: 'duplicate' },
    control: iamUser(managedTags),
  },
];

describe('deliverCredentials, checked against IAM now', () => {
  it.each(refusals)('answers nothing to $name, after GetUser only', async ({ request, user, outcome }) => {
    givenHappyAccount(undefined, user);

    expect(await deliverCredentials(request, deps)).toEqual(outcome);

    expect(iamCommands()).toEqual(['GetUserCommand']);
    expect(sesMock.calls()).toHaveLength(0);
  });

  it.each(refusals)('answers the control of $name', async ({ request, control }) => {
    givenHappyAccount(undefined, control);

    expect(await deliverCredentials(request, deps)).toMatchObject({ outcome: 'sent' });
  });

  it('refuses a user its role may not read (outside the path), without retrying', async () => {
    iamMock
      .on(GetUserCommand)
      .rejects(Object.assign(new Error('not authorized to perform: iam:GetUser'), { name: 'AccessDenied' }));

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toEqual({ outcome: 'refused', reason: 'not-readable' });
    expect(iamCommands()).toEqual(['GetUserCommand']);
    expect(sesMock.calls()).toHaveLength(0);
  });
});

describe('deliverCredentials, recipients', () => {
  it('reports a user with nowhere to send to, after GetUser only', async () => {
    givenUser(iamUser(managedTags, '/iam-gitops/', ACCOUNT, 'alice'));

    const outcome = await deliverCredentials({ ...createUser, userName: 'alice' }, deps);

    expect(outcome).toEqual({
      outcome: 'undeliverable',
      reason: 'no-recipient',
      detail: `no ${TAG_EMAIL} tag, the user name is not an email address and EMAIL_DOMAIN is not set`,
    });
    expect(iamCommands()).toEqual(['GetUserCommand']);
  });

  it('sends nothing to an address outside RECIPIENT_DOMAINS, after GetUser only', async () => {
    givenHappyAccount(undefined, iamUser({ ...managedTags, [TAG_EMAIL]: 'alice@attacker.example' }));
    deps = { ...deps, config: { ...config, recipientDomains: ['example.com'] } };

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toEqual({ outcome: 'undeliverable', reason: 'recipient-not-allowed' });
    expect(iamCommands()).toEqual(['GetUserCommand']);
    expect(sesMock.calls()).toHaveLength(0);
  });

  it.each([
    ['the domain exactly', 'alice@example.com', ['example.com'], 'sent'],
    ['one of several domains', 'alice@corp.example', ['example.com', 'corp.example'], 'sent'],
    ['a subdomain', 'alice@mail.example.com', ['example.com'], 'undeliverable'],
    ['a look-alike', 'alice@example.com.attacker.example', ['example.com'], 'undeliverable'],
    [
      'the domain in capitals (IAM compares to the letter)',
      'alice@EXAMPLE.COM',
      ['example.com'],
      'undeliverable',
    ],
  ])('with RECIPIENT_DOMAINS, %s: %s', async (_what, address, recipientDomains, expected) => {
    givenHappyAccount(undefined, iamUser({ ...managedTags, [TAG_EMAIL]: address }));
    deps = { ...deps, config: { ...config, recipientDomains } };

    expect(await deliverCredentials(createUser, deps)).toMatchObject({ outcome: expected });
  });
});

describe('deliverCredentials, member accounts', () => {
  const prod: MemberAccount = {
    id: '444455556666',
    name: 'prod',
    applyRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-apply',
    credentialsRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-credentials',
  };
  const inProd: CredentialRequest = { ...createUser, account: { kind: 'member', id: prod.id, member: prod } };

  it('names the account by its configured name when it has no alias', async () => {
    givenHappyAccount(undefined, iamUser(managedTags, '/iam-gitops/', prod.id));
    iamMock.on(ListAccountAliasesCommand).resolves({ AccountAliases: [] });

    await deliverCredentials(inProd, deps);

    const text = sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Text?.Data;
    expectIncludes(text, 'in the AWS account prod.');
    expectIncludes(text, `https://${prod.id}.signin.aws.amazon.com/console`);
  });

  it("names the account by its alias when it has one, and reads each account's facts once", async () => {
    givenHappyAccount(undefined, iamUser(managedTags, '/iam-gitops/', prod.id));

    await deliverCredentials(inProd, deps);
    await deliverCredentials({ ...inProd, eventId: 'event-create-2' }, deps);
    givenUser(iamUser(managedTags));
    await deliverCredentials(createUser, deps);

    expect(sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Subject?.Data).toBe(
      'Your AWS sign-in details for acme-prod',
    );
    // Once for prod, once for the own account.
    expect(iamMock.commandCalls(GetAccountPasswordPolicyCommand)).toHaveLength(2);
    expect(iamMock.commandCalls(ListAccountAliasesCommand)).toHaveLength(2);
  });
});

describe('deliverCredentials, failures', () => {
  it('leaves SES throttling to the SDK: one call here, failing unmarked so that AWS retries', async () => {
    givenHappyAccount();
    sesMock
      .on(SendEmailCommand)
      .rejects(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata }));

    await expect(deliverCredentials(createUser, deps)).rejects.toThrow(TooManyRequestsException);

    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
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

  it('does not fail once the email is out, even if the marker cannot be written', async () => {
    givenHappyAccount();
    iamMock
      .on(TagUserCommand)
      .rejects(new ServiceFailureException({ message: 'internal failure', $metadata }));

    const outcome = await deliverCredentials(createUser, deps);

    expect(outcome).toMatchObject({ outcome: 'sent', marked: false });
    expect(logs.entries()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: `email sent, but the ${TAG_CREDENTIALS_SENT} marker could not be written`,
        error: 'ServiceFailureException',
      }),
    ]);
  });
});
