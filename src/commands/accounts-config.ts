// Whether a run works across accounts: `accounts:` in iam-gitops.yaml. Kept apart from the
// many-accounts machinery (member-accounts.ts, which loads STS), so that a one-account run and
// `validate` load none of it.
import type { RepoConfig } from '../config/repo-config-schema.js';

/** The configuration of a many-accounts run: `accounts:` is set. */
export type AccountsRepoConfig = RepoConfig & { readonly accounts: NonNullable<RepoConfig['accounts']> };

export function hasAccounts(config: RepoConfig): config is AccountsRepoConfig {
  return config.accounts !== undefined;
}
