// What the plan and apply roles may do. The apply role's actions are APPLY_USER_ACTIONS from the
// contract, each on the narrowest resource IAM lets us name; the guardrails of iam-gitops.yaml
// (DESIGN.md, "Guardrails") are explicit Deny statements, so they hold whatever else is ever
// attached to the role: even a compromised workflow on the default branch cannot grant more than
// the roster repository allows. Condition keys per action are those of the Service Authorization
// Reference for IAM (docs/infrastructure.md, "What IAM enforces").
import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { allowsAny } from '../../src/config/load-repo-config.js';
import {
  APPLY_USER_ACTIONS,
  CHANGE_PASSWORD_POLICY_ARN,
  TAG_CREDENTIALS_SENT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import {
  customerPolicyArn,
  groupArnPattern,
  mfaArnPattern,
  namedGroupArns,
  userArnPattern,
} from './iam-arns.js';
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

/**
 * Never granted, whatever a contract lists: a managed user's permissions boundary is set on
 * creation and may be replaced only by the guardrail's own (DESIGN.md, "Guardrails").
 */
export const NEVER_GRANTED = ['iam:DeleteUserPermissionsBoundary'] as const;

const POLICY_ACTIONS = ['iam:AttachUserPolicy', 'iam:DetachUserPolicy'];
const isGranted = (action: string) => !(NEVER_GRANTED as readonly string[]).includes(action);
const isRead = (action: string) => /^iam:(Get|List)/.test(action);

/** User actions the apply role is allowed on managed users (policies have their own statement). */
export const APPLY_MANAGED_USER_ACTIONS = [
  ...APPLY_USER_ACTIONS.core,
  ...APPLY_USER_ACTIONS.offboarding,
].filter((action) => isGranted(action) && !POLICY_ACTIONS.includes(action));

/**
 * Writes to an existing user that need its managed-by tag to name this repository: every one but
 * CreateUser (no user yet), TagUser (its own rules below, because IAM also authorizes the tags of
 * a CreateUser as TagUser on the user-to-be, which has no tags) and UpdateUser (adoption moves a
 * user that is not tagged yet; see AdoptUsers).
 */
export const TAGGED_USER_WRITES = [...APPLY_USER_ACTIONS.core, ...APPLY_USER_ACTIONS.offboarding].filter(
  (action) => !isRead(action) && !['iam:CreateUser', 'iam:TagUser'].includes(action),
);

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

/** The managed policies a user may get: the guardrail's, and IAMUserChangePassword for console users. */
export function allowedPolicyArns(settings: Settings): string[] | undefined {
  const { policies } = settings.guardrails;
  if (allowsAny(policies)) return undefined;
  return [...new Set([...policies, CHANGE_PASSWORD_POLICY_ARN])];
}

/** The groups a user may join or leave: the guardrail's, or every group under groupPath for `'*'`. */
export function allowedGroupArns(stack: Stack, settings: Settings): string[] {
  const { groups } = settings.guardrails;
  return allowsAny(groups)
    ? [groupArnPattern(stack, settings.groupPath)]
    : namedGroupArns(stack, settings.groupPath, groups);
}

/** The guardrail's permissions boundary as an ARN, when one is set. */
export function boundaryArn(stack: Stack, settings: Settings): string | undefined {
  const boundary = settings.guardrails.permissionsBoundary;
  return boundary === undefined ? undefined : customerPolicyArn(stack, boundary);
}

export function applyStatements(stack: Stack, settings: Settings): iam.PolicyStatement[] {
  return [
    ...applyAllowStatements(stack, settings),
    ...guardrailDenyStatements(stack, settings),
    ...scopeDenyStatements(settings),
  ];
}

function applyAllowStatements(stack: Stack, settings: Settings): iam.PolicyStatement[] {
  const managedUsers = userArnPattern(stack, settings.iamPath);
  const policies = allowedPolicyArns(settings);
  return [
    new iam.PolicyStatement({
      sid: 'ManagedUsers',
      // CreateUser's resource is the new user's ARN, path included: it cannot create elsewhere.
      actions: APPLY_MANAGED_USER_ACTIONS,
      resources: [managedUsers],
    }),
    new iam.PolicyStatement({
      sid: 'GuardrailPolicies',
      actions: POLICY_ACTIONS,
      resources: [managedUsers],
      ...(policies === undefined ? {} : { conditions: { ArnEquals: { 'iam:PolicyARN': policies } } }),
    }),
    new iam.PolicyStatement({
      sid: 'GuardrailGroups',
      // IAM authorizes Add/RemoveUserToGroup against the group alone; the user is not a resource
      // of these calls, so the groups are the limit (see docs/infrastructure.md).
      actions: [...APPLY_USER_ACTIONS.groupMembership],
      resources: allowedGroupArns(stack, settings),
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
    ...(settings.allowAdoption
      ? [
          new iam.PolicyStatement({
            sid: 'AdoptUsers',
            // IAM authorizes a move against the user's current ARN (outside the path) and the new
            // one, and has no condition key for the new path: the only limit is that no other
            // repository manages the user (ForeignUsersStayForeign). Off unless allowAdoption is set.
            actions: [...APPLY_USER_ACTIONS.adoption],
            resources: [userArnPattern(stack, '/')],
          }),
        ]
      : []),
  ];
}

/** What iam-gitops.yaml allows: each an explicit Deny of everything else. */
function guardrailDenyStatements(stack: Stack, settings: Settings): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'NeverRemoveBoundary',
      effect: iam.Effect.DENY,
      actions: [...NEVER_GRANTED],
      resources: ['*'],
    }),
  ];
  const boundary = boundaryArn(stack, settings);
  if (boundary !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'OnlyGuardrailBoundary',
        effect: iam.Effect.DENY,
        // A CreateUser without a boundary has no iam:PermissionsBoundary: ArnNotEquals is then
        // true, so it is denied as well as one with another boundary.
        actions: ['iam:CreateUser', 'iam:PutUserPermissionsBoundary'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'iam:PermissionsBoundary': boundary } },
      }),
    );
  }
  const policies = allowedPolicyArns(settings);
  if (policies !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'OnlyGuardrailPolicies',
        effect: iam.Effect.DENY,
        actions: POLICY_ACTIONS,
        resources: ['*'],
        conditions: { ArnNotEquals: { 'iam:PolicyARN': policies } },
      }),
    );
  }
  if (!allowsAny(settings.guardrails.groups)) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'OnlyGuardrailGroups',
        effect: iam.Effect.DENY,
        actions: [...APPLY_USER_ACTIONS.groupMembership],
        notResources: allowedGroupArns(stack, settings),
      }),
    );
  }
  const domains = settings.guardrails.recipientDomains;
  if (domains !== undefined) {
    const emailTag = `aws:RequestTag/${TAG_EMAIL}`;
    statements.push(
      new iam.PolicyStatement({
        sid: 'EmailInsideRecipientDomains',
        effect: iam.Effect.DENY,
        // Case-sensitive, as the action and the Lambda compare (src/settings/fields.ts,
        // isRecipientAllowed): `*@example.com` and no other spelling.
        actions: ['iam:CreateUser', 'iam:TagUser'],
        resources: ['*'],
        conditions: {
          Null: { [emailTag]: 'false' },
          StringNotLike: { [emailTag]: domains.map((domain) => `*@${domain}`) },
        },
      }),
    );
  }
  return statements;
}

/** Whose users these are: this repository's and no other's, and the Lambda's marker is its own. */
function scopeDenyStatements(settings: Settings): iam.PolicyStatement[] {
  const stampedBy = `aws:RequestTag/${TAG_MANAGED_BY}`;
  const ownedBy = `aws:ResourceTag/${TAG_MANAGED_BY}`;
  const thisRepository = settings.repository;
  return [
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
      sid: 'CreateOnlyForThisRepository',
      effect: iam.Effect.DENY,
      // Missing counts as different (StringNotEquals on an absent key is true): every new user
      // carries the managed-by tag of this repository.
      actions: ['iam:CreateUser'],
      resources: ['*'],
      conditions: { StringNotEquals: { [stampedBy]: thisRepository } },
    }),
    new iam.PolicyStatement({
      sid: 'StampOnlyThisRepository',
      effect: iam.Effect.DENY,
      actions: ['iam:TagUser'],
      resources: ['*'],
      conditions: { Null: { [stampedBy]: 'false' }, StringNotEquals: { [stampedBy]: thisRepository } },
    }),
    new iam.PolicyStatement({
      sid: 'ScopeTagStays',
      effect: iam.Effect.DENY,
      // A user leaves the scope only by offboarding, never by losing its tag.
      actions: ['iam:UntagUser'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [TAG_MANAGED_BY] } },
    }),
    new iam.PolicyStatement({
      sid: 'WriteOnlyThisRepositorysUsers',
      effect: iam.Effect.DENY,
      // A missing tag means Deny too: an untagged user under the path is not ours to change.
      actions: TAGGED_USER_WRITES,
      resources: ['*'],
      conditions: { StringNotEquals: { [ownedBy]: thisRepository } },
    }),
    new iam.PolicyStatement({
      sid: 'ForeignUsersStayForeign',
      effect: iam.Effect.DENY,
      // Several rosters may share a path; a user another repository manages is not ours, and
      // adoption (UpdateUser) takes only users no repository manages.
      actions: ['iam:TagUser', ...(settings.allowAdoption ? APPLY_USER_ACTIONS.adoption : [])],
      resources: ['*'],
      conditions: { Null: { [ownedBy]: 'false' }, StringNotEquals: { [ownedBy]: thisRepository } },
    }),
    new iam.PolicyStatement({
      sid: 'UntaggedUsersOnlyByStamping',
      effect: iam.Effect.DENY,
      // A user without the tag (the user a CreateUser is making, whose tags IAM authorizes as
      // TagUser; or one being adopted) may be tagged only in a call that stamps this repository.
      actions: ['iam:TagUser'],
      resources: ['*'],
      conditions: { Null: { [ownedBy]: 'true' }, StringNotEquals: { [stampedBy]: thisRepository } },
    }),
  ];
}
