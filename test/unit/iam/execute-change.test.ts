import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DetachUserPolicyCommand,
  EntityAlreadyExistsException,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  NoSuchEntityException,
  PutUserPermissionsBoundaryCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG_CONSOLE, TAG_MANAGED_BY } from '../../../src/contract.js';
import { executeChange } from '../../../src/iam/execute-change.js';
import type { SingleCallChange } from '../../../src/plan/plan.js';
import { REPOSITORY } from '../support/factories.js';

const iamMock = mockClient(IAMClient);
let iam: IAMClient;

beforeEach(() => {
  iamMock.reset();
  iam = new IAMClient({ region: 'us-east-1' });
});

afterEach(() => {
  iam.destroy();
});

const USER = 'alice@example.com';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const BOUNDARY = 'arn:aws:iam::123456789012:policy/boundary';

const createAlice: SingleCallChange = {
  kind: 'create-user',
  user: USER,
  path: '/iam-gitops/',
  tags: [
    { key: 'team', value: 'platform' },
    { key: TAG_MANAGED_BY, value: REPOSITORY },
    { key: TAG_CONSOLE, value: 'true' },
  ],
  permissionsBoundary: BOUNDARY,
};

const alreadyExists = () =>
  new EntityAlreadyExistsException({ message: `User with name ${USER} already exists.`, $metadata: {} });
const noSuchEntity = () => new NoSuchEntityException({ message: 'not found', $metadata: {} });

/** Every call the mock received, as [command name, input]. */
function sentCalls(): [string, unknown][] {
  return iamMock.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}

describe('executeChange', () => {
  it.each<[string, SingleCallChange, string, Record<string, unknown>]>([
    [
      'create-user',
      createAlice,
      'CreateUserCommand',
      {
        UserName: USER,
        Path: '/iam-gitops/',
        Tags: [
          { Key: 'team', Value: 'platform' },
          { Key: TAG_MANAGED_BY, Value: REPOSITORY },
          { Key: TAG_CONSOLE, Value: 'true' },
        ],
        PermissionsBoundary: BOUNDARY,
      },
    ],
    [
      'create-user without a boundary',
      { ...createAlice, permissionsBoundary: undefined },
      'CreateUserCommand',
      {
        UserName: USER,
        Path: '/iam-gitops/',
        Tags: [
          { Key: 'team', Value: 'platform' },
          { Key: TAG_MANAGED_BY, Value: REPOSITORY },
          { Key: TAG_CONSOLE, Value: 'true' },
        ],
      },
    ],
    [
      'set-boundary',
      { kind: 'set-boundary', user: USER, policyArn: BOUNDARY },
      'PutUserPermissionsBoundaryCommand',
      { UserName: USER, PermissionsBoundary: BOUNDARY },
    ],
    [
      'attach-policy',
      { kind: 'attach-policy', user: USER, policyArn: READ_ONLY },
      'AttachUserPolicyCommand',
      { UserName: USER, PolicyArn: READ_ONLY },
    ],
    [
      'detach-policy',
      { kind: 'detach-policy', user: USER, policyArn: READ_ONLY },
      'DetachUserPolicyCommand',
      { UserName: USER, PolicyArn: READ_ONLY },
    ],
    [
      'add-to-group',
      { kind: 'add-to-group', user: USER, group: 'developers' },
      'AddUserToGroupCommand',
      { UserName: USER, GroupName: 'developers' },
    ],
    [
      'remove-from-group',
      { kind: 'remove-from-group', user: USER, group: 'developers' },
      'RemoveUserFromGroupCommand',
      { UserName: USER, GroupName: 'developers' },
    ],
    [
      'tag-user',
      { kind: 'tag-user', user: USER, tags: [{ key: 'team', value: 'payments' }] },
      'TagUserCommand',
      { UserName: USER, Tags: [{ Key: 'team', Value: 'payments' }] },
    ],
    [
      'move-user',
      { kind: 'move-user', user: USER, fromPath: '/', toPath: '/iam-gitops/' },
      'UpdateUserCommand',
      { UserName: USER, NewPath: '/iam-gitops/' },
    ],
    [
      'untag-user',
      { kind: 'untag-user', user: USER, keys: ['old', 'zeta'] },
      'UntagUserCommand',
      { UserName: USER, TagKeys: ['old', 'zeta'] },
    ],
  ])('sends exactly one command for %s', async (_label, change, commandName, input) => {
    iamMock.onAnyCommand().resolves({});

    const result = await executeChange(iam, change);

    expect(result).toBe('done');
    expect(sentCalls()).toEqual([[commandName, input]]);
  });

  describe('create-user', () => {
    it('counts a user that already exists at the same path and for this repository as already done', async () => {
      iamMock.on(CreateUserCommand).rejects(alreadyExists());
      iamMock.on(GetUserCommand).resolves({
        User: {
          UserName: USER,
          Path: '/iam-gitops/',
          Arn: 'arn',
          UserId: 'AIDA',
          CreateDate: new Date(),
          Tags: [{ Key: TAG_MANAGED_BY, Value: REPOSITORY }],
        },
      });

      const result = await executeChange(iam, createAlice);

      expect(result).toBe('already-done');
      expect(iamMock.commandCalls(CreateUserCommand)).toHaveLength(1);
      expect(iamMock.commandCalls(GetUserCommand).map((call) => call.args[0].input)).toEqual([
        { UserName: USER },
      ]);
    });

    it('fails with the original error when the existing user is at another path', async () => {
      const error = alreadyExists();
      iamMock.on(CreateUserCommand).rejects(error);
      iamMock.on(GetUserCommand).resolves({
        User: {
          UserName: USER,
          Path: '/',
          Arn: 'arn',
          UserId: 'AIDA',
          CreateDate: new Date(),
          Tags: [{ Key: TAG_MANAGED_BY, Value: REPOSITORY }],
        },
      });

      await expect(executeChange(iam, createAlice)).rejects.toBe(error);
      expect(iamMock.calls()).toHaveLength(2);
    });

    it.each([
      ['another repository', [{ Key: TAG_MANAGED_BY, Value: 'acme/other-repo' }]],
      ['nobody', []],
    ])('fails when the existing user at the same path is managed by %s', async (_label, tags) => {
      const error = alreadyExists();
      iamMock.on(CreateUserCommand).rejects(error);
      iamMock.on(GetUserCommand).resolves({
        User: {
          UserName: USER,
          Path: '/iam-gitops/',
          Arn: 'arn',
          UserId: 'AIDA',
          CreateDate: new Date(),
          Tags: tags,
        },
      });

      await expect(executeChange(iam, createAlice)).rejects.toBe(error);
      expect(iamMock.calls()).toHaveLength(2);
    });

    it('lets any other error propagate without a look-up', async () => {
      const error = new IAMServiceException({
        name: 'LimitExceeded',
        $fault: 'client',
        message: 'too many users',
        $metadata: {},
      });
      iamMock.on(CreateUserCommand).rejects(error);

      await expect(executeChange(iam, createAlice)).rejects.toBe(error);
      expect(iamMock.commandCalls(GetUserCommand)).toEqual([]);
    });
  });

  it.each<[string, SingleCallChange, () => void]>([
    [
      'detach-policy',
      { kind: 'detach-policy', user: USER, policyArn: READ_ONLY },
      () => iamMock.on(DetachUserPolicyCommand).rejects(noSuchEntity()),
    ],
    [
      'remove-from-group',
      { kind: 'remove-from-group', user: USER, group: 'dev' },
      () => iamMock.on(RemoveUserFromGroupCommand).rejects(noSuchEntity()),
    ],
  ])('counts NoSuchEntity on %s as already done', async (_label, change, stub) => {
    stub();

    const result = await executeChange(iam, change);

    expect(result).toBe('already-done');
    expect(iamMock.calls()).toHaveLength(1);
  });

  it.each<[string, SingleCallChange, (error: Error) => void]>([
    [
      'attach-policy',
      { kind: 'attach-policy', user: USER, policyArn: READ_ONLY },
      (error) => iamMock.on(AttachUserPolicyCommand).rejects(error),
    ],
    [
      'add-to-group',
      { kind: 'add-to-group', user: USER, group: 'dev' },
      (error) => iamMock.on(AddUserToGroupCommand).rejects(error),
    ],
  ])('lets NoSuchEntity on %s fail', async (_label, change, stub) => {
    const error = noSuchEntity();
    stub(error);

    await expect(executeChange(iam, change)).rejects.toBe(error);
    expect(iamMock.calls()).toHaveLength(1);
  });

  it('lets other errors on detach-policy fail', async () => {
    const error = new IAMServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      message: 'denied',
      $metadata: {},
    });
    iamMock.on(DetachUserPolicyCommand).rejects(error);

    await expect(
      executeChange(iam, { kind: 'detach-policy', user: USER, policyArn: READ_ONLY }),
    ).rejects.toBe(error);
  });

  it('sends nothing else: one PutUserPermissionsBoundary for a boundary, no removal, no tags', async () => {
    iamMock.onAnyCommand().resolves({});

    await executeChange(iam, { kind: 'set-boundary', user: USER, policyArn: BOUNDARY });

    expect(iamMock.calls()).toHaveLength(1);
    expect(iamMock.commandCalls(PutUserPermissionsBoundaryCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(DeleteUserPermissionsBoundaryCommand)).toEqual([]);
    expect(iamMock.commandCalls(TagUserCommand)).toEqual([]);
    expect(iamMock.commandCalls(UntagUserCommand)).toEqual([]);
  });
});
