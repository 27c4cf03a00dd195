// Every CLI flag, read and validated in one place before any side effect: the settings the action
// shares by their one definition (run-options.ts), so `--max-removals` is bounded as the input
// `max-removals` is, then the CLI's own (`--json`). Every invalid flag is reported at once.
import { parseArgs } from 'node:util';
import { MAX_PARALLEL_ACCOUNTS } from '../accounts/run-accounts.js';
import type { RunSettings } from '../commands/settings.js';
import { accountName, REPO_CONFIG_FILE } from '../config/repo-config-schema.js';
import { DEFAULT_IAM_PATH } from '../contract.js';
import { DEFAULT_MAX_REMOVALS } from '../plan/plan.js';
import * as z from '../util/zod.js';
import { VERSION } from '../version.js';
import { iamUserName, localPath } from './fields.js';
import { DEFAULT_REGION, DEFAULT_USERS_DIR, runOptions, runSettings, settingErrors } from './run-options.js';

/** The action's commands, plus `invites` (which the action runs as part of `drift`). */
export const CLI_COMMANDS = ['validate', 'plan', 'apply', 'resend', 'drift', 'invites'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

export interface CliSettings extends RunSettings {
  /** Machine-readable output on stdout. */
  readonly json: boolean;
}

export type CliRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'run';
      readonly command: CliCommand;
      /** resend: the IAM user to re-send sign-in details to. */
      readonly user: string | undefined;
      /** resend, many accounts: the one account to re-send in (default: every account the user is in). */
      readonly account: string | undefined;
      readonly settings: CliSettings;
    };

/** The command line itself is wrong: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `iam-gitops ${VERSION}: GitOps for AWS IAM users

Usage: iam-gitops <validate|plan|apply|resend USER|drift|invites> [options]

  validate      check every roster file and ${REPO_CONFIG_FILE}; no AWS call
  plan          show what apply would change in IAM
  apply         change IAM to match the roster
  resend USER   ask the credential Lambda to email USER new sign-in details
  drift         report what IAM holds that the roster does not say, and stale invitations
  invites       report stale invitations (sign-in details never used)

Options:
  --users-dir DIR         roster directory (default: ${DEFAULT_USERS_DIR})
  --config FILE           the configuration (default: ${REPO_CONFIG_FILE}, when it exists)
  --iam-path PATH         managed IAM path (default: ${DEFAULT_IAM_PATH})
  --repository O/R        value of the managed-by tag (default: $GITHUB_REPOSITORY);
                          needed by every command but validate
  --email-domain D        console users without an email get <name>@D
  --region R              AWS region (default: $AWS_REGION, else ${DEFAULT_REGION})
  --on-remove MODE        a managed user whose file is gone: disable (default) or delete
  --max-removals N        refuse a plan that offboards more than N users, 0-5000 (default: ${DEFAULT_MAX_REMOVALS})
  --invite-expiry-days N  drift, invites: stale after N days unused, 1-3650 (default: 14)
  --expire-invites        drift, invites: delete the login profile of each stale invitation
  --fail-on-drift         drift: exit 1 when IAM differs from the roster
  --max-parallel-accounts N
                          many accounts: accounts worked at once, ${MAX_PARALLEL_ACCOUNTS.min}-${MAX_PARALLEL_ACCOUNTS.max} (default: ${MAX_PARALLEL_ACCOUNTS.default})
  --account NAME          resend, many accounts: only in this account of ${REPO_CONFIG_FILE}
                          (default: every account the user is in)
  --json                  machine-readable output on stdout
  -h, --help              this text
  -v, --version           the version

Paths are relative to the current directory. AWS credentials and endpoint come from the SDK's
standard chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...). With accounts: in
${REPO_CONFIG_FILE}, those credentials are the hub's: each account is entered by STS AssumeRole
into its iam-gitops-plan role (plan, drift, invites) or iam-gitops-apply role (apply, resend,
--expire-invites).
Exit codes: 0 success, 1 invalid roster, plan error, refused re-send or drift with
--fail-on-drift, 2 usage, AWS or other failure.`;

const cliFlags = z.object({
  'users-dir': z._default(localPath, DEFAULT_USERS_DIR),
  config: z.optional(localPath),
  'iam-path': runOptions['iam-path'],
  repository: z.optional(runOptions.repository),
  region: runOptions.region,
  'email-domain': runOptions['email-domain'],
  'on-remove': runOptions['on-remove'],
  'max-removals': runOptions['max-removals'],
  'invite-expiry-days': runOptions['invite-expiry-days'],
  'max-parallel-accounts': runOptions['max-parallel-accounts'],
  account: z.optional(accountName),
  'expire-invites': z._default(z.boolean(), false),
  'fail-on-drift': z._default(z.boolean(), false),
  json: z._default(z.boolean(), false),
});

const STRING_FLAGS = [
  'users-dir',
  'config',
  'iam-path',
  'repository',
  'region',
  'email-domain',
  'on-remove',
  'max-removals',
  'invite-expiry-days',
  'max-parallel-accounts',
  'account',
] as const;
const BOOLEAN_FLAGS = ['expire-invites', 'fail-on-drift', 'json'] as const;

function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((name) => [name, { type: 'string' as const }])),
        ...Object.fromEntries(BOOLEAN_FLAGS.map((name) => [name, { type: 'boolean' as const }])),
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // node:util names the flag and what is wrong with it ("Unknown option '--bogus'").
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function commandOf(positionals: readonly string[]): { command: CliCommand; user: string | undefined } {
  const [command, ...rest] = positionals;
  if (!(CLI_COMMANDS as readonly string[]).includes(command ?? '')) {
    throw new UsageError(
      `expected one command: ${CLI_COMMANDS.join(', ')}${command ? ` (got "${positionals.join(' ')}")` : ''}`,
    );
  }
  if (command === 'resend') {
    if (rest.length !== 1)
      throw new UsageError('resend needs one USER: the IAM user to re-send sign-in details to');
    const user = rest[0] ?? '';
    if (!iamUserName.safeParse(user).success)
      throw new UsageError(`USER must be an IAM user name (got ${JSON.stringify(user)})`);
    return { command, user };
  }
  if (rest.length > 0) throw new UsageError(`expected one command (got "${positionals.join(' ')}")`);
  return { command: command as CliCommand, user: undefined };
}

/**
 * The request the command line makes. Throws UsageError for anything wrong with it, before any
 * file is read or AWS is called. Paths resolve against `cwd`, as the action's against the checkout.
 */
export function parseCliFlags(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): CliRequest {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const { command, user } = commandOf(positionals);

  const raw: Record<string, string | boolean | undefined> = { ...values };
  raw.repository ??= env.GITHUB_REPOSITORY || undefined;
  raw.region ??= env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const parsed = cliFlags.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(settingErrors(parsed.error, raw, (name) => `--${name}`).join('\n'));
  const flags = parsed.data;
  if (flags.account !== undefined && command !== 'resend') {
    throw new UsageError(`--account is for resend only (${command} works in every account)`);
  }
  if (command !== 'validate' && flags.repository === undefined) {
    throw new UsageError(
      '--repository OWNER/REPO (or GITHUB_REPOSITORY) is required: it scopes which users are managed',
    );
  }
  return {
    kind: 'run',
    command,
    user,
    account: flags.account,
    settings: {
      ...runSettings({ ...flags, repository: flags.repository ?? '' }, cwd),
      json: flags.json,
    },
  };
}
