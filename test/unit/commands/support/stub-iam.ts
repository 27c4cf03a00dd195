// IAM as the runners' tests need it, stubbed at the SDK boundary (aws-sdk-client-mock): an
// account holding some groups and users, every named policy existing.
import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  IAMClient,
  type IAMClientResolvedConfig,
  ListUsersCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-iam';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { IamUser } from '../../../../src/iam/snapshot.js';

type IamMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, IAMClientResolvedConfig>;

/** Answers every other command with `{}` (a write that succeeds). */
export function stubAccount(
  iamMock: IamMock,
  account: { readonly groups?: readonly string[]; readonly users?: readonly IamUser[] } = {},
): void {
  const users = account.users ?? [];
  iamMock.onAnyCommand().resolves({});
  iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
    UserDetailList: users.map((user) => ({
      UserName: user.name,
      Arn: user.arn,
      Path: user.path,
      UserId: user.userId,
      ...(user.createDate ? { CreateDate: new Date(user.createDate) } : {}),
      GroupList: [...user.groups],
      AttachedManagedPolicies: user.attachedPolicyArns.map((PolicyArn) => ({ PolicyArn })),
      Tags: Object.entries(user.tags).map(([Key, Value]) => ({ Key, Value })),
      ...(user.permissionsBoundaryArn
        ? { PermissionsBoundary: { PermissionsBoundaryArn: user.permissionsBoundaryArn } }
        : {}),
    })),
    GroupDetailList: (account.groups ?? ['developers', 'oncall', 'deployers']).map((GroupName) => ({
      GroupName,
    })),
    IsTruncated: false,
  });
  iamMock.on(GetPolicyCommand).callsFake(async (input: { PolicyArn: string }) => ({
    Policy: { Arn: input.PolicyArn },
  }));
  iamMock.on(ListUsersCommand).resolves({
    Users: users.map((user) => ({
      UserName: user.name,
      Arn: user.arn,
      Path: user.path,
      UserId: user.userId,
      CreateDate: new Date(user.createDate ?? 0),
    })),
    IsTruncated: false,
  });
}

/** A client for the runners' `iamClient()`; the mock answers for every IAMClient. */
export function iamClientFactory(): () => Promise<IAMClient> {
  return async () =>
    new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
}
