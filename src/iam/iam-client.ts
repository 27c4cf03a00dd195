// Every IAM client the action and the CLI use: a user agent that names the project (so
// CloudTrail shows who called) and the SDK's adaptive retry mode (IAM throttles per API).
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { USER_AGENT_PRODUCT } from '../contract.js';
import { VERSION } from '../version.js';

/** Throttling is IAM's normal answer under load; give the adaptive limiter room to converge. */
export const DEFAULT_MAX_ATTEMPTS = 8;

export interface AwsClientSettings {
  readonly region: string;
  readonly credentials?: IAMClientConfig['credentials'];
  /** The role or tool this client acts for, appended to the user agent (e.g. `action/apply`). */
  readonly purpose?: string;
}

export function userAgent(purpose?: string): [string, string][] {
  const pairs: [string, string][] = [[USER_AGENT_PRODUCT, VERSION]];
  if (purpose) pairs.push([`${USER_AGENT_PRODUCT}-${purpose}`, VERSION]);
  return pairs;
}

/**
 * Retry settings: adaptive unless AWS_RETRY_MODE says otherwise, and AWS_MAX_ATTEMPTS honoured,
 * as the SDK's own configuration chain would.
 */
export function retrySettings(env: NodeJS.ProcessEnv = process.env): {
  retryMode: string;
  maxAttempts: number;
} {
  const fromEnv = Number.parseInt(env.AWS_MAX_ATTEMPTS ?? '', 10);
  return {
    retryMode: env.AWS_RETRY_MODE ?? 'adaptive',
    maxAttempts: Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_ATTEMPTS,
  };
}

export function createIamClient(settings: AwsClientSettings): IAMClient {
  return new IAMClient({
    // IAM is global; its endpoint and its CloudTrail events live in us-east-1 (aws partition).
    region: settings.region,
    customUserAgent: userAgent(settings.purpose),
    ...retrySettings(),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  });
}
