import {
  DeleteLoginProfileCommand,
  GetAccountAuthorizationDetailsCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListUsersCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findStaleInvites,
  invitedAt,
  isStale,
  neverSignedIn,
  renderStaleInvitesMarkdown,
  type StaleInviteReport,
} from '../../../src/commands/stale-invites.js';
import {
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_DISABLED_AT,
  TAG_MANAGED_BY,
} from '../../../src/contract.js';
import { appliedUser, desiredUser, iamUser, REPOSITORY, SCOPE, snapshotOf } from '../support/factories.js';

const iamMock = mockClient(IAMClient);
let iam: IAMClient;

beforeEach(() => {
  iamMock.reset();
  iam = new IAMClient({ region: 'us-east-1' });
});

afterEach(() => {
  iam.destroy();
});

const NOW = new Date('2025-03-31T12:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);
const managed = (name: string, tags: Record<string, string> = {}) =>
  appliedUser(desiredUser(name), { tags: { ...appliedUser(desiredUser(name)).tags, ...tags } });

describe('neverSignedIn', () => {
  it('keeps managed, enabled console users whose password was never used', () => {
    const snapshot = snapshotOf([
      managed('fresh@example.com'),
      managed('active@example.com'),
      managed('robot', { [TAG_CONSOLE]: 'false' }),
      managed('gone@example.com', { [TAG_DISABLED_AT]: '2025-01-01T00:00:00.000Z' }),
      iamUser('theirs@example.com', { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: 'acme/other' } }),
      iamUser('root@example.com', { path: '/' }),
      managed('unlisted@example.com'),
    ]);
    const listed = new Map<string, Date | undefined>([
      ['fresh@example.com', undefined],
      ['active@example.com', daysAgo(1)],
      ['robot', undefined],
      ['gone@example.com', undefined],
      ['theirs@example.com', undefined],
    ]);

    expect(neverSignedIn(snapshot, listed, SCOPE).map((user) => user.name)).toEqual(['fresh@example.com']);
  });
});

describe('invitedAt', () => {
  it('takes a later re-send request over the login profile’s creation', () => {
    const user = managed('a@example.com', {
      [TAG_CREDENTIALS_REQUESTED]: `${daysAgo(2).toISOString()} run 42`,
    });

    expect(invitedAt(user, daysAgo(30))).toEqual(daysAgo(2));
  });

  it('keeps the creation date when the request is older or unreadable', () => {
    const older = managed('a@example.com', {
      [TAG_CREDENTIALS_REQUESTED]: `${daysAgo(40).toISOString()} run 1`,
    });
    const garbled = managed('b@example.com', { [TAG_CREDENTIALS_REQUESTED]: 'soon' });

    expect(invitedAt(older, daysAgo(30))).toEqual(daysAgo(30));
    expect(invitedAt(garbled, daysAgo(30))).toEqual(daysAgo(30));
  });
});

describe('isStale', () => {
  it('is stale only past the expiry', () => {
    expect(isStale(daysAgo(14), NOW, 14)).toBe(false);
    expect(isStale(new Date(daysAgo(14).getTime() - 1), NOW, 14)).toBe(true);
  });
});

describe('findStaleInvites', () => {
  const snapshot = snapshotOf([
    managed('old@example.com'),
    managed('new@example.com'),
    managed('resent@example.com', { [TAG_CREDENTIALS_REQUESTED]: `${daysAgo(1).toISOString()} run 7` }),
    managed('nopassword@example.com'),
    managed('signedin@example.com'),
  ]);

  const listUsersSent: Record<string, unknown>[] = [];

  beforeEach(() => {
    const pages = [
      {
        Users: [
          { UserName: 'old@example.com', Path: '/iam-gitops/', UserId: '1', Arn: 'a1', CreateDate: NOW },
          { UserName: 'new@example.com', Path: '/iam-gitops/', UserId: '2', Arn: 'a2', CreateDate: NOW },
          { UserName: 'resent@example.com', Path: '/iam-gitops/', UserId: '3', Arn: 'a3', CreateDate: NOW },
        ],
        IsTruncated: true,
        Marker: 'page-2',
      },
      {
        Users: [
          {
            UserName: 'nopassword@example.com',
            Path: '/iam-gitops/',
            UserId: '4',
            Arn: 'a4',
            CreateDate: NOW,
          },
          {
            UserName: 'signedin@example.com',
            Path: '/iam-gitops/',
            UserId: '5',
            Arn: 'a5',
            CreateDate: NOW,
            PasswordLastUsed: daysAgo(3),
          },
        ],
        IsTruncated: false,
      },
    ];
    // The SDK paginator reuses one input object; record each request as it was sent.
    listUsersSent.length = 0;
    iamMock.on(ListUsersCommand).callsFake((input: Record<string, unknown>) => {
      listUsersSent.push({ ...input });
      return pages[listUsersSent.length - 1];
    });
    const profiles: Record<string, Date> = {
      'old@example.com': daysAgo(20),
      'new@example.com': daysAgo(3),
      'resent@example.com': daysAgo(30),
    };
    iamMock.on(GetLoginProfileCommand).callsFake((input: { UserName: string }) => {
      const created = profiles[input.UserName];
      if (created === undefined) throw new NoSuchEntityException({ message: 'no profile', $metadata: {} });
      return { LoginProfile: { UserName: input.UserName, CreateDate: created } };
    });
    iamMock.on(DeleteLoginProfileCommand).resolves({});
  });

  it('reports invitations older than the expiry and never used, and deletes nothing by default', async () => {
    const report = await findStaleInvites(
      iam,
      { ...SCOPE, inviteExpiryDays: 14, expireInvites: false },
      { now: () => NOW, snapshot },
    );

    expect(report).toEqual({
      scope: SCOPE,
      expiryDays: 14,
      expireInvites: false,
      checked: 4,
      stale: [
        {
          user: 'old@example.com',
          arn: `arn:aws:iam::123456789012:user/iam-gitops/old@example.com`,
          invitedAt: daysAgo(20).toISOString(),
          ageDays: 20,
          expired: false,
        },
      ],
    });
    expect(listUsersSent).toEqual([
      { PathPrefix: '/iam-gitops/', MaxItems: 1000 },
      { PathPrefix: '/iam-gitops/', MaxItems: 1000, Marker: 'page-2' },
    ]);
    expect(
      iamMock
        .commandCalls(GetLoginProfileCommand)
        .map((call) => call.args[0].input.UserName)
        .sort(),
    ).toEqual(['new@example.com', 'nopassword@example.com', 'old@example.com', 'resent@example.com']);
    expect(iamMock.commandCalls(DeleteLoginProfileCommand)).toHaveLength(0);
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(0);
  });

  it('with expire-invites, deletes exactly the stale login profiles', async () => {
    const report = await findStaleInvites(
      iam,
      { iamPath: SCOPE.iamPath, repository: REPOSITORY, inviteExpiryDays: 14, expireInvites: true },
      { now: () => NOW, snapshot },
    );

    expect(report.stale.map((invite) => [invite.user, invite.expired])).toEqual([['old@example.com', true]]);
    expect(iamMock.commandCalls(DeleteLoginProfileCommand).map((call) => call.args[0].input)).toEqual([
      { UserName: 'old@example.com' },
    ]);
  });
});

describe('renderStaleInvitesMarkdown', () => {
  const report: StaleInviteReport = {
    scope: SCOPE,
    expiryDays: 14,
    expireInvites: false,
    checked: 2,
    stale: [
      {
        user: 'old@example.com',
        arn: 'arn',
        invitedAt: '2025-03-11T12:00:00.000Z',
        ageDays: 20,
        expired: false,
      },
    ],
  };

  it('lists stale invitations and says how to expire and re-send them', () => {
    const markdown = renderStaleInvitesMarkdown(report);

    expect(markdown).toContain('**1 stale invitation**: sent more than 14 days ago and never used.');
    expect(markdown).toContain('| `old@example.com` | `2025-03-11T12:00:00.000Z` | 20 | kept |');
    expect(markdown).toContain('A re-send');
  });

  it('says when there are none', () => {
    expect(renderStaleInvitesMarkdown({ ...report, stale: [] })).toContain('No stale invitations');
  });
});
