// Many accounts (DESIGN.md, "Many accounts"): which accounts each user of the one roster lives
// in, checked against `accounts` and `defaultAccounts` in iam-gitops.yaml, and the roster of one
// account for a runner that plans each account on its own. Pure: no I/O.
import type { RepoConfig } from '../config/repo-config-schema.js';
import type { Roster } from './roster.js';

/** An account finding about one user file, before it is placed on its line. */
export interface AccountIssue {
  /** `accounts`, `accounts.N` or `name`. */
  readonly field: string;
  readonly message: string;
}

export interface ResolvedAccounts {
  /** The user's accounts: the file's `accounts`, else `defaultAccounts`; undefined with one account. */
  readonly accounts: readonly string[] | undefined;
  readonly issues: readonly AccountIssue[];
}

/**
 * The accounts of a user file that says `accounts: fileAccounts` (undefined when it says none).
 * Without `accounts` in the configuration there is one account and a file may not name any; with
 * it, every name must be one of them, and a user must end up in at least one account.
 */
export function resolveAccounts(
  fileAccounts: readonly string[] | undefined,
  config: RepoConfig,
  configFile: string,
): ResolvedAccounts {
  if (config.accounts === undefined) {
    if (fileAccounts === undefined) return { accounts: undefined, issues: [] };
    return {
      accounts: undefined,
      issues: [
        {
          field: 'accounts',
          message: `names accounts, but ${configFile} has no accounts: (one account); add accounts: there, or remove this field`,
        },
      ],
    };
  }
  const known = Object.keys(config.accounts);
  if (fileAccounts !== undefined) {
    const issues: AccountIssue[] = [];
    fileAccounts.forEach((name, index) => {
      if (!Object.hasOwn(config.accounts ?? {}, name)) {
        issues.push({
          field: `accounts.${index}`,
          message: `unknown account "${name}" (accounts in ${configFile}: ${known.join(', ')})`,
        });
      }
    });
    return { accounts: fileAccounts, issues };
  }
  if (config.defaultAccounts !== undefined) return { accounts: config.defaultAccounts, issues: [] };
  return {
    accounts: [],
    issues: [
      {
        field: 'name',
        message: `is in no account: add accounts: (one or more of ${known.join(', ')}), or set defaultAccounts in ${configFile}`,
      },
    ],
  };
}

/**
 * The roster of one account: the users whose accounts (their file's, else `defaultAccounts`)
 * include `account`. For a runner that plans and applies each account with its own client; the
 * guardrails were checked for every user when the roster was loaded, so they hold in every account.
 */
export function rosterForAccount(roster: Roster, config: RepoConfig, account: string): Roster {
  if (config.accounts === undefined || !Object.hasOwn(config.accounts, account)) {
    throw new Error(`"${account}" is not an account of the configuration`);
  }
  return { users: roster.users.filter((user) => user.accounts?.includes(account) === true) };
}
