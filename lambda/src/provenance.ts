// Whose event is this? One rule, whatever the accounts: an event's account is answered through its
// MEMBER_ACCOUNTS entry when listed (the central Lambda), else, when it is the Lambda's own, through
// APPLY_ROLE_ARN; only a session of that apply role is acted for (DESIGN.md, "Provenance" and "Many
// accounts"). Decided from the event alone; IAM is asked afterwards whether the event still agrees
// with the user as IAM has it now.
import type { MemberAccount } from '../../src/contract.js';
import { isSameRole } from './arn.js';
import type { UserIdentity } from './envelope.js';

export interface ProvenanceSettings {
  /** From the invocation context's function ARN. */
  readonly ownAccountId: string;
  /** APPLY_ROLE_ARN: the only principal acted for in the own account, unless that is a listed member. */
  readonly applyRoleArn: string;
  /** MEMBER_ACCOUNTS: each acted for only through its own apply role. */
  readonly memberAccounts?: readonly MemberAccount[] | undefined;
}

/** The account an accepted event is answered in. */
export type EventAccount =
  | { readonly kind: 'own'; readonly id: string }
  | { readonly kind: 'member'; readonly id: string; readonly member: MemberAccount };

export type RefusalByProvenance =
  /** The event's account is neither the Lambda's own nor a listed member, or its two fields differ. */
  | 'other-account'
  /** The call was not made by a session of that account's apply role. */
  | 'not-apply-role';

export type Provenance =
  | { readonly ok: true; readonly account: EventAccount }
  | { readonly ok: false; readonly reason: RefusalByProvenance };

/** The parts of the event provenance reads. */
export interface EventOrigin {
  /** EventBridge's `account`: the account the event came from (kept when forwarded to another bus). */
  readonly eventAccount: string;
  /** CloudTrail's `recipientAccountId`: the account whose IAM was called. */
  readonly recipientAccountId: string | undefined;
  readonly userIdentity: UserIdentity | undefined;
}

/**
 * The account the event is answered in: a listed member through its entry (the hub's own account
 * too, when `accounts:` lists it), else the Lambda's own account, else none.
 */
function accountOf(origin: EventOrigin, settings: ProvenanceSettings): EventAccount | undefined {
  const id = origin.eventAccount;
  if (origin.recipientAccountId !== id) return undefined;
  const member = settings.memberAccounts?.find((candidate) => candidate.id === id);
  if (member !== undefined) return { kind: 'member', id, member };
  return id === settings.ownAccountId ? { kind: 'own', id } : undefined;
}

/** Whether the call was made with credentials of an assumed session of `roleArn`. */
export function isSessionOf(identity: UserIdentity | undefined, roleArn: string): boolean {
  const issuer = identity?.sessionContext?.sessionIssuer;
  return (
    identity?.type === 'AssumedRole' &&
    issuer?.type === 'Role' &&
    issuer.arn !== undefined &&
    isSameRole(issuer.arn, roleArn)
  );
}

export function checkProvenance(origin: EventOrigin, settings: ProvenanceSettings): Provenance {
  const account = accountOf(origin, settings);
  if (account === undefined) return { ok: false, reason: 'other-account' };
  const roleArn = account.kind === 'own' ? settings.applyRoleArn : account.member.applyRoleArn;
  if (!isSessionOf(origin.userIdentity, roleArn)) return { ok: false, reason: 'not-apply-role' };
  return { ok: true, account };
}
