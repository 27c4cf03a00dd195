// Jittered exponential backoff with an injectable sleep and random source, so tests run without
// waiting. For answers the SDK's own retry does not repeat: IAM's EntityTemporarilyUnmodifiable
// and ConcurrentModification, or NoSuchEntity right after CreateUser (IAM is eventually
// consistent), say "try again shortly", but they are client errors to the SDK. Used by the
// action's offboarding and by the credential Lambda.

export type Sleep = (milliseconds: number) => Promise<void>;

export const sleep: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export interface Backoff {
  /** Attempts in all, the first one included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RetryOptions extends Backoff {
  /** Which errors are worth another attempt. */
  readonly shouldRetry: (error: unknown) => boolean;
  readonly sleep: Sleep;
  /** A number in [0, 1); Math.random unless a test pins it. */
  readonly random?: () => number;
  readonly onRetry?: (retry: {
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: unknown;
  }) => void;
}

export const DEFAULT_RETRY: Backoff = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8_000 };

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a random delay below
 * the exponential ceiling, so callers that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  backoff: Pick<Backoff, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Runs `work` until it succeeds, fails with an error `shouldRetry` refuses, or runs out of attempts. */
export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.shouldRetry(error)) throw error;
      const delayMs = backoffDelay(attempt, options, options.random);
      options.onRetry?.({ attempt, delayMs, error });
      await options.sleep(delayMs);
    }
  }
}

/** `retry` with DEFAULT_RETRY's backoff and the real clock unless told otherwise. */
export function withRetry<T>(
  work: () => Promise<T>,
  options: Partial<Omit<RetryOptions, 'shouldRetry'>> & Pick<RetryOptions, 'shouldRetry'>,
): Promise<T> {
  return retry(work, { ...DEFAULT_RETRY, sleep, ...options });
}
