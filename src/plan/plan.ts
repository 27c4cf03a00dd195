// The plan: ordered, typed changes that bring IAM to the roster. Plain data, rendered as
// Markdown for reviewers and JSON for machines, and executed by apply without further decisions.
import type { RosterIssue } from '../roster/roster-issue.js';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export type Change =
  | {
      readonly kind: 'create-user';
      readonly user: string;
      readonly path: string;
      readonly tags: readonly Tag[];
      readonly permissionsBoundary: string | undefined;
    }
  /**
   * PutUserPermissionsBoundary. There is no change that removes a boundary: the apply role may
   * not (DESIGN.md, "Guardrails"), so a file that drops one IAM holds is a plan error instead.
   */
  | { readonly kind: 'set-boundary'; readonly user: string; readonly policyArn: string }
  | { readonly kind: 'detach-policy'; readonly user: string; readonly policyArn: string }
  | { readonly kind: 'attach-policy'; readonly user: string; readonly policyArn: string }
  | { readonly kind: 'remove-from-group'; readonly user: string; readonly group: string }
  | { readonly kind: 'add-to-group'; readonly user: string; readonly group: string }
  | { readonly kind: 'tag-user'; readonly user: string; readonly tags: readonly Tag[] }
  | { readonly kind: 'untag-user'; readonly user: string; readonly keys: readonly string[] }
  /** Adoption: UpdateUser NewPath. Tags follow in a separate tag-user (moto drops them on a move). */
  | { readonly kind: 'move-user'; readonly user: string; readonly fromPath: string; readonly toPath: string }
  | OffboardChange;

export type ChangeKind = Change['kind'];

/** Changes that are one IAM call each; offboarding is several, read and made at apply time. */
export type SingleCallChange = Exclude<Change, OffboardChange>;

/** What happens to a managed user whose roster file is gone (input `on-remove`). */
export type OnRemove = 'disable' | 'delete';
export const ON_REMOVE_MODES: readonly OnRemove[] = ['disable', 'delete'];
export const DEFAULT_ON_REMOVE: OnRemove = 'disable';
/** Offboardings one run may make before the plan refuses (input `max-removals`). */
export const DEFAULT_MAX_REMOVALS = 3;

/**
 * Offboarding of one managed user whose roster file is gone. The plan names what the snapshot
 * shows (groups, policies, boundary); credentials (login profile, access keys, signing
 * certificates, SSH keys, service-specific credentials, MFA devices) are listed and removed at
 * apply time by src/iam/offboard-user.ts, for this user only.
 */
export interface OffboardChange {
  readonly kind: 'offboard-user';
  readonly user: string;
  readonly arn: string;
  /**
   * `disable`: delete the login profile, deactivate every credential, leave groups, drop policies,
   * tag `iam-gitops:disabled-at`; the user stays and is restored by adding the file back.
   * `delete`: remove everything that blocks DeleteUser, in AWS's order, then delete the user.
   */
  readonly mode: OnRemove;
  readonly reason: string;
  readonly groups: readonly string[];
  readonly attachedPolicyArns: readonly string[];
  readonly inlinePolicyNames: readonly string[];
  /**
   * Never removed by a call: a boundary restricts and grants nothing, `disable` keeps it, and
   * IAM's DeleteUser does not need it removed first (the apply role may not remove one).
   */
  readonly permissionsBoundaryArn: string | undefined;
}

export interface UserPlan {
  readonly user: string;
  /**
   * `adopt`: an existing user outside the scope taken over (`adopt: true`); `restore`: a disabled
   * user whose file came back.
   */
  readonly action: 'create' | 'update' | 'adopt' | 'restore';
  /** The roster file that asks for this. */
  readonly file: string;
  /** In the order apply must run them. */
  readonly changes: readonly Change[];
}

/** A managed user whose file is gone, and what apply does about it. */
export type OffboardCandidate = OffboardChange;

/** A managed user offboarded by an earlier `disable`: kept for audit, never changed again. */
export interface DisabledUser {
  readonly user: string;
  readonly arn: string;
  /** The `iam-gitops:disabled-at` tag's value. */
  readonly disabledAt: string;
}

/** A user under the managed path that this repository does not manage: reported, never touched. */
export interface UnmanagedUser {
  readonly user: string;
  readonly path: string;
  readonly managedBy: string | undefined;
}

export interface Scope {
  /** IAM path, starting and ending with `/`. */
  readonly iamPath: string;
  /** `<owner>/<repo>`: the value of the managed-by tag. */
  readonly repository: string;
}

export interface Plan {
  readonly scope: Scope;
  readonly users: readonly UserPlan[];
  /** Roster users that already match IAM. */
  readonly unchanged: readonly string[];
  /** Managed users whose file is gone, to offboard in this run (counted by max-removals). */
  readonly offboard: readonly OffboardCandidate[];
  /** Managed users whose file is gone and who were disabled before: nothing to do. */
  readonly disabled: readonly DisabledUser[];
  readonly unmanaged: readonly UnmanagedUser[];
  /**
   * Problems only IAM could reveal (a missing group, a name taken outside the scope), and the
   * removal guard (more offboardings than max-removals), reported against the users directory.
   */
  readonly errors: readonly RosterIssue[];
  /**
   * What a reviewer must see but that blocks nothing: a guardrail opted out with `'*'`, at its
   * line in iam-gitops.yaml.
   */
  readonly warnings: readonly RosterIssue[];
}

/** Changes apply would make: each user's changes, and one per user to offboard. */
export function changeCount(plan: Plan): number {
  return plan.users.reduce((sum, user) => sum + user.changes.length, 0) + plan.offboard.length;
}
