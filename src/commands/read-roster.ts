// The first step of every command but `invites`: iam-gitops.yaml, then the roster checked against
// it, each read once per run, before any AWS call. The runners hand the roster on; nothing reads
// it again.
import { loadRepoConfig } from '../config/load-repo-config.js';
import type { RepoConfig } from '../config/repo-config-schema.js';
import { loadRoster } from '../roster/load-roster.js';
import type { Roster } from '../roster/roster.js';
import type { RosterIssue } from '../roster/roster-issue.js';
import { type CommandContext, rosterFailure } from './command-context.js';
import type { RunSettings } from './settings.js';

export type RosterRead =
  | { readonly kind: 'invalid'; readonly issues: readonly RosterIssue[] }
  | {
      readonly kind: 'valid';
      readonly roster: Roster;
      readonly fileCount: number;
      readonly config: RepoConfig;
      /** Findings that do not stop the run, at their place (a guardrail opted out with `'*'`). */
      readonly warnings: readonly RosterIssue[];
    };

export async function readRoster(settings: RunSettings): Promise<RosterRead> {
  const configured = await loadRepoConfig(settings.config);
  const loaded = await loadRoster({
    usersDir: settings.usersDir,
    displayDir: settings.displayDir,
    emailDomain: settings.emailDomain,
    // With the guardrails and accounts of the core branch: config, configSource (and warnings below).
  });
  // A broken configuration and broken user files are reported together: one run, every error.
  const issues = [...(configured.ok ? [] : configured.issues), ...(loaded.ok ? [] : loaded.issues)];
  if (!configured.ok || !loaded.ok) return { kind: 'invalid', issues };
  return {
    kind: 'valid',
    roster: loaded.roster,
    fileCount: loaded.fileCount,
    config: configured.config,
    warnings: [],
  };
}

export type ValidRoster = Extract<RosterRead, { kind: 'valid' }>;

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
