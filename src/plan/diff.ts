// The decision: a pure function of (roster, snapshot, scope) -> plan. No I/O, no clock.
import {
  ACTION_OWNED_TAG_KEYS,
  CHANGE_PASSWORD_POLICY_ARN,
  TAG_CONSOLE,
  TAG_DISABLED_AT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../contract.js';
import type { IamSnapshot, IamUser } from '../iam/snapshot.js';
import { positionFor } from '../roster/parse-user-file.js';
import type { DesiredUser, Roster } from '../roster/roster.js';
import { compareIssues, type RosterIssue } from '../roster/roster-issue.js';
import { isDisabled, planOffboarding, removalGuard } from './offboard.js';
import {
  type Change,
  DEFAULT_MAX_REMOVALS,
  DEFAULT_ON_REMOVE,
  type OnRemove,
  type Plan,
  type Scope,
  type Tag,
  type UnmanagedUser,
  type UserPlan,
} from './plan.js';
import { isUnderPath, placementOf } from './scope.js';

/** How the plan treats users whose file is gone; the defaults keep every caller safe. */
export interface PlanOptions {
  /** What offboarding does (input `on-remove`); default `disable`. */
  readonly onRemove?: OnRemove;
  /** More offboardings than this refuse the plan (input `max-removals`); default 3. */
  readonly maxRemovals?: number;
  /** The users directory as the user sees it, where the removal guard's error is reported. */
  readonly rosterDir?: string;
  /**
   * `guardrails.permissionsBoundary` as an ARN in the account planned, set on every managed user,
   * and where the configuration names it. `arn` undefined: it is a policy name and the account
   * could not be told (accountOf in src/commands/make-plan.ts), which is a plan error there.
   */
  readonly permissionsBoundary?: {
    readonly arn: string | undefined;
    readonly source: Omit<RosterIssue, 'message'>;
  };
  /** Carried into the plan unchanged: the roster's warnings (guardrails opted out with '*'). */
  readonly warnings?: readonly RosterIssue[];
}

/** The tags iam-gitops keeps on a user: the file's own and the reserved ones the action owns. */
export function desiredTags(user: DesiredUser, scope: Scope): Tag[] {
  const tags: Tag[] = Object.entries(user.tags).map(([key, value]) => ({ key, value }));
  tags.push({ key: TAG_MANAGED_BY, value: scope.repository });
  tags.push({ key: TAG_CONSOLE, value: String(user.console) });
  if (user.email !== undefined) tags.push({ key: TAG_EMAIL, value: user.email });
  return tags;
}

/** Managed policies the user should hold: the file's, plus the right to change a console password. */
export function desiredPolicies(user: DesiredUser): string[] {
  const policies = [...user.policies];
  if (user.console && !policies.includes(CHANGE_PASSWORD_POLICY_ARN))
    policies.push(CHANGE_PASSWORD_POLICY_ARN);
  return policies;
}

/**
 * Tag keys iam-gitops may remove: any key but the reserved ones it does not own (the Lambda's
 * marker, a re-send request). `restoring`: the disabled-at marker too, when a disabled user's
 * file comes back.
 */
function isRemovableTag(key: string, restoring = false): boolean {
  if (key.toLowerCase().startsWith('aws:')) return false;
  if (restoring && key === TAG_DISABLED_AT) return true;
  if (key.startsWith('iam-gitops:')) return ACTION_OWNED_TAG_KEYS.includes(key);
  return true;
}

function issueAt(user: DesiredUser, field: string, message: string): RosterIssue {
  return { file: user.source.file, field, ...positionFor(user.source.positions, field), message };
}

function referenceErrors(
  user: DesiredUser,
  snapshot: { groups: Set<string>; policies: Set<string> },
  checkBoundary: boolean,
): RosterIssue[] {
  const errors: RosterIssue[] = [];
  user.groups.forEach((group, index) => {
    if (!snapshot.groups.has(group)) {
      errors.push(
        issueAt(
          user,
          `groups.${index}`,
          `group "${group}" does not exist in IAM (groups are not created by iam-gitops)`,
        ),
      );
    }
  });
  user.policies.forEach((arn, index) => {
    if (!snapshot.policies.has(arn))
      errors.push(issueAt(user, `policies.${index}`, `managed policy ${arn} does not exist`));
  });
  if (
    checkBoundary &&
    user.permissionsBoundary !== undefined &&
    !snapshot.policies.has(user.permissionsBoundary)
  ) {
    errors.push(
      issueAt(user, 'permissionsBoundary', `managed policy ${user.permissionsBoundary} does not exist`),
    );
  }
  return errors;
}

/** Changes that turn `current` into `user`, in the order apply runs them. */
export function diffUser(user: DesiredUser, current: IamUser, scope: Scope): Change[] {
  const changes: Change[] = [];
  const name = current.name;

  // Set, never removed: a boundary the file drops is a plan error (see boundaryDropped).
  const boundary = user.permissionsBoundary;
  if (boundary !== undefined && current.permissionsBoundaryArn !== boundary) {
    changes.push({ kind: 'set-boundary', user: name, policyArn: boundary });
  }

  // Detach before attach and leave before join, so IAM's limits of 10 hold at every step.
  const policies = desiredPolicies(user);
  for (const arn of current.attachedPolicyArns) {
    if (!policies.includes(arn)) changes.push({ kind: 'detach-policy', user: name, policyArn: arn });
  }
  for (const arn of policies) {
    if (!current.attachedPolicyArns.includes(arn))
      changes.push({ kind: 'attach-policy', user: name, policyArn: arn });
  }
  for (const group of current.groups) {
    if (!user.groups.includes(group)) changes.push({ kind: 'remove-from-group', user: name, group });
  }
  for (const group of user.groups) {
    if (!current.groups.includes(group)) changes.push({ kind: 'add-to-group', user: name, group });
  }

  const tags = desiredTags(user, scope);
  const wanted = new Set(tags.map((tag) => tag.key));
  const toSet = tags.filter((tag) => current.tags[tag.key] !== tag.value);
  const restoring = isDisabled(current);
  const toRemove = Object.keys(current.tags).filter(
    (key) => !wanted.has(key) && isRemovableTag(key, restoring),
  );
  if (toSet.length > 0) changes.push({ kind: 'tag-user', user: name, tags: toSet });
  if (toRemove.length > 0) changes.push({ kind: 'untag-user', user: name, keys: toRemove.sort() });
  return changes;
}

function creation(user: DesiredUser, scope: Scope): Change[] {
  const changes: Change[] = [
    {
      kind: 'create-user',
      user: user.name,
      path: scope.iamPath,
      tags: desiredTags(user, scope),
      permissionsBoundary: user.permissionsBoundary,
    },
  ];
  for (const arn of desiredPolicies(user))
    changes.push({ kind: 'attach-policy', user: user.name, policyArn: arn });
  for (const group of user.groups) changes.push({ kind: 'add-to-group', user: user.name, group });
  return changes;
}

/**
 * A boundary IAM holds that `user` (as planned, guardrail applied) does not name. iam-gitops never
 * removes a boundary: the apply role may not, so that a compromised workflow cannot lift the limit
 * it sets. The file must name it again, or a person removes it in IAM.
 */
function boundaryDropped(user: DesiredUser, current: IamUser): RosterIssue | undefined {
  const held = current.permissionsBoundaryArn;
  if (held === undefined || user.permissionsBoundary !== undefined) return undefined;
  return issueAt(
    user,
    'permissionsBoundary',
    `IAM holds the permissions boundary ${held} on this user and iam-gitops does not remove boundaries (the apply role may not): add permissionsBoundary: ${held} back, or remove the boundary in IAM by hand`,
  );
}

/**
 * The user as the plan makes it: with `guardrails.permissionsBoundary`, every managed user gets
 * that boundary, and a file naming another one (the same name in another account) is an error.
 */
function withGuardrailBoundary(
  user: DesiredUser,
  boundaryArn: string | undefined,
): { user: DesiredUser; error: RosterIssue | undefined } {
  if (boundaryArn === undefined || user.permissionsBoundary === boundaryArn)
    return { user, error: undefined };
  const error =
    user.permissionsBoundary === undefined
      ? undefined
      : issueAt(
          user,
          'permissionsBoundary',
          `${user.permissionsBoundary} is not guardrails.permissionsBoundary, which is ${boundaryArn} in this account; leave the field out`,
        );
  return { user: { ...user, permissionsBoundary: boundaryArn }, error };
}

/** Why `current` cannot be adopted, or undefined when it can. */
function adoptionRefusal(current: IamUser, scope: Scope): string | undefined {
  const owner = current.tags[TAG_MANAGED_BY];
  if (owner === undefined || owner === scope.repository) return undefined;
  return `an IAM user "${current.name}" already exists at ${current.path} and is managed by ${owner}; adopt: true takes over only users no other repository manages, so it is not changed`;
}

/**
 * Adoption (`adopt: true`): UpdateUser to the managed path when outside it, then TagUser with every
 * desired tag (managed-by first of all, so the user is in scope as soon as possible; in full,
 * because UpdateUser drops tags on moto), then the usual diff for boundary, policies, groups and
 * tags to remove.
 */
export function adoptionChanges(user: DesiredUser, current: IamUser, scope: Scope): Change[] {
  const changes: Change[] = [];
  if (!isUnderPath(current, scope.iamPath)) {
    changes.push({ kind: 'move-user', user: current.name, fromPath: current.path, toPath: scope.iamPath });
  }
  changes.push({ kind: 'tag-user', user: current.name, tags: desiredTags(user, scope) });
  for (const change of diffUser(user, current, scope)) {
    if (change.kind !== 'tag-user') changes.push(change);
  }
  return changes;
}

/** The order user plans are listed in: new users first, then the ones that change hands or state. */
const ACTION_ORDER: Record<UserPlan['action'], number> = { create: 0, adopt: 1, restore: 2, update: 3 };

export function planChanges(
  roster: Roster,
  snapshot: IamSnapshot,
  scope: Scope,
  options: PlanOptions = {},
): Plan {
  const known = { groups: new Set(snapshot.groups), policies: new Set(snapshot.policies) };
  const byName = new Map<string, IamUser>();
  for (const user of snapshot.users) byName.set(user.name.toLowerCase(), user);

  const errors: RosterIssue[] = [];
  const users: UserPlan[] = [];
  const unchanged: string[] = [];
  const claimed = new Set<string>();

  const guardrailBoundary = options.permissionsBoundary;
  if (guardrailBoundary !== undefined) {
    const { arn, source } = guardrailBoundary;
    if (arn === undefined) {
      errors.push({
        ...source,
        message:
          'names a policy, but the account it is in could not be told (IAM listed no user, group or role to read its id from); give the policy ARN instead',
      });
    } else if (!known.policies.has(arn)) {
      errors.push({
        ...source,
        message: `policy ${arn} does not exist in IAM; create it before apply: every managed user gets it as permissions boundary`,
      });
    }
  }

  for (const fileUser of roster.users) {
    const key = fileUser.name.toLowerCase();
    claimed.add(key);
    const guarded = withGuardrailBoundary(fileUser, guardrailBoundary?.arn);
    const user = guarded.user;
    if (guarded.error !== undefined) errors.push(guarded.error);
    errors.push(...referenceErrors(fileUser, known, guardrailBoundary === undefined));
    const current = byName.get(key);
    if (current === undefined) {
      users.push({
        user: user.name,
        action: 'create',
        file: user.source.file,
        changes: creation(user, scope),
      });
      continue;
    }
    const placement = placementOf(current, scope);
    if (placement !== 'managed' && user.adopt && current.name === user.name) {
      const refusal = adoptionRefusal(current, scope);
      if (refusal !== undefined) {
        errors.push(issueAt(user, 'adopt', refusal));
        continue;
      }
      const dropped = boundaryDropped(user, current);
      if (dropped !== undefined) errors.push(dropped);
      users.push({
        user: user.name,
        action: 'adopt',
        file: user.source.file,
        changes: adoptionChanges(user, current, scope),
      });
      continue;
    }
    if (placement !== 'managed') {
      const owner = current.tags[TAG_MANAGED_BY];
      const where =
        placement === 'outside'
          ? `outside the managed path ${scope.iamPath} (at ${current.path})`
          : owner
            ? `under ${scope.iamPath} but managed by ${owner}`
            : `under ${scope.iamPath} without the ${TAG_MANAGED_BY} tag`;
      errors.push(
        issueAt(user, 'name', `an IAM user "${current.name}" already exists ${where}; it is not changed`),
      );
      continue;
    }
    if (current.name !== user.name) {
      errors.push(
        issueAt(
          user,
          'name',
          `IAM holds this user as "${current.name}"; IAM names keep their case, so use that spelling`,
        ),
      );
      continue;
    }
    const dropped = boundaryDropped(user, current);
    if (dropped !== undefined) errors.push(dropped);
    const changes = diffUser(user, current, scope);
    const action = isDisabled(current) ? 'restore' : 'update';
    if (changes.length === 0) unchanged.push(user.name);
    else users.push({ user: user.name, action, file: user.source.file, changes });
  }

  const { offboard, disabled } = planOffboarding(
    snapshot.users.filter(
      (user) => placementOf(user, scope) === 'managed' && !claimed.has(user.name.toLowerCase()),
    ),
    options.onRemove ?? DEFAULT_ON_REMOVE,
  );
  const guard = removalGuard(
    offboard,
    options.maxRemovals ?? DEFAULT_MAX_REMOVALS,
    options.rosterDir ?? 'users',
  );
  if (guard !== undefined) errors.push(guard);
  const unmanaged: UnmanagedUser[] = snapshot.users
    .filter((user) => placementOf(user, scope) === 'unmanaged' && !claimed.has(user.name.toLowerCase()))
    .map((user) => ({ user: user.name, path: user.path, managedBy: user.tags[TAG_MANAGED_BY] }));

  const byUser = (a: { user: string }, b: { user: string }) => a.user.localeCompare(b.user);
  const byAction = (a: UserPlan, b: UserPlan) => ACTION_ORDER[a.action] - ACTION_ORDER[b.action];
  return {
    scope,
    users: users.sort((a, b) => byAction(a, b) || byUser(a, b)),
    unchanged: unchanged.sort(),
    offboard,
    disabled,
    unmanaged: unmanaged.sort(byUser),
    errors: errors.sort(compareIssues),
    warnings: [...(options.warnings ?? [])],
  };
}
