// Every action input, read and validated in one place before any side effect.
import { isAbsolute, join, normalize } from 'node:path';
import * as core from '@actions/core';
import { type CoreSettings, DEFAULT_INVITE_EXPIRY_DAYS, type InviteSettings } from './commands/settings.js';
import { DEFAULT_IAM_PATH } from './contract.js';
import { COMMANDS, type CommandInput } from './github/event-route.js';
import { DEFAULT_MAX_REMOVALS, DEFAULT_ON_REMOVE, ON_REMOVE_MODES, type OnRemove } from './plan/plan.js';
import { IAM_PATH_PATTERN, normalizeIamPath } from './plan/scope.js';

export { COMMANDS, type Command } from './github/event-route.js';

/** How the action gets AWS credentials: by GitHub OIDC for a role, or from the environment. */
export interface AwsAccessSettings {
  /** Role ARN to assume with the job's OIDC token; undefined: use the credentials in the environment. */
  readonly roleToAssume: string | undefined;
  readonly roleSessionName: string;
  readonly roleDurationSeconds: number;
}

export interface ActionSettings extends CoreSettings, InviteSettings {
  readonly onRemove: OnRemove;
  readonly maxRemovals: number;
  /** `auto` follows the event (see github/event-route.ts). */
  readonly command: CommandInput;
  readonly region: string;
  readonly aws: AwsAccessSettings;
  /** Token for the plan comment on pull requests. */
  readonly githubToken: string;
  /** The user to re-send credentials to (resend); empty falls back to the dispatch's `user` input. */
  readonly user: string | undefined;
  readonly failOnDrift: boolean;
  /** Whether pull requests get the plan as a comment. */
  readonly comment: boolean;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`input ${name} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/** Strict YAML 1.2 booleans (a typo is an error, not false); unset means the default. */
function booleanInput(name: string, fallback: boolean): boolean {
  return core.getInput(name) === '' ? fallback : core.getBooleanInput(name);
}

/** A whole number input within [min, max]; unset means the default. */
function wholeNumberInput(name: string, fallback: number, min: number, max: number): number {
  const text = core.getInput(name) || String(fallback);
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max))
    throw new InputError(`input ${name} must be a whole number from ${min} to ${max} (got "${text}")`);
  return value;
}

/** Offboarding and its guard, and the stale-invitation report (docs/offboarding.md). */
function offboardingInputs(): Pick<ActionSettings, 'onRemove' | 'maxRemovals'> & InviteSettings {
  return {
    onRemove: oneOf('on-remove', core.getInput('on-remove') || DEFAULT_ON_REMOVE, ON_REMOVE_MODES),
    // IAM holds at most 5,000 users per account.
    maxRemovals: wholeNumberInput('max-removals', DEFAULT_MAX_REMOVALS, 0, 5000),
    inviteExpiryDays: wholeNumberInput('invite-expiry-days', DEFAULT_INVITE_EXPIRY_DAYS, 1, 3650),
    expireInvites: booleanInput('expire-invites', false),
  };
}

const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** STS RoleSessionName: 2-64 of `[\w+=,.@-]`. */
const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

function awsAccessInputs(): AwsAccessSettings {
  const roleToAssume = core.getInput('role-to-assume') || undefined;
  if (roleToAssume !== undefined && !ROLE_ARN_PATTERN.test(roleToAssume)) {
    throw new InputError(
      `input role-to-assume must be an IAM role ARN like arn:aws:iam::123456789012:role/iam-gitops-apply (got "${roleToAssume}")`,
    );
  }
  const roleSessionName = core.getInput('role-session-name') || 'iam-gitops';
  if (!SESSION_NAME_PATTERN.test(roleSessionName)) {
    throw new InputError(
      `input role-session-name must be 2-64 letters, digits or +=,.@_- (got "${roleSessionName}")`,
    );
  }
  // STS's own bounds; the role's maximum session duration may be lower (STS then refuses).
  const roleDurationSeconds = wholeNumberInput('role-duration-seconds', 3600, 900, 43_200);
  return { roleToAssume, roleSessionName, roleDurationSeconds };
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const command = oneOf<CommandInput>('command', core.getInput('command') || 'auto', ['auto', ...COMMANDS]);

  const usersDirInput = core.getInput('users-dir') || 'users';
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const displayDir = normalize(usersDirInput).replace(/\/+$/, '');
  if (isAbsolute(usersDirInput) || displayDir.startsWith('..')) {
    throw new InputError(`input users-dir must be a path inside the repository (got "${usersDirInput}")`);
  }

  const iamPath = normalizeIamPath(core.getInput('iam-path') || DEFAULT_IAM_PATH);
  if (!IAM_PATH_PATTERN.test(iamPath) || iamPath.length > 512) {
    throw new InputError(`input iam-path must be an IAM path like /iam-gitops/ (got "${iamPath}")`);
  }

  const repository = core.getInput('repository') || env.GITHUB_REPOSITORY || '';
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new InputError(
      `input repository must be OWNER/REPO (got "${repository}"); it defaults to GITHUB_REPOSITORY`,
    );
  }

  const region = core.getInput('aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new InputError(`input aws-region is not a region (got "${region}")`);

  const emailDomain = core.getInput('email-domain') || undefined;
  if (emailDomain !== undefined && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(emailDomain)) {
    throw new InputError(`input email-domain is not a domain (got "${emailDomain}")`);
  }

  return {
    command,
    usersDir: join(workspace, displayDir),
    displayDir,
    iamPath,
    repository,
    region,
    emailDomain,
    aws: awsAccessInputs(),
    githubToken: core.getInput('github-token'),
    user: core.getInput('user') || undefined,
    failOnDrift: booleanInput('fail-on-drift', false),
    comment: booleanInput('comment', true),
    ...offboardingInputs(),
  };
}
