// read IAM snapshot -> diff -> plan, for a roster read and checked once per run (readRoster /
// validateRoster in read-roster.ts, no AWS call): a plan, apply or drift run never reads the files
// twice, and a many-account run plans each account's share of the same roster.
import type { IAMClient } from '@aws-sdk/client-iam';
import { locateConfigField } from '../config/load-repo-config.js';
import { type AwsAccount, accountOfArn, policyArnIn } from '../iam/account.js';
import { confirmPolicies, readAccountFromRoles, readSnapshot } from '../iam/read-snapshot.js';
import type { IamSnapshot } from '../iam/snapshot.js';
import { type PlanOptions, planChanges } from '../plan/diff.js';
import type { Plan } from '../plan/plan.js';
import type { Roster } from '../roster/roster.js';
import type { RosterToPlan } from './read-roster.js';
import type { CoreSettings } from './settings.js';

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

/** Reads IAM and plans `validated` (from validateRoster, src/commands/read-roster.ts) against it. */
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
