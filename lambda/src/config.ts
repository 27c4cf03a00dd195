// The Lambda's settings, read from its environment once at cold start. A missing or malformed
// variable fails the cold start with the variable's name, before any event is touched. Every
// pattern comes from the shared rules (src/settings/fields.ts), so the roster, the CDK app and the
// Lambda accept the same addresses, domains and ARNs.
import { partitionOf, resolveMemberAccount } from '../../src/accounts/target-accounts.js';
import { accountName } from '../../src/config/repo-config-schema.js';
import { DEFAULT_IAM_PATH, LAMBDA_ENV, type MemberAccount } from '../../src/contract.js';
import {
  accountId,
  domainName,
  isDomain,
  isEmailAddress,
  isIamPath,
  ROLE_ARN_PATTERN,
  roleName,
} from '../../src/settings/fields.js';
import * as z from '../../src/util/zod.js';

export interface Config {
  /** The SES-verified address (optionally `Name <address>`) the email comes from. */
  readonly senderEmail: string;
  /** Users under this IAM path (and tagged managed-by) are the only ones the Lambda acts for. */
  readonly managedPath: string;
  /** The SNS topic the infrastructure delivers IAM events through; other topics are ignored. */
  readonly topicArn: string;
  /** The apply role (path included): only its sessions' events in this account are acted on. */
  readonly applyRoleArn: string;
  /** For user names that are not email addresses: the email goes to `name@emailDomain`. */
  readonly emailDomain?: string;
  /** Replaces `https://<alias-or-account-id>.signin.aws.amazon.com/console` in the email. */
  readonly signInUrl?: string;
  /** Credentials go only to addresses in these domains (guardrails.recipientDomains). */
  readonly recipientDomains?: readonly string[];
  /** The central Lambda's member accounts: their events are answered through their credentials role. */
  readonly memberAccounts?: readonly MemberAccount[];
  /** The SES configuration set every send goes through (the infrastructure's requires TLS). */
  readonly configurationSet?: string;
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

/**
 * The check of one variable: the value where `holds`, else an error naming the variable and what it
 * must be.
 */
function checker(
  name: string,
  holds: (value: string) => boolean,
  expected: string,
): (value: string) => string {
  return (value) => {
    if (!holds(value)) throw invalid(name, expected);
    return value;
  };
}

/** `it@example.com` or `IT team <it@example.com>`, on one line (a newline would inject headers). */
function isSender(value: string): boolean {
  const address = /<([^<>]+)>$/.exec(value)?.[1] ?? value;
  return !/[\r\n]/.test(value) && isEmailAddress(address);
}

/** The link goes into an email: nothing but https, so it can never be `javascript:` or plain http. */
function isHttpsUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}

const checkSender = checker(LAMBDA_ENV.sender, isSender, 'an email address, optionally as "Name <address>"');
const checkPath = checker(LAMBDA_ENV.managedPath, isIamPath, 'an IAM path such as /iam-gitops/');
const checkTopicArn = checker(
  LAMBDA_ENV.topicArn,
  (value) => /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(value),
  'an SNS topic ARN',
);
const checkDomain = checker(LAMBDA_ENV.emailDomain, isDomain, 'a domain such as example.com');
const checkRoleArn = checker(
  LAMBDA_ENV.applyRoleArn,
  (value) => ROLE_ARN_PATTERN.test(value),
  'an IAM role ARN, path included (arn:aws:iam::ACCOUNT:role/NAME)',
);
const checkUrl = checker(LAMBDA_ENV.signInUrl, isHttpsUrl, 'an https URL');
/** SES configuration set names: 1-64 letters, digits, _ and -. */
const checkConfigurationSet = checker(
  LAMBDA_ENV.configurationSet,
  (value) => /^[\w-]{1,64}$/.test(value),
  'an SES configuration set name',
);

/** `example.com,corp.example`: each one a lower-case domain, as guardrails.recipientDomains has them. */
function checkRecipientDomains(value: string): readonly string[] {
  const domains = value
    .split(',')
    .map((domain) => domain.trim())
    .filter((domain) => domain !== '');
  for (const [index, domain] of domains.entries()) {
    const checked = domainName.safeParse(domain);
    if (!checked.success) {
      const problem = checked.error.issues[0]?.message ?? 'must be a domain';
      throw invalid(LAMBDA_ENV.recipientDomains, `comma-separated domains: entry ${index + 1} ${problem}`);
    }
  }
  if (domains.length === 0) throw invalid(LAMBDA_ENV.recipientDomains, 'comma-separated domains');
  return domains;
}

/** One MEMBER_ACCOUNTS value: the account's name, or its name and the role names that differ. */
const memberAccountEntrySchema = z.union([
  accountName,
  z.strictObject({
    name: accountName,
    applyRole: z.optional(roleName),
    credentialsRole: z.optional(roleName),
  }),
]);

// Keyed by account id, so each role is derived in its own account: no entry can point elsewhere.
const memberAccountsSchema = z.record(accountId, memberAccountEntrySchema).check(
  z.refine(
    (members) => Object.keys(members).length > 0,
    'list at least one account, or leave the variable unset',
  ),
  // Names are the keys of `accounts:` in iam-gitops.yaml: an email must not name two accounts alike.
  z.refine((members) => {
    const names = Object.values(members).map((entry) => (typeof entry === 'string' ? entry : entry.name));
    return new Set(names).size === names.length;
  }, 'must not name two accounts alike'),
);

const MEMBER_ACCOUNTS_FORMAT =
  'JSON of account id -> name, or -> {name, applyRole?, credentialsRole?} ({"111111111111":"prod"})';

/** The member accounts with their role ARNs, derived in `partition` (the Lambda's own). */
function checkMemberAccounts(value: string, partition: string): readonly MemberAccount[] {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw invalid(LAMBDA_ENV.memberAccounts, MEMBER_ACCOUNTS_FORMAT);
  }
  const parsed = memberAccountsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`,
    );
    throw invalid(LAMBDA_ENV.memberAccounts, `${MEMBER_ACCOUNTS_FORMAT} (${problems.join('; ')})`);
  }
  return Object.entries(parsed.data).map(([id, entry]) => resolveMemberAccount(partition, id, entry));
}

export function readConfig(env: Env): Config {
  const emailDomain = optional(env, LAMBDA_ENV.emailDomain);
  const signInUrl = optional(env, LAMBDA_ENV.signInUrl);
  const recipientDomains = optional(env, LAMBDA_ENV.recipientDomains);
  const memberAccounts = optional(env, LAMBDA_ENV.memberAccounts);
  const configurationSet = optional(env, LAMBDA_ENV.configurationSet);
  const topicArn = checkTopicArn(
    required(env, LAMBDA_ENV.topicArn, 'the SNS topic that delivers IAM events'),
  );
  return {
    senderEmail: checkSender(required(env, LAMBDA_ENV.sender, 'the SES-verified sender address')),
    managedPath: checkPath(optional(env, LAMBDA_ENV.managedPath) ?? DEFAULT_IAM_PATH),
    topicArn,
    applyRoleArn: checkRoleArn(
      required(env, LAMBDA_ENV.applyRoleArn, 'the apply role whose sessions alone are acted for'),
    ),
    ...(emailDomain === undefined ? {} : { emailDomain: checkDomain(emailDomain.replace(/^@/, '')) }),
    ...(signInUrl === undefined ? {} : { signInUrl: checkUrl(signInUrl) }),
    ...(recipientDomains === undefined ? {} : { recipientDomains: checkRecipientDomains(recipientDomains) }),
    // The member roles live in the partition of the Lambda's own topic (a resource of its stack).
    ...(memberAccounts === undefined
      ? {}
      : { memberAccounts: checkMemberAccounts(memberAccounts, partitionOf(topicArn)) }),
    ...(configurationSet === undefined ? {} : { configurationSet: checkConfigurationSet(configurationSet) }),
  };
}
