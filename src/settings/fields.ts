// Rules that more than one surface checks: each pattern and limit is defined here once, and the
// action inputs, the CLI flags, the roster, the repository configuration, the credential Lambda
// and the CDK app import it. Two copies of a pattern drift (an email the roster accepted was one
// the Lambda refused), so there is one.
import { isAbsolute, normalize } from 'node:path';
import { IAM_LIMITS } from '../contract.js';
import * as z from '../util/zod.js';

/**
 * The WHATWG HTML "valid email address" rule (what `<input type=email>` accepts), with at least
 * one dot in the domain: strict enough to refuse junk (`alice@exa_mple.com`), loose enough for
 * every real mailbox. The roster, the Lambda and the infrastructure all use this one rule.
 */
export const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX_LENGTH = 254;

export function isEmailAddress(value: string): boolean {
  return value.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(value);
}

/** A DNS domain such as example.com: labels of letters, digits and inner hyphens, a letter TLD. */
export const DOMAIN_PATTERN =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isDomain(value: string): boolean {
  return DOMAIN_PATTERN.test(value);
}

/** The part after the last `@`, as written. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/**
 * Whether an address may receive credentials under `recipientDomains`. The domain must be one of
 * them exactly, in lower case: IAM enforces the same list with a case-sensitive StringLike on the
 * email tag (`*@example.com`), so the action, IAM and the Lambda must agree to the letter.
 * No list means no restriction.
 */
export function isRecipientAllowed(
  address: string,
  recipientDomains: readonly string[] | undefined,
): boolean {
  if (recipientDomains === undefined) return true;
  return recipientDomains.includes(domainOf(address));
}

/**
 * GitHub: owner names are alphanumerics and single hyphens, at most 39; repository names are
 * alphanumerics, '.', '_' and '-', at most 100.
 */
export const GITHUB_REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** `/iam-gitops/` style: starts and ends with a slash, IAM's path characters only. */
export const IAM_PATH_PATTERN = /^\/([\u0021-\u007e]+\/)*$/;

export function normalizeIamPath(path: string): string {
  const trimmed = path.trim();
  const withLeading = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return withLeading.endsWith('/') ? withLeading : `${withLeading}/`;
}

export function isIamPath(path: string): boolean {
  return IAM_PATH_PATTERN.test(path) && path.length <= IAM_LIMITS.pathMaxLength;
}

/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** An IAM role ARN in any partition, path included. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** IAM role names: 1-64 of `[\w+=,.@-]`. */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

/** IAM group names: 1-128 characters of [A-Za-z0-9+=,.@_-]. */
export const GROUP_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;

/** arn:aws:iam::aws:policy/Name or arn:aws:iam::123456789012:policy/path/Name (any AWS partition). */
export const POLICY_ARN_PATTERN =
  /^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;

/** A customer managed policy's name: 1-128 of `[\w+=,.@-]`. */
export const POLICY_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;

/** An AWS region such as us-east-1 or eu-central-2. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

// zod pieces built on the rules above, for the schemas of each surface.
export const emailAddress = z
  .string()
  .check(
    z.maxLength(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`),
    z.regex(EMAIL_PATTERN, 'must be an email address'),
  );
export const domainName = z.string().check(
  z.regex(DOMAIN_PATTERN, 'must be a domain such as example.com'),
  z.refine((value) => value === value.toLowerCase(), 'must be written in lower case'),
);
export const githubRepository = z.string().check(z.regex(GITHUB_REPOSITORY_PATTERN, 'must be OWNER/REPO'));
export const accountId = z.string().check(z.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id'));
export const roleArn = z.string().check(z.regex(ROLE_ARN_PATTERN, 'must be an IAM role ARN'));
export const roleName = z.string().check(z.regex(ROLE_NAME_PATTERN, 'must be an IAM role name'));
export const groupName = z.string().check(z.regex(GROUP_NAME_PATTERN, 'must be an IAM group name'));
export const policyArn = z
  .string()
  .check(z.regex(POLICY_ARN_PATTERN, 'must be a managed policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)'));
export const iamPath = z
  .pipe(z.string(), z.transform(normalizeIamPath))
  .check(z.refine(isIamPath, 'must be an IAM path such as /iam-gitops/'));
export const awsRegion = z
  .string()
  .check(z.regex(AWS_REGION_PATTERN, 'must be an AWS region such as us-east-1'));

// Pieces for the settings of the action (inputs, src/settings/action-inputs.ts) and the CLI
// (flags, src/settings/cli-flags.ts). Inputs and flags arrive as text, so these parse text.

/** IAM user names: 1-64 of `[\w+=,.@-]`. */
export function isIamUserName(value: string): boolean {
  return value.length <= IAM_LIMITS.userNameMaxLength && IAM_LIMITS.userNamePattern.test(value);
}
export const iamUserName = z.string().check(z.refine(isIamUserName, 'must be an IAM user name'));

/** No item twice, ignoring case: IAM compares the names of users, groups and policies without it. */
export function isUniqueIgnoringCase(items: readonly string[]): boolean {
  return new Set(items.map((item) => item.toLowerCase())).size === items.length;
}

/** One or more items, none twice (ignoring case); `emptyMessage` says what to write instead of `[]`. */
export function nonEmptyUniqueList<T extends z.ZodMiniType<string>>(item: T, emptyMessage: string) {
  return z.array(item).check(z.minLength(1, emptyMessage), z.refine(isUniqueIgnoringCase, 'must not repeat'));
}

/** A whole number from `min` to `max`, in decimal digits: no sign, no unit, no exponent. */
export function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .pipe(z.string().check(z.regex(/^\d+$/, message)), z.transform(Number))
    .check(z.refine((value) => value >= min && value <= max, message));
}

/**
 * A true/false setting, by the YAML 1.2 core schema that `core.getBooleanInput` applies:
 * `true | True | TRUE | false | False | FALSE`. A typo is an error, never `false`.
 */
export const yamlBoolean = z.pipe(
  z.enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'], 'must be true or false'),
  z.transform((value) => value.toLowerCase() === 'true'),
);

/** A file or directory on this machine, absolute or relative to the current directory. */
export const localPath = z.string().check(
  z.minLength(1, 'must not be empty'),
  z.refine((path) => !path.includes('\0'), 'must not contain a NUL character'),
);

/**
 * A path inside the repository, relative to its root, as annotations and messages name files:
 * not absolute and not leading out through `..`. Normalized, without a trailing slash.
 */
export const repositoryPath = z
  .pipe(
    localPath,
    z.transform((path) => normalize(path).replace(/[\\/]+$/, '') || '.'),
  )
  .check(
    z.refine(
      (path) => !isAbsolute(path) && path !== '..' && !/^\.\.[\\/]/.test(path),
      'must be a path inside the repository, relative to its root',
    ),
  );

/** STS RoleSessionName: 2-64 of `[\w+=,.@-]`; CloudTrail shows it. */
export const roleSessionName = z
  .string()
  .check(z.regex(/^[\w+=,.@-]{2,64}$/, 'must be 2-64 letters, digits or +=,.@_-'));

/** STS session lifetimes: from 15 minutes to 12 hours (the role's own maximum may be lower). */
export const roleDurationSeconds = wholeNumber(900, 43_200);

/** IAM holds at most 5,000 users per account: a bound on anything that counts users. */
export const MAX_USERS_PER_ACCOUNT = 5000;

/** One of a fixed set of words, such as `disable` or `delete`. */
export function oneOf<const T extends string>(values: readonly T[]) {
  return z.pipe(
    z
      .string()
      .check(
        z.refine(
          (value) => (values as readonly string[]).includes(value),
          `must be one of ${values.join(', ')}`,
        ),
      ),
    z.transform((value) => value as T),
  );
}
