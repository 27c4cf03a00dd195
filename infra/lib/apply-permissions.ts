// What the plan and apply roles may do. The apply role's write actions are exactly
// APPLY_USER_ACTIONS from the contract, each on the narrowest resource IAM lets us name; the Deny
// statements keep it inside its own repository's scope even where a resource pattern cannot.
import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { APPLY_USER_ACTIONS, TAG_CREDENTIALS_SENT, TAG_MANAGED_BY } from '../../src/contract.js';
import { groupArnPattern, mfaArnPattern, userArnPattern } from './iam-arns.js';
import type { Settings } from './settings.js';

/**
 * Reads the core makes that contract.ts does not list: readSnapshot checks with GetPolicy that a
 * policy the roster names exists (plan and apply), a retried CreateUser reads the user back with
 * GetUser, and the drift report's stale-invitation check (src/commands/stale-invites.ts) reads
 * GetLoginProfile of managed users.
 */
export const CORE_EXTRA_READS = { policy: ['iam:GetPolicy'], user: ['iam:GetUser'] } as const;

/** What the plan role reads on '*': the snapshot, policies, and ListUsers (PasswordLastUsed). */
export const PLAN_ACCOUNT_READS = [
  ...APPLY_USER_ACTIONS.read,
  ...APPLY_USER_ACTIONS.invites,
  ...CORE_EXTRA_READS.policy,
];
/** What the plan role reads on managed users only. */
export const PLAN_USER_READS = [...CORE_EXTRA_READS.user, 'iam:GetLoginProfile'];
/** The plan role reads what plan and drift read; nothing else (no Get*, no List*). */
export const PLAN_READ_ACTIONS = [...PLAN_ACCOUNT_READS, ...PLAN_USER_READS];

/** User actions that act on an existing user (every one but CreateUser), for the resource-tag guard. */
const EXISTING_USER_ACTIONS = [
  ...APPLY_USER_ACTIONS.core,
  ...APPLY_USER_ACTIONS.offboarding,
  ...APPLY_USER_ACTIONS.adoption,
].filter((action) => action !== 'iam:CreateUser');

export function planStatements(stack: Stack, settings: Settings): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadIam',
      actions: [...PLAN_ACCOUNT_READS],
      // GetAccountAuthorizationDetails and ListUsers take no resource; GetPolicy reads AWS managed policies too.
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadManagedUsers',
      actions: [...PLAN_USER_READS],
      resources: [userArnPattern(stack, settings.iamPath)],
    }),
  ];
}

export function applyStatements(stack: Stack, settings: Settings): iam.PolicyStatement[] {
  const managedUsers = userArnPattern(stack, settings.iamPath);
  const managedBy = `aws:RequestTag/${TAG_MANAGED_BY}`;
  const ownerTag = `aws:ResourceTag/${TAG_MANAGED_BY}`;
  const adoption = settings.allowAdoption
    ? [
        new iam.PolicyStatement({
          sid: 'AdoptUsers',
          // IAM authorizes a move against the user's current ARN (outside the path) and the new
          // one, and has no condition key for the new path: the only limit is the Deny below for
          // users another repository manages. Off unless allowAdoption is set (docs/infrastructure.md).
          actions: [...APPLY_USER_ACTIONS.adoption],
          resources: [userArnPattern(stack, '/')],
        }),
      ]
    : [];
  return [
    ...adoption,
    new iam.PolicyStatement({
      sid: 'ManagedUsers',
      // CreateUser's resource is the new user's ARN, path included: it cannot create elsewhere.
      actions: [...APPLY_USER_ACTIONS.core, ...APPLY_USER_ACTIONS.offboarding],
      resources: [managedUsers],
    }),
    new iam.PolicyStatement({
      sid: 'GroupMembership',
      // IAM authorizes Add/RemoveUserToGroup against the group alone; the user is not a resource
      // of these calls, so only the group path narrows them (see docs/infrastructure.md).
      actions: [...APPLY_USER_ACTIONS.groupMembership],
      resources: [groupArnPattern(stack, settings.groupPath)],
    }),
    new iam.PolicyStatement({
      sid: 'OffboardingMfaDevices',
      // Deleting a virtual MFA device fails while it is assigned, and DeactivateMFADevice is scoped
      // to managed users above.
      actions: [...APPLY_USER_ACTIONS.offboardingMfa],
      resources: [mfaArnPattern(stack)],
    }),
    new iam.PolicyStatement({
      sid: 'ReadSnapshot',
      actions: [...APPLY_USER_ACTIONS.read, ...APPLY_USER_ACTIONS.invites, ...CORE_EXTRA_READS.policy],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadManagedUsers',
      actions: [...CORE_EXTRA_READS.user],
      resources: [managedUsers],
    }),
    new iam.PolicyStatement({
      sid: 'LambdaMarkerIsNotOurs',
      effect: iam.Effect.DENY,
      // Only the Lambda sets credentials-sent: forging it would suppress a user's email, removing it
      // would let a duplicate event send a second password.
      actions: ['iam:CreateUser', 'iam:TagUser', 'iam:UntagUser'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [TAG_CREDENTIALS_SENT] } },
    }),
    new iam.PolicyStatement({
      sid: 'StampOnlyThisRepository',
      effect: iam.Effect.DENY,
      // A user may be created or tagged managed-by this repository and no other.
      actions: ['iam:CreateUser', 'iam:TagUser'],
      resources: ['*'],
      conditions: {
        StringNotEquals: { [managedBy]: settings.repository },
        Null: { [managedBy]: 'false' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'LeaveOtherRepositoriesUsers',
      effect: iam.Effect.DENY,
      // Several rosters may share a path; a user another repository manages is not ours to change.
      actions: EXISTING_USER_ACTIONS,
      resources: ['*'],
      conditions: {
        StringNotEquals: { [ownerTag]: settings.repository },
        Null: { [ownerTag]: 'false' },
      },
    }),
  ];
}
