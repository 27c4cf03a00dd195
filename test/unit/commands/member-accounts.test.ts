import { describe, expect, it } from 'vitest';
import type { AccountResult } from '../../../src/accounts/run-accounts.js';
import { type TargetAccount, targetAccounts } from '../../../src/accounts/target-accounts.js';
import { CommandFailed } from '../../../src/commands/command-context.js';
import {
  aboutAccount,
  accountProblems,
  accountsFailure,
  accountsReport,
  issuesByAccount,
  rosterOfAccount,
  totalOf,
  untitled,
} from '../../../src/commands/member-accounts.js';
import { desiredUser } from '../support/factories.js';

const [PROD, DEV, QA] = targetAccounts(
  { prod: { id: '111111111111' }, dev: { id: '222222222222' }, qa: { id: '333333333333' } },
  'aws',
) as [TargetAccount, TargetAccount, TargetAccount];

const ok = (account: TargetAccount, value: number): AccountResult<number> => ({
  account,
  outcome: 'ok',
  value,
  durationMs: 1,
});
const failed = (
  account: TargetAccount,
  message: string,
  error: unknown = new Error(message),
): AccountResult<number> => ({
  account,
  outcome: 'failed',
  error,
  message,
  durationMs: 1,
});

class Verdict extends Error {}

describe('accountProblems', () => {
  it('names the accounts that failed and those whose value the command judges wanting, in order', () => {
    const results = [
      ok(PROD, 0),
      failed(DEV, 'account dev (222222222222): the hub role may not assume it'),
      failed(QA, 'refused', new Verdict('refused')),
      ok(PROD, 2),
    ];

    const problems = accountProblems(
      results,
      (value) => (value > 0 ? { message: `${value} plan errors`, kind: 'invalid' } : undefined),
      (error) => (error instanceof Verdict ? 'invalid' : 'failed'),
    );

    expect(problems.map((p) => [p.account.name, p.message, p.kind])).toEqual([
      ['dev', 'the hub role may not assume it', 'failed'],
      ['qa', 'refused', 'invalid'],
      ['prod', '2 plan errors', 'invalid'],
    ]);
  });
});

describe('accountsFailure', () => {
  it('is one line naming every account, failed when any failed, invalid otherwise', () => {
    const planErrors = (value: number) =>
      value > 0 ? ({ message: `${value} plan error`, kind: 'invalid' } as const) : undefined;

    expect(accountsFailure([ok(PROD, 0), ok(DEV, 0), ok(QA, 0)], planErrors)).toBeUndefined();
    expect(accountsFailure([failed(PROD, 'AccessDenied'), ok(DEV, 0)])).toEqual(
      new CommandFailed('1 of 2 accounts failed: prod (111111111111): AccessDenied', 'failed'),
    );
    expect(accountsFailure([ok(PROD, 1), ok(DEV, 0), ok(QA, 0)], planErrors)).toEqual(
      new CommandFailed('1 of 3 accounts failed: prod (111111111111): 1 plan error', 'invalid'),
    );
    expect(accountsFailure([ok(PROD, 1), failed(DEV, 'Throttling: Rate exceeded')], planErrors)).toEqual(
      new CommandFailed(
        '2 of 2 accounts failed: prod (111111111111): 1 plan error; dev (222222222222): Throttling: Rate exceeded',
        'failed',
      ),
    );
  });
});

describe('aboutAccount', () => {
  it("drops the account's own prefix only", () => {
    expect(aboutAccount('account prod (111111111111): AccessDenied', PROD)).toBe('AccessDenied');
    expect(aboutAccount('account dev (222222222222): AccessDenied', PROD)).toBe(
      'account dev (222222222222): AccessDenied',
    );
  });
});

describe('untitled', () => {
  it("drops the report's own ### title, keeping its #### parts", () => {
    expect(untitled('### iam-gitops plan for `a/b` at `/p/`\n\n**1 to create**\n\n#### Errors\n')).toBe(
      '**1 to create**\n\n#### Errors\n',
    );
    expect(untitled('**no title**\n### later\n')).toBe('**no title**\n### later\n');
  });
});

describe('rosterOfAccount', () => {
  it('keeps the users of the account, and the rest of what was validated', () => {
    const validated = {
      roster: {
        users: [
          desiredUser('alice@example.com', { accounts: ['prod', 'dev'] }),
          desiredUser('dave@example.com', { accounts: ['prod'] }),
        ],
      },
      warnings: [],
      config: { accounts: { prod: { id: '111111111111' }, dev: { id: '222222222222' } } },
      configSource: undefined,
    };

    const dev = rosterOfAccount(validated, 'dev');

    expect(dev.roster.users.map((user) => user.name)).toEqual(['alice@example.com']);
    expect(dev.config).toBe(validated.config);
  });
});

describe('issuesByAccount and totalOf', () => {
  it('read the accounts that ran, and skip the failed ones', () => {
    const issue = { file: 'users', field: '', line: 1, column: 1, message: 'x' };
    const results = [ok(PROD, 2), failed(DEV, 'no'), ok(QA, 0)];

    expect(issuesByAccount(results, (value) => Array(value).fill(issue))).toEqual([
      { account: 'prod', issues: [issue, issue] },
    ]);
    expect(totalOf(results, (value) => value + 1)).toBe(4);
  });
});

describe('accountsReport', () => {
  it('renders the whole report unless given a limit, and its JSON', () => {
    const text = `${'line\n'.repeat(200)}`;
    const report = accountsReport({
      command: 'invites',
      title: '## title',
      results: [ok(PROD, 1)],
      report: { markdown: () => text, json: (value) => ({ value }) },
    });

    expect(report.markdown()).toContain(text);
    expect(report.markdown({ limit: 600 }).length).toBeLessThanOrEqual(600);
    expect(report.json).toEqual({
      version: 1,
      summary: { accounts: 1, failed: [] },
      accounts: { prod: { accountId: '111111111111', outcome: 'ok', value: 1 } },
    });
    expect(report.totals).toEqual({});
    expect(report.issues).toEqual([]);
  });
});
