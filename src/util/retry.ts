// Jittered exponential backoff with an injectable sleep and random source, so tests run without
// waiting. For answers the SDK's own retry does not repeat: IAM's EntityTemporarilyUnmodifiable
// and ConcurrentModification say "try again shortly", but they are client errors to the SDK.

export type Sleep = (milliseconds: number) => Promise<void>;

export const realSleep: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export interface RetryOptions {
  /** Which errors are worth another attempt. */
  readonly shouldRetry: (error: unknown) => boolean;
  /** Attempts in all, the first one included. */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: Sleep;
  /** A number in [0, 1); Math.random unless a test pins it. */
  readonly random?: () => number;
}

export const DEFAULT_RETRY = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8_000 } as const;

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a random delay below
 * the exponential ceiling, so callers that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  options: { readonly baseDelayMs: number; readonly maxDelayMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Runs `work` until it succeeds, fails with an error `shouldRetry` refuses, or runs out of attempts. */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_RETRY.attempts;
  const delays = {
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !options.shouldRetry(error)) throw error;
      await sleep(backoffDelay(attempt, delays, options.random));
    }
  }
}
