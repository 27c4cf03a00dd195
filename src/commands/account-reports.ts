// What each command says about one account of a many-accounts run: its row in the table of
// accounts (creates / updates / offboards / errors), its section (the command's own Markdown
// under the account's heading) and its entry in the JSON document. The table, the cutting and the
// JSON envelope are src/accounts/render-accounts.ts.
import type { AccountCounts, AccountReport } from '../accounts/render-accounts.js';
import type { ApplyResult } from '../iam/apply-plan.js';
import { code } from '../plan/markdown.js';
import type { Plan, Scope } from '../plan/plan.js';
import { planToJson } from '../plan/render-json.js';
import { renderApplyMarkdown, renderPlanMarkdown } from '../plan/render-markdown.js';
import type { DriftFindings } from './command-context.js';
import { renderDriftMarkdown } from './drift.js';
import { untitled } from './member-accounts.js';
import type { ResendRequested } from './resend.js';
import { renderStaleInvitesMarkdown, type StaleInviteReport } from './stale-invites.js';

/** The report's first line: `## iam-gitops plan for `acme/iam-users` at `/iam-gitops/``. */
export function accountsTitle(what: string, scope: Scope): string {
  return `## iam-gitops ${what} for ${code(scope.repository)} at ${code(scope.iamPath)}`;
}

/** The plan's counts, as the table of accounts shows them. */
export function planCounts(plan: Plan): AccountCounts {
  const creates = plan.users.filter((user) => user.action === 'create').length;
  return {
    creates,
    updates: plan.users.length - creates,
    offboards: plan.offboard.length,
    errors: plan.errors.length,
  };
}

export const planAccountReport: AccountReport<Plan> = {
  counts: planCounts,
  markdown: (plan) => untitled(renderPlanMarkdown(plan)),
  json: (plan) => planToJson(plan),
};

/** One account of an apply: its plan, and what applying it did (undefined: plan errors, nothing applied). */
export interface AccountApplied {
  readonly plan: Plan;
  readonly result: ApplyResult | undefined;
}

export const applyAccountReport: AccountReport<AccountApplied> = {
  // A failed change is an error of the account too: the next run retries it.
  counts: ({ plan, result }) => {
    const counts = planCounts(plan);
    return { ...counts, errors: counts.errors + (result?.failed ?? 0) };
  },
  markdown: ({ plan, result }) =>
    result === undefined
      ? `${untitled(renderPlanMarkdown(plan))}\nNothing was applied in this account until its plan errors are fixed.\n`
      : untitled(renderApplyMarkdown(plan, result)),
  json: ({ plan, result }) => ({
    applied: result !== undefined,
    plan: planToJson(plan),
    result: result ?? null,
  }),
};

/** One account's drift section: drift, then stale invitations, each a `####` part under the account. */
export function driftSectionMarkdown(findings: Pick<DriftFindings, 'drift' | 'invites'>): string {
  return [
    untitled(renderDriftMarkdown(findings.drift)).trimEnd(),
    '',
    '#### Stale invitations',
    '',
    untitled(renderStaleInvitesMarkdown(findings.invites)),
  ].join('\n');
}

export const driftAccountReport: AccountReport<DriftFindings> = {
  counts: ({ plan }) => planCounts(plan),
  markdown: ({ markdown }) => markdown,
  json: ({ plan, drift, count, invites }) => ({
    driftCount: count,
    drift,
    staleInvites: invites,
    plan: planToJson(plan),
  }),
};

export const resendAccountReport: AccountReport<ResendRequested> = {
  markdown: (request) =>
    `Asked for new sign-in details for ${code(request.user)} (${code(request.arn)}): tagged ` +
    `${code('iam-gitops:credentials-requested')} = ${code(request.value)}. The credential Lambda sets a new ` +
    'password and emails it; the password never passes through this run.\n',
  json: (request) => ({ ...request }),
};

export const invitesAccountReport: AccountReport<StaleInviteReport> = {
  markdown: (report) => untitled(renderStaleInvitesMarkdown(report)),
  json: (report) => ({ ...report }),
};
