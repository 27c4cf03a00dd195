// The step plan, apply and drift share once the roster is valid: credentials, one read of IAM,
// the plan, and its Markdown (the roster's warnings travel in the plan).
import type { IAMClient } from '@aws-sdk/client-iam';
import type { IamSnapshot } from '../iam/snapshot.js';
import type { Plan } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-markdown.js';
import type { CommandContext } from './command-context.js';
import type { ValidRoster } from './read-roster.js';

export interface Planned {
  readonly iam: IAMClient;
  readonly plan: Plan;
  readonly snapshot: IamSnapshot;
  /** The plan for reviewers, its warnings (guardrails opted out) on top. */
  readonly markdown: string;
}

export async function planFromIam(context: CommandContext, read: ValidRoster): Promise<Planned> {
  const iam = await context.iamClient();
  // Loaded here, not at start: `validate` and a broken roster never load the AWS SDK.
  const { makePlan } = await import('./make-plan.js');
  const { plan, snapshot } = await makePlan(read, context.settings, iam);
  return { iam, plan, snapshot, markdown: renderPlanMarkdown(plan) };
}
