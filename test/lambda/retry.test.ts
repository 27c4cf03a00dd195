import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, retry, sleep } from '../../lambda/src/retry.js';

const backoff = { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 };

describe('backoffDelay', () => {
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
