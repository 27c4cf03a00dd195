// What the core needs to know, whichever front end (action or CLI) gathered it.
import type { LoadRepoConfigOptions } from '../config/load-repo-config.js';
import type { OnRemove } from '../plan/plan.js';

export interface RosterSettings {
  /** Where to read the roster files from. */
  readonly usersDir: string;
  /** How to name that directory in messages and annotations (relative to the repository root). */
  readonly displayDir: string;
  /** Lets console users without an email address receive mail at `<name>@<emailDomain>`. */
  readonly emailDomain: string | undefined;
}

export interface CoreSettings extends RosterSettings {
  /** The managed IAM path, `/iam-gitops/` style. */
  readonly iamPath: string;
  /** `<owner>/<repo>`: the value of the managed-by tag. */
  readonly repository: string;
  /** What offboarding does to a managed user whose file is gone; default `disable`. */
  readonly onRemove?: OnRemove;
  /** A plan that would offboard more users than this is refused as a whole; default 3. */
  readonly maxRemovals?: number;
}

/** The stale-invitation report (src/commands/stale-invites.ts). */
export interface InviteSettings {
  /** A login profile older than this, never used, is a stale invitation; default 14. */
  readonly inviteExpiryDays: number;
  /** Delete the login profile of a stale invitation (a re-send brings it back); default false. */
  readonly expireInvites: boolean;
}

export const DEFAULT_INVITE_EXPIRY_DAYS = 14;

/**
 * Where `iam-gitops.yaml` is: by default at the repository root, where a missing file means no
 * configuration; a file the input or flag named must exist.
 */
export type RepoConfigLocation = LoadRepoConfigOptions;

/** Everything a command runner (src/commands/run-*.ts) reads, from action inputs or CLI flags. */
export interface RunSettings extends CoreSettings, InviteSettings {
  readonly config: RepoConfigLocation;
  /** Region of the AWS clients (IAM is global; its endpoint and events are in us-east-1). */
  readonly region: string;
  /** drift: fail (the step, or exit 1) when IAM differs from the roster. */
  readonly failOnDrift: boolean;
  /**
   * Many accounts: member accounts worked at once; undefined means MAX_PARALLEL_ACCOUNTS.default
   * (src/accounts/run-accounts.ts), applied where the accounts are entered.
   */
  readonly maxParallelAccounts?: number | undefined;
}
