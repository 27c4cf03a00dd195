// Reads `iam-gitops.yaml` into a RepoConfig, reporting every problem at once as
// `FILE:LINE:COL: field: message`. No AWS call happens here.
import { readFileSync } from 'node:fs';
import type { RosterIssue } from '../roster/roster-issue.js';
import { type FieldPositions, parseLocatedYaml, positionFor } from '../yaml/located-yaml.js';
import { ANY, REPO_CONFIG_FILE, type RepoConfig, repoConfigSchema } from './repo-config-schema.js';

/** The configuration is a few lines; anything this large is a mistake or an attack. */
export const MAX_REPO_CONFIG_BYTES = 64 * 1024;

export interface LoadRepoConfigOptions {
  /** Absolute or cwd-relative path of the file. */
  readonly path: string;
  /** How the file is named in messages and annotations (relative to the repository root). */
  readonly displayPath: string;
  /** A missing file is an error (the input or flag named it) rather than "no configuration". */
  readonly required: boolean;
}

/** Where the configuration was read from, so findings about it point at its lines. */
export interface RepoConfigSource {
  /** As the user sees it, relative to the repository root: `iam-gitops.yaml`. */
  readonly file: string;
  readonly positions: FieldPositions;
}

export type RepoConfigResult =
  | {
      readonly ok: true;
      /** `{}` when the file does not exist and was not required. */
      readonly config: RepoConfig;
      /** Undefined when there was no file. */
      readonly source: RepoConfigSource | undefined;
    }
  | { readonly ok: false; readonly issues: readonly RosterIssue[] };

export async function loadRepoConfig(options: LoadRepoConfigOptions): Promise<RepoConfigResult> {
  const file = options.displayPath;
  const whole = (message: string): RepoConfigResult => ({
    ok: false,
    issues: [{ file, field: '', line: 1, column: 1, message }],
  });
  let bytes: Buffer;
  try {
    // Read synchronously, as the roster's files are: a few lines, and the first asynchronous file
    // read of a run also starts libuv's thread pool (about 8 ms of a cold start, for one file).
    bytes = readFileSync(options.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.required) return { ok: true, config: {}, source: undefined };
    if (code === 'ENOENT') return whole('does not exist');
    if (code === 'EISDIR') return whole('is a directory, not a file');
    return whole(`cannot be read (${code ?? String(error)})`);
  }
  if (bytes.length > MAX_REPO_CONFIG_BYTES) return whole(`is larger than ${MAX_REPO_CONFIG_BYTES} bytes`);
  if (bytes.includes(0)) return whole('is not a text file');
  return parseRepoConfig(file, bytes.toString('utf8'));
}

/** Parses the text of `iam-gitops.yaml` (named `file` in messages) and checks it across fields. */
export function parseRepoConfig(file: string, text: string): RepoConfigResult {
  const parsed = parseLocatedYaml(file, text, repoConfigSchema, {
    describes: 'the iam-gitops configuration',
    fieldsHint: 'guardrails, accounts, defaultAccounts',
    oneDocumentHint: 'keep the configuration in one document',
  });
  const { positions } = parsed;
  if (parsed.value === undefined) return { ok: false, issues: parsed.issues };
  const config = parsed.value;
  const at = (field: string, message: string): RosterIssue => ({
    file,
    field,
    ...positionFor(positions, field),
    message,
  });
  const issues: RosterIssue[] = [];

  const accounts = config.accounts ?? {};
  const names = Object.keys(accounts);
  const seen = new Map<string, string>();
  for (const [name, account] of Object.entries(accounts)) {
    const other = seen.get(account.id);
    if (other !== undefined) issues.push(at(`accounts.${name}.id`, `${account.id} is also account ${other}`));
    else seen.set(account.id, name);
  }
  const lowerNames = new Map<string, string>();
  for (const name of names) {
    const clash = lowerNames.get(name.toLowerCase());
    if (clash !== undefined) issues.push(at(`accounts.${name}`, `differs from ${clash} only in case`));
    lowerNames.set(name.toLowerCase(), name);
  }
  if (config.defaultAccounts !== undefined && config.accounts === undefined) {
    issues.push(at('defaultAccounts', 'needs accounts: to name the accounts it refers to'));
  } else {
    config.defaultAccounts?.forEach((name, index) => {
      if (!names.includes(name)) {
        issues.push(
          at(`defaultAccounts.${index}`, `unknown account "${name}" (accounts: ${names.join(', ')})`),
        );
      }
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, config, source: { file, positions } };
}

/** Whether a guardrail list allows any value (`['*']`). */
export function allowsAny(list: readonly string[]): boolean {
  return list.includes(ANY);
}

/**
 * Where a finding about `field` (dotted, `guardrails.permissionsBoundary`) belongs: its line in
 * the file the configuration was read from, else line 1 of iam-gitops.yaml (a configuration
 * given without its source, as in tests).
 */
export function locateConfigField(
  source: RepoConfigSource | undefined,
  field: string,
): Omit<RosterIssue, 'message'> {
  if (source === undefined) return { file: REPO_CONFIG_FILE, field, line: 1, column: 1 };
  return { file: source.file, field, ...positionFor(source.positions, field) };
}
