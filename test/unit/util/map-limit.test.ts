import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../src/util/map-limit.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapLimit', () => {
  it('returns the results in input order, whatever order the work finishes in', async () => {
    const results = await mapLimit([30, 10, 20, 0], 4, async (ms, index) => {
      await delay(ms);
      return `${index}:${ms}`;
    });

    expect(results).toEqual(['0:30', '1:10', '2:20', '3:0']);
  });

  it.each([
    [1, 1],
    [3, 3],
    [50, 10],
    [0, 1],
  ])('keeps at most %i in flight (saw %i) and works every item once', async (limit, expected) => {
    let inFlight = 0;
    let maxInFlight = 0;
    const seen: number[] = [];

    await mapLimit(
      Array.from({ length: 10 }, (_, i) => i),
      limit,
      async (item) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        seen.push(item);
        await delay(2);
        inFlight--;
      },
    );

    expect(maxInFlight).toBe(expected);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('returns an empty list for no items without calling the work', async () => {
    let calls = 0;

    const results = await mapLimit([], 4, async () => {
      calls++;
    });

    expect(results).toEqual([]);
    expect(calls).toBe(0);
  });

  it('rejects with the first error the work throws', async () => {
    const failure = new Error('boom');

    const run = mapLimit([1, 2, 3], 2, async (item) => {
      if (item === 2) throw failure;
      return item;
    });

    await expect(run).rejects.toBe(failure);
  });
});
