// resend across accounts: the user's sign-in details asked for in each account the user is in (or
// the one the `account` input / --account names), by TagUser through that account's
// iam-gitops-apply role. The credential Lambda of that account's pipeline does the rest.
import { REPO_CONFIG_FILE } from '../config/repo-config-schema.js';
import type { DesiredUser } from '../roster/roster.js';
import { accountsTitle, resendAccountReport } from './account-reports.js';
import type { AccountsRepoConfig } from './accounts-config.js';
import type { CommandContext } from './command-context.js';
import { accountsFailure, accountsReport, inMemberAccounts } from './member-accounts.js';
import type { ValidRoster } from './read-roster.js';
import { ResendRefused, requestCredentials } from './resend.js';

/**
 * The accounts to re-send in, checked before any AWS call: the one asked for, which must be one of
 * the user's; else every account the user is in.
 */
export function resendAccounts(
  entry: DesiredUser,
  config: AccountsRepoConfig,
  asked: string | undefined,
): readonly string[] {
  const usersAccounts = entry.accounts ?? [];
  if (asked === undefined) return usersAccounts;
  if (!Object.hasOwn(config.accounts, asked)) {
    throw new ResendRefused(
      `unknown account "${asked}" (accounts in ${REPO_CONFIG_FILE}: ${Object.keys(config.accounts).join(', ')})`,
    );
  }
  if (!usersAccounts.includes(asked)) {
    throw new ResendRefused(
      `"${entry.name}" is not in account "${asked}" (${entry.source.file} puts it in ${usersAccounts.join(', ')})`,
    );
  }
  return [asked];
}

export async function runResendAcrossAccounts(
  context: CommandContext,
  read: ValidRoster & { readonly config: AccountsRepoConfig },
  entry: DesiredUser,
): Promise<void> {
  const only = resendAccounts(entry, read.config, context.account);
  const now = new Date();
  const results = await inMemberAccounts(
    context,
    read.config,
    'apply',
    'resend',
    (session) => requestCredentials(session.iam, context.settings, entry, { now, runId: context.runId }),
    { only },
  );
  await context.report.acrossAccounts(
    accountsReport({
      command: 'resend',
      title: accountsTitle('re-send', context.settings),
      results,
      report: resendAccountReport,
    }),
  );
  const failure = accountsFailure(
    results,
    () => undefined,
    // Refused (not managed there, not created yet): a verdict on the request, not a failure.
    (error) => (error instanceof ResendRefused ? 'invalid' : 'failed'),
  );
  if (failure !== undefined) throw failure;
}
