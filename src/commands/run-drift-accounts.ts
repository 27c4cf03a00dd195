// drift across accounts: each account read through its iam-gitops-plan role (iam-gitops-apply with
// expire-invites, which deletes login profiles), its drift from its share of the roster and its
// stale invitations, a few accounts at a time; one report with a section per account.
import { countOf } from '../plan/markdown.js';
import { changeCount } from '../plan/plan.js';
import { accountsTitle, driftAccountReport, driftSectionMarkdown } from './account-reports.js';
import type { AccountsRepoConfig } from './accounts-config.js';
import type { CommandContext, DriftFindings } from './command-context.js';
import { CommandFailed } from './command-context.js';
import { driftCount, findDrift } from './drift.js';
import {
  accountsFailure,
  accountsReport,
  inMemberAccounts,
  issuesByAccount,
  planInAccount,
  totalOf,
} from './member-accounts.js';
import type { ValidRoster } from './read-roster.js';
import { findStaleInvites } from './stale-invites.js';

export async function runDriftAcrossAccounts(
  context: CommandContext,
  read: ValidRoster & { readonly config: AccountsRepoConfig },
): Promise<void> {
  const { settings } = context;
  const results = await inMemberAccounts(
    context,
    read.config,
    settings.expireInvites ? 'apply' : 'plan',
    'drift',
    async (session): Promise<DriftFindings> => {
      const { plan, snapshot } = await planInAccount(context, read, session);
      const drift = findDrift(plan);
      const invites = await findStaleInvites(session.iam, settings, { snapshot });
      return {
        plan,
        drift,
        count: driftCount(drift),
        invites,
        markdown: driftSectionMarkdown({ drift, invites }),
      };
    },
  );
  await context.report.acrossAccounts(
    accountsReport({
      command: 'drift',
      title: accountsTitle('drift', settings),
      results,
      report: driftAccountReport,
      totals: {
        changes: totalOf(results, ({ plan }) => changeCount(plan)),
        drift: totalOf(results, ({ count }) => count),
        staleInvites: totalOf(results, ({ invites }) => invites.stale.length),
      },
      issues: issuesByAccount(results, ({ drift }) => drift.errors),
    }),
  );

  const drifted = results.flatMap((result) =>
    result.outcome === 'ok' && result.value.count > 0 ? [result.account.name] : [],
  );
  const count = totalOf(results, ({ count }) => count);
  const driftLine =
    count === 0
      ? undefined
      : `${countOf(count, 'drift finding')} in ${drifted.length} of ${countOf(results.length, 'account')} (${drifted.join(', ')}): IAM differs from the roster`;
  const failure = accountsFailure(results);
  if (failure !== undefined) {
    // The accounts that could not be read come first; the drift found elsewhere is still said.
    if (driftLine !== undefined) context.report.warning(driftLine);
    throw failure;
  }
  if (driftLine === undefined) return;
  if (settings.failOnDrift) throw new CommandFailed(driftLine, 'invalid');
  context.report.warning(driftLine);
}
