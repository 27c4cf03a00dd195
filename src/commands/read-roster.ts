// The first step of every command but `invites`: iam-gitops.yaml, then the roster checked against
// it, each read once per run, before any AWS call. The runners hand the roster on; nothing reads
// it again.
import { loadRepoConfig, type RepoConfigSource } from '../config/load-repo-config.js';
import type { RepoConfig } from '../config/repo-config-schema.js';
import { loadRoster } from '../roster/load-roster.js';
import type { Roster } from '../roster/roster.js';
import type { RosterIssue } from '../roster/roster-issue.js';
import { type CommandContext, rosterFailure } from './command-context.js';
import type { RosterSettings, RunSettings } from './settings.js';

/** A roster that passed every check, with the configuration it was checked against. */
export interface ValidatedRoster {
  readonly kind: 'valid';
  readonly roster: Roster;
  readonly fileCount: number;
  /** Guardrails opted out with `'*'`: shown in the plan, blocking nothing. */
  readonly warnings: readonly RosterIssue[];
  /** The parsed iam-gitops.yaml (`{}` without one). */
  readonly config: RepoConfig;
  /** Where it was read from, so plan errors about it point at its lines. */
  readonly configSource: RepoConfigSource | undefined;
}

export type RosterOutcome =
  | ValidatedRoster
  | { readonly kind: 'invalid'; readonly issues: readonly RosterIssue[]; readonly fileCount: number };

/** What makePlan needs of a validated roster; a many-account runner passes one account's roster. */
export type RosterToPlan = Pick<ValidatedRoster, 'roster' | 'warnings' | 'config' | 'configSource'>;

/**
 * Validation only: no AWS call. `config` is the parsed iam-gitops.yaml (its guardrails and
 * accounts are checked); without it, neither is, as before the configuration existed.
 */
export async function validateRoster(
  settings: RosterSettings,
  config?: RepoConfig,
  configSource?: RepoConfigSource,
): Promise<RosterOutcome> {
  const result = await loadRoster({
    usersDir: settings.usersDir,
    displayDir: settings.displayDir,
    emailDomain: settings.emailDomain,
    config,
    configSource,
  });
  if (!result.ok) return { kind: 'invalid', issues: result.issues, fileCount: result.fileCount };
  return {
    kind: 'valid',
    roster: result.roster,
    fileCount: result.fileCount,
    warnings: result.warnings,
    config: config ?? {},
    configSource,
  };
}

export type RosterRead = RosterOutcome;

/** iam-gitops.yaml, then the roster checked against it; every error of both reported together. */
export async function readRoster(settings: RunSettings): Promise<RosterRead> {
  const configured = await loadRepoConfig(settings.config);
  if (!configured.ok) {
    // The roster is still read, so that one run reports every error of both.
    const roster = await validateRoster(settings);
    const issues = [...configured.issues, ...(roster.kind === 'invalid' ? roster.issues : [])];
    return { kind: 'invalid', issues, fileCount: roster.fileCount };
  }
  return validateRoster(settings, configured.config, configured.source);
}

export type ValidRoster = ValidatedRoster;

/** What an invalid roster leaves untouched, for the line that ends a run that needs AWS. */
export const NOTHING_READ = 'nothing was read from or changed in IAM';

/**
 * The valid roster, its warnings reported; or, for an invalid one, every issue reported and the
 * run ended (CommandFailed) before any AWS call.
 */
export async function validRoster(context: CommandContext, consequence?: string): Promise<ValidRoster> {
  const read = await readRoster(context.settings);
  if (read.kind === 'invalid') {
    await context.report.invalid(read.issues);
    throw rosterFailure(read.issues, consequence);
  }
  if (read.warnings.length > 0) context.report.warnings(read.warnings);
  return read;
}
