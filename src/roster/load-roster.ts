// Loads the users directory into a Roster, reporting every problem in every file at once.
// No AWS call happens here: IAM's own limits, the guardrails and the accounts of iam-gitops.yaml
// are checked before anything is sent.
import { basename, extname } from 'node:path';
import type { RepoConfigSource } from '../config/load-repo-config.js';
import { REPO_CONFIG_FILE, type RepoConfig } from '../config/repo-config-schema.js';
import { CHANGE_PASSWORD_POLICY_ARN, IAM_LIMITS } from '../contract.js';
import { isEmailAddress } from '../settings/fields.js';
import { resolveAccounts } from './accounts.js';
import { guardrailIssues, guardrailWarnings } from './guardrails.js';
import { type FieldPositions, parseUserFile, positionFor } from './parse-user-file.js';
import { readUserFiles } from './read-user-files.js';
import type { DesiredUser, Roster } from './roster.js';
import { compareIssues, type RosterIssue } from './roster-issue.js';

export interface LoadRosterOptions {
  /** Absolute or cwd-relative path of the users directory. */
  readonly usersDir: string;
  /** How the directory is named in messages and annotations (relative to the repository root). */
  readonly displayDir?: string;
  /** When set, a console user without an email address is sent to `<name>@<emailDomain>`. */
  readonly emailDomain?: string | undefined;
  /**
   * The parsed iam-gitops.yaml. Its `guardrails` bound what a file may grant, its `accounts` what
   * a file's `accounts` may name. Without it (or with `{}`), neither is checked: one account, no
   * guardrails, as before the configuration existed.
   */
  readonly config?: RepoConfig | undefined;
  /** Where `config` was read from, for the lines of its warnings; default iam-gitops.yaml, line 1. */
  readonly configSource?: RepoConfigSource | undefined;
}

export type RosterResult =
  | {
      readonly ok: true;
      readonly roster: Roster;
      readonly fileCount: number;
      /** Guardrails opted out with `'*'`, at their line in the configuration: shown in the plan. */
      readonly warnings: readonly RosterIssue[];
    }
  | { readonly ok: false; readonly issues: readonly RosterIssue[]; readonly fileCount: number };

export async function loadRoster(options: LoadRosterOptions): Promise<RosterResult> {
  const displayDir = options.displayDir ?? options.usersDir;
  const config = options.config ?? {};
  const configSource = options.configSource ?? { file: REPO_CONFIG_FILE, positions: new Map() };
  const configFile = configSource.file;
  const raw = await readUserFiles(options.usersDir, displayDir);
  const issues: RosterIssue[] = [...raw.issues];
  const users: DesiredUser[] = [];
  // Every readable name, valid file or not, so a duplicate is reported alongside other problems.
  const claims: { readonly name: string; readonly file: string; readonly positions: FieldPositions }[] = [];

  for (const file of raw.files) {
    const parsed = parseUserFile(file.displayPath, file.text);
    issues.push(...parsed.issues);
    const { positions } = parsed;
    const at = (field: string) => ({ file: file.displayPath, field, ...positionFor(positions, field) });
    // Checked even when other fields are invalid, so that one run reports every problem.
    const stem = basename(file.fileName, extname(file.fileName));
    if (parsed.name !== undefined && stem !== parsed.name) {
      issues.push({
        ...at('name'),
        message: `must equal the file's name "${stem}" (the file is ${file.fileName})`,
      });
    }
    if (parsed.name !== undefined) claims.push({ name: parsed.name, file: file.displayPath, positions });
    const { user } = parsed;
    if (!user) continue;
    const console = user.console ?? true;
    const email = user.email ?? (isEmailAddress(user.name) ? user.name : undefined);
    if (console && email === undefined && !options.emailDomain) {
      issues.push({
        ...at('name'),
        field: 'email',
        message:
          'console access needs an email address: add `email:`, use an email address as the name, or set console: false',
      });
    }
    const policies = user.policies ?? [];
    if (
      console &&
      policies.length >= IAM_LIMITS.managedPoliciesPerUser &&
      !policies.includes(CHANGE_PASSWORD_POLICY_ARN)
    ) {
      issues.push({
        ...at('policies'),
        message: `at most ${IAM_LIMITS.managedPoliciesPerUser - 1} policies for a console user: IAMUserChangePassword takes the 10th place`,
      });
    }
    const placed = resolveAccounts(user.accounts, config, configFile);
    for (const issue of placed.issues) issues.push({ ...at(issue.field), message: issue.message });
    const desired: DesiredUser = {
      name: user.name,
      email,
      groups: user.groups ?? [],
      policies,
      tags: user.tags ?? {},
      console,
      permissionsBoundary: user.permissionsBoundary,
      adopt: user.adopt ?? false,
      ...(placed.accounts !== undefined ? { accounts: placed.accounts } : {}),
      source: { file: file.displayPath, positions },
    };
    if (config.guardrails !== undefined) {
      issues.push(
        ...guardrailIssues(desired, config.guardrails, { configFile, emailDomain: options.emailDomain }),
      );
    }
    users.push(desired);
  }

  // IAM user names are unique regardless of case: two files may not claim one user.
  const byName = new Map<string, (typeof claims)[number][]>();
  for (const claim of claims) {
    const key = claim.name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), claim]);
  }
  for (const same of byName.values()) {
    if (same.length < 2) continue;
    for (const claim of same) {
      const others = same.filter((other) => other !== claim).map((other) => other.file);
      issues.push({
        file: claim.file,
        field: 'name',
        ...positionFor(claim.positions, 'name'),
        message: `"${claim.name}" is also claimed by ${others.join(', ')} (IAM user names are unique regardless of case)`,
      });
    }
  }

  const fileCount = raw.files.length + raw.issues.length;
  if (issues.length === 0 && users.length === 0) {
    // Never let an empty or mistyped directory read as "every user was removed".
    issues.push({
      file: displayDir,
      field: '',
      line: 1,
      column: 1,
      message:
        'holds no user files (*.yaml, *.yml); an empty roster is refused so that it can never remove everyone',
    });
  }
  if (issues.length > 0) return { ok: false, issues: issues.sort(compareIssues), fileCount };
  return {
    ok: true,
    roster: { users },
    fileCount,
    warnings: guardrailWarnings(config.guardrails, configSource),
  };
}
