// The plan as JSON for machines: stable field names, versioned.
import { formatIssue } from '../roster/roster-issue.js';
import { changeCount, type Plan } from './plan.js';

export const PLAN_JSON_VERSION = 1;

export function planToJson(plan: Plan): Record<string, unknown> {
  const creates = plan.users.filter((user) => user.action === 'create').length;
  return {
    version: PLAN_JSON_VERSION,
    scope: plan.scope,
    summary: {
      create: creates,
      update: plan.users.length - creates,
      offboard: plan.offboard.length,
      unchanged: plan.unchanged.length,
      changes: changeCount(plan),
      errors: plan.errors.length,
    },
    users: plan.users,
    unchanged: plan.unchanged,
    offboard: plan.offboard,
    disabled: plan.disabled,
    unmanaged: plan.unmanaged,
    errors: plan.errors.map((issue) => ({ ...issue, text: formatIssue(issue) })),
    warnings: plan.warnings.map((warning) => ({ ...warning, text: formatIssue(warning) })),
  };
}

export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}
