// What a command runner (src/commands/run-*.ts) works with, whichever front end started it: the
// settings, a reporter that tells the person (the action: annotations, job summary, outputs and
// the pull request comment, src/github/action-reporter.ts; the CLI: stdout and stderr,
// src/cli/cli-reporter.ts) and AWS on demand. The runners hold the sequence of each command once;
// the front ends differ only in how they say things.
import type { IAMClient } from '@aws-sdk/client-iam';
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
  /** resend: the IAM user to re-send sign-in details to. */
  readonly user: string | undefined;
  /** Names the run in a re-send's request tag: the workflow run id, or `cli`. */
  readonly runId: string;
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
  /** apply: one change done, failed or skipped, as it happens. */
  changed(outcome: ChangeOutcome): void;
  applied(plan: Plan, result: ApplyResult, markdown: string): Promise<void>;
  resent(request: ResendRequested, markdown: string): Promise<void>;
  drifted(findings: DriftFindings): Promise<void>;
  invites(report: StaleInviteReport, markdown: string): Promise<void>;
  /** Something that does not fail the run but should not go unseen. */
  warning(message: string): void;
}

/** The line that ends a run stopped by an invalid roster or configuration. */
export function rosterFailure(issues: readonly RosterIssue[], consequence?: string): CommandFailed {
  const files = new Set(issues.map((issue) => issue.file)).size;
  const line = `${countOf(issues.length, 'error')} in ${countOf(files, 'file')}`;
  return new CommandFailed(consequence === undefined ? line : `${line}; ${consequence}`, 'invalid');
}
