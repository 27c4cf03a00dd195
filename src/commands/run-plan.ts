// plan: what apply would change in IAM, for review (the pull request comment, the terminal).
import { countOf } from '../plan/markdown.js';
import { hasAccounts } from './accounts-config.js';
import { type CommandContext, CommandFailed } from './command-context.js';
import { planFromIam } from './plan-from-iam.js';
import { NOTHING_READ, validRoster } from './read-roster.js';

export async function runPlan(context: CommandContext): Promise<void> {
  const read = await validRoster(context, NOTHING_READ);
  if (hasAccounts(read.config)) {
    const { runPlanAcrossAccounts } = await import('./run-plan-accounts.js');
    return runPlanAcrossAccounts(context, { ...read, config: read.config });
  }
  const { plan, markdown } = await planFromIam(context, read);
  await context.report.planned(plan, markdown);
  if (plan.errors.length > 0)
    throw new CommandFailed(
      `${countOf(plan.errors.length, 'plan error')}; nothing can be applied`,
      'invalid',
    );
}
