// Every parameter of the installation, read and validated in one place before any construct is
// made. The user sets them as CDK context (cdk.json, or `-c key=value` on the command line); all
// problems are reported at once, each naming its key, so a first deploy needs one round of fixes.
import { DEFAULT_IAM_PATH, IAM_LIMITS } from '../../src/contract.js';
import { IAM_PATH_PATTERN, normalizeIamPath } from '../../src/plan/scope.js';

/** Where the Lambda's email comes from, and which SES identity proves we may send it. */
export interface Sender {
  /** The From header: `it@example.com` or `IT team <it@example.com>`. */
  readonly from: string;
  /** The bare address inside `from`. */
  readonly address: string;
  /** A domain identity (verified by DKIM records) or a single address (verified by a link). */
  readonly identity:
    | { readonly kind: 'domain'; readonly name: string }
    | { readonly kind: 'email'; readonly name: string };
}

export interface Settings {
  /** `OWNER/REPO` of the roster repository, exactly as GitHub spells it (trust is case-sensitive). */
  readonly repository: string;
  /** The default branch: apply runs on it unless `environment` is set; the drift report runs on it. */
  readonly branch: string;
  /** A GitHub environment the apply job runs in; when set, only that environment may apply. */
  readonly environment?: string;
  /** GitHub's immutable numeric ids, for the `repo:OWNER@ID/REPO@ID:...` subject format. */
  readonly githubIds?: { readonly owner: string; readonly repository: string };
  /** The IAM path managed users live under. */
  readonly iamPath: string;
  /** The IAM path of the groups the apply role may add users to or remove them from. */
  readonly groupPath: string;
  readonly sender: Sender;
  /** For user names that are not email addresses: mail goes to `name@emailDomain`. */
  readonly emailDomain?: string;
  /** Replaces the account's console sign-in URL in the email. */
  readonly signInUrl?: string;
  /** A trail recording management events exists already: do not create one. */
  readonly existingTrail: boolean;
  /** The account has the GitHub OIDC provider already (IAM allows one per URL): import it. */
  readonly existingOidcProvider: boolean;
  /** The SES identity exists (verified) already: do not create it. */
  readonly existingSenderIdentity: boolean;
  /**
   * The account's SES is still in the sandbox. SES then authorizes a send against each recipient's
   * verified identity too, so the Lambda may send to any identity of this account (recipients must
   * be verified anyway in the sandbox). Turn it off once SES has production access.
   */
  readonly sesSandbox: boolean;
  /**
   * Let the apply role move existing users into the managed path (`adopt: true` in a roster file).
   * IAM cannot limit that move to the path, so it reaches every user no other repository manages.
   */
  readonly allowAdoption: boolean;
  /** Where the dead-letter queue's alarm is emailed; without it the alarm only shows in CloudWatch. */
  readonly alarmEmail?: string;
}

/** Context keys the app reads; `-c key=value` overrides cdk.json. */
export const SETTING_KEYS = [
  'repository',
  'branch',
  'environment',
  'githubOwnerId',
  'githubRepositoryId',
  'iamPath',
  'groupPath',
  'senderEmail',
  'senderDomain',
  'emailDomain',
  'signInUrl',
  'existingTrail',
  'existingOidcProvider',
  'existingSenderIdentity',
  'sesSandbox',
  'allowAdoption',
  'alarmEmail',
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(readonly problems: readonly string[]) {
    super(
      `invalid iam-gitops settings (CDK context in cdk.json or -c key=value):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

// GitHub: owner names are alphanumerics and single hyphens, at most 39; repository names are
// alphanumerics, '.', '_' and '-', at most 100.
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
// Characters git refuses in a ref name (git-check-ref-format), plus whitespace: a branch with them
// cannot exist, and ':' would also break the OIDC subject's own separators.
const BAD_REF_CHARACTER = /[\s~^:?*[\\]/;
const hasControlCharacter = (value: string) =>
  [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const isBadRefName = (value: string) => BAD_REF_CHARACTER.test(value) || hasControlCharacter(value);
const DOMAIN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@([^\s@<>()[\]\\,;:"]+)$/;
const NAMED_EMAIL = /^([^<>\r\n]*)<([^<>\s]+)>$/;
const DIGITS = /^[1-9][0-9]{0,19}$/;

type Context = (key: SettingKey) => unknown;

/** Reads the settings from CDK context (`(key) => node.tryGetContext(key)`), or throws every problem at once. */
export function readSettings(context: Context): Settings {
  const problems: string[] = [];
  const problem = (key: SettingKey, message: string) => {
    problems.push(`${key}: ${message}`);
    return undefined;
  };

  /** Unset, null and '' are the same: "not configured" (cdk.json placeholders may be empty). */
  const text = (key: SettingKey): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value !== 'string') return problem(key, `expected a string, got ${JSON.stringify(value)}`);
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  };

  /** Strict: true/false (or "true"/"false" from -c); anything else is a typo, not false. */
  const flag = (key: SettingKey): boolean => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return false;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    problem(key, `expected true or false, got ${JSON.stringify(value)}`);
    return false;
  };

  const path = (key: SettingKey, fallback: string, what: string): string => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const normalized = normalizeIamPath(raw);
    if (!IAM_PATH_PATTERN.test(normalized) || normalized.length > IAM_LIMITS.pathMaxLength) {
      problem(key, `${JSON.stringify(raw)} is not an IAM path such as ${what}`);
    }
    return normalized;
  };

  const repository = text('repository');
  if (repository === undefined) problem('repository', 'required: the roster repository as OWNER/REPO');
  else if (!REPOSITORY.test(repository))
    problem('repository', `${JSON.stringify(repository)} is not OWNER/REPO`);

  const branch = text('branch') ?? 'main';
  if (isBadRefName(branch) || branch.startsWith('refs/')) {
    problem(
      'branch',
      `${JSON.stringify(branch)} is not a branch name (give the name only, without refs/heads/)`,
    );
  }

  const environment = text('environment');
  if (environment !== undefined && (isBadRefName(environment) || environment.length > 255)) {
    problem('environment', `${JSON.stringify(environment)} is not a GitHub environment name`);
  }

  const ownerId = text('githubOwnerId');
  const repositoryId = text('githubRepositoryId');
  if (ownerId !== undefined && !DIGITS.test(ownerId))
    problem('githubOwnerId', 'expected the numeric owner id');
  if (repositoryId !== undefined && !DIGITS.test(repositoryId)) {
    problem('githubRepositoryId', 'expected the numeric repository id');
  }
  if ((ownerId === undefined) !== (repositoryId === undefined)) {
    problem(
      ownerId === undefined ? 'githubOwnerId' : 'githubRepositoryId',
      'set both githubOwnerId and githubRepositoryId, or neither',
    );
  }

  const iamPath = path('iamPath', DEFAULT_IAM_PATH, DEFAULT_IAM_PATH);
  // The root path holds every user of the account: the apply role could then touch all of them.
  if (iamPath === '/') problem('iamPath', 'must not be "/": every user of the account would be in scope');
  const groupPath = path('groupPath', '/', '/ or /iam-gitops/');

  const sender = readSender(text('senderEmail'), text('senderDomain'), problem);

  const emailDomain = text('emailDomain')?.replace(/^@/, '');
  if (emailDomain !== undefined && !DOMAIN.test(emailDomain)) {
    problem('emailDomain', `${JSON.stringify(emailDomain)} is not a domain such as example.com`);
  }

  const signInUrl = text('signInUrl');
  if (signInUrl !== undefined && !isHttpsUrl(signInUrl)) problem('signInUrl', 'expected an https:// URL');

  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !isEmailAddress(alarmEmail)) {
    problem('alarmEmail', `${JSON.stringify(alarmEmail)} is not an email address`);
  }

  const existingTrail = flag('existingTrail');
  const existingOidcProvider = flag('existingOidcProvider');
  const existingSenderIdentity = flag('existingSenderIdentity');
  const sesSandbox = flag('sesSandbox');
  const allowAdoption = flag('allowAdoption');

  if (problems.length > 0 || repository === undefined || sender === undefined)
    throw new SettingsError(problems);
  return {
    repository,
    branch,
    ...(environment === undefined ? {} : { environment }),
    ...(ownerId === undefined || repositoryId === undefined
      ? {}
      : { githubIds: { owner: ownerId, repository: repositoryId } }),
    iamPath,
    groupPath,
    sender,
    ...(emailDomain === undefined ? {} : { emailDomain }),
    ...(signInUrl === undefined ? {} : { signInUrl }),
    existingTrail,
    existingOidcProvider,
    existingSenderIdentity,
    sesSandbox,
    allowAdoption,
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
  };
}

function readSender(
  email: string | undefined,
  domain: string | undefined,
  problem: (key: SettingKey, message: string) => undefined,
): Sender | undefined {
  if (email === undefined && domain === undefined) {
    return problem(
      'senderEmail',
      'required: set senderEmail (an address to verify) or senderDomain (a domain to verify with DKIM)',
    );
  }
  if (domain !== undefined && !DOMAIN.test(domain)) {
    return problem('senderDomain', `${JSON.stringify(domain)} is not a domain such as example.com`);
  }
  // With only a domain, the mail comes from a fixed mailbox of it; SES needs no mailbox to exist.
  const from = email ?? `iam-gitops@${domain}`;
  if (/[\r\n]/.test(from)) return problem('senderEmail', 'must be on one line');
  const address = NAMED_EMAIL.exec(from)?.[2] ?? from;
  if (!isEmailAddress(address)) {
    return problem(
      'senderEmail',
      `${JSON.stringify(from)} is not an address such as iam@example.com or "IT <iam@example.com>"`,
    );
  }
  const addressDomain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (domain === undefined) return { from, address, identity: { kind: 'email', name: address } };
  // A verified domain also covers its subdomains' addresses.
  const lower = domain.toLowerCase();
  if (addressDomain !== lower && !addressDomain.endsWith(`.${lower}`)) {
    return problem('senderEmail', `${address} is not an address of senderDomain ${domain}`);
  }
  return { from, address, identity: { kind: 'domain', name: lower } };
}

function isEmailAddress(value: string): boolean {
  const domain = EMAIL.exec(value)?.[1];
  return domain !== undefined && DOMAIN.test(domain);
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}
