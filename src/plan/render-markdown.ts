// The plan as Markdown: one table a reviewer reads at a glance, then what needs attention.
import { TAG_DISABLED_AT } from '../contract.js';
import type { ApplyResult, ChangeOutcome } from '../iam/apply-plan.js';
import type { OffboardReport } from '../iam/offboard-user.js';
import { formatIssue } from '../roster/roster-issue.js';
import { alert, code, countOf, escapeCell } from './markdown.js';
import { type Change, changeCount, type OffboardChange, type Plan, type UserPlan } from './plan.js';

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
    case 'move-user':
      return `move from ${code(change.fromPath)} to ${code(change.toPath)}`;
    case 'offboard-user':
      return `${change.mode}: ${offboardRemovals(change).join('; ')}`;
  }
}

/**
 * What an offboarding takes away, as the plan knows it: the groups and policies from the
 * snapshot by name; the credentials by kind (apply lists them for this user when it runs).
 */
export function offboardRemovals(change: OffboardChange): string[] {
  const removals: string[] =
    change.mode === 'delete'
      ? [
          'delete login profile, access keys, signing certificates, SSH keys, service-specific credentials and MFA devices (virtual ones deleted)',
        ]
      : [
          'delete login profile',
          'deactivate access keys, signing certificates, SSH keys and service-specific credentials',
        ];
  if (change.inlinePolicyNames.length > 0)
    removals.push(`delete inline ${change.inlinePolicyNames.map(code).join(', ')}`);
  if (change.attachedPolicyArns.length > 0)
    removals.push(`detach ${change.attachedPolicyArns.map((arn) => code(policyName(arn))).join(', ')}`);
  if (change.groups.length > 0) removals.push(`leave ${change.groups.map(code).join(', ')}`);
  // The boundary stays: it grants nothing, and DeleteUser takes it with the user.
  if (change.mode === 'delete') {
    removals.push('delete the user');
  } else {
    removals.push(`tag ${code(TAG_DISABLED_AT)}`);
  }
  return removals;
}

export function planHeadline(plan: Plan): string {
  const count = (action: UserPlan['action']) => plan.users.filter((user) => user.action === action).length;
  const counts = [`${count('create')} to create`, `${count('update')} to update`];
  if (count('adopt') > 0) counts.push(`${count('adopt')} to adopt`);
  if (count('restore') > 0) counts.push(`${count('restore')} to restore`);
  counts.push(`${plan.offboard.length} to offboard`);
  const parts = [
    `**${counts.join(', ')}**`,
    countOf(changeCount(plan), 'change'),
    `${plan.unchanged.length} unchanged`,
  ];
  if (plan.disabled.length > 0) parts.push(`${plan.disabled.length} disabled`);
  if (plan.errors.length > 0) parts.push(`**${countOf(plan.errors.length, 'error')}**`);
  if (plan.warnings.length > 0) parts.push(countOf(plan.warnings.length, 'warning'));
  return parts.join(' · ');
}

const ACTION_LABEL: Record<UserPlan['action'], string> = {
  create: '➕ create',
  adopt: '🔁 adopt',
  restore: '♻️ restore',
  update: '✏️ update',
};

const MODE_LABEL: Record<OffboardChange['mode'], string> = {
  disable: '🚫 disable',
  delete: '🗑️ delete',
};

/** What a reviewer should know about adoption, restoring and offboarding, beyond the table. */
function notes(plan: Plan): string[] {
  const lines: string[] = [];
  if (plan.users.some((user) => user.action === 'adopt')) {
    lines.push(
      `- **adopt**: an existing IAM user whose file says \`adopt: true\` is moved under ${code(plan.scope.iamPath)} and tagged as managed by ${code(plan.scope.repository)}; it keeps its password, access keys and MFA devices, and no sign-in email is sent.`,
    );
  }
  if (plan.users.some((user) => user.action === 'restore')) {
    lines.push(
      `- **restore**: a disabled user whose file is back gets its groups, policies and tags again and loses ${code(TAG_DISABLED_AT)}. Its access keys stay inactive; console sign-in comes back with a re-send (run the workflow with its \`user\`), which sets a new password and emails it.`,
    );
  }
  return lines;
}

/**
 * Guardrails opted out with `'*'`, as a GitHub alert so no reviewer scrolls past it. They block
 * nothing: the repository chose them, and the pull request that chose them showed this too.
 */
function renderWarnings(warnings: Plan['warnings']): string {
  return alert('WARNING', [
    `**Guardrails opted out**: this roster may grant more than a list allows (${countOf(warnings.length, 'warning')}).`,
    '',
    ...warnings.map((warning) => `- ${code(formatIssue(warning))}`),
  ]);
}

export function renderPlanMarkdown(plan: Plan): string {
  const lines: string[] = [
    `### iam-gitops plan for ${code(plan.scope.repository)} at ${code(plan.scope.iamPath)}`,
    '',
    planHeadline(plan),
    '',
  ];
  if (plan.warnings.length > 0) lines.push(renderWarnings(plan.warnings), '');
  if (plan.errors.length > 0) {
    lines.push('#### Errors (nothing will be applied until they are fixed)', '');
    for (const issue of plan.errors) lines.push(`- ${code(formatIssue(issue))}`);
    lines.push('');
  }
  if (plan.users.length > 0) {
    lines.push('| | User | Changes |', '|---|---|---|');
    for (const user of plan.users) {
      lines.push(
        `| ${ACTION_LABEL[user.action]} | ${code(user.user)} | ${user.changes.map(describeChange).join('<br>')} |`,
      );
    }
    lines.push('');
    const explained = notes(plan);
    if (explained.length > 0) lines.push(...explained, '');
  } else if (plan.errors.length === 0 && plan.offboard.length === 0) {
    lines.push('No changes: IAM matches the roster.', '');
  }
  if (plan.offboard.length > 0) {
    lines.push('#### To offboard', '', '| | User | Will remove | Why |', '|---|---|---|---|');
    for (const user of plan.offboard) {
      lines.push(
        `| ${MODE_LABEL[user.mode]} | ${code(user.user)} | ${offboardRemovals(user).join('<br>')} | ${escapeCell(user.reason)} |`,
      );
    }
    lines.push('');
    if (plan.offboard.some((user) => user.mode === 'disable'))
      lines.push(
        'A disabled user stays in IAM for audit; adding its file back restores it. Credentials are listed and removed for these users only, when apply runs.',
        '',
      );
  }
  if (plan.disabled.length > 0) {
    lines.push('#### Disabled earlier (file removed; kept for audit, not changed)', '');
    for (const user of plan.disabled) {
      lines.push(`- ${code(user.user)} (disabled ${code(user.disabledAt)}): add its file back to restore it`);
    }
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
      // An offboarding says what it actually removed, not what the plan expected.
      const what =
        outcome.change.kind === 'offboard-user' && 'offboarding' in outcome && outcome.offboarding
          ? `${outcome.change.mode}: ${escapeCell(summarizeOffboarding(outcome.offboarding))}`
          : describeChange(outcome.change);
      lines.push(`| ${code(outcome.change.user)} | ${what} | ${STATUS[outcome.status]}${detail} |`);
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

/** Each IAM call of an offboarding, as `[verb, noun]` for its summary. */
const STEP_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  DeleteLoginProfile: ['deleted', 'login profile'],
  DeleteAccessKey: ['deleted', 'access key'],
  UpdateAccessKey: ['deactivated', 'access key'],
  DeleteSigningCertificate: ['deleted', 'signing certificate'],
  UpdateSigningCertificate: ['deactivated', 'signing certificate'],
  DeleteSSHPublicKey: ['deleted', 'SSH key'],
  UpdateSSHPublicKey: ['deactivated', 'SSH key'],
  DeleteServiceSpecificCredential: ['deleted', 'service-specific credential'],
  UpdateServiceSpecificCredential: ['deactivated', 'service-specific credential'],
  DeactivateMFADevice: ['deactivated', 'MFA device'],
  DeleteVirtualMFADevice: ['deleted', 'virtual MFA device'],
  DeleteUserPolicy: ['deleted', 'inline policy'],
  DetachUserPolicy: ['detached', 'policy'],
  RemoveUserFromGroup: ['left', 'group'],
};

/** `deleted login profile, deactivated 2 access keys, left 1 group, tagged disabled-at`: what was done. */
export function summarizeOffboarding(report: OffboardReport): string {
  const counts = new Map<string, number>();
  const parts: string[] = [];
  for (const step of report.steps) {
    if (step.result !== 'done') continue;
    counts.set(step.call, (counts.get(step.call) ?? 0) + 1);
  }
  for (const [call, count] of counts) {
    const words = STEP_WORDS[call];
    if (words !== undefined) {
      const [verb, noun] = words;
      parts.push(call === 'DeleteLoginProfile' ? `${verb} ${noun}` : `${verb} ${countOf(count, noun)}`);
    } else if (call === 'TagUser') parts.push(`tagged ${TAG_DISABLED_AT}`);
    else if (call === 'DeleteUser') parts.push('deleted the user');
  }
  if (parts.length === 0)
    return report.status === 'already-done' ? 'nothing left to remove' : 'nothing to remove';
  return parts.join(', ');
}
