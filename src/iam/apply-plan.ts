// Executes a plan and decides nothing. Users are worked on in parallel (bounded); each user's
// changes run in the plan's order and stop at that user's first failure, which leaves the rest
// for a rerun. One user's failure never stops another's changes. An offboarding is one change
// of several IAM calls (offboard-user.ts), worked on beside the users.
import type { IAMClient } from '@aws-sdk/client-iam';
import { countOf } from '../plan/markdown.js';
import type { Change, Plan } from '../plan/plan.js';
import { mapLimit } from '../util/map-limit.js';
import type { Sleep } from '../util/retry.js';
import { executeChange } from './execute-change.js';
import { type OffboardReport, offboardUser } from './offboard-user.js';

/** IAM's write APIs throttle at a few requests a second per account; more in flight only waits. */
export const DEFAULT_APPLY_CONCURRENCY = 4;

export type ChangeOutcome =
  | {
      readonly change: Change;
      readonly status: 'done' | 'already-done';
      /** What an offboarding removed, call by call (the renderer puts it into words). */
      readonly offboarding?: OffboardReport;
    }
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
    super(`the plan has ${countOf(count, 'error')}; nothing was applied`);
    this.name = 'PlanHasErrors';
  }
}

function describeError(error: unknown): { error: string; code: string | undefined } {
  if (error instanceof Error) return { error: error.message, code: error.name };
  return { error: String(error), code: undefined };
}

export interface ApplyOptions {
  readonly concurrency?: number;
  readonly onOutcome?: (outcome: ChangeOutcome) => void;
  /** The clock for the disabled-at tag an offboarding writes; the plan itself has none. */
  readonly now?: () => Date;
  /** For the backoff when IAM answers EntityTemporarilyUnmodifiable or ConcurrentModification. */
  readonly sleep?: Sleep;
}

async function applyChange(iam: IAMClient, change: Change, options: ApplyOptions): Promise<ChangeOutcome> {
  if (change.kind !== 'offboard-user') return { change, status: await executeChange(iam, change) };
  const report = await offboardUser(iam, change, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  return { change, status: report.status, offboarding: report };
}

async function applyUser(
  iam: IAMClient,
  changes: readonly Change[],
  options: ApplyOptions,
): Promise<ChangeOutcome[]> {
  const outcomes: ChangeOutcome[] = [];
  let failed = false;
  for (const change of changes) {
    if (failed) {
      outcomes.push({ change, status: 'skipped' });
      continue;
    }
    try {
      outcomes.push(await applyChange(iam, change, options));
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
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  // Plan errors include the removal guard (more offboardings than max-removals): nothing runs.
  if (plan.errors.length > 0) throw new PlanHasErrors(plan.errors.length);
  // Each offboarding is one unit of work, like a user's list of changes.
  const work: (readonly Change[])[] = [
    ...plan.users.map((userPlan) => userPlan.changes),
    ...plan.offboard.map((change) => [change]),
  ];
  const perUser = await mapLimit(work, options.concurrency ?? DEFAULT_APPLY_CONCURRENCY, async (changes) => {
    const outcomes = await applyUser(iam, changes, options);
    for (const outcome of outcomes) options.onOutcome?.(outcome);
    return outcomes;
  });
  const outcomes = perUser.flat();
  return {
    outcomes,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
    succeeded: outcomes.filter((o) => o.status === 'done' || o.status === 'already-done').length,
  };
}
