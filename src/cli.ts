#!/usr/bin/env node
// iam-gitops CLI: the action's core for a laptop, CI and outside checks.
// Exit codes: 0 success, 1 invalid roster or plan error, 2 AWS or other failure.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makePlan, validateRoster } from './commands/make-plan.js';
import { type CoreSettings, DEFAULT_INVITE_EXPIRY_DAYS } from './commands/settings.js';
import { findStaleInvites, renderStaleInvitesMarkdown } from './commands/stale-invites.js';
import { DEFAULT_IAM_PATH } from './contract.js';
import { applyPlan } from './iam/apply-plan.js';
import { createIamClient } from './iam/iam-client.js';
import { changeCount, DEFAULT_MAX_REMOVALS, ON_REMOVE_MODES, type OnRemove } from './plan/plan.js';
import { planToJson, renderPlanJson } from './plan/render-json.js';
import { describeChange, renderApplyMarkdown, renderPlanMarkdown } from './plan/render-markdown.js';
import { IAM_PATH_PATTERN, normalizeIamPath } from './plan/scope.js';
import { formatIssue, type RosterIssue } from './roster/roster-issue.js';
import { errorMessage } from './util/error-message.js';
import { VERSION } from './version.js';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_FAILURE = 2;

const USAGE = `iam-gitops ${VERSION}: GitOps for AWS IAM users

Usage: iam-gitops <validate|plan|apply|invites> [options]

  validate   check every roster file; no AWS call
  plan       show what apply would change in IAM
  apply      change IAM to match the roster
  invites    report stale invitations (sign-in details never used)

Options:
  --users-dir DIR      roster directory (default: users)
  --iam-path PATH      managed IAM path (default: ${DEFAULT_IAM_PATH})
  --repository O/R     value of the managed-by tag (default: $GITHUB_REPOSITORY)
  --email-domain D     console users without an email get <name>@D
  --region R           AWS region for IAM (default: $AWS_REGION, else us-east-1)
  --on-remove MODE     a managed user whose file is gone: disable (default) or delete
  --max-removals N     refuse a plan that offboards more than N users (default: ${DEFAULT_MAX_REMOVALS})
  --invite-expiry-days N  invites: stale after N days unused (default: ${DEFAULT_INVITE_EXPIRY_DAYS})
  --expire-invites     invites: delete the login profile of each stale invitation
  --json               machine-readable output
  -h, --help           this text
  -v, --version        the version

AWS credentials and endpoint come from the SDK's standard chain (AWS_PROFILE,
AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...).
Exit codes: 0 success, 1 invalid roster or plan error, 2 AWS or other failure.`;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

function printIssues(io: CliIo, issues: readonly RosterIssue[]): void {
  for (const issue of issues) io.err(formatIssue(issue));
  const files = new Set(issues.map((issue) => issue.file)).size;
  io.err(`${issues.length} error${issues.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
}

function coreSettings(values: Record<string, unknown>, io: CliIo): CoreSettings {
  const usersDir = typeof values['users-dir'] === 'string' ? values['users-dir'] : 'users';
  const iamPath = normalizeIamPath(
    typeof values['iam-path'] === 'string' ? values['iam-path'] : DEFAULT_IAM_PATH,
  );
  if (!IAM_PATH_PATTERN.test(iamPath))
    throw new UsageError(`--iam-path "${iamPath}" is not an IAM path like /iam-gitops/`);
  const repository =
    typeof values.repository === 'string' ? values.repository : (io.env.GITHUB_REPOSITORY ?? '');
  const onRemove = typeof values['on-remove'] === 'string' ? values['on-remove'] : 'disable';
  if (!(ON_REMOVE_MODES as readonly string[]).includes(onRemove))
    throw new UsageError(`--on-remove must be one of ${ON_REMOVE_MODES.join(', ')} (got "${onRemove}")`);
  return {
    usersDir: resolve(usersDir),
    displayDir: usersDir,
    iamPath,
    repository,
    emailDomain: typeof values['email-domain'] === 'string' ? values['email-domain'] : undefined,
    onRemove: onRemove as OnRemove,
    maxRemovals: wholeNumber(values, 'max-removals', DEFAULT_MAX_REMOVALS, 0),
  };
}

function wholeNumber(values: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const text = values[name];
  if (typeof text !== 'string') return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min))
    throw new UsageError(`--${name} must be a whole number of at least ${min} (got "${text}")`);
  return value;
}

function requireRepository(settings: CoreSettings): void {
  if (!/^[\w.-]+\/[\w.-]+$/.test(settings.repository)) {
    throw new UsageError(
      '--repository OWNER/REPO (or GITHUB_REPOSITORY) is required: it scopes which users are managed',
    );
  }
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'users-dir': { type: 'string' },
        'iam-path': { type: 'string' },
        repository: { type: 'string' },
        'email-domain': { type: 'string' },
        region: { type: 'string' },
        'on-remove': { type: 'string' },
        'max-removals': { type: 'string' },
        'invite-expiry-days': { type: 'string' },
        'expire-invites': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    io.err(`${errorMessage(error)}\n\n${USAGE}`);
    return EXIT_FAILURE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  if (values.version) {
    io.out(VERSION);
    return EXIT_OK;
  }
  const command = positionals[0];
  const json = values.json === true;
  try {
    if (positionals.length !== 1 || !['validate', 'plan', 'apply', 'invites'].includes(command ?? '')) {
      throw new UsageError(
        `expected one command: validate, plan, apply or invites${command ? ` (got "${positionals.join(' ')}")` : ''}`,
      );
    }
    const settings = coreSettings(values, io);
    if (command === 'validate') {
      const outcome = await validateRoster(settings);
      if (json)
        io.out(
          JSON.stringify(
            outcome.kind === 'valid'
              ? { valid: true, files: outcome.fileCount }
              : { valid: false, issues: outcome.issues.map((i) => ({ ...i, text: formatIssue(i) })) },
            null,
            2,
          ),
        );
      if (outcome.kind === 'invalid') {
        if (!json) printIssues(io, outcome.issues);
        return EXIT_INVALID;
      }
      if (!json) io.out(`${settings.displayDir}: ${outcome.roster.users.length} users, all valid`);
      return EXIT_OK;
    }

    requireRepository(settings);
    const region =
      typeof values.region === 'string'
        ? values.region
        : (io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1');
    const iam = createIamClient({ region, purpose: `cli-${command}` });
    if (command === 'invites') {
      const report = await findStaleInvites(iam, {
        ...settings,
        inviteExpiryDays: wholeNumber(values, 'invite-expiry-days', DEFAULT_INVITE_EXPIRY_DAYS, 1),
        expireInvites: values['expire-invites'] === true,
      });
      io.out(json ? JSON.stringify(report, null, 2) : renderStaleInvitesMarkdown(report));
      return EXIT_OK;
    }
    const validated = await validateRoster(settings);
    if (validated.kind === 'invalid') {
      if (json)
        io.out(
          JSON.stringify(
            { valid: false, issues: validated.issues.map((i) => ({ ...i, text: formatIssue(i) })) },
            null,
            2,
          ),
        );
      else printIssues(io, validated.issues);
      return EXIT_INVALID;
    }
    const { plan } = await makePlan(validated, settings, iam);
    if (command === 'plan' || plan.errors.length > 0) {
      if (json) io.out(renderPlanJson(plan));
      else io.out(renderPlanMarkdown(plan));
      if (plan.errors.length > 0) {
        if (!json) printIssues(io, plan.errors);
        return EXIT_INVALID;
      }
      return EXIT_OK;
    }

    const result = await applyPlan(iam, plan, {
      onOutcome: (o) => {
        if (!json)
          io.err(`${o.status.padEnd(12)} ${o.change.user}: ${describeChange(o.change).replace(/`/g, '')}`);
      },
    });
    if (json) io.out(JSON.stringify({ plan: planToJson(plan), result }, null, 2));
    else io.out(renderApplyMarkdown(plan, result));
    if (result.failed > 0) {
      io.err(`${result.failed} of ${changeCount(plan)} changes failed; run apply again to retry them`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`iam-gitops: ${error.message}\n\n${USAGE}`);
      return EXIT_FAILURE;
    }
    io.err(`iam-gitops: ${errorMessage(error)}`);
    return EXIT_FAILURE;
  }
}

// Run only as a program, not when imported by tests.
const invokedAs = process.argv[1] ?? '';
if (/(^|[\\/])(cli\.(ts|js)|iam-gitops|cli[\\/]index\.js)$/.test(invokedAs)) {
  runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`iam-gitops: ${errorMessage(error)}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
