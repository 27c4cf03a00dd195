// What IAM holds, as read in one listing. Plain data: the plan is a pure function of this and
// the roster.
import type { AwsAccount } from './account.js';

export interface IamUser {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly userId: string;
  readonly createDate: string | undefined;
  readonly groups: readonly string[];
  readonly attachedPolicyArns: readonly string[];
  readonly inlinePolicyNames: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly permissionsBoundaryArn: string | undefined;
}

export interface IamSnapshot {
  /** Every user in the account (the listing has no path filter); scope is decided by the plan. */
  readonly users: readonly IamUser[];
  /** Names of the groups that exist. */
  readonly groups: readonly string[];
  /**
   * Managed policies known to exist: those attached to any user, and those the roster refers to
   * that were looked up one by one. A referenced ARN missing here does not exist.
   */
  readonly policies: readonly string[];
  /** The account read, from any user's or group's ARN in the listing; absent when it held none. */
  readonly account?: AwsAccount;
}
