// Executes a plan and decides nothing. Users are worked on in parallel (bounded); each user's
// changes run in the plan's order and stop at that user's first failure, which leaves the rest
// for a rerun. One user's failure never stops another's changes.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Change, Plan, UserPlan } from '../plan/plan.js';
import { mapLimit } from '../util/map-limit.js';
import { executeChange } from './execute-change.js';

/** IAM's write APIs throttle at a few requests a second per account; more in flight only waits. */
export const DEFAULT_APPLY_CONCURRENCY = 4;

export type ChangeOutcome =
  | { readonly change: Change; readonly status: 'done' | 'already-done' }
  | {
      readonly change: Change;
      readonly status: 'failed';
      readonly error: string;
      readonly code: string | undefined;
    }
  /** Not tried because an earlier change for the same user failed. */
  | { readonly change: Change; readonly status: 'skipped' };

export interface ApplyResult {
  readonly outcomes: readonly ChangeOutcome[];
  readonly failed: number;
  readonly succeeded: number;
  readonly skipped: number;
}

export class PlanHasErrors extends Error {
  constructor(count: number) {
    super(`the plan has ${count} error${count === 1 ? '' : 's'}; nothing was applied`);
    this.name = 'PlanHasErrors';
  }
}

function describeError(error: unknown): { error: string; code: string | undefined } {
  if (error instanceof Error) return { error: error.message, code: error.name };
  return { error: String(error), code: undefined };
}

async function applyUser(iam: IAMClient, userPlan: UserPlan): Promise<ChangeOutcome[]> {
  const outcomes: ChangeOutcome[] = [];
  let failed = false;
  for (const change of userPlan.changes) {
    if (failed) {
      outcomes.push({ change, status: 'skipped' });
      continue;
    }
    try {
      outcomes.push({ change, status: await executeChange(iam, change) });
    } catch (error) {
      failed = true;
      outcomes.push({ change, status: 'failed', ...describeError(error) });
    }
  }
  return outcomes;
}

export async function applyPlan(
  iam: IAMClient,
  plan: Plan,
  options: { readonly concurrency?: number; readonly onOutcome?: (outcome: ChangeOutcome) => void } = {},
): Promise<ApplyResult> {
  if (plan.errors.length > 0) throw new PlanHasErrors(plan.errors.length);
  const perUser = await mapLimit(
    plan.users,
    options.concurrency ?? DEFAULT_APPLY_CONCURRENCY,
    async (userPlan) => {
      const outcomes = await applyUser(iam, userPlan);
      for (const outcome of outcomes) options.onOutcome?.(outcome);
      return outcomes;
    },
  );
  const outcomes = perUser.flat();
  return {
    outcomes,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
    succeeded: outcomes.filter((o) => o.status === 'done' || o.status === 'already-done').length,
  };
}
