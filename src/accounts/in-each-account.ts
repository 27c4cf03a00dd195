// What every many-accounts command does: enter each account through its member role, do the
// account's work with an IAM client acting there, a few accounts at a time, each account isolated.
import { assumeMemberRole, type MemberSession, type RoleChainSettings } from './role-chain.js';
import { type AccountResult, type RunAccountsOptions, runAccounts } from './run-accounts.js';
import type { MemberRoleKind, TargetAccount } from './target-accounts.js';

/**
 * `work(session)` in every account, entered through its `kind` role (plan: plan and drift; apply:
 * apply, resend, invitations). A refused AssumeRole fails that account before its work starts;
 * the others go on. Each account's IAM client is closed when its work settles.
 */
export async function inEachAccount<T>(
  accounts: readonly TargetAccount[],
  kind: MemberRoleKind,
  settings: RoleChainSettings & RunAccountsOptions<T>,
  work: (session: MemberSession) => Promise<T>,
): Promise<AccountResult<T>[]> {
  return runAccounts(accounts, settings, async (account) => {
    const session = await assumeMemberRole(account, kind, settings);
    try {
      return await work(session);
    } finally {
      session.iam.destroy();
    }
  });
}
