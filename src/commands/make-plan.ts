// load roster -> read IAM snapshot -> diff -> plan: the sequence every command shares.
import type { IAMClient } from '@aws-sdk/client-iam';
import { readSnapshot } from '../iam/read-snapshot.js';
import type { IamSnapshot } from '../iam/snapshot.js';
import { planChanges } from '../plan/diff.js';
import type { Plan } from '../plan/plan.js';
import { loadRoster } from '../roster/load-roster.js';
import type { Roster } from '../roster/roster.js';
import type { RosterIssue } from '../roster/roster-issue.js';
import type { CoreSettings, RosterSettings } from './settings.js';

export type RosterOutcome =
  | { readonly kind: 'valid'; readonly roster: Roster; readonly fileCount: number }
  | { readonly kind: 'invalid'; readonly issues: readonly RosterIssue[]; readonly fileCount: number };

export type PlanOutcome =
  | { readonly kind: 'invalid'; readonly issues: readonly RosterIssue[]; readonly fileCount: number }
  | {
      readonly kind: 'planned';
      readonly roster: Roster;
      readonly snapshot: IamSnapshot;
      readonly plan: Plan;
    };

/** Validation only: no AWS call. */
export async function validateRoster(settings: RosterSettings): Promise<RosterOutcome> {
  const result = await loadRoster({
    usersDir: settings.usersDir,
    displayDir: settings.displayDir,
    emailDomain: settings.emailDomain,
  });
  return result.ok
    ? { kind: 'valid', roster: result.roster, fileCount: result.fileCount }
    : { kind: 'invalid', issues: result.issues, fileCount: result.fileCount };
}

/** An invalid roster stops here, before any AWS call. */
export async function makePlan(settings: CoreSettings, iam: IAMClient): Promise<PlanOutcome> {
  const validated = await validateRoster(settings);
  if (validated.kind === 'invalid') return validated;
  const { roster } = validated;
  const referencedPolicies = roster.users.flatMap((user) => [
    ...user.policies,
    ...(user.permissionsBoundary ? [user.permissionsBoundary] : []),
  ]);
  const snapshot = await readSnapshot(iam, { referencedPolicies });
  const plan = planChanges(
    roster,
    snapshot,
    { iamPath: settings.iamPath, repository: settings.repository },
    {
      ...(settings.onRemove !== undefined ? { onRemove: settings.onRemove } : {}),
      ...(settings.maxRemovals !== undefined ? { maxRemovals: settings.maxRemovals } : {}),
      rosterDir: settings.displayDir,
    },
  );
  return { kind: 'planned', roster, snapshot, plan };
}
