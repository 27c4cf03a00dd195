// Offboarding, decided: which managed users whose file is gone are offboarded in this run, which
// were disabled before, and the removal guard. Pure: no I/O, no clock.
import { TAG_DISABLED_AT } from '../contract.js';
import type { IamUser } from '../iam/snapshot.js';
import type { RosterIssue } from '../roster/roster-issue.js';
import { countOf } from './markdown.js';
import type { DisabledUser, OffboardChange, OnRemove } from './plan.js';

export const OFFBOARD_REASON = 'its roster file was removed';

/** A user offboarded by `disable` carries the disabled-at tag; it keeps managed-by, so it stays in scope. */
export function isDisabled(user: IamUser): boolean {
  return user.tags[TAG_DISABLED_AT] !== undefined;
}

export function offboardChange(user: IamUser, mode: OnRemove): OffboardChange {
  return {
    kind: 'offboard-user',
    user: user.name,
    arn: user.arn,
    mode,
    reason: OFFBOARD_REASON,
    groups: [...user.groups].sort(),
    attachedPolicyArns: [...user.attachedPolicyArns].sort(),
    inlinePolicyNames: [...user.inlinePolicyNames].sort(),
    permissionsBoundaryArn: user.permissionsBoundaryArn,
  };
}

/**
 * Splits the managed users no roster file claims into those to offboard now and those a
 * `disable` already offboarded (no further changes, not counted against max-removals).
 */
export function planOffboarding(
  unclaimed: readonly IamUser[],
  mode: OnRemove,
): { offboard: OffboardChange[]; disabled: DisabledUser[] } {
  const offboard: OffboardChange[] = [];
  const disabled: DisabledUser[] = [];
  for (const user of unclaimed) {
    if (isDisabled(user)) {
      disabled.push({ user: user.name, arn: user.arn, disabledAt: user.tags[TAG_DISABLED_AT] ?? '' });
    } else {
      offboard.push(offboardChange(user, mode));
    }
  }
  const byUser = (a: { user: string }, b: { user: string }) => a.user.localeCompare(b.user);
  return { offboard: offboard.sort(byUser), disabled: disabled.sort(byUser) };
}

/** How many names a guard message lists before it says "and N more". */
const NAMES_SHOWN = 10;

/**
 * The removal guard: a plan that would offboard more than `maxRemovals` users is refused as a
 * whole, so a wrong users-dir, a bad merge or a mass deletion never takes everyone's access. The
 * issue is reported against the users directory (it belongs to no single file).
 */
export function removalGuard(
  offboard: readonly OffboardChange[],
  maxRemovals: number,
  rosterDir: string,
): RosterIssue | undefined {
  if (offboard.length <= maxRemovals) return undefined;
  const names = offboard.slice(0, NAMES_SHOWN).map((change) => change.user);
  const more = offboard.length - names.length;
  const listed = `${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  return {
    file: rosterDir,
    field: '',
    line: 1,
    column: 1,
    message:
      `${countOf(offboard.length, 'managed user')} would be offboarded (${listed}), more than max-removals ` +
      `(${maxRemovals}); nothing is changed. If these removals are intended, raise the input ` +
      `max-removals (CLI: --max-removals) to ${offboard.length} for this run; if not, check users-dir ` +
      'and the roster files.',
  };
}
