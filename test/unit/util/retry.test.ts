import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, retry, sleep, withRetry } from '../../../src/util/retry.js';

const busy = () => Object.assign(new Error('busy'), { name: 'ConcurrentModificationException' });
const retryBusy = (error: unknown) =>
  error instanceof Error && error.name === 'ConcurrentModificationException';

describe('backoffDelay', () => {
  it('draws below an exponential ceiling that stops at the maximum', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    const top = () => 0.999_999;

    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, options, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});

describe('withRetry', () => {
  it('returns the first success without sleeping', async () => {
    const sleep = vi.fn(async () => {});

    await expect(withRetry(async () => 'ok', { shouldRetry: retryBusy, sleep })).resolves.toBe('ok');
    expect(sleep).not.toHaveBeenCalled();
  });

  it('retries what shouldRetry accepts, sleeping a jittered delay between attempts', async () => {
    const sleep = vi.fn(async (_ms: number) => {});
    const work = vi.fn<() => Promise<string>>().mockRejectedValueOnce(busy()).mockRejectedValueOnce(busy());
    work.mockResolvedValueOnce('done');

    const result = await withRetry(work, {
      shouldRetry: retryBusy,
      sleep,
      random: () => 0.5,
      baseDelayMs: 100,
      maxDelayMs: 1000,
    });

    expect(result).toBe('done');
    expect(work).toHaveBeenCalledTimes(3);
    expect(sleep.mock.calls).toEqual([[50], [100]]);
  });

  it('throws at once an error shouldRetry refuses', async () => {
    const sleep = vi.fn(async () => {});
    const work = vi.fn(async () => {
      throw new Error('AccessDenied');
    });

    await expect(withRetry(work, { shouldRetry: retryBusy, sleep })).rejects.toThrow('AccessDenied');
    expect(work).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('throws the last error after its attempts', async () => {
    const sleep = vi.fn(async () => {});
    const work = vi.fn(async () => {
      throw busy();
    });

    await expect(withRetry(work, { shouldRetry: retryBusy, sleep })).rejects.toThrow('busy');
    expect(work).toHaveBeenCalledTimes(DEFAULT_RETRY.attempts);
    expect(sleep).toHaveBeenCalledTimes(DEFAULT_RETRY.attempts - 1);
  });
});

const backoff = { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 };

describe('backoffDelay, with a backoff of its own', () => {
  it('draws up to an exponential ceiling that stops at the maximum', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, backoff, top))).toEqual([99, 199, 299, 299]);
    expect(backoffDelay(3, backoff, () => 0)).toBe(0);
    expect(backoffDelay(2, backoff, () => 0.5)).toBe(100);
  });
});

describe('retry', () => {
  it('returns the first success, sleeping between attempts and reporting each retry', async () => {
    const sleeps: number[] = [];
    const onRetry = vi.fn();
    const work = vi
      .fn<(attempt: number) => Promise<string>>()
      .mockRejectedValueOnce(new Error('one'))
      .mockRejectedValueOnce(new Error('two'))
      .mockResolvedValue('done');

    const result = await retry(work, {
      ...backoff,
      shouldRetry: () => true,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      onRetry,
    });

    expect(result).toBe('done');
    expect(work.mock.calls).toEqual([[1], [2], [3]]);
    expect(sleeps).toEqual([50, 100]);
    expect(onRetry.mock.calls.map(([info]) => [info.attempt, info.delayMs, info.error.message])).toEqual([
      [1, 50, 'one'],
      [2, 100, 'two'],
    ]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const sleepFn = vi.fn(async () => {});
    const work = vi.fn(async (attempt: number) => {
      throw new Error(`attempt ${attempt}`);
    });

    await expect(retry(work, { ...backoff, shouldRetry: () => true, sleep: sleepFn })).rejects.toThrow(
      'attempt 4',
    );
    expect(work).toHaveBeenCalledTimes(4);
    expect(sleepFn).toHaveBeenCalledTimes(3);
  });

  it('does not retry an error shouldRetry refuses', async () => {
    const sleepFn = vi.fn(async () => {});
    const work = vi.fn(async () => {
      throw new Error('final');
    });

    await expect(retry(work, { ...backoff, shouldRetry: () => false, sleep: sleepFn })).rejects.toThrow(
      'final',
    );
    expect(work).toHaveBeenCalledTimes(1);
    expect(sleepFn).not.toHaveBeenCalled();
  });
});

describe('sleep', () => {
  it('waits on a timer', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const waiting = sleep(1_000).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
