// The step plan, apply and drift share once the roster is valid: credentials, one read of IAM,
// the plan, and its Markdown with the run's warnings on top.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { IamSnapshot } from '../iam/snapshot.js';
import type { Plan } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-markdown.js';
import { formatIssue, type RosterIssue } from '../roster/roster-issue.js';
import { type CommandContext, rosterFailure } from './command-context.js';
import { NOTHING_READ, type ValidRoster } from './read-roster.js';

export interface Planned {
  readonly iam: IAMClient;
  readonly plan: Plan;
  readonly snapshot: IamSnapshot;
  /** The plan for reviewers: the warnings first, then the plan. */
  readonly markdown: string;
}

/**
 * Warnings as a GitHub alert block, which a reviewer does not scroll past: a guardrail opted out
 * with `'*'` lets this roster grant anything IAM has.
 */
export function warningsMarkdown(warnings: readonly RosterIssue[]): string {
  if (warnings.length === 0) return '';
  const lines = warnings.map((warning) => `> - \`${formatIssue(warning).replace(/`/g, "'")}\``);
  return ['> [!WARNING]', '> **iam-gitops warnings**', '>', ...lines, '', ''].join('\n');
}

export function planMarkdown(plan: Plan, warnings: readonly RosterIssue[]): string {
  return `${warningsMarkdown(warnings)}${renderPlanMarkdown(plan)}`;
}

export async function planFromIam(context: CommandContext, read: ValidRoster): Promise<Planned> {
  const iam = await context.iamClient();
  // Loaded here, not at start: `validate` and a broken roster never load the AWS SDK.
  const { makePlan } = await import('./make-plan.js');
  // The core branch's makePlan takes the roster read above: makePlan(context.settings, read.roster, iam).
  const outcome = await makePlan(context.settings, iam);
  if (outcome.kind === 'invalid') {
    await context.report.invalid(outcome.issues);
    throw rosterFailure(outcome.issues, NOTHING_READ);
  }
  const { plan, snapshot } = outcome;
  return { iam, plan, snapshot, markdown: planMarkdown(plan, read.warnings) };
}
