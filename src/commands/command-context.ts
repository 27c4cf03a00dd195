// What a command runner (src/commands/run-*.ts) works with, whichever front end started it: the
// settings, a reporter that tells the person (the action: annotations, job summary, outputs and
// the pull request comment, src/github/action-reporter.ts; the CLI: stdout and stderr,
// src/cli/cli-reporter.ts) and AWS on demand. The runners hold the sequence of each command once;
// the front ends differ only in how they say things.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AccountsMarkdownOptions } from '../accounts/render-accounts.js';
import type { MemberIamClientFactory } from '../accounts/role-chain.js';
import type { AccountResult } from '../accounts/run-accounts.js';
import type { ApplyResult, ChangeOutcome } from '../iam/apply-plan.js';
import { countOf } from '../plan/markdown.js';
import type { Plan } from '../plan/plan.js';
import type { RosterIssue } from '../roster/roster-issue.js';
import type { Drift } from './drift.js';
import type { ResendRequested } from './resend.js';
import type { RunSettings } from './settings.js';
import type { StaleInviteReport } from './stale-invites.js';

export interface CommandContext {
  readonly settings: RunSettings;
  readonly report: Reporter;
  /**
   * The IAM client for this run, made when a runner first needs AWS: after the roster and the
   * configuration proved valid, so that a broken file never gets as far as STS.
   */
  readonly iamClient: () => Promise<IAMClient>;
  /**
   * Many accounts (`accounts:` in iam-gitops.yaml): the hub's access, made when a runner first
   * needs AWS, as iamClient() is for one account. Never called without `accounts:`.
   */
  readonly hub: () => Promise<HubAccess>;
  /** resend: the IAM user to re-send sign-in details to. */
  readonly user: string | undefined;
  /** resend, many accounts: the one account to re-send in; undefined: every account the user is in. */
  readonly account?: string | undefined;
  /** Names the run in a re-send's request tag: the workflow run id, or `cli`. */
  readonly runId: string;
}

/**
 * What a many-accounts run enters the member accounts with (DESIGN.md, "Many accounts"): STS
 * acting as the hub (role-to-assume by OIDC, or the environment's credentials), from which each
 * account's plan or apply role is assumed (src/accounts/role-chain.ts).
 */
export interface HubAccess {
  readonly sts: STSClient;
  /** The partition of the member roles' ARNs (`aws`, `aws-cn`, ...), from the hub's own ARN. */
  readonly partition: string;
  /** Hides each assumed key from the log before use: `core.setSecret` in the action. */
  readonly mask: (secret: string) => void;
  readonly createIamClient: MemberIamClientFactory;
  /** Requested length of each member session (clamped to 900-3600 s: role chaining). */
  readonly durationSeconds?: number | undefined;
}

/** The commands that work across accounts. */
export type AccountsCommand = 'plan' | 'apply' | 'resend' | 'drift' | 'invites';

/** Problems to annotate at their place, found in one account (a plan error such as a missing group). */
export interface AccountIssues {
  readonly account: string;
  readonly issues: readonly RosterIssue[];
}

/**
 * A many-accounts run's report, for a front end to tell in its own way: the table of accounts and
 * a section per account, in Markdown cut to the size the front end can show; the JSON document
 * with each account's result; the totals behind the outputs.
 */
export interface AccountsReport {
  readonly command: AccountsCommand;
  readonly results: readonly AccountResult<unknown>[];
  /** The report in Markdown (renderAccountsMarkdown): whole unless `limit` says otherwise. */
  readonly markdown: (options?: Omit<AccountsMarkdownOptions, 'title'>) => string;
  /** `{ version, summary, accounts: { <name>: ... } }` (accountsToJson). */
  readonly json: Record<string, unknown>;
  /** Sums over the accounts that ran, for the step outputs. */
  readonly totals: {
    readonly changes?: number;
    readonly drift?: number;
    readonly staleInvites?: number;
  };
  readonly issues: readonly AccountIssues[];
}

export type CommandRunner = (context: CommandContext) => Promise<void>;

/**
 * `invalid`: the roster, the plan or the state of IAM says no (exit 1); `failed`: something that
 * should have worked did not, and a rerun may fix it (exit 2).
 */
export type FailureKind = 'invalid' | 'failed';

/**
 * The command ran to its end and its verdict is a failure, already reported in detail: the
 * message is the one line that ends the run (the action's failed step, the CLI's last line).
 */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    message: string,
    readonly kind: FailureKind,
  ) {
    super(message);
  }
}

export interface DriftFindings {
  readonly plan: Plan;
  readonly drift: Drift;
  readonly count: number;
  readonly invites: StaleInviteReport;
  /** Drift and stale invitations, as one Markdown report. */
  readonly markdown: string;
}

/** How a front end tells the person what a runner found. Markdown, where given, is the shared wording. */
export interface Reporter {
  /** The roster or the configuration is invalid: every issue at its file, line and column. */
  invalid(issues: readonly RosterIssue[]): Promise<void>;
  /** Findings that do not stop the run, each at its place (a guardrail opted out with `'*'`). */
  warnings(findings: readonly RosterIssue[]): void;
  /** validate: every file is valid. */
  valid(counts: { readonly users: number; readonly files: number }): Promise<void>;
  /** The plan: of the plan command, or of an apply that stops on plan errors. */
  planned(plan: Plan, markdown: string): Promise<void>;
  /** apply: one change done, failed or skipped, as it happens; in `account` with many accounts. */
  changed(outcome: ChangeOutcome, account?: string): void;
  applied(plan: Plan, result: ApplyResult, markdown: string): Promise<void>;
  resent(request: ResendRequested, markdown: string): Promise<void>;
  drifted(findings: DriftFindings): Promise<void>;
  invites(report: StaleInviteReport, markdown: string): Promise<void>;
  /** Something that does not fail the run but should not go unseen. */
  warning(message: string): void;
  /** Many accounts: every command's report, once all accounts have settled. */
  acrossAccounts(report: AccountsReport): Promise<void>;
  /** Many accounts: one line as each account settles, for the log. */
  progress(message: string): void;
}

/** The line that ends a run stopped by an invalid roster or configuration. */
export function rosterFailure(issues: readonly RosterIssue[], consequence?: string): CommandFailed {
  const files = new Set(issues.map((issue) => issue.file)).size;
  const line = `${countOf(issues.length, 'error')} in ${countOf(files, 'file')}`;
  return new CommandFailed(consequence === undefined ? line : `${line}; ${consequence}`, 'invalid');
}
