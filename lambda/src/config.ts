// The Lambda's settings, read from its environment once at cold start. A missing or malformed
// variable fails the cold start with the variable's name, before any event is touched.
import { DEFAULT_IAM_PATH, LAMBDA_ENV } from '../../src/contract.js';
import { isEmailAddress } from './recipient.js';

export interface Config {
  /** The SES-verified address (optionally `Name <address>`) the email comes from. */
  readonly senderEmail: string;
  /** Users under this IAM path (and tagged managed-by) are the only ones the Lambda acts for. */
  readonly managedPath: string;
  /** The SNS topic the infrastructure delivers IAM events through; other topics are ignored. */
  readonly topicArn: string;
  /** For user names that are not email addresses: the email goes to `name@emailDomain`. */
  readonly emailDomain?: string;
  /** Replaces `https://<alias-or-account-id>.signin.aws.amazon.com/console` in the email. */
  readonly signInUrl?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Unset and empty are the same: a CDK or console setting left blank means "not configured". */
function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function required(env: Env, name: string, what: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(`missing environment variable ${name} (${what})`);
  return value;
}

function invalid(name: string, expected: string): ConfigError {
  return new ConfigError(`environment variable ${name} must be ${expected}`);
}

/** `it@example.com` or `IT team <it@example.com>`, on one line (a newline would inject headers). */
function checkSender(value: string): string {
  const address = /<([^<>]+)>$/.exec(value)?.[1] ?? value;
  if (/[\r\n]/.test(value) || !isEmailAddress(address)) {
    throw invalid(LAMBDA_ENV.sender, 'an email address, optionally as "Name <address>"');
  }
  return value;
}

function checkPath(value: string): string {
  if (!/^\/([\u0021-\u007e]+\/)*$/.test(value))
    throw invalid(LAMBDA_ENV.managedPath, 'an IAM path such as /iam-gitops/');
  return value;
}

function checkTopicArn(value: string): string {
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(value)) {
    throw invalid(LAMBDA_ENV.topicArn, 'an SNS topic ARN');
  }
  return value;
}

function checkDomain(value: string): string {
  if (!isEmailAddress(`user@${value}`)) throw invalid(LAMBDA_ENV.emailDomain, 'a domain such as example.com');
  return value;
}

/** The link goes into an email: nothing but https, so it can never be `javascript:` or plain http. */
function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(LAMBDA_ENV.signInUrl, 'an https URL');
  }
  if (url.protocol !== 'https:') throw invalid(LAMBDA_ENV.signInUrl, 'an https URL');
  return value;
}

export function readConfig(env: Env): Config {
  const emailDomain = optional(env, LAMBDA_ENV.emailDomain);
  const signInUrl = optional(env, LAMBDA_ENV.signInUrl);
  return {
    senderEmail: checkSender(required(env, LAMBDA_ENV.sender, 'the SES-verified sender address')),
    managedPath: checkPath(optional(env, LAMBDA_ENV.managedPath) ?? DEFAULT_IAM_PATH),
    topicArn: checkTopicArn(required(env, LAMBDA_ENV.topicArn, 'the SNS topic that delivers IAM events')),
    ...(emailDomain === undefined ? {} : { emailDomain: checkDomain(emailDomain.replace(/^@/, '')) }),
    ...(signInUrl === undefined ? {} : { signInUrl: checkUrl(signInUrl) }),
  };
}
