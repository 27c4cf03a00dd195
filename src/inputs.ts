// Every action input, read and validated in one place before any side effect.
import { isAbsolute, join, normalize } from 'node:path';
import * as core from '@actions/core';
import type { CoreSettings } from './commands/settings.js';
import { DEFAULT_IAM_PATH } from './contract.js';
import { IAM_PATH_PATTERN, normalizeIamPath } from './plan/scope.js';

export const COMMANDS = ['validate', 'plan', 'apply'] as const;
export type Command = (typeof COMMANDS)[number];

export interface ActionSettings extends CoreSettings {
  readonly command: Command;
  readonly region: string;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`input ${name} must be one of ${allowed.join(', ')} (got "${value}")`);
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const command = oneOf('command', core.getInput('command') || 'plan', COMMANDS);

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
  };
}
