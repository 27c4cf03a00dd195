import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, withRetry } from '../../../src/util/retry.js';

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
