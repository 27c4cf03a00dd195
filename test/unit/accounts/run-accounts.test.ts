import { IAMServiceException } from '@aws-sdk/client-iam';
import { describe, expect, it, vi } from 'vitest';
import {
  type AccountResult,
  accountsSummaryLine,
  failedAccounts,
  runAccounts,
} from '../../../src/accounts/run-accounts.js';
import { type TargetAccount, targetAccounts } from '../../../src/accounts/target-accounts.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function accounts(count: number): TargetAccount[] {
  return targetAccounts(
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => [`acct${i}`, { id: String(100_000_000_000 + i) }]),
    ),
    'aws',
  );
}

const throttled = () =>
  new IAMServiceException({ name: 'Throttling', $fault: 'client', $metadata: {}, message: 'Rate exceeded' });

describe('runAccounts', () => {
  it("returns each account's value in the accounts' order, whatever order they finish in", async () => {
    const targets = accounts(3);
    const waits = [30, 0, 10];

    const results = await runAccounts(targets, { maxParallel: 3 }, async (account) => {
      await delay(waits[targets.indexOf(account)] ?? 0);
      return `planned ${account.name}`;
    });

    expect(results.map((r) => [r.account.name, r.outcome, r.outcome === 'ok' ? r.value : undefined])).toEqual(
      [
        ['acct0', 'ok', 'planned acct0'],
        ['acct1', 'ok', 'planned acct1'],
        ['acct2', 'ok', 'planned acct2'],
      ],
    );
  });

  it('isolates a failing account: the others start, finish and keep their values', async () => {
    const targets = accounts(5);
    const finished: string[] = [];
    const denied = new Error('account acct1 (100000000001): the hub role may not assume ...');

    const results = await runAccounts(targets, { maxParallel: 2 }, async (account) => {
      if (account.name === 'acct1') throw denied;
      if (account.name === 'acct3') throw throttled();
      await delay(5);
      finished.push(account.name);
      return account.id;
    });

    expect(finished.sort()).toEqual(['acct0', 'acct2', 'acct4']);
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'failed', 'ok', 'failed', 'ok']);
    expect(results[1]).toMatchObject({ outcome: 'failed', error: denied, message: denied.message });
    expect(results[3]).toMatchObject({ outcome: 'failed', message: 'Throttling: Rate exceeded' });
    expect(results[4]).toMatchObject({ outcome: 'ok', value: '100000000004' });
  });

  it('catches a synchronous throw and a thrown non-Error like any failure', async () => {
    const targets = accounts(3);

    const results = await runAccounts(targets, { maxParallel: 3 }, (account) => {
      if (account.name === 'acct0') throw new TypeError('plan is undefined');
      if (account.name === 'acct1') return Promise.reject('a string');
      return Promise.resolve(1);
    });

    expect(results.map((r) => (r.outcome === 'failed' ? r.message : r.value))).toEqual([
      'plan is undefined',
      'a string',
      1,
    ]);
  });

  it.each([
    [1, 1],
    [2, 2],
    [4, 4],
    [32, 6],
  ])('keeps at most %i accounts in flight (saw %i), failures included', async (maxParallel, expected) => {
    let inFlight = 0;
    let most = 0;
    const started: string[] = [];

    await runAccounts(accounts(6), { maxParallel }, async (account) => {
      inFlight++;
      most = Math.max(most, inFlight);
      started.push(account.name);
      await delay(5);
      inFlight--;
      if (account.name === 'acct2') throw new Error('boom');
    });

    expect(most).toBe(expected);
    expect(started.sort()).toEqual(['acct0', 'acct1', 'acct2', 'acct3', 'acct4', 'acct5']);
  });

  it('tells each settled account as it settles, with its duration', async () => {
    let clock = 1_000;
    const onSettled = vi.fn((_result: AccountResult<number>) => undefined);

    await runAccounts(accounts(2), { maxParallel: 1, onSettled, now: () => clock }, async (account) => {
      clock += 250;
      if (account.name === 'acct1') throw new Error('no');
      return 7;
    });

    expect(onSettled.mock.calls.map(([r]) => [r.account.name, r.outcome, r.durationMs])).toEqual([
      ['acct0', 'ok', 250],
      ['acct1', 'failed', 250],
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN])(
    'refuses max-parallel-accounts %s before any work',
    async (maxParallel) => {
      const work = vi.fn(async () => 1);

      await expect(runAccounts(accounts(2), { maxParallel }, work)).rejects.toThrow(
        `max-parallel-accounts must be a whole number of at least 1 (got ${maxParallel})`,
      );
      expect(work).not.toHaveBeenCalled();
    },
  );

  it('does nothing for no accounts', async () => {
    const work = vi.fn(async () => 1);

    expect(await runAccounts([], { maxParallel: 4 }, work)).toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });
});

describe('failedAccounts', () => {
  it('lists the failed results only, in order', async () => {
    const results = await runAccounts(accounts(3), { maxParallel: 3 }, async (account) => {
      if (account.name !== 'acct1') throw new Error(`${account.name} broke`);
      return 1;
    });

    expect(failedAccounts(results).map((f) => [f.account.name, f.message])).toEqual([
      ['acct0', 'acct0 broke'],
      ['acct2', 'acct2 broke'],
    ]);
  });
});

describe('accountsSummaryLine', () => {
  it('says all accounts are done', async () => {
    const results = await runAccounts(accounts(3), { maxParallel: 3 }, async () => 1);

    expect(accountsSummaryLine(results)).toBe('all 3 accounts done');
  });

  it('names each failed account, its id and why', async () => {
    const results = await runAccounts(accounts(3), { maxParallel: 3 }, async (account) => {
      if (account.name === 'acct2') throw throttled();
      return 1;
    });

    expect(accountsSummaryLine(results)).toBe(
      '1 of 3 accounts failed: acct2 (100000000002): Throttling: Rate exceeded',
    );
  });
});
