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
  | { readonly kind: 'set-boundary'; readonly user: string; readonly policyArn: string }
  | { readonly kind: 'remove-boundary'; readonly user: string; readonly policyArn: string }
  | { readonly kind: 'detach-policy'; readonly user: string; readonly policyArn: string }
  | { readonly kind: 'attach-policy'; readonly user: string; readonly policyArn: string }
  | { readonly kind: 'remove-from-group'; readonly user: string; readonly group: string }
  | { readonly kind: 'add-to-group'; readonly user: string; readonly group: string }
  | { readonly kind: 'tag-user'; readonly user: string; readonly tags: readonly Tag[] }
  | { readonly kind: 'untag-user'; readonly user: string; readonly keys: readonly string[] };

export type ChangeKind = Change['kind'];

export interface UserPlan {
  readonly user: string;
  readonly action: 'create' | 'update';
  /** The roster file that asks for this. */
  readonly file: string;
  /** In the order apply must run them. */
  readonly changes: readonly Change[];
}

/** A managed user whose file is gone. Listed, never touched by the core. */
export interface OffboardCandidate {
  readonly user: string;
  readonly arn: string;
  readonly reason: string;
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
  readonly offboard: readonly OffboardCandidate[];
  readonly unmanaged: readonly UnmanagedUser[];
  /** Problems only IAM could reveal (a missing group, a name taken outside the scope). */
  readonly errors: readonly RosterIssue[];
}

export function changeCount(plan: Plan): number {
  return plan.users.reduce((sum, user) => sum + user.changes.length, 0);
}
