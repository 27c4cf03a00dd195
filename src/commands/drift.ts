// Drift: what IAM holds that the roster does not say. Read from the plan (a pure function of
// roster and IAM), so drift is exactly what the next apply would change back or report.

import { code, countOf, escapeCell } from '../plan/markdown.js';
import type { OffboardCandidate, Plan, Scope, UnmanagedUser, UserPlan } from '../plan/plan.js';
import { describeChange } from '../plan/render-markdown.js';
import { formatIssue, type RosterIssue } from '../roster/roster-issue.js';

export interface Drift {
  readonly scope: Scope;
  /** Managed users changed by hand: the changes that would put them back as their files say. */
  readonly changed: readonly UserPlan[];
  /**
   * Users the roster asks for that IAM does not hold as asked: missing (deleted by hand, or never
   * applied), to adopt, or disabled with their file back. The next apply creates, adopts or restores them.
   */
  readonly pending: readonly UserPlan[];
  /** Managed users whose roster file is gone (and not yet offboarded). */
  readonly offboard: readonly OffboardCandidate[];
  /** Users under the managed path that this repository does not manage (created by hand or elsewhere). */
  readonly unmanaged: readonly UnmanagedUser[];
  /** What IAM no longer offers the roster (a group or policy deleted by hand, a name taken). */
  readonly errors: readonly RosterIssue[];
}

export function findDrift(plan: Plan): Drift {
  return {
    scope: plan.scope,
    changed: plan.users.filter((user) => user.action === 'update'),
    pending: plan.users.filter((user) => user.action !== 'update'),
    offboard: plan.offboard,
    unmanaged: plan.unmanaged,
    errors: plan.errors,
  };
}

/** One per finding: a changed, pending, offboard or unmanaged user, or an error. */
export function driftCount(drift: Drift): number {
  return (
    drift.changed.length +
    drift.pending.length +
    drift.offboard.length +
    drift.unmanaged.length +
    drift.errors.length
  );
}

export function renderDriftMarkdown(drift: Drift): string {
  const count = driftCount(drift);
  const lines = [
    `### iam-gitops drift for ${code(drift.scope.repository)} at ${code(drift.scope.iamPath)}`,
    '',
    count === 0
      ? 'No drift: IAM holds exactly what the roster says.'
      : `**${countOf(count, 'finding')}**: IAM differs from the roster. The next apply puts managed users back as their files say; users it does not manage are only reported.`,
    '',
  ];
  if (drift.changed.length > 0) {
    lines.push('#### Changed outside the roster (apply reverts)', '', '| User | To put back |', '|---|---|');
    for (const user of drift.changed)
      lines.push(`| ${code(user.user)} | ${user.changes.map(describeChange).join('<br>')} |`);
    lines.push('');
  }
  if (drift.pending.length > 0) {
    lines.push(
      '#### In the roster, not in IAM as the roster says (apply creates, adopts or restores)',
      '',
      '| User | File | Apply will |',
      '|---|---|---|',
    );
    for (const user of drift.pending)
      lines.push(`| ${code(user.user)} | ${code(user.file)} | ${user.action} |`);
    lines.push('');
  }
  if (drift.offboard.length > 0) {
    lines.push('#### Managed, but no roster file (apply offboards)', '', '| User | Why |', '|---|---|');
    for (const user of drift.offboard) lines.push(`| ${code(user.user)} | ${escapeCell(user.reason)} |`);
    lines.push('');
  }
  if (drift.unmanaged.length > 0) {
    lines.push(
      `#### Under ${code(drift.scope.iamPath)} but not managed by this repository (never touched)`,
      '',
      '| User | Path | Managed by |',
      '|---|---|---|',
    );
    for (const user of drift.unmanaged)
      lines.push(
        `| ${code(user.user)} | ${code(user.path)} | ${user.managedBy ? code(user.managedBy) : 'no managed-by tag'} |`,
      );
    lines.push('');
  }
  if (drift.errors.length > 0) {
    lines.push('#### The roster no longer fits IAM', '');
    for (const issue of drift.errors) lines.push(`- ${code(formatIssue(issue))}`);
    lines.push('');
  }
  return lines.join('\n');
}
