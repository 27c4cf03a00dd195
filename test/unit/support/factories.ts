// Small builders for the plan's inputs and outputs: a desired user as the roster loader would
// give it, an IAM user as the snapshot would hold it, and plans to render or apply.
import {
  CHANGE_PASSWORD_POLICY_ARN,
  DEFAULT_IAM_PATH,
  TAG_CONSOLE,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../../src/contract.js';
import type { IamSnapshot, IamUser } from '../../../src/iam/snapshot.js';
import type { Change, OffboardChange, Plan, Scope, UserPlan } from '../../../src/plan/plan.js';
import type { DesiredUser } from '../../../src/roster/roster.js';
import { EMAIL_PATTERN } from '../../../src/roster/user-schema.js';

export const REPOSITORY = 'acme/iam-users';
export const ACCOUNT = '123456789012';
export const SCOPE: Scope = { iamPath: DEFAULT_IAM_PATH, repository: REPOSITORY };

type Fields<T, Fixed extends keyof T> = { -readonly [K in Exclude<keyof T, Fixed>]?: T[K] };

/** A roster user with the loader's defaults: console on, email from an email-shaped name. */
export function desiredUser(name: string, fields: Fields<DesiredUser, 'name'> = {}): DesiredUser {
  return {
    name,
    email: EMAIL_PATTERN.test(name) ? name : undefined,
    groups: [],
    policies: [],
    tags: {},
    console: true,
    permissionsBoundary: undefined,
    adopt: false,
    source: { file: `users/${name}.yaml`, positions: new Map() },
    ...fields,
  };
}

/** An IAM user anywhere in the account, untagged, with nothing attached. */
export function iamUser(name: string, fields: Fields<IamUser, 'name'> = {}): IamUser {
  const path = fields.path ?? '/';
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:user${path}${name}`,
    path,
    userId: `AIDA${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
    createDate: '2024-01-02T03:04:05.000Z',
    groups: [],
    attachedPolicyArns: [],
    inlinePolicyNames: [],
    tags: {},
    permissionsBoundaryArn: undefined,
    ...fields,
  };
}

/** The IAM user that `desired` becomes after a successful apply: the plan finds nothing to do. */
export function appliedUser(desired: DesiredUser, fields: Fields<IamUser, 'name'> = {}): IamUser {
  const tags: Record<string, string> = {
    ...desired.tags,
    [TAG_MANAGED_BY]: REPOSITORY,
    [TAG_CONSOLE]: String(desired.console),
  };
  if (desired.email !== undefined) tags[TAG_EMAIL] = desired.email;
  const policies = [...desired.policies];
  if (desired.console && !policies.includes(CHANGE_PASSWORD_POLICY_ARN))
    policies.push(CHANGE_PASSWORD_POLICY_ARN);
  return iamUser(desired.name, {
    path: SCOPE.iamPath,
    groups: [...desired.groups],
    attachedPolicyArns: policies,
    tags,
    permissionsBoundaryArn: desired.permissionsBoundary,
    ...fields,
  });
}

export function snapshotOf(
  users: readonly IamUser[],
  known: { groups?: readonly string[]; policies?: readonly string[] } = {},
): IamSnapshot {
  return { users, groups: known.groups ?? [], policies: known.policies ?? [] };
}

export function emptyPlan(fields: Partial<Plan> = {}): Plan {
  return {
    scope: SCOPE,
    users: [],
    unchanged: [],
    offboard: [],
    disabled: [],
    unmanaged: [],
    errors: [],
    warnings: [],
    ...fields,
  };
}

export function userPlan(
  user: string,
  changes: readonly Change[],
  action: UserPlan['action'] = 'update',
): UserPlan {
  return { user, action, file: `users/${user}.yaml`, changes };
}

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const VIEW_ONLY = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`;

/** A managed user whose file is gone, to disable: no groups, policies or boundary to remove. */
export function offboarding(user: string, reason = 'its roster file was removed'): OffboardChange {
  return {
    kind: 'offboard-user',
    user,
    arn: `arn:aws:iam::${ACCOUNT}:user/iam-gitops/${user}`,
    mode: 'disable',
    reason,
    groups: [],
    attachedPolicyArns: [],
    inlinePolicyNames: [],
    permissionsBoundaryArn: undefined,
  };
}

/** A plan with a create, an update, an unchanged user, unmanaged users and an error; no offboarding. */
export function samplePlan(): Plan {
  return emptyPlan({
    users: [
      userPlan(
        'alice@example.com',
        [
          {
            kind: 'create-user',
            user: 'alice@example.com',
            path: SCOPE.iamPath,
            tags: [
              { key: 'team', value: 'platform' },
              { key: TAG_MANAGED_BY, value: REPOSITORY },
              { key: TAG_CONSOLE, value: 'true' },
              { key: TAG_EMAIL, value: 'alice@example.com' },
            ],
            permissionsBoundary: BOUNDARY,
          },
          { kind: 'attach-policy', user: 'alice@example.com', policyArn: READ_ONLY },
          { kind: 'add-to-group', user: 'alice@example.com', group: 'developers' },
        ],
        'create',
      ),
      userPlan('bob@example.com', [
        { kind: 'detach-policy', user: 'bob@example.com', policyArn: VIEW_ONLY },
        { kind: 'remove-from-group', user: 'bob@example.com', group: 'oncall' },
        { kind: 'tag-user', user: 'bob@example.com', tags: [{ key: 'team', value: 'payments' }] },
        { kind: 'untag-user', user: 'bob@example.com', keys: ['old'] },
      ]),
    ],
    unchanged: ['carol@example.com'],
    unmanaged: [
      { user: 'hand-made', path: SCOPE.iamPath, managedBy: undefined },
      { user: 'other-team', path: SCOPE.iamPath, managedBy: 'acme/other-repo' },
    ],
    errors: [
      {
        file: 'users/e`rin|x.yaml',
        field: 'groups.0',
        line: 2,
        column: 5,
        message: 'group "nope" does not exist in IAM (groups are not created by iam-gitops)',
      },
    ],
  });
}
