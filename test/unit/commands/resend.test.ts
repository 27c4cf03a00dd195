import { GetUserCommand, IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  managedIamUser,
  ResendRefused,
  requestCredentials,
  requestTagValue,
  rosterUserFor,
} from '../../../src/commands/resend.js';
import type { CoreSettings } from '../../../src/commands/settings.js';
import { TAG_MANAGED_BY } from '../../../src/contract.js';
import { appliedUser, desiredUser, iamUser, REPOSITORY, SCOPE } from '../support/factories.js';

const SETTINGS: CoreSettings = {
  usersDir: '/unused',
  displayDir: 'users',
  iamPath: SCOPE.iamPath,
  repository: REPOSITORY,
  emailDomain: undefined,
};

const alice = desiredUser('alice@example.com');
const bot = desiredUser('build-bot', { console: false });
const roster = { users: [alice, bot] };

describe('requestTagValue', () => {
  it('is the ISO time and the run id', () => {
    expect(requestTagValue(new Date('2025-03-04T10:11:12.345Z'), '8812345678')).toBe(
      '2025-03-04T10:11:12.345Z run 8812345678',
    );
  });

  it('uses only characters IAM allows in a tag value', () => {
    expect(requestTagValue(new Date(), 'local')).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
  });
});

describe('rosterUserFor', () => {
  it('is the roster entry of that exact name', () => {
    expect(rosterUserFor(roster, 'alice@example.com')).toBe(alice);
  });

  it('refuses a name the roster does not hold', () => {
    expect(() => rosterUserFor(roster, 'mallory@example.com')).toThrow(
      new ResendRefused(
        '"mallory@example.com" is not in the roster; credentials are re-sent only to users the roster names',
      ),
    );
  });

  it('suggests the spelling the roster uses', () => {
    expect(() => rosterUserFor(roster, 'Alice@Example.com')).toThrow(
      '"Alice@Example.com" is not in the roster; did you mean "alice@example.com" (users/alice@example.com.yaml)?',
    );
  });

  it('refuses a user without console access', () => {
    expect(() => rosterUserFor(roster, 'build-bot')).toThrow(
      '"build-bot" has console: false in users/build-bot.yaml; there are no sign-in details to re-send',
    );
  });
});

describe('managedIamUser', () => {
  it('is the IAM user when this repository manages it under the path', () => {
    const current = appliedUser(alice);

    expect(managedIamUser(current, SETTINGS, 'alice@example.com')).toBe(current);
  });

  it.each([
    ['missing', undefined, '"alice@example.com" does not exist in IAM yet; apply creates it'],
    [
      'outside the path',
      iamUser('alice@example.com', { path: '/', tags: { [TAG_MANAGED_BY]: REPOSITORY } }),
      'IAM user "alice@example.com" is outside the managed path /iam-gitops/ (at /)',
    ],
    [
      'untagged under the path',
      iamUser('alice@example.com', { path: '/iam-gitops/' }),
      'IAM user "alice@example.com" is not managed by acme/iam-users',
    ],
    [
      'managed by another repository',
      iamUser('alice@example.com', { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: 'other/repo' } }),
      'IAM user "alice@example.com" is not managed by acme/iam-users',
    ],
    [
      'spelled differently',
      appliedUser(desiredUser('Alice@example.com')),
      'IAM holds this user as "Alice@example.com"; use that spelling',
    ],
  ])('refuses a user %s', (_case, current, message) => {
    expect(() => managedIamUser(current, SETTINGS, 'alice@example.com')).toThrow(message);
  });
});

describe('requestCredentials', () => {
  const iamMock = mockClient(IAMClient);
  let iam: IAMClient;

  beforeEach(() => {
    iamMock.reset();
    iam = new IAMClient({ region: 'us-east-1' });
  });

  afterEach(() => {
    iam.destroy();
  });

  const user = (name: string, tags: Record<string, string>) => ({
    UserName: name,
    UserId: 'AIDAEXAMPLE',
    Arn: `arn:aws:iam::123456789012:user/iam-gitops/${name}`,
    Path: '/iam-gitops/',
    CreateDate: new Date('2025-01-01T00:00:00Z'),
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  });

  it('tags the user once, after one GetUser', async () => {
    iamMock
      .on(GetUserCommand)
      .resolves({ User: user('alice@example.com', { [TAG_MANAGED_BY]: REPOSITORY }) });
    iamMock.on(TagUserCommand).resolves({});

    const result = await requestCredentials(iam, SETTINGS, alice, {
      now: new Date('2025-03-04T10:11:12.345Z'),
      runId: '99',
    });

    expect(result).toEqual({
      user: 'alice@example.com',
      arn: 'arn:aws:iam::123456789012:user/iam-gitops/alice@example.com',
      value: '2025-03-04T10:11:12.345Z run 99',
    });
    expect(iamMock.commandCalls(GetUserCommand).map((call) => call.args[0].input)).toEqual([
      { UserName: 'alice@example.com' },
    ]);
    expect(iamMock.calls()).toHaveLength(2);
    expect(iamMock.commandCalls(TagUserCommand).map((call) => call.args[0].input)).toEqual([
      {
        UserName: 'alice@example.com',
        Tags: [{ Key: 'iam-gitops:credentials-requested', Value: '2025-03-04T10:11:12.345Z run 99' }],
      },
    ]);
  });

  it('tags nothing when IAM says the user is not ours', async () => {
    iamMock
      .on(GetUserCommand)
      .resolves({ User: user('alice@example.com', { [TAG_MANAGED_BY]: 'other/repo' }) });

    await expect(
      requestCredentials(iam, SETTINGS, alice, { now: new Date(), runId: '1' }),
    ).rejects.toBeInstanceOf(ResendRefused);
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0);
  });

  it.each([
    ['NoSuchEntity', 'does not exist in IAM yet'],
    ['AccessDenied', 'may not be read by this role, so it is not under the managed path /iam-gitops/'],
  ])('tags nothing when GetUser answers %s', async (code, message) => {
    iamMock.on(GetUserCommand).rejects(Object.assign(new Error(code), { name: code }));

    await expect(requestCredentials(iam, SETTINGS, alice, { now: new Date(), runId: '1' })).rejects.toThrow(
      message,
    );
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0);
  });
});
