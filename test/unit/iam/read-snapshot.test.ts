import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  IAMClient,
  IAMServiceException,
  NoSuchEntityException,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAGE_SIZE, readSnapshot } from '../../../src/iam/read-snapshot.js';

const iamMock = mockClient(IAMClient);
let iam: IAMClient;

beforeEach(() => {
  iamMock.reset();
  iam = new IAMClient({ region: 'us-east-1' });
});

afterEach(() => {
  iam.destroy();
});

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const BOUNDARY = 'arn:aws:iam::123456789012:policy/boundary';

function user(name: string, detail: Partial<UserDetail> = {}): UserDetail {
  return {
    UserName: name,
    Arn: `arn:aws:iam::123456789012:user/iam-gitops/${name}`,
    Path: '/iam-gitops/',
    ...detail,
  };
}

const noSuchEntity = () => new NoSuchEntityException({ message: 'Policy not found', $metadata: {} });

describe('readSnapshot', () => {
  it('follows IsTruncated and Marker across pages, asking for users and groups 1,000 at a time', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        UserDetailList: [user('a')],
        GroupDetailList: [{ GroupName: 'g1' }],
        IsTruncated: true,
        Marker: 'm1',
      })
      .resolvesOnce({ UserDetailList: [user('b')], GroupDetailList: [], IsTruncated: true, Marker: 'm2' })
      .resolvesOnce({
        UserDetailList: [user('c')],
        GroupDetailList: [{ GroupName: 'g2' }],
        IsTruncated: false,
      });

    const snapshot = await readSnapshot(iam);

    const calls = iamMock
      .commandCalls(GetAccountAuthorizationDetailsCommand)
      .map((call) => call.args[0].input);
    expect(PAGE_SIZE).toBe(1000);
    expect(calls).toEqual([
      { Filter: ['User', 'Group'], MaxItems: 1000 },
      { Filter: ['User', 'Group'], MaxItems: 1000, Marker: 'm1' },
      { Filter: ['User', 'Group'], MaxItems: 1000, Marker: 'm2' },
    ]);
    expect(iamMock.calls()).toHaveLength(3);
    expect(snapshot.users.map((u) => u.name)).toEqual(['a', 'b', 'c']);
    expect(snapshot.groups).toEqual(['g1', 'g2']);
  });

  it('reads one page when the listing is not truncated, whatever the marker says', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolves({ UserDetailList: [], GroupDetailList: [], IsTruncated: false, Marker: 'stale' });

    const snapshot = await readSnapshot(iam);

    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
    expect(snapshot).toEqual({ users: [], groups: [], policies: [] });
  });

  it('maps every field of a user', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [
        {
          UserName: 'alice@example.com',
          Arn: 'arn:aws:iam::123456789012:user/iam-gitops/alice@example.com',
          Path: '/iam-gitops/',
          UserId: 'AIDAALICE',
          CreateDate: new Date('2024-01-02T03:04:05Z'),
          GroupList: ['developers', 'oncall'],
          AttachedManagedPolicies: [
            { PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY },
            { PolicyName: 'no-arn' },
          ],
          UserPolicyList: [{ PolicyName: 'inline-1', PolicyDocument: '{}' }, { PolicyDocument: '{}' }],
          Tags: [
            { Key: 'team', Value: 'platform' },
            { Key: 'empty', Value: undefined },
          ],
          PermissionsBoundary: {
            PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
            PermissionsBoundaryArn: BOUNDARY,
          },
        },
        { UserName: 'bare', Arn: 'arn:aws:iam::123456789012:user/bare' },
        { UserName: 'no-arn' },
        { Arn: 'arn:aws:iam::123456789012:user/no-name' },
      ],
      GroupDetailList: [{ GroupName: 'developers' }, { GroupId: 'AGPANONAME' }],
    });

    const snapshot = await readSnapshot(iam);

    expect(snapshot).toEqual({
      users: [
        {
          name: 'alice@example.com',
          arn: 'arn:aws:iam::123456789012:user/iam-gitops/alice@example.com',
          path: '/iam-gitops/',
          userId: 'AIDAALICE',
          createDate: '2024-01-02T03:04:05.000Z',
          groups: ['developers', 'oncall'],
          attachedPolicyArns: [READ_ONLY],
          inlinePolicyNames: ['inline-1'],
          tags: { team: 'platform', empty: '' },
          permissionsBoundaryArn: BOUNDARY,
        },
        {
          name: 'bare',
          arn: 'arn:aws:iam::123456789012:user/bare',
          path: '/',
          userId: '',
          createDate: undefined,
          groups: [],
          attachedPolicyArns: [],
          inlinePolicyNames: [],
          tags: {},
          permissionsBoundaryArn: undefined,
        },
      ],
      groups: ['developers'],
      policies: [BOUNDARY, READ_ONLY],
    });
  });

  it('looks up with GetPolicy only the referenced policies no user holds, once each', async () => {
    const teamPolicy = 'arn:aws:iam::123456789012:policy/team';
    const missing = 'arn:aws:iam::123456789012:policy/missing';
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [
        user('a', {
          AttachedManagedPolicies: [{ PolicyArn: READ_ONLY }],
          PermissionsBoundary: { PermissionsBoundaryArn: BOUNDARY },
        }),
      ],
    });
    iamMock.on(GetPolicyCommand, { PolicyArn: teamPolicy }).resolves({ Policy: { Arn: teamPolicy } });
    iamMock.on(GetPolicyCommand, { PolicyArn: missing }).rejects(noSuchEntity());

    const snapshot = await readSnapshot(iam, {
      referencedPolicies: [READ_ONLY, teamPolicy, BOUNDARY, missing, teamPolicy],
    });

    expect(iamMock.commandCalls(GetPolicyCommand).map((call) => call.args[0].input)).toEqual([
      { PolicyArn: teamPolicy },
      { PolicyArn: missing },
    ]);
    expect(snapshot.policies).toEqual([BOUNDARY, teamPolicy, READ_ONLY]);
  });

  it('makes no GetPolicy call when every referenced policy is attached to someone', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [user('a', { AttachedManagedPolicies: [{ PolicyArn: READ_ONLY }] })],
    });

    const snapshot = await readSnapshot(iam, { referencedPolicies: [READ_ONLY] });

    expect(iamMock.commandCalls(GetPolicyCommand)).toEqual([]);
    expect(snapshot.policies).toEqual([READ_ONLY]);
  });

  it('lets any GetPolicy error but NoSuchEntity propagate', async () => {
    const denied = new IAMServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      message: 'not authorized to perform iam:GetPolicy',
      $metadata: {},
    });
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({});
    iamMock.on(GetPolicyCommand).rejects(denied);

    await expect(readSnapshot(iam, { referencedPolicies: [READ_ONLY] })).rejects.toBe(denied);
  });

  it('lets a listing error propagate', async () => {
    const throttled = new IAMServiceException({
      name: 'Throttling',
      $fault: 'client',
      message: 'Rate exceeded',
      $metadata: {},
    });
    iamMock.on(GetAccountAuthorizationDetailsCommand).rejects(throttled);

    await expect(readSnapshot(iam)).rejects.toBe(throttled);
    expect(iamMock.commandCalls(GetPolicyCommand)).toEqual([]);
  });
});
