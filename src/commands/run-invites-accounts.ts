// invites across accounts (the CLI's own command): stale invitations in each account, read through
// its iam-gitops-plan role (iam-gitops-apply with --expire-invites, which deletes login profiles).
import { accountsTitle, invitesAccountReport } from './account-reports.js';
import type { AccountsRepoConfig } from './accounts-config.js';
import type { CommandContext } from './command-context.js';
import { accountsFailure, accountsReport, inMemberAccounts, totalOf } from './member-accounts.js';
import { findStaleInvites } from './stale-invites.js';

export async function runInvitesAcrossAccounts(
  context: CommandContext,
  config: AccountsRepoConfig,
): Promise<void> {
  const { settings } = context;
  const results = await inMemberAccounts(
    context,
    config,
    settings.expireInvites ? 'apply' : 'plan',
    'invites',
    (session) => findStaleInvites(session.iam, settings),
  );
  await context.report.acrossAccounts(
    accountsReport({
      command: 'invites',
      title: accountsTitle('stale invitations', settings),
      results,
      report: invitesAccountReport,
      totals: { staleInvites: totalOf(results, (report) => report.stale.length) },
    }),
  );
  const failure = accountsFailure(results);
  if (failure !== undefined) throw failure;
}
