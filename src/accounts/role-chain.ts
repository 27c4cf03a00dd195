// Role chaining for many accounts: from the hub's credentials (the role-to-assume session made
// with GitHub OIDC, or the environment's), STS AssumeRole into one member account's plan or apply
// role, and an IAM client acting there. The assumed keys are masked before any client uses them,
// and renewed before they expire (a chained session lasts one hour at most).
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandOutput,
  GetCallerIdentityCommand,
  STSClient,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { type AssumedRole, type AwsCredentials, assumedRoleFrom } from '../iam/assumed-role.js';
import { isAwsError } from '../iam/aws-error.js';
import { createIamClient, retrySettings, userAgent } from '../iam/iam-client.js';
import { awsAnswerCode, failureMessage } from './failure.js';
import { hubPartition, type MemberRoleKind, roleArnFor, type TargetAccount } from './target-accounts.js';

/**
 * STS refuses a DurationSeconds above one hour when the caller is itself a role session ("role
 * chaining"), whatever the role's MaxSessionDuration; 900 s is STS's minimum.
 */
export const CHAINED_SESSION_MAX_SECONDS = 3600;
export const CHAINED_SESSION_MIN_SECONDS = 900;
/** Renew a member session this long before it expires (the SDK's own margin for refreshing). */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/** RoleSessionName: 2-64 of `[\w+=,.@-]`. */
const SESSION_NAME_MAX = 64;

/** A provider the SDK calls for credentials (and again when those near their expiration). */
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** Builds the IAM client of one member account from its (renewing) credentials. */
export type MemberIamClientFactory = (credentials: CredentialsProvider, account: TargetAccount) => IAMClient;

export interface RoleChainSettings {
  /** STS acting as the hub (createHubStsClient): one client shared by every account. */
  readonly sts: STSClient;
  /** The command chaining (`plan`, `apply`, `resend`, `drift`, `invites`): in the session name. */
  readonly command: string;
  /** GITHUB_RUN_ID, when there is one: in the session name, so CloudTrail leads back to the run. */
  readonly runId?: string | undefined;
  /** Requested session length; clamped to 900-3600 s (role chaining). Default 3600. */
  readonly durationSeconds?: number | undefined;
  /** Called with each assumed key before any use: `core.setSecret` in the action, a no-op in the CLI. */
  readonly mask: (secret: string) => void;
  readonly createIamClient: MemberIamClientFactory;
  /** The clock, for tests of renewal. */
  readonly now?: () => number;
}

/** A member account entered through its role: the IAM client acts there. */
export interface MemberSession {
  readonly account: TargetAccount;
  readonly kind: MemberRoleKind;
  readonly roleArn: string;
  /** `arn:<partition>:sts::<id>:assumed-role/<role>/<session>`: who acts, as CloudTrail shows it. */
  readonly assumedRoleArn: string | undefined;
  readonly iam: IAMClient;
}

/** Entering a member account failed: names the account and the role, and says what to check. */
export class MemberRoleError extends Error {
  override readonly name = 'MemberRoleError';
  constructor(
    message: string,
    readonly account: TargetAccount,
    readonly roleArn: string,
    /** The AWS error code, when AWS answered one. */
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The hub's STS client: the project's user agent and retry settings; no credentials = the environment's. */
export function createHubStsClient(settings: {
  readonly region: string;
  readonly credentials?: STSClientConfig['credentials'];
  /** Appended to the user agent, e.g. `action-apply`. */
  readonly purpose?: string;
}): STSClient {
  return new STSClient({
    region: settings.region,
    customUserAgent: userAgent(settings.purpose),
    ...retrySettings(),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  });
}

/**
 * The hub as the environment's credentials (the CLI; the action without role-to-assume): its STS
 * client, and the partition of the caller STS names (one GetCallerIdentity, which also proves the
 * credentials work before any account is entered).
 */
export async function environmentHub(settings: {
  readonly region: string;
  readonly purpose?: string;
  /** What to say when the environment holds no credentials at all. */
  readonly noCredentials: string;
}): Promise<{ readonly sts: STSClient; readonly partition: string }> {
  const sts = createHubStsClient(settings);
  try {
    await sts.config.credentials();
  } catch {
    throw new Error(settings.noCredentials);
  }
  const partition = await hubPartition(undefined, () => sts.send(new GetCallerIdentityCommand({})));
  return { sts, partition };
}

/** The member IAM clients of the action and the CLI: createIamClient with the member credentials. */
export function memberIamClients(settings: {
  readonly region: string;
  readonly purpose?: string;
}): MemberIamClientFactory {
  return (credentials) =>
    createIamClient({
      region: settings.region,
      ...(settings.purpose ? { purpose: settings.purpose } : {}),
      credentials,
    });
}

/** `iam-gitops-<command>[-<runId>]`, in STS's characters and length. */
export function memberSessionName(command: string, runId?: string): string {
  const name = ['iam-gitops', command, runId]
    .filter((part) => part !== undefined && part !== '')
    .join('-')
    .replace(/[^\w+=,.@-]/g, '-');
  return name.slice(0, SESSION_NAME_MAX);
}

export function chainedSessionSeconds(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return CHAINED_SESSION_MAX_SECONDS;
  return Math.min(CHAINED_SESSION_MAX_SECONDS, Math.max(CHAINED_SESSION_MIN_SECONDS, Math.floor(requested)));
}

function explain(
  error: unknown,
  account: TargetAccount,
  roleArn: string,
  kind: MemberRoleKind,
): MemberRoleError {
  const code = awsAnswerCode(error);
  const where = `account ${account.name} (${account.id})`;
  const said = `AWS said: ${failureMessage(error)}`;
  let message: string;
  if (isAwsError(error, 'AccessDenied')) {
    message =
      `${where}: the hub role may not assume ${roleArn}. The member roles trust only the hub roles: ` +
      `is role-to-assume the hub ${kind} role (a ${kind} run chains from it into the member ${kind} role), ` +
      `and is the iam-gitops StackSet deployed to ${account.id} (its stack instance creates the role)? ${said}`;
  } else if (isAwsError(error, 'ExpiredToken', 'InvalidClientTokenId')) {
    message =
      `${where}: could not assume ${roleArn}: the hub credentials are expired or invalid ` +
      `(a long run needs a longer role-duration-seconds for the hub role). ${said}`;
  } else if (isAwsError(error, 'RegionDisabled')) {
    message =
      `${where}: could not assume ${roleArn}: STS is not activated in this region for the hub account ` +
      `(IAM > Account settings > STS endpoints, or set aws-region to an active region). ${said}`;
  } else {
    message = `${where}: could not assume ${roleArn}: ${failureMessage(error)}`;
  }
  return new MemberRoleError(message, account, roleArn, code, { cause: error });
}

async function assumeOnce(
  account: TargetAccount,
  kind: MemberRoleKind,
  roleArn: string,
  settings: RoleChainSettings,
): Promise<AssumedRole> {
  let answer: AssumeRoleCommandOutput;
  try {
    // No SourceIdentity and no session tags: setting either needs sts:SetSourceIdentity or
    // sts:TagSession in every member role's trust policy, and CloudTrail already links the
    // chain (the member's AssumeRole event names the hub session; the session name names the run).
    // A source identity set on the hub session carries over to this one by itself.
    answer = await settings.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: memberSessionName(settings.command, settings.runId),
        DurationSeconds: chainedSessionSeconds(settings.durationSeconds),
      }),
    );
  } catch (error) {
    throw explain(error, account, roleArn, kind);
  }
  // Masked before any use: from here on the runner prints *** in their place.
  const assumed = assumedRoleFrom(answer, settings.mask);
  if (assumed === undefined) {
    throw new MemberRoleError(
      `account ${account.name} (${account.id}): STS returned no credentials for ${roleArn}`,
      account,
      roleArn,
      undefined,
    );
  }
  return assumed;
}

/**
 * Enters `account` through its `kind` role: one AssumeRole now (so a refusal is reported before
 * any IAM call, naming the account and the role), then again whenever the session is within
 * RENEW_BEFORE_EXPIRY_MS of its end, so an apply longer than an hour keeps working.
 */
export async function assumeMemberRole(
  account: TargetAccount,
  kind: MemberRoleKind,
  settings: RoleChainSettings,
): Promise<MemberSession> {
  const roleArn = roleArnFor(account, kind);
  const now = settings.now ?? Date.now;
  const first = await assumeOnce(account, kind, roleArn, settings);
  let current = first.credentials;
  let renewing: Promise<AwsCredentials> | undefined;
  const provider: CredentialsProvider = async () => {
    const expiration = current.expiration?.getTime();
    if (expiration === undefined || expiration - now() > RENEW_BEFORE_EXPIRY_MS) return current;
    // Concurrent callers share one renewal.
    renewing ??= assumeOnce(account, kind, roleArn, settings)
      .then((renewed) => {
        current = renewed.credentials;
        return current;
      })
      .finally(() => {
        renewing = undefined;
      });
    return renewing;
  };
  return {
    account,
    kind,
    roleArn,
    assumedRoleArn: first.assumedRoleArn,
    iam: settings.createIamClient(provider, account),
  };
}
