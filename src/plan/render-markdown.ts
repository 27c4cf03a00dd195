// The plan as Markdown: one table a reviewer reads at a glance, then what needs attention.
import type { ApplyResult, ChangeOutcome } from '../iam/apply-plan.js';
import { formatIssue } from '../roster/roster-issue.js';
import { type Change, changeCount, type Plan } from './plan.js';

/** Escapes what would break a table cell or inline code. */
export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'")
    .replace(/[\r\n]+/g, ' ');
}

const code = (text: string) => `\`${escapeCell(text)}\``;

/** `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess` -> `ViewOnlyAccess`. */
export function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export function describeChange(change: Change): string {
  switch (change.kind) {
    case 'create-user': {
      const boundary = change.permissionsBoundary
        ? `, boundary ${code(policyName(change.permissionsBoundary))}`
        : '';
      return `create at ${code(change.path)} with ${change.tags.length} tags${boundary}`;
    }
    case 'set-boundary':
      return `set boundary ${code(policyName(change.policyArn))}`;
    case 'remove-boundary':
      return `remove boundary ${code(policyName(change.policyArn))}`;
    case 'attach-policy':
      return `attach ${code(policyName(change.policyArn))}`;
    case 'detach-policy':
      return `detach ${code(policyName(change.policyArn))}`;
    case 'add-to-group':
      return `join ${code(change.group)}`;
    case 'remove-from-group':
      return `leave ${code(change.group)}`;
    case 'tag-user':
      return `tag ${change.tags.map((tag) => code(`${tag.key}=${tag.value}`)).join(', ')}`;
    case 'untag-user':
      return `untag ${change.keys.map(code).join(', ')}`;
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function planHeadline(plan: Plan): string {
  const creates = plan.users.filter((user) => user.action === 'create').length;
  const updates = plan.users.length - creates;
  const parts = [
    `**${creates} to create, ${updates} to update, ${plan.offboard.length} to offboard**`,
    plural(changeCount(plan), 'change'),
    `${plan.unchanged.length} unchanged`,
  ];
  if (plan.errors.length > 0) parts.push(`**${plural(plan.errors.length, 'error')}**`);
  return parts.join(' · ');
}

export function renderPlanMarkdown(plan: Plan): string {
  const lines: string[] = [
    `### iam-gitops plan for ${code(plan.scope.repository)} at ${code(plan.scope.iamPath)}`,
    '',
    planHeadline(plan),
    '',
  ];
  if (plan.errors.length > 0) {
    lines.push('#### Errors (nothing will be applied until they are fixed)', '');
    for (const issue of plan.errors) lines.push(`- ${code(formatIssue(issue))}`);
    lines.push('');
  }
  if (plan.users.length > 0) {
    lines.push('| | User | Changes |', '|---|---|---|');
    for (const user of plan.users) {
      const action = user.action === 'create' ? '➕ create' : '✏️ update';
      lines.push(`| ${action} | ${code(user.user)} | ${user.changes.map(describeChange).join('<br>')} |`);
    }
    lines.push('');
  } else if (plan.errors.length === 0) {
    lines.push('No changes: IAM matches the roster.', '');
  }
  if (plan.offboard.length > 0) {
    lines.push('#### To offboard', '', '| User | Why |', '|---|---|');
    for (const user of plan.offboard) lines.push(`| ${code(user.user)} | ${escapeCell(user.reason)} |`);
    lines.push('');
  }
  if (plan.unmanaged.length > 0) {
    lines.push(`#### Not managed by this repository (under ${code(plan.scope.iamPath)}, never touched)`, '');
    for (const user of plan.unmanaged) {
      lines.push(
        `- ${code(user.user)}${user.managedBy ? ` (managed by ${code(user.managedBy)})` : ' (no managed-by tag)'}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

const STATUS: Record<ChangeOutcome['status'], string> = {
  done: '✅ done',
  'already-done': '✅ already so',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
};

export function renderApplyMarkdown(plan: Plan, result: ApplyResult): string {
  const lines = [
    `### iam-gitops apply for ${code(plan.scope.repository)} at ${code(plan.scope.iamPath)}`,
    '',
    `**${result.succeeded} succeeded, ${result.failed} failed, ${result.skipped} skipped**`,
    '',
  ];
  if (result.outcomes.length > 0) {
    lines.push('| User | Change | Result |', '|---|---|---|');
    for (const outcome of result.outcomes) {
      const detail =
        outcome.status === 'failed' ? `: ${escapeCell(outcome.code ?? '')} ${escapeCell(outcome.error)}` : '';
      lines.push(
        `| ${code(outcome.change.user)} | ${describeChange(outcome.change)} | ${STATUS[outcome.status]}${detail} |`,
      );
    }
    lines.push('');
  }
  if (result.failed > 0)
    lines.push(
      'Failed and skipped changes are retried by the next run: it plans again from what IAM holds.',
      '',
    );
  return lines.join('\n');
}
