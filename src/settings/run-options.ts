// The settings the action and the CLI share, each defined once, under the one name both surfaces
// use: the input `max-removals` is the flag `--max-removals`, with the same rule and default.
// action-inputs.ts reads them from inputs, cli-flags.ts from flags, and both turn what they
// parsed into RunSettings with runSettings(). The surfaces differ only where they must: paths
// (inside the repository for the action, anywhere on the machine for the CLI), booleans (text
// inputs, flags) and what only one of them has (OIDC and the comment; --json).
import { join, resolve } from 'node:path';
import { MAX_PARALLEL_ACCOUNTS } from '../accounts/run-accounts.js';
import {
  DEFAULT_INVITE_EXPIRY_DAYS,
  type RepoConfigLocation,
  type RunSettings,
} from '../commands/settings.js';
import { REPO_CONFIG_FILE } from '../config/repo-config-schema.js';
import { DEFAULT_IAM_PATH } from '../contract.js';
import { DEFAULT_MAX_REMOVALS, DEFAULT_ON_REMOVE, ON_REMOVE_MODES, type OnRemove } from '../plan/plan.js';
import * as z from '../util/zod.js';
import {
  awsRegion,
  domainName,
  githubRepository,
  iamPath,
  MAX_USERS_PER_ACCOUNT,
  oneOf,
  wholeNumber,
} from './fields.js';

export const DEFAULT_USERS_DIR = 'users';
/** IAM's endpoint and its CloudTrail events are in us-east-1. */
export const DEFAULT_REGION = 'us-east-1';
/** A stale invitation is one unused for at least a day, at most ten years. */
const MAX_INVITE_EXPIRY_DAYS = 3650;

export const runOptions = {
  'iam-path': z._default(iamPath, DEFAULT_IAM_PATH),
  repository: githubRepository,
  'email-domain': z.optional(domainName),
  'on-remove': z._default(oneOf(ON_REMOVE_MODES), DEFAULT_ON_REMOVE),
  'max-removals': z._default(wholeNumber(0, MAX_USERS_PER_ACCOUNT), DEFAULT_MAX_REMOVALS),
  'invite-expiry-days': z._default(wholeNumber(1, MAX_INVITE_EXPIRY_DAYS), DEFAULT_INVITE_EXPIRY_DAYS),
  region: z._default(awsRegion, DEFAULT_REGION),
  // No default here: a run without `accounts` has nothing to bound, and the one default is
  // MAX_PARALLEL_ACCOUNTS.default, applied where the accounts are entered.
  'max-parallel-accounts': z.optional(wholeNumber(MAX_PARALLEL_ACCOUNTS.min, MAX_PARALLEL_ACCOUNTS.max)),
} as const;

/** What both surfaces hand to runSettings(), once parsed. */
export interface RunValues {
  readonly 'users-dir': string;
  readonly config?: string | undefined;
  readonly 'iam-path': string;
  readonly repository: string;
  readonly 'email-domain'?: string | undefined;
  readonly 'on-remove': OnRemove;
  readonly 'max-removals': number;
  readonly 'invite-expiry-days': number;
  readonly 'expire-invites': boolean;
  readonly 'fail-on-drift': boolean;
  readonly region: string;
  readonly 'max-parallel-accounts'?: number | undefined;
}

/**
 * iam-gitops.yaml beside users/ at the root by default, where a missing file means no
 * configuration; a path the person named must exist.
 */
export function configLocation(given: string | undefined, root: string): RepoConfigLocation {
  return given === undefined
    ? { path: join(root, REPO_CONFIG_FILE), displayPath: REPO_CONFIG_FILE, required: false }
    : { path: resolve(root, given), displayPath: given, required: true };
}

/** Paths resolve against `root` (the checkout for the action, the current directory for the CLI). */
export function runSettings(values: RunValues, root: string): RunSettings {
  return {
    usersDir: resolve(root, values['users-dir']),
    displayDir: values['users-dir'],
    config: configLocation(values.config, root),
    iamPath: values['iam-path'],
    repository: values.repository,
    emailDomain: values['email-domain'],
    onRemove: values['on-remove'],
    maxRemovals: values['max-removals'],
    inviteExpiryDays: values['invite-expiry-days'],
    expireInvites: values['expire-invites'],
    failOnDrift: values['fail-on-drift'],
    region: values.region,
    maxParallelAccounts: values['max-parallel-accounts'],
  };
}

/**
 * One line per invalid setting, every one at once: `<name> <rule> (got "<value>")`, where the
 * surface names the setting (`input max-removals`, `--max-removals`). Only for settings that are
 * not secrets: the value is quoted back.
 */
export function settingErrors(
  error: z.core.$ZodError,
  raw: Readonly<Record<string, unknown>>,
  name: (key: string) => string,
): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    if (seen.has(key)) continue;
    seen.add(key);
    const value = raw[key];
    lines.push(
      value === undefined
        ? `${name(key)} is required`
        : `${name(key)} ${issue.message}${typeof value === 'string' ? ` (got ${JSON.stringify(value)})` : ''}`,
    );
  }
  return lines;
}
