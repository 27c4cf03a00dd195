// plan across accounts: each account of iam-gitops.yaml read through its iam-gitops-plan role and
// planned with its share of the roster, a few at a time; one report with a section per account.
import { countOf } from '../plan/markdown.js';
import { changeCount, type Plan } from '../plan/plan.js';
import { accountsTitle, planAccountReport } from './account-reports.js';
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

export async function runPlanAcrossAccounts(
  context: CommandContext,
  read: ValidRoster & { readonly config: AccountsRepoConfig },
): Promise<void> {
  const results = await inMemberAccounts(
    context,
    read.config,
    'plan',
    'plan',
    async (session): Promise<Plan> => {
      const { plan } = await planInAccount(context, read, session);
      return plan;
    },
  );
  await context.report.acrossAccounts(
    accountsReport({
      command: 'plan',
      title: accountsTitle('plan', context.settings),
      results,
      report: planAccountReport,
      totals: { changes: totalOf(results, changeCount) },
      issues: issuesByAccount(results, (plan) => plan.errors),
    }),
  );
  const failure = accountsFailure(results, (plan) =>
    plan.errors.length > 0
      ? {
          message: `${countOf(plan.errors.length, 'plan error')}; nothing can be applied there`,
          kind: 'invalid',
        }
      : undefined,
  );
  if (failure !== undefined) throw failure;
}
