// One plan change -> one IAM call. Answers that mean "already so" count as done, so an apply
// that is re-run after a lost response or a crash converges instead of failing.
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateUserCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  type IAMClient,
  PutUserPermissionsBoundaryCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { TAG_MANAGED_BY } from '../contract.js';
import type { SingleCallChange } from '../plan/plan.js';
import { isAwsError } from './aws-error.js';

export type ChangeResult = 'done' | 'already-done';

/** Offboarding is several calls: see offboard-user.ts, which apply-plan.ts calls for it. */
export async function executeChange(iam: IAMClient, change: SingleCallChange): Promise<ChangeResult> {
  switch (change.kind) {
    case 'create-user':
      try {
        await iam.send(
          new CreateUserCommand({
            UserName: change.user,
            Path: change.path,
            Tags: change.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
            ...(change.permissionsBoundary ? { PermissionsBoundary: change.permissionsBoundary } : {}),
          }),
        );
        return 'done';
      } catch (error) {
        // A retried CreateUser whose first answer was lost: fine if the user is the one we made.
        if (!isAwsError(error, 'EntityAlreadyExists')) throw error;
        const existing = await iam.send(new GetUserCommand({ UserName: change.user }));
        // Same path is not enough: a user another repository (or a person) made there is not ours.
        const ours = change.tags.find((tag) => tag.key === TAG_MANAGED_BY)?.value;
        const theirs = existing.User?.Tags?.find((tag) => tag.Key === TAG_MANAGED_BY)?.Value;
        if (existing.User?.Path !== change.path || theirs !== ours) throw error;
        return 'already-done';
      }
    case 'set-boundary':
      await iam.send(
        new PutUserPermissionsBoundaryCommand({
          UserName: change.user,
          PermissionsBoundary: change.policyArn,
        }),
      );
      return 'done';
    case 'attach-policy':
      await iam.send(new AttachUserPolicyCommand({ UserName: change.user, PolicyArn: change.policyArn }));
      return 'done';
    case 'detach-policy':
      return ignoreNoSuchEntity(() =>
        iam.send(new DetachUserPolicyCommand({ UserName: change.user, PolicyArn: change.policyArn })),
      );
    case 'add-to-group':
      await iam.send(new AddUserToGroupCommand({ UserName: change.user, GroupName: change.group }));
      return 'done';
    case 'remove-from-group':
      return ignoreNoSuchEntity(() =>
        iam.send(new RemoveUserFromGroupCommand({ UserName: change.user, GroupName: change.group })),
      );
    case 'tag-user':
      await iam.send(
        new TagUserCommand({
          UserName: change.user,
          Tags: change.tags.map((t) => ({ Key: t.key, Value: t.value })),
        }),
      );
      return 'done';
    case 'untag-user':
      await iam.send(new UntagUserCommand({ UserName: change.user, TagKeys: [...change.keys] }));
      return 'done';
    case 'move-user':
      // Moving a user to the path it is already at succeeds: a rerun converges.
      await iam.send(new UpdateUserCommand({ UserName: change.user, NewPath: change.toPath }));
      return 'done';
  }
}

async function ignoreNoSuchEntity(call: () => Promise<unknown>): Promise<ChangeResult> {
  try {
    await call();
    return 'done';
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity')) return 'already-done';
    throw error;
  }
}
