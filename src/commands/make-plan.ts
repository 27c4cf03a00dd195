// validate roster -> read IAM snapshot -> diff -> plan: the sequence every command shares. The
// roster is read and checked once per run (validateRoster, no AWS call); makePlan takes that
// result, so a plan, apply or drift run never reads the files twice.
import type { IAMClient } from '@aws-sdk/client-iam';
import { locateConfigField, type RepoConfigSource } from '../config/load-repo-config.js';
import type { RepoConfig } from '../config/repo-config-schema.js';
import { type AwsAccount, accountOfArn, policyArnIn } from '../iam/account.js';
import { confirmPolicies, readAccountFromRoles, readSnapshot } from '../iam/read-snapshot.js';
import type { IamSnapshot } from '../iam/snapshot.js';
import { type PlanOptions, planChanges } from '../plan/diff.js';
import type { Plan } from '../plan/plan.js';
import { loadRoster } from '../roster/load-roster.js';
import type { Roster } from '../roster/roster.js';
import type { RosterIssue } from '../roster/roster-issue.js';
import type { CoreSettings, RosterSettings } from './settings.js';

/** A roster that passed every check, with the configuration it was checked against. */
export interface ValidatedRoster {
  readonly kind: 'valid';
  readonly roster: Roster;
  readonly fileCount: number;
  /** Guardrails opted out with `'*'`: shown in the plan, blocking nothing. */
  readonly warnings: readonly RosterIssue[];
  /** The parsed iam-gitops.yaml (`{}` without one). */
  readonly config: RepoConfig;
  /** Where it was read from, so plan errors about it point at its lines. */
  readonly configSource: RepoConfigSource | undefined;
}

export type RosterOutcome =
  | ValidatedRoster
  | { readonly kind: 'invalid'; readonly issues: readonly RosterIssue[]; readonly fileCount: number };

/** What makePlan needs of a validated roster; a many-account runner passes one account's roster. */
export type RosterToPlan = Pick<ValidatedRoster, 'roster' | 'warnings' | 'config' | 'configSource'>;

export interface PlanOutcome {
  readonly roster: Roster;
  readonly snapshot: IamSnapshot;
  readonly plan: Plan;
}

export interface MakePlanOptions {
  /**
   * Any ARN in the account planned, such as the role this run assumed: tells the account when
   * `guardrails.permissionsBoundary` is a policy name and the account holds no user or group yet.
   */
  readonly accountArn?: string | undefined;
}

/**
 * Validation only: no AWS call. `config` is the parsed iam-gitops.yaml (its guardrails and
 * accounts are checked); without it, neither is, as before the configuration existed.
 */
export async function validateRoster(
  settings: RosterSettings,
  config?: RepoConfig,
  configSource?: RepoConfigSource,
): Promise<RosterOutcome> {
  const result = await loadRoster({
    usersDir: settings.usersDir,
    displayDir: settings.displayDir,
    emailDomain: settings.emailDomain,
    config,
    configSource,
  });
  if (!result.ok) return { kind: 'invalid', issues: result.issues, fileCount: result.fileCount };
  return {
    kind: 'valid',
    roster: result.roster,
    fileCount: result.fileCount,
    warnings: result.warnings,
    config: config ?? {},
    configSource,
  };
}

/**
 * The account `guardrails.permissionsBoundary` (a name) is resolved in, with the fewest calls: the
 * snapshot's own user and group ARNs (no call; any account that has been applied to holds our
 * users), else the ARN the caller passed (the role it assumed), else, for an account that holds
 * neither users nor groups, one GetAccountAuthorizationDetails of a single role. A no-op plan
 * stays one IAM call.
 */
async function accountOf(
  iam: IAMClient,
  snapshot: IamSnapshot,
  accountArn: string | undefined,
): Promise<AwsAccount | undefined> {
  return (
    snapshot.account ??
    (accountArn === undefined ? undefined : accountOfArn(accountArn)) ??
    (await readAccountFromRoles(iam))
  );
}

/** Reads IAM and plans `validated` (from validateRoster) against it. */
export async function makePlan(
  validated: RosterToPlan,
  settings: CoreSettings,
  iam: IAMClient,
  options: MakePlanOptions = {},
): Promise<PlanOutcome> {
  const { roster, config } = validated;
  const referencedPolicies = roster.users.flatMap((user) => [
    ...user.policies,
    ...(user.permissionsBoundary ? [user.permissionsBoundary] : []),
  ]);
  let snapshot = await readSnapshot(iam, { referencedPolicies });

  let permissionsBoundary: PlanOptions['permissionsBoundary'];
  const guardrail = config.guardrails?.permissionsBoundary;
  if (guardrail !== undefined) {
    const arn =
      policyArnIn(guardrail, undefined) ??
      policyArnIn(guardrail, await accountOf(iam, snapshot, options.accountArn));
    if (arn !== undefined) snapshot = await confirmPolicies(iam, snapshot, [arn]);
    permissionsBoundary = {
      arn,
      source: locateConfigField(validated.configSource, 'guardrails.permissionsBoundary'),
    };
  }

  const plan = planChanges(
    roster,
    snapshot,
    { iamPath: settings.iamPath, repository: settings.repository },
    {
      ...(settings.onRemove !== undefined ? { onRemove: settings.onRemove } : {}),
      ...(settings.maxRemovals !== undefined ? { maxRemovals: settings.maxRemovals } : {}),
      rosterDir: settings.displayDir,
      ...(permissionsBoundary !== undefined ? { permissionsBoundary } : {}),
      warnings: validated.warnings,
    },
  );
  return { roster, snapshot, plan };
}
