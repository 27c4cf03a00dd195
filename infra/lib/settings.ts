// Every parameter of the installation, read and validated in one place before any construct is
// made: the CDK context (cdk.json, or `-c key=value`) and the guardrails of the roster
// repository's `iam-gitops.yaml` (context `config`). Each rule (repository, email, domain, IAM
// path) comes from the shared pieces of src/settings/fields.ts, so the CDK app accepts exactly
// what the action and the Lambda accept. All problems are reported at once, each naming its key
// (or FILE:LINE:COL for the configuration file), so a first deploy needs one round of fixes.
import { resolve } from 'node:path';
import { loadRepoConfig, type RepoConfigResult } from '../../src/config/load-repo-config.js';
import { type Guardrails, REPO_CONFIG_FILE, type RepoConfig } from '../../src/config/repo-config-schema.js';
import { DEFAULT_IAM_PATH } from '../../src/contract.js';
import { formatIssue, type RosterIssue } from '../../src/roster/roster-issue.js';
import {
  domainName,
  emailAddress,
  githubRepository,
  iamPath as iamPathField,
  isDomain,
  isEmailAddress,
} from '../../src/settings/fields.js';
import type * as z from '../../src/util/zod.js';

/** Where the Lambda's email comes from, and which SES identity proves we may send it. */
export interface Sender {
  /** The From header: `it@example.com` or `IT team <it@example.com>`. */
  readonly from: string;
  /** The bare address inside `from` (what `ses:FromAddress` is compared with). */
  readonly address: string;
  /** A domain identity (verified by DKIM records) or a single address (verified by a link). */
  readonly identity:
    | { readonly kind: 'domain'; readonly name: string }
    | { readonly kind: 'email'; readonly name: string };
}

export interface Settings {
  /** `OWNER/REPO` of the roster repository, exactly as GitHub spells it (trust is case-sensitive). */
  readonly repository: string;
  /** The default branch: pull requests against it plan, and the drift report runs on it. */
  readonly branch: string;
  /** The GitHub environment the apply and re-send jobs run in: the only jobs that may assume the apply role. */
  readonly environment: string;
  /** GitHub's immutable numeric ids, for the `repo:OWNER@ID/REPO@ID:...` subject format. */
  readonly githubIds?: { readonly owner: string; readonly repository: string };
  /** The IAM path managed users live under. */
  readonly iamPath: string;
  /** The IAM path of the groups the apply role may use when `guardrails.groups` is `['*']`. */
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
   * be verified anyway in the sandbox); the From address stays fixed by `ses:FromAddress`.
   */
  readonly sesSandbox: boolean;
  /**
   * Let the apply role move existing users into the managed path (`adopt: true` in a roster file).
   * IAM cannot limit that move to the path, so it reaches every user no other repository manages.
   */
  readonly allowAdoption: boolean;
  /** Where the alarms are emailed; without it they only show in CloudWatch. */
  readonly alarmEmail?: string;
  /** What a roster may grant (`guardrails` of iam-gitops.yaml): enforced by the roles' policies. */
  readonly guardrails: Guardrails;
  /** The whole iam-gitops.yaml (accounts, defaultAccounts, ...), for the parts that need more. */
  readonly repoConfig: RepoConfig;
  /** The configuration file as named in messages (the `config` context, relative as given). */
  readonly configFile: string;
}

/** Context keys the app reads; `-c key=value` overrides cdk.json. */
export const SETTING_KEYS = [
  'config',
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

/** The GitHub environment the apply role trusts unless `environment` names another. */
export const DEFAULT_ENVIRONMENT = 'iam-gitops';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(readonly problems: readonly string[]) {
    super(
      `invalid iam-gitops settings (CDK context in cdk.json or -c key=value; guardrails in ${REPO_CONFIG_FILE}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

// Characters git refuses in a ref name (git-check-ref-format), plus whitespace: a branch with them
// cannot exist, and ':' would also break the OIDC subject's own separators.
const BAD_REF_CHARACTER = /[\s~^:?*[\\]/;
const hasControlCharacter = (value: string) =>
  [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const isBadRefName = (value: string) => BAD_REF_CHARACTER.test(value) || hasControlCharacter(value);
/** GitHub's numeric owner and repository ids. */
const GITHUB_ID = /^[1-9][0-9]{0,19}$/;
/** `IT team <it@example.com>`: a display name and the address in angle brackets. */
const NAMED_EMAIL = /^([^<>\r\n]*)<([^<>\s]+)>$/;

type Context = (key: SettingKey) => unknown;

/** Unset, null and '' (or blanks) all mean "not configured": cdk.json placeholders may be empty. */
const isUnset = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

type Problem = (key: SettingKey, message: string) => undefined;

function contextReader(context: Context, problem: Problem) {
  /** A context value as trimmed text, or undefined when unset. */
  const text = (key: SettingKey): string | undefined => {
    const value = context(key);
    if (isUnset(value)) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value !== 'string') return problem(key, `expected a string, got ${JSON.stringify(value)}`);
    return value.trim();
  };

  /** Strict: true/false (or "true"/"false" from -c); anything else is a typo, not false. */
  const flag = (key: SettingKey): boolean => {
    const value = context(key);
    if (isUnset(value)) return false;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    problem(key, `expected true or false, got ${JSON.stringify(value)}`);
    return false;
  };

  /** A text value checked (and possibly transformed) by a shared zod piece; every issue under `key`. */
  const checked = <T>(
    key: SettingKey,
    piece: z.ZodMiniType<T, string>,
    raw: string | undefined,
  ): T | undefined => {
    if (raw === undefined) return undefined;
    const result = piece.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) problem(key, `${issue.message} (got ${JSON.stringify(raw)})`);
    return undefined;
  };

  return { text, flag, checked };
}

/**
 * Reads the settings from CDK context (`(key) => node.tryGetContext(key)`) and the loaded
 * `iam-gitops.yaml` (named `configFile` in messages), or throws every problem at once.
 */
export function readSettings(context: Context, repoConfig: RepoConfigResult, configFile: string): Settings {
  const problems: string[] = [];
  const problem: Problem = (key, message) => {
    problems.push(`${key}: ${message}`);
    return undefined;
  };
  const { text, flag, checked } = contextReader(context, problem);

  const repositoryText = text('repository');
  const repository = checked('repository', githubRepository, repositoryText);
  if (isUnset(context('repository'))) problem('repository', 'required: the roster repository as OWNER/REPO');

  const branch = text('branch') ?? 'main';
  if (isBadRefName(branch) || branch.startsWith('refs/')) {
    problem(
      'branch',
      `${JSON.stringify(branch)} is not a branch name (give the name only, without refs/heads/)`,
    );
  }

  const environment = text('environment') ?? DEFAULT_ENVIRONMENT;
  if (isBadRefName(environment) || environment.length > 255) {
    problem('environment', `${JSON.stringify(environment)} is not a GitHub environment name`);
  }

  const ownerId = text('githubOwnerId');
  const repositoryId = text('githubRepositoryId');
  if (ownerId !== undefined && !GITHUB_ID.test(ownerId))
    problem('githubOwnerId', 'expected the numeric owner id');
  if (repositoryId !== undefined && !GITHUB_ID.test(repositoryId)) {
    problem('githubRepositoryId', 'expected the numeric repository id');
  }
  if ((ownerId === undefined) !== (repositoryId === undefined)) {
    problem(
      ownerId === undefined ? 'githubOwnerId' : 'githubRepositoryId',
      'set both githubOwnerId and githubRepositoryId, or neither',
    );
  }

  const iamPath = checked('iamPath', iamPathField, text('iamPath')) ?? DEFAULT_IAM_PATH;
  // The root path holds every user of the account: the apply role could then touch all of them.
  if (iamPath === '/') problem('iamPath', 'must not be "/": every user of the account would be in scope');
  const groupPath = checked('groupPath', iamPathField, text('groupPath')) ?? '/';

  const sender = readSender(text('senderEmail'), text('senderDomain'), problem);

  const emailDomainText = text('emailDomain')?.replace(/^@/, '');
  const emailDomain = checked('emailDomain', domainName, emailDomainText);

  const signInUrl = text('signInUrl');
  if (signInUrl !== undefined && !isHttpsUrl(signInUrl)) problem('signInUrl', 'expected an https:// URL');

  const alarmEmail = checked('alarmEmail', emailAddress, text('alarmEmail'));

  const existingTrail = flag('existingTrail');
  const existingOidcProvider = flag('existingOidcProvider');
  const existingSenderIdentity = flag('existingSenderIdentity');
  const sesSandbox = flag('sesSandbox');
  const allowAdoption = flag('allowAdoption');

  const guardrailsRead = readGuardrails(repoConfig, configFile);
  problems.push(...guardrailsRead.problems);
  const recipientDomains = guardrailsRead.guardrails?.recipientDomains;
  if (
    emailDomain !== undefined &&
    recipientDomains !== undefined &&
    !recipientDomains.includes(emailDomain)
  ) {
    problem(
      'emailDomain',
      `${emailDomain} is not one of guardrails.recipientDomains in ${configFile} (${recipientDomains.join(', ')}): users without an email would never get one`,
    );
  }

  if (
    problems.length > 0 ||
    repository === undefined ||
    sender === undefined ||
    guardrailsRead.guardrails === undefined ||
    guardrailsRead.repoConfig === undefined
  ) {
    throw new SettingsError(problems);
  }
  return {
    repository,
    branch,
    environment,
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
    guardrails: guardrailsRead.guardrails,
    repoConfig: guardrailsRead.repoConfig,
    configFile,
  };
}

/** The keys a `guardrails` block must set, named in the refusal to synthesize without one. */
export const REQUIRED_GUARDRAIL_KEYS = ['guardrails.groups', 'guardrails.policies'] as const;

function readGuardrails(
  repoConfig: RepoConfigResult,
  configFile: string,
): { problems: string[]; guardrails?: Guardrails; repoConfig?: RepoConfig } {
  if (!repoConfig.ok) return { problems: repoConfig.issues.map(formatIssue) };
  const { guardrails } = repoConfig.config;
  if (guardrails === undefined) {
    const missing: RosterIssue = {
      file: repoConfig.source?.file ?? configFile,
      field: 'guardrails',
      line: 1,
      column: 1,
      message: `required by the infrastructure, which enforces it in IAM: set ${REQUIRED_GUARDRAIL_KEYS.join(' and ')} (['*'] allows any, a conscious opt-out); see docs/infrastructure.md`,
    };
    return { problems: [formatIssue(missing)] };
  }
  return { problems: [], guardrails, repoConfig: repoConfig.config };
}

function readSender(
  email: string | undefined,
  domain: string | undefined,
  problem: Problem,
): Sender | undefined {
  if (email === undefined && domain === undefined) {
    return problem(
      'senderEmail',
      'required: set senderEmail (an address to verify) or senderDomain (a domain to verify with DKIM)',
    );
  }
  if (domain !== undefined && !isDomain(domain)) {
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

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The app's entry: reads the `config` context (default iam-gitops.yaml, resolved against `cwd`,
 * the directory `cdk` runs in), loads that file, and reads the settings; throws SettingsError.
 */
export async function loadSettings(context: Context, cwd: string): Promise<Settings> {
  const given = context('config');
  const configFile = typeof given === 'string' && given.trim() !== '' ? given.trim() : REPO_CONFIG_FILE;
  const loaded = await loadRepoConfig({
    path: resolve(cwd, configFile),
    displayPath: configFile,
    required: true,
  });
  return readSettings(context, withMissingFileHint(loaded), configFile);
}

/** A missing file says what it must hold, not only that it is missing. */
function withMissingFileHint(result: RepoConfigResult): RepoConfigResult {
  if (result.ok) return result;
  return {
    ok: false,
    issues: result.issues.map((issue) =>
      issue.message === 'does not exist'
        ? {
            ...issue,
            message: `does not exist: the infrastructure needs the roster repository's configuration with a guardrails block (${REQUIRED_GUARDRAIL_KEYS.join(', ')}); create it, or point -c config=PATH at it`,
          }
        : issue,
    ),
  };
}
