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
import {
  confirmPolicies,
  PAGE_SIZE,
  readAccountFromRoles,
  readSnapshot,
} from '../../../src/iam/read-snapshot.js';

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
  it('follows the Marker across pages (the SDK paginator), asking for users and groups 1,000 at a time', async () => {
    const pages = [
      {
        UserDetailList: [user('a')],
        GroupDetailList: [{ GroupName: 'g1' }],
        IsTruncated: true,
        Marker: 'm1',
      },
      { UserDetailList: [user('b')], GroupDetailList: [], IsTruncated: true, Marker: 'm2' },
      { UserDetailList: [user('c')], GroupDetailList: [{ GroupName: 'g2' }], IsTruncated: false },
    ];
    // The paginator reuses one input object; record each request as it was sent.
    const sent: Record<string, unknown>[] = [];
    iamMock.on(GetAccountAuthorizationDetailsCommand).callsFake((input: Record<string, unknown>) => {
      sent.push({ ...input });
      return pages[sent.length - 1];
    });

    const snapshot = await readSnapshot(iam);

    expect(PAGE_SIZE).toBe(1000);
    expect(sent).toEqual([
      { Filter: ['User', 'Group'], MaxItems: 1000 },
      { Filter: ['User', 'Group'], MaxItems: 1000, Marker: 'm1' },
      { Filter: ['User', 'Group'], MaxItems: 1000, Marker: 'm2' },
    ]);
    expect(iamMock.calls()).toHaveLength(3);
    expect(snapshot.users.map((u) => u.name)).toEqual(['a', 'b', 'c']);
    expect(snapshot.groups).toEqual(['g1', 'g2']);
  });

  it('reads one page when IAM gives no marker', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolves({ UserDetailList: [], GroupDetailList: [], IsTruncated: false });

    const snapshot = await readSnapshot(iam);

    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
    expect(snapshot).toEqual({ users: [], groups: [], policies: [] });
  });

  it("tells the account from the first user's ARN, else a group's, at no extra call", async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        UserDetailList: [{ UserName: 'x', Arn: 'arn:aws-cn:iam::210987654321:user/x' }],
        GroupDetailList: [{ GroupName: 'g', Arn: 'arn:aws-cn:iam::111111111111:group/g' }],
      })
      .resolvesOnce({
        UserDetailList: [],
        GroupDetailList: [{ GroupName: 'g', Arn: 'arn:aws-us-gov:iam::222222222222:group/g' }],
      });

    const fromUser = await readSnapshot(iam);
    const fromGroup = await readSnapshot(iam);

    expect(fromUser.account).toEqual({ partition: 'aws-cn', id: '210987654321' });
    expect(fromGroup.account).toEqual({ partition: 'aws-us-gov', id: '222222222222' });
    expect(iamMock.calls()).toHaveLength(2);
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
      account: { partition: 'aws', id: '123456789012' },
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

describe('confirmPolicies', () => {
  it('adds the ARNs that exist, one GetPolicy each for those the snapshot does not know', async () => {
    const teamPolicy = 'arn:aws:iam::123456789012:policy/team';
    const missing = 'arn:aws:iam::123456789012:policy/missing';
    iamMock.on(GetPolicyCommand, { PolicyArn: teamPolicy }).resolves({ Policy: { Arn: teamPolicy } });
    iamMock.on(GetPolicyCommand, { PolicyArn: missing }).rejects(noSuchEntity());
    const before = { users: [], groups: [], policies: [READ_ONLY] };

    const after = await confirmPolicies(iam, before, [READ_ONLY, teamPolicy, missing]);

    expect(iamMock.commandCalls(GetPolicyCommand).map((call) => call.args[0].input)).toEqual([
      { PolicyArn: teamPolicy },
      { PolicyArn: missing },
    ]);
    expect(after).toEqual({ users: [], groups: [], policies: [teamPolicy, READ_ONLY] });
  });

  it('makes no call and returns the snapshot itself when every ARN is known', async () => {
    const before = { users: [], groups: [], policies: [READ_ONLY] };

    const after = await confirmPolicies(iam, before, [READ_ONLY]);

    expect(after).toBe(before);
    expect(iamMock.calls()).toEqual([]);
  });
});

describe('readAccountFromRoles', () => {
  it('reads one role with one GetAccountAuthorizationDetails and takes its account', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      RoleDetailList: [
        { RoleName: 'iam-gitops-plan', Arn: 'arn:aws:iam::123456789012:role/iam-gitops/plan' },
      ],
    });

    const account = await readAccountFromRoles(iam);

    expect(account).toEqual({ partition: 'aws', id: '123456789012' });
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand).map((c) => c.args[0].input)).toEqual([
      { Filter: ['Role'], MaxItems: 1 },
    ]);
  });

  it('is undefined when IAM lists no role', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ RoleDetailList: [] });

    expect(await readAccountFromRoles(iam)).toBeUndefined();
  });
});
