// apply across accounts: each account entered through its iam-gitops-apply role, planned with its
// share of the roster and applied, a few accounts at a time. One account's failure (refused role,
// throttling the retries could not ride out, plan errors, failed changes) never stops, cancels or
// undoes another's apply; the run fails at the end naming every such account.
import { applyPlan } from '../iam/apply-plan.js';
import { countOf } from '../plan/markdown.js';
import { changeCount } from '../plan/plan.js';
import { type AccountApplied, accountsTitle, applyAccountReport } from './account-reports.js';
import type { AccountsRepoConfig } from './accounts-config.js';
import type { CommandContext } from './command-context.js';
import {
  accountsFailure,
  accountsReport,
  inMemberAccounts,
  issuesByAccount,
  planInAccount,
  totalOf,
} from './member-accounts.js';
import type { ValidRoster } from './read-roster.js';

export async function runApplyAcrossAccounts(
  context: CommandContext,
  read: ValidRoster & { readonly config: AccountsRepoConfig },
): Promise<void> {
  const results = await inMemberAccounts(
    context,
    read.config,
    'apply',
    'apply',
    async (session): Promise<AccountApplied> => {
      const { name } = session.account;
      const { plan } = await planInAccount(context, read, session);
      // A plan with errors (a missing group, the removal guard) changes nothing in its account.
      if (plan.errors.length > 0) return { plan, result: undefined };
      const result = await applyPlan(session.iam, plan, {
        onOutcome: (outcome) => context.report.changed(outcome, name),
      });
      return { plan, result };
    },
  );
  await context.report.acrossAccounts(
    accountsReport({
      command: 'apply',
      title: accountsTitle('apply', context.settings),
      results,
      report: applyAccountReport,
      totals: { changes: totalOf(results, ({ plan }) => changeCount(plan)) },
      issues: issuesByAccount(results, ({ plan }) => plan.errors),
    }),
  );
  const failure = accountsFailure(results, ({ plan, result }) => {
    if (result === undefined)
      return {
        message: `${countOf(plan.errors.length, 'plan error')}; nothing was applied there`,
        kind: 'invalid',
      };
    if (result.failed > 0)
      return {
        message: `${result.failed} of ${countOf(changeCount(plan), 'change')} failed; a rerun retries them`,
        kind: 'failed',
      };
    return undefined;
  });
  if (failure !== undefined) throw failure;
}
