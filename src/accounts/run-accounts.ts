// Runs one piece of work per member account, a few accounts at a time, each isolated: whatever
// one account throws (AccessDenied, throttling the retries could not ride out, a bug) is recorded
// against that account and never stops, cancels or undoes the others.
import { mapLimit } from '../util/map-limit.js';
import { failureMessage } from './failure.js';
import type { TargetAccount } from './target-accounts.js';

/** Input `max-parallel-accounts` (CLI `--max-parallel-accounts`): accounts worked at once. */
export const MAX_PARALLEL_ACCOUNTS = { default: 4, min: 1, max: 32 } as const;

export type AccountResult<T> =
  | {
      readonly account: TargetAccount;
      readonly outcome: 'ok';
      readonly value: T;
      readonly durationMs: number;
    }
  | {
      readonly account: TargetAccount;
      readonly outcome: 'failed';
      /** What was thrown, as thrown (for `cause` chains and tests). */
      readonly error: unknown;
      /** One line for the log, the comment and the JSON: the AWS code first when there is one. */
      readonly message: string;
      readonly durationMs: number;
    };

export type AccountFailure = Extract<AccountResult<unknown>, { outcome: 'failed' }>;

export interface RunAccountsOptions<T> {
  /** At most this many accounts in flight (MAX_PARALLEL_ACCOUNTS.min..max). */
  readonly maxParallel: number;
  /** Called as each account settles, in the order they settle: a log line per account. */
  readonly onSettled?: (result: AccountResult<T>) => void;
  /** The clock, for durations. */
  readonly now?: () => number;
}

/**
 * `work` for every account, at most `maxParallel` at once; the results in the accounts' order.
 * Never rejects because of `work`: a throw becomes that account's `failed` result.
 */
export async function runAccounts<T>(
  accounts: readonly TargetAccount[],
  options: RunAccountsOptions<T>,
  work: (account: TargetAccount) => Promise<T>,
): Promise<AccountResult<T>[]> {
  const { maxParallel } = options;
  if (!Number.isInteger(maxParallel) || maxParallel < MAX_PARALLEL_ACCOUNTS.min) {
    throw new RangeError(`max-parallel-accounts must be a whole number of at least 1 (got ${maxParallel})`);
  }
  const now = options.now ?? Date.now;
  return mapLimit(accounts, maxParallel, async (account): Promise<AccountResult<T>> => {
    const started = now();
    let result: AccountResult<T>;
    try {
      // Through a promise, so that a synchronous throw is caught like a rejection.
      const value = await Promise.resolve().then(() => work(account));
      result = { account, outcome: 'ok', value, durationMs: now() - started };
    } catch (error) {
      result = {
        account,
        outcome: 'failed',
        error,
        message: failureMessage(error),
        durationMs: now() - started,
      };
    }
    options.onSettled?.(result);
    return result;
  });
}

export function failedAccounts<T>(results: readonly AccountResult<T>[]): AccountFailure[] {
  return results.filter((result): result is Extract<AccountResult<T>, { outcome: 'failed' }> => {
    return result.outcome === 'failed';
  });
}

/**
 * One line for the log and `core.setFailed`: `all 3 accounts done`, or
 * `1 of 3 accounts failed: prod (111111111111): AccessDenied: ...`.
 */
export function accountsSummaryLine<T>(results: readonly AccountResult<T>[]): string {
  const failed = failedAccounts(results);
  const total = `${results.length} account${results.length === 1 ? '' : 's'}`;
  if (failed.length === 0) return `all ${total} done`;
  const which = failed.map((f) => `${f.account.name} (${f.account.id}): ${f.message}`).join('; ');
  return `${failed.length} of ${total} failed: ${which}`;
}
