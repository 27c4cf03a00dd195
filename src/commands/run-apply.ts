// apply: the plan executed, change by change; a plan with errors changes nothing at all.

import { countOf } from '../plan/markdown.js';
import { changeCount } from '../plan/plan.js';
import { renderApplyMarkdown } from '../plan/render-markdown.js';
import { hasAccounts } from './accounts-config.js';
import { type CommandContext, CommandFailed } from './command-context.js';
import { planFromIam } from './plan-from-iam.js';
import { NOTHING_READ, validRoster } from './read-roster.js';

export async function runApply(context: CommandContext): Promise<void> {
  const read = await validRoster(context, NOTHING_READ);
  if (hasAccounts(read.config)) {
    const { runApplyAcrossAccounts } = await import('./run-apply-accounts.js');
    return runApplyAcrossAccounts(context, { ...read, config: read.config });
  }
  const { iam, plan, markdown } = await planFromIam(context, read);
  if (plan.errors.length > 0) {
    await context.report.planned(plan, markdown);
    throw new CommandFailed(`${countOf(plan.errors.length, 'plan error')}; nothing was applied`, 'invalid');
  }
  const { applyPlan } = await import('../iam/apply-plan.js');
  const result = await applyPlan(iam, plan, { onOutcome: (outcome) => context.report.changed(outcome) });
  await context.report.applied(plan, result, renderApplyMarkdown(plan, result));
  if (result.failed > 0) {
    throw new CommandFailed(
      `${result.failed} of ${countOf(changeCount(plan), 'change')} failed; a rerun retries them`,
      'failed',
    );
  }
}
