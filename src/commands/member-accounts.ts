// Many accounts (DESIGN.md, "Many accounts"), what every runner's many-accounts path shares: the
// accounts of iam-gitops.yaml entered from the hub through their plan or apply role, a few at a
// time, each isolated (src/accounts/in-each-account.ts); each account's share of the roster; and
// the verdict that names every account that failed.
import { inEachAccount } from '../accounts/in-each-account.js';
import { type AccountReport, accountsToJson, renderAccountsMarkdown } from '../accounts/render-accounts.js';
import type { MemberSession } from '../accounts/role-chain.js';
import { type AccountResult, MAX_PARALLEL_ACCOUNTS } from '../accounts/run-accounts.js';
import {
  type MemberRoleKind,
  selectAccounts,
  type TargetAccount,
  targetAccounts,
} from '../accounts/target-accounts.js';
import { countOf } from '../plan/markdown.js';
import { rosterForAccount } from '../roster/accounts.js';
import type { AccountsRepoConfig } from './accounts-config.js';
import type {
  AccountIssues,
  AccountsCommand,
  AccountsReport,
  CommandContext,
  FailureKind,
} from './command-context.js';
import { CommandFailed } from './command-context.js';
import type { PlanOutcome } from './make-plan.js';
import type { RosterToPlan } from './read-roster.js';

/** `validated` with only the users of `account`: what makePlan plans in that account. */
export function rosterOfAccount(validated: RosterToPlan, account: string): RosterToPlan {
  return { ...validated, roster: rosterForAccount(validated.roster, validated.config, account) };
}

/**
 * One account's plan: its share of the roster against its own listing, read through its session.
 * The session's ARN names the account for a boundary given by name, with no extra call.
 */
export async function planInAccount(
  context: CommandContext,
  read: RosterToPlan,
  session: MemberSession,
): Promise<PlanOutcome> {
  // Loaded here, not at start: a broken roster never loads the AWS SDK.
  const { makePlan } = await import('./make-plan.js');
  return makePlan(rosterOfAccount(read, session.account.name), context.settings, session.iam, {
    accountArn: session.assumedRoleArn,
  });
}

export interface InAccountsOptions {
  /** Only these accounts (names of `accounts:`); default every account, in the file's order. */
  readonly only?: readonly string[];
}

/** `message` without a leading `account NAME (ID): ` (role-chain's errors say it), where the line names the account already. */
export function aboutAccount(message: string, account: TargetAccount): string {
  const prefix = `account ${account.name} (${account.id}): `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * `work(session)` in every account of `config` (or the `only` ones), entered from the hub through
 * its `kind` role: at most `max-parallel-accounts` at once, one account's failure recorded against
 * it and never stopping the others. A line is logged as each account settles.
 */
export async function inMemberAccounts<T>(
  context: CommandContext,
  config: AccountsRepoConfig,
  kind: MemberRoleKind,
  command: AccountsCommand,
  work: (session: MemberSession) => Promise<T>,
  options: InAccountsOptions = {},
): Promise<AccountResult<T>[]> {
  const hub = await context.hub();
  const every = targetAccounts(config.accounts, hub.partition);
  const accounts = options.only === undefined ? every : selectAccounts(every, options.only);
  const maxParallel = context.settings.maxParallelAccounts ?? MAX_PARALLEL_ACCOUNTS.default;
  context.report.progress(
    `${command} in ${countOf(accounts.length, 'account')} (${accounts.map((a) => a.name).join(', ')}), ` +
      `${maxParallel} at a time, each through its member ${kind} role`,
  );
  return inEachAccount(
    accounts,
    kind,
    {
      sts: hub.sts,
      command,
      runId: context.runId,
      durationSeconds: hub.durationSeconds,
      mask: hub.mask,
      createIamClient: hub.createIamClient,
      maxParallel,
      onSettled: (result) => {
        const { name, id } = result.account;
        context.report.progress(
          result.outcome === 'ok'
            ? `account ${name} (${id}): ${command} done in ${seconds(result.durationMs)}`
            : `account ${name} (${id}): ${command} failed after ${seconds(result.durationMs)}: ${aboutAccount(result.message, result.account)}`,
        );
      },
    },
    work,
  );
}

/** What the command makes of an account that ran to its end, when that is a failure. */
export interface Judged {
  readonly message: string;
  readonly kind: FailureKind;
}

export interface AccountProblem extends Judged {
  readonly account: TargetAccount;
}

/**
 * Every account that failed (what it threw: `failed`, unless `kindOf` says it was a verdict) or
 * whose result `judge` finds wanting (plan errors, failed changes), in the accounts' order.
 */
export function accountProblems<T>(
  results: readonly AccountResult<T>[],
  judge: (value: T) => Judged | undefined,
  kindOf: (error: unknown) => FailureKind = () => 'failed',
): AccountProblem[] {
  return results.flatMap((result): AccountProblem[] => {
    if (result.outcome === 'failed')
      return [
        {
          account: result.account,
          message: aboutAccount(result.message, result.account),
          kind: kindOf(result.error),
        },
      ];
    const judged = judge(result.value);
    return judged === undefined ? [] : [{ account: result.account, ...judged }];
  });
}

/**
 * The line that ends a run with problems (`accountProblems` of `results`), naming each account:
 * `1 of 2 accounts failed: beta (222222222222): AccessDenied: ...`. `failed` (a rerun may succeed)
 * when any account failed so, else `invalid`. Undefined when every account succeeded.
 */
export function accountsFailure<T>(
  results: readonly AccountResult<T>[],
  judge: (value: T) => Judged | undefined = () => undefined,
  kindOf?: (error: unknown) => FailureKind,
): CommandFailed | undefined {
  const problems = accountProblems(results, judge, kindOf);
  if (problems.length === 0) return undefined;
  const which = problems.map((p) => `${p.account.name} (${p.account.id}): ${p.message}`).join('; ');
  return new CommandFailed(
    `${problems.length} of ${countOf(results.length, 'account')} failed: ${which}`,
    problems.some((p) => p.kind === 'failed') ? 'failed' : 'invalid',
  );
}

/**
 * A report of one command's own Markdown, as a section under the account's heading: its title
 * line (`### iam-gitops plan for ...`, which the report's title already says once) left out, so
 * its `####` parts sit under the account's `###`.
 */
export function untitled(markdown: string): string {
  return markdown.replace(/^### [^\n]*\n+/, '');
}

/** Plan errors (and the like) of the accounts that ran, for annotations naming the account. */
export function issuesByAccount<T>(
  results: readonly AccountResult<T>[],
  issuesOf: (value: T) => AccountIssues['issues'],
): AccountIssues[] {
  return results.flatMap((result) => {
    if (result.outcome !== 'ok') return [];
    const issues = issuesOf(result.value);
    return issues.length === 0 ? [] : [{ account: result.account.name, issues }];
  });
}

/** The sum of `count` over the accounts that ran. */
export function totalOf<T>(results: readonly AccountResult<T>[], count: (value: T) => number): number {
  return results.reduce((total, result) => total + (result.outcome === 'ok' ? count(result.value) : 0), 0);
}

/** The front ends' view of a many-accounts run (command-context.ts, AccountsReport). */
export function accountsReport<T>(parts: {
  readonly command: AccountsCommand;
  readonly title: string;
  readonly results: readonly AccountResult<T>[];
  readonly report: AccountReport<T>;
  readonly totals?: AccountsReport['totals'];
  readonly issues?: readonly AccountIssues[];
}): AccountsReport {
  const { command, title, results, report } = parts;
  return {
    command,
    results,
    markdown: (options = {}) =>
      renderAccountsMarkdown(results, report, { title, limit: Number.POSITIVE_INFINITY, ...options }),
    json: accountsToJson(results, report),
    totals: parts.totals ?? {},
    issues: parts.issues ?? [],
  };
}
