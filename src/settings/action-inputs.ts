// Every action input, read and validated in one place before any side effect: the settings the
// CLI shares by their one definition (run-options.ts), then the action's own (the command, the
// OIDC role, the comment). Every invalid input is reported at once, named as in action.yml.
import * as core from '@actions/core';
import type { RunSettings } from '../commands/settings.js';
import { COMMANDS, type CommandInput } from '../github/event-route.js';
import * as z from '../util/zod.js';
import {
  oneOf,
  repositoryPath,
  roleArn,
  roleDurationSeconds,
  roleSessionName,
  yamlBoolean,
} from './fields.js';
import { DEFAULT_REGION, DEFAULT_USERS_DIR, runOptions, runSettings, settingErrors } from './run-options.js';

/** How the action gets AWS credentials: by GitHub OIDC for a role, or from the environment. */
export interface AwsAccessSettings {
  /** Role ARN to assume with the job's OIDC token; undefined: use the credentials in the environment. */
  readonly roleToAssume: string | undefined;
  readonly roleSessionName: string;
  readonly roleDurationSeconds: number;
}

export interface ActionSettings extends RunSettings {
  /** `auto` follows the event (see github/event-route.ts). */
  readonly command: CommandInput;
  readonly aws: AwsAccessSettings;
  /** Token for the plan comment on pull requests. A secret: never quoted in a message. */
  readonly githubToken: string;
  /** The user to re-send credentials to (resend); empty falls back to the dispatch's `user` input. */
  readonly user: string | undefined;
  /**
   * Many accounts, resend: the one account to re-send in; empty falls back to the dispatch's
   * `account` input, then to every account the user is in.
   */
  readonly account?: string | undefined;
  /** Whether pull requests get the plan as a comment. */
  readonly comment: boolean;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The inputs of action.yml, by name; an unset input is absent, so its default applies. */
const actionInputs = z.object({
  command: z._default(oneOf(['auto', ...COMMANDS] as const), 'auto'),
  'users-dir': z._default(repositoryPath, DEFAULT_USERS_DIR),
  config: z.optional(repositoryPath),
  'iam-path': runOptions['iam-path'],
  repository: runOptions.repository,
  'aws-region': runOptions.region,
  'email-domain': runOptions['email-domain'],
  'on-remove': runOptions['on-remove'],
  'max-removals': runOptions['max-removals'],
  'invite-expiry-days': runOptions['invite-expiry-days'],
  'max-parallel-accounts': runOptions['max-parallel-accounts'],
  'expire-invites': z._default(yamlBoolean, false),
  'fail-on-drift': z._default(yamlBoolean, false),
  comment: z._default(yamlBoolean, true),
  'role-to-assume': z.optional(roleArn),
  'role-session-name': z._default(roleSessionName, 'iam-gitops'),
  'role-duration-seconds': z._default(roleDurationSeconds, 3600),
  // Checked with the route: the dispatch's own `user` input may stand in for it.
  user: z.optional(z.string()),
  // Checked with the route, as `user`: the dispatch's own `account` input may stand in for it.
  account: z.optional(z.string()),
});

export function readInputs(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(actionInputs.shape)) raw[name] = core.getInput(name) || undefined;
  // What the runner says when the workflow does not.
  raw.repository ??= env.GITHUB_REPOSITORY || undefined;
  raw['aws-region'] ??= env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;

  const parsed = actionInputs.safeParse(raw);
  if (!parsed.success) {
    const lines = settingErrors(parsed.error, raw, (name) =>
      name === 'repository' && raw.repository === undefined
        ? 'input repository (by default GITHUB_REPOSITORY)'
        : `input ${name}`,
    );
    throw new InputError(lines.join('\n'));
  }
  const inputs = parsed.data;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  return {
    ...runSettings({ ...inputs, region: inputs['aws-region'] }, workspace),
    command: inputs.command,
    aws: {
      roleToAssume: inputs['role-to-assume'],
      roleSessionName: inputs['role-session-name'],
      roleDurationSeconds: inputs['role-duration-seconds'],
    },
    // A secret: read outside the schema, so that no message can ever quote it.
    githubToken: core.getInput('github-token'),
    user: inputs.user,
    account: inputs.account,
    comment: inputs.comment,
  };
}
