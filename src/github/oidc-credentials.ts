// AWS credentials for the run: GitHub's OIDC token exchanged with STS AssumeRoleWithWebIdentity
// for the role in `role-to-assume`, or, without that input, whatever the SDK finds in the
// environment (a configure-aws-credentials step before this one). The assumed role's keys are
// masked in the log before anything uses them; the token itself is never printed. The STS client
// is loaded only when a role is to be assumed.
import * as core from '@actions/core';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { AssumeRoleWithWebIdentityCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { HubAccess } from '../commands/command-context.js';
import { type AssumedRole, assumedRoleFrom } from '../iam/assumed-role.js';
import { isAwsError } from '../iam/aws-error.js';
import { createIamClient, retrySettings, userAgent } from '../iam/iam-client.js';
import type { AwsAccessSettings } from '../settings/action-inputs.js';
import { errorMessage } from '../util/error-message.js';
import { oidcTokenAvailable } from './workflow-context.js';

/** The audience AWS expects in a GitHub OIDC token (the `aud` the IAM OIDC provider lists). */
export const STS_AUDIENCE = 'sts.amazonaws.com';

export interface RoleSettings {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  readonly region: string;
}

/** The runner offers no OIDC token: the job lacks `id-token: write`, or it runs for a fork. */
export class OidcTokenUnavailable extends Error {
  override readonly name = 'OidcTokenUnavailable';
  constructor() {
    super(
      'no GitHub OIDC token to assume role-to-assume with: give the job `permissions: id-token: write` ' +
        '(GitHub never gives one to a pull request from a fork)',
    );
  }
}

/**
 * The claims of a JWT, read without verifying it (only to explain a refusal). Undefined when the
 * value is not a JWT. Never log the token itself, only claims named on purpose.
 */
export function jwtClaims(token: string): Readonly<Record<string, unknown>> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function claim(claims: Readonly<Record<string, unknown>> | undefined, name: string): string {
  const value = claims?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : '(none)';
}

export async function createStsClient(region: string): Promise<STSClient> {
  const { STSClient } = await import('@aws-sdk/client-sts');
  // Regional endpoint (the SDK's default in v3); AWS_ENDPOINT_URL(_STS) from the environment wins.
  return new STSClient({ region, customUserAgent: userAgent('action-oidc'), ...retrySettings() });
}

function explainRefusal(error: unknown, roleArn: string, token: string): Error {
  const claims = jwtClaims(token);
  if (isAwsError(error, 'AccessDenied')) {
    return new Error(
      `STS refused to let this workflow assume ${roleArn}: the role's trust policy does not accept the token's ` +
        `sub "${claim(claims, 'sub')}" (aud "${claim(claims, 'aud')}"). Allow that sub in the trust policy ` +
        `(StringEquals on token.actions.githubusercontent.com:sub), or use the role meant for this event. ` +
        `AWS said: ${errorMessage(error)}`,
    );
  }
  if (isAwsError(error, 'InvalidIdentityToken', 'IDPRejectedClaim')) {
    return new Error(
      `STS did not accept the GitHub OIDC token for ${roleArn} (sub "${claim(claims, 'sub')}"): does the role's ` +
        `account have the IAM OIDC provider token.actions.githubusercontent.com with audience ${STS_AUDIENCE}? ` +
        `AWS said: ${errorMessage(error)}`,
    );
  }
  return new Error(`could not assume ${roleArn} with the GitHub OIDC token: ${errorMessage(error)}`);
}

/**
 * GitHub OIDC token -> STS AssumeRoleWithWebIdentity -> masked credentials. The token is masked
 * by `core.getIDToken` itself; the three keys are masked here before they are returned.
 */
export async function assumeRoleWithOidc(
  settings: RoleSettings,
  deps: {
    readonly getIDToken?: (audience: string) => Promise<string>;
    readonly sts?: STSClient;
    readonly env?: NodeJS.ProcessEnv;
  } = {},
): Promise<AssumedRole> {
  if (!oidcTokenAvailable(deps.env)) throw new OidcTokenUnavailable();
  const token = await (deps.getIDToken ?? core.getIDToken)(STS_AUDIENCE);
  const sts = deps.sts ?? (await createStsClient(settings.region));
  const { AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts');
  let answer: AssumeRoleWithWebIdentityCommandOutput;
  try {
    answer = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: settings.roleArn,
        RoleSessionName: settings.sessionName,
        WebIdentityToken: token,
        DurationSeconds: settings.durationSeconds,
      }),
    );
  } catch (error) {
    throw explainRefusal(error, settings.roleArn, token);
  }
  // Masked before any use: from here on the runner replaces them with *** in every log line.
  const assumed = assumedRoleFrom(answer, core.setSecret);
  if (assumed === undefined) throw new Error(`STS returned no credentials for ${settings.roleArn}`);
  return assumed;
}

const NO_CREDENTIALS =
  'no AWS credentials: set role-to-assume (and give the job `permissions: id-token: write`), ' +
  'or configure credentials in an earlier step';

/**
 * The IAM client for this run: acting as `role-to-assume` through GitHub OIDC, or, without that
 * input, with the credentials the SDK finds in the environment (checked here, so that their
 * absence is named before the first IAM call).
 */
export async function iamClientForRun(
  aws: AwsAccessSettings,
  region: string,
  purpose: string,
): Promise<IAMClient> {
  if (aws.roleToAssume === undefined) {
    const iam = createIamClient({ region, purpose: `action-${purpose}` });
    try {
      await iam.config.credentials();
    } catch {
      throw new Error(NO_CREDENTIALS);
    }
    core.info('AWS credentials: from the environment (role-to-assume is not set)');
    return iam;
  }
  const assumed = await assumeRoleWithOidc({
    roleArn: aws.roleToAssume,
    sessionName: aws.roleSessionName,
    durationSeconds: aws.roleDurationSeconds,
    region,
  });
  core.info(
    `AWS credentials: ${assumed.assumedRoleArn ?? aws.roleToAssume}, assumed with the GitHub OIDC token`,
  );
  return createIamClient({ region, purpose: `action-${purpose}`, credentials: assumed.credentials });
}

/**
 * Many accounts: the hub for this run. `role-to-assume` is the hub role, assumed with the GitHub
 * OIDC token as for one account; without it, the environment's credentials are the hub's. Each
 * member account is then entered by AssumeRole from these credentials (src/accounts/role-chain.ts),
 * its keys masked as they arrive.
 */
export async function hubAccessForRun(
  aws: AwsAccessSettings,
  region: string,
  purpose: string,
): Promise<HubAccess> {
  const { createHubStsClient, environmentHub, memberIamClients } = await import('../accounts/role-chain.js');
  const { partitionOf } = await import('../accounts/target-accounts.js');
  const common = {
    mask: (secret: string) => core.setSecret(secret),
    createIamClient: memberIamClients({ region, purpose: `action-${purpose}` }),
    durationSeconds: aws.roleDurationSeconds,
  };
  if (aws.roleToAssume === undefined) {
    const hub = await environmentHub({ region, purpose: `action-${purpose}`, noCredentials: NO_CREDENTIALS });
    core.info(
      'AWS credentials: from the environment (role-to-assume is not set), as the hub of the accounts',
    );
    return { ...hub, ...common };
  }
  const assumed = await assumeRoleWithOidc({
    roleArn: aws.roleToAssume,
    sessionName: aws.roleSessionName,
    durationSeconds: aws.roleDurationSeconds,
    region,
  });
  core.info(
    `AWS credentials: ${assumed.assumedRoleArn ?? aws.roleToAssume}, assumed with the GitHub OIDC token, ` +
      'as the hub: each account is entered through its member role',
  );
  return {
    sts: createHubStsClient({ region, purpose: `action-${purpose}`, credentials: assumed.credentials }),
    partition: partitionOf(aws.roleToAssume),
    ...common,
  };
}
