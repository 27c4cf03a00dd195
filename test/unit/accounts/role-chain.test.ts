import { IAMClient } from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  RegionDisabledException,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  assumeMemberRole,
  CHAINED_SESSION_MAX_SECONDS,
  type CredentialsProvider,
  chainedSessionSeconds,
  createHubStsClient,
  MemberRoleError,
  memberIamClients,
  memberSessionName,
  RENEW_BEFORE_EXPIRY_MS,
  type RoleChainSettings,
} from '../../../src/accounts/role-chain.js';
import { type TargetAccount, targetAccount } from '../../../src/accounts/target-accounts.js';
import { VERSION } from '../../../src/version.js';

const stsMock = mockClient(STSClient);
let sts: STSClient;

const PROD: TargetAccount = targetAccount('aws', 'prod', { id: '111111111111' });
const T0 = Date.parse('2030-01-01T00:00:00Z');

function issued(n: number, expiresAt = T0 + 3_600_000) {
  return {
    Credentials: {
      AccessKeyId: `ASIAMEMBERKEY000000${n}`,
      SecretAccessKey: `member/secret+${n}000000000000000000000000000`,
      SessionToken: `member-session-token-${n}-0000000000000000`,
      Expiration: new Date(expiresAt),
    },
    AssumedRoleUser: {
      Arn: `arn:aws:sts::111111111111:assumed-role/iam-gitops-plan/iam-gitops-plan-${n}`,
      AssumedRoleId: `AROA:${n}`,
    },
  };
}

function awsError(name: string, message: string) {
  return new STSServiceException({ name, $fault: 'client', $metadata: {}, message });
}

/** Settings whose mask and IAM factory record what they were given, and in which order. */
function recordingSettings(overrides: Partial<RoleChainSettings> = {}) {
  const events: string[] = [];
  const providers: CredentialsProvider[] = [];
  const mask = vi.fn((secret: string) => {
    events.push(`mask ${secret}`);
  });
  const createIamClient = vi.fn((credentials: CredentialsProvider, account: TargetAccount) => {
    events.push(`client ${account.name}`);
    providers.push(credentials);
    return new IAMClient({ region: 'us-east-1', credentials });
  });
  const settings: RoleChainSettings = {
    sts,
    command: 'plan',
    runId: '4242',
    mask,
    createIamClient,
    now: () => T0,
    ...overrides,
  };
  return { settings, events, providers, mask, createIamClient };
}

beforeEach(() => {
  stsMock.reset();
  sts = new STSClient({ region: 'us-east-1' });
});

afterEach(() => {
  sts.destroy();
});

describe('memberSessionName', () => {
  it('says iam-gitops, the command and the run', () => {
    expect(memberSessionName('apply', '987654321')).toBe('iam-gitops-apply-987654321');
    expect(memberSessionName('drift')).toBe('iam-gitops-drift');
    expect(memberSessionName('drift', '')).toBe('iam-gitops-drift');
  });

  it("keeps to STS's characters and 64-character limit", () => {
    expect(memberSessionName('stale invites/x', 'r:1')).toBe('iam-gitops-stale-invites-x-r-1');
    const long = memberSessionName('plan', '9'.repeat(80));
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^iam-gitops-plan-9+$/);
  });
});

describe('chainedSessionSeconds', () => {
  it.each([
    [undefined, 3600],
    [Number.NaN, 3600],
    [43_200, 3600],
    [1800, 1800],
    [1800.7, 1800],
    [60, 900],
  ])('bounds %s to %i (a chained session lasts at most an hour)', (requested, seconds) => {
    expect(chainedSessionSeconds(requested)).toBe(seconds);
  });
});

describe('createHubStsClient', () => {
  it("carries the project's user agent, the retry settings and the hub credentials", async () => {
    const client = createHubStsClient({
      region: 'eu-west-1',
      purpose: 'action-plan',
      credentials: { accessKeyId: 'AKIDHUB', secretAccessKey: 'hub-secret' },
    });

    expect(await client.config.region()).toBe('eu-west-1');
    expect(client.config.customUserAgent).toEqual([
      ['iam-gitops', VERSION],
      ['iam-gitops-action-plan', VERSION],
    ]);
    expect(await client.config.maxAttempts()).toBe(8);
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'AKIDHUB' });
    client.destroy();
  });
});

describe('memberIamClients', () => {
  it('builds a project IAM client acting with the member credentials', async () => {
    const credentials = async () => ({ accessKeyId: 'ASIAMEMBER', secretAccessKey: 's', sessionToken: 't' });

    const iam = memberIamClients({ region: 'us-east-1', purpose: 'action-apply' })(credentials, PROD);

    expect(await iam.config.credentials()).toMatchObject({ accessKeyId: 'ASIAMEMBER', sessionToken: 't' });
    expect(iam.config.customUserAgent).toEqual([
      ['iam-gitops', VERSION],
      ['iam-gitops-action-apply', VERSION],
    ]);
    iam.destroy();
  });
});

describe('assumeMemberRole', () => {
  it("assumes the account's plan role from the hub, masks the keys, then builds the client", async () => {
    stsMock.on(AssumeRoleCommand).resolves(issued(1));
    const { settings, events, providers } = recordingSettings();

    const session = await assumeMemberRole(PROD, 'plan', settings);

    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-plan',
        RoleSessionName: 'iam-gitops-plan-4242',
        DurationSeconds: 3600,
      },
    ]);
    const keys = issued(1).Credentials;
    expect(events).toEqual([
      `mask ${keys.AccessKeyId}`,
      `mask ${keys.SecretAccessKey}`,
      `mask ${keys.SessionToken}`,
      'client prod',
    ]);
    expect(session).toMatchObject({
      account: PROD,
      kind: 'plan',
      roleArn: 'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-plan',
      assumedRoleArn: 'arn:aws:sts::111111111111:assumed-role/iam-gitops-plan/iam-gitops-plan-1',
    });
    expect(await providers[0]?.()).toEqual({
      accessKeyId: keys.AccessKeyId,
      secretAccessKey: keys.SecretAccessKey,
      sessionToken: keys.SessionToken,
      expiration: keys.Expiration,
    });
    expect(await session.iam.config.credentials()).toMatchObject({ accessKeyId: keys.AccessKeyId });
    session.iam.destroy();
  });

  it("assumes the apply role for writing commands, with the account's own role name", async () => {
    stsMock.on(AssumeRoleCommand).resolves(issued(1));
    const ops = targetAccount('aws-cn', 'ops', { id: '444444444444', applyRole: 'ops-apply' });
    const { settings } = recordingSettings({ command: 'resend', runId: undefined, durationSeconds: 7200 });

    const session = await assumeMemberRole(ops, 'apply', settings);

    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws-cn:iam::444444444444:role/iam-gitops/ops-apply',
        RoleSessionName: 'iam-gitops-resend',
        DurationSeconds: CHAINED_SESSION_MAX_SECONDS,
      },
    ]);
    expect(session.roleArn).toBe('arn:aws-cn:iam::444444444444:role/iam-gitops/ops-apply');
    session.iam.destroy();
  });

  it('keeps the credentials until they near their end, then renews them once for concurrent callers', async () => {
    let now = T0;
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce(issued(1, T0 + 3_600_000))
      .resolvesOnce(issued(2, T0 + 7_200_000));
    const { settings, providers, mask } = recordingSettings({ now: () => now });
    const session = await assumeMemberRole(PROD, 'plan', settings);
    const provider = providers[0];
    if (provider === undefined) throw new Error('the factory was given no provider');

    now = T0 + 3_600_000 - RENEW_BEFORE_EXPIRY_MS - 1;
    const early = await provider();
    now = T0 + 3_600_000 - RENEW_BEFORE_EXPIRY_MS + 1;
    const [a, b] = await Promise.all([provider(), provider()]);

    expect(early.accessKeyId).toBe(issued(1).Credentials.AccessKeyId);
    expect(a?.accessKeyId).toBe(issued(2).Credentials.AccessKeyId);
    expect(b).toBe(a);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(stsMock.commandCalls(AssumeRoleCommand)[1]?.args[0].input.RoleArn).toBe(PROD.planRoleArn);
    expect(mask).toHaveBeenCalledTimes(6);
    expect(mask).toHaveBeenCalledWith(issued(2).Credentials.SessionToken);
    session.iam.destroy();
  });

  it('explains AccessDenied: the member roles trust only the hub roles, and the StackSet makes them', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(
        awsError(
          'AccessDenied',
          'User: arn:aws:sts::999999999999:assumed-role/hub/x is not authorized to perform: sts:AssumeRole',
        ),
      );
    const { settings, mask, createIamClient } = recordingSettings();

    const error = await assumeMemberRole(PROD, 'plan', settings).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MemberRoleError);
    expect(error).toMatchObject({
      account: PROD,
      roleArn: PROD.planRoleArn,
      code: 'AccessDenied',
      message:
        'account prod (111111111111): the hub role may not assume arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-plan. ' +
        'The member roles trust only the hub roles: is role-to-assume the hub plan role (a plan run chains from it ' +
        'into the member plan role), and is the iam-gitops StackSet deployed to 111111111111 (its stack instance ' +
        'creates the role)? AWS said: AccessDenied: User: arn:aws:sts::999999999999:assumed-role/hub/x is not ' +
        'authorized to perform: sts:AssumeRole',
    });
    expect(mask).not.toHaveBeenCalled();
    expect(createIamClient).not.toHaveBeenCalled();
  });

  it.each([
    ['ExpiredToken', 'the hub credentials are expired or invalid'],
    ['InvalidClientTokenId', 'the hub credentials are expired or invalid'],
  ])('explains %s as the hub session', async (name, explanation) => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(awsError(name, 'The security token included in the request is expired'));
    const { settings } = recordingSettings();

    await expect(assumeMemberRole(PROD, 'apply', settings)).rejects.toThrow(
      `account prod (111111111111): could not assume ${PROD.applyRoleArn}: ${explanation}`,
    );
  });

  it('explains a region where STS is off', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(
        new RegionDisabledException({ $metadata: {}, message: 'STS is not activated in this region' }),
      );
    const { settings } = recordingSettings();

    await expect(assumeMemberRole(PROD, 'plan', settings)).rejects.toThrow(
      /STS is not activated in this region for the hub account .* AWS said: RegionDisabled: STS is not activated/,
    );
  });

  it('names the account and role for any other failure', async () => {
    stsMock.on(AssumeRoleCommand).rejects(new Error('socket hang up'));
    const { settings } = recordingSettings();

    await expect(assumeMemberRole(PROD, 'plan', settings)).rejects.toThrow(
      `account prod (111111111111): could not assume ${PROD.planRoleArn}: socket hang up`,
    );
  });

  it('refuses an answer without credentials, masking and building nothing', async () => {
    stsMock.on(AssumeRoleCommand).resolves({});
    const { settings, mask, createIamClient } = recordingSettings();

    await expect(assumeMemberRole(PROD, 'plan', settings)).rejects.toThrow(
      `account prod (111111111111): STS returned no credentials for ${PROD.planRoleArn}`,
    );
    expect(mask).not.toHaveBeenCalled();
    expect(createIamClient).not.toHaveBeenCalled();
  });
});
