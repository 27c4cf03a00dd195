// The action: read inputs, find the command for the event, run it. One try/catch ends in setFailed.
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { IAMClient } from '@aws-sdk/client-iam';
import { driftCount, findDrift, renderDriftMarkdown } from './commands/drift.js';
import { makePlan, validateRoster } from './commands/make-plan.js';
import { requestCredentials, rosterUserFor } from './commands/resend.js';
import { findStaleInvites, renderStaleInvitesMarkdown } from './commands/stale-invites.js';
import {
  type Command,
  isForkPullRequest,
  type Route,
  routeEvent,
  type WorkflowEvent,
} from './github/event-route.js';
import { iamClientForRun, oidcTokenAvailable } from './github/oidc-credentials.js';
import { commentOnPullRequest } from './github/pr-comment.js';
import {
  annotateIssues,
  failureLine,
  renderRosterErrorsMarkdown,
  writePlanOutputs,
  writeSummary,
} from './github/report.js';
import { applyPlan } from './iam/apply-plan.js';
import type { IamSnapshot } from './iam/snapshot.js';
import { type ActionSettings, readInputs } from './inputs.js';
import type { Plan } from './plan/plan.js';
import { renderApplyMarkdown, renderPlanMarkdown } from './plan/render-markdown.js';
import type { RosterIssue } from './roster/roster-issue.js';
import { errorMessage } from './util/error-message.js';
import { VERSION } from './version.js';

interface RunContext {
  readonly settings: ActionSettings;
  readonly event: WorkflowEvent;
  readonly route: Route;
}

const COMMAND_RUNNERS: Record<Command, (context: RunContext) => Promise<void>> = {
  validate: validateCommand,
  plan: planCommand,
  apply: applyCommand,
  resend: resendCommand,
  drift: driftCommand,
};

export async function run(): Promise<void> {
  try {
    const settings = readInputs();
    const event: WorkflowEvent = {
      name: github.context.eventName ?? '',
      ref: github.context.ref,
      payload: github.context.payload,
    };
    const route = routeEvent(event, settings);
    core.info(
      `iam-gitops ${VERSION}: ${route.command} (${route.reason}); ${settings.displayDir} at ${settings.iamPath}`,
    );
    await COMMAND_RUNNERS[route.command]({ settings, event, route });
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}

/** Annotates every roster error on its line, reports them and fails the step. */
async function failOnRosterErrors(context: RunContext, issues: readonly RosterIssue[]): Promise<void> {
  annotateIssues(issues);
  const markdown = renderRosterErrorsMarkdown(issues, context.settings.displayDir);
  await writeSummary(markdown);
  // A fork's pull request gets a read-only token: no comment to try there.
  if (context.route.command === 'plan' && !isForkPullRequest(context.event))
    await commentOnPullRequest(commentSettings(context), context.event, markdown);
  core.setFailed(
    `${failureLine(issues.length, 'error')} in the roster; nothing was read from or changed in IAM`,
  );
}

function commentSettings(context: RunContext): { enabled: boolean; token: string } {
  return { enabled: context.settings.comment, token: context.settings.githubToken };
}

/**
 * The roster is checked before anything touches AWS (not even STS): an invalid one fails here.
 * Then the role is assumed and IAM read into a plan.
 */
async function planFromIam(
  context: RunContext,
): Promise<{ iam: IAMClient; plan: Plan; snapshot: IamSnapshot } | undefined> {
  const { settings, route } = context;
  const validated = await validateRoster(settings);
  if (validated.kind === 'invalid') {
    await failOnRosterErrors(context, validated.issues);
    return undefined;
  }
  const iam = await iamClientForRun(settings.aws, settings.region, route.command);
  const outcome = await makePlan(validated, settings, iam);
  return { iam, plan: outcome.plan, snapshot: outcome.snapshot };
}

async function validateCommand(context: RunContext): Promise<void> {
  const outcome = await validateRoster(context.settings);
  if (outcome.kind === 'invalid') {
    await failOnRosterErrors(context, outcome.issues);
    return;
  }
  core.info(`${outcome.roster.users.length} users, all valid`);
}

async function planCommand(context: RunContext): Promise<void> {
  const { settings, event } = context;
  if (settings.aws.roleToAssume !== undefined && !oidcTokenAvailable() && isForkPullRequest(event)) {
    core.notice(
      'This pull request comes from a fork, and GitHub gives forks no OIDC token: the roster is validated, but no plan is made. The plan runs when a maintainer merges (or re-opens the change from a branch of this repository).',
      { title: 'iam-gitops: validated only' },
    );
    await validateCommand(context);
    return;
  }
  const planned = await planFromIam(context);
  if (planned === undefined) return;
  const { plan } = planned;
  const markdown = renderPlanMarkdown(plan);
  await writePlanOutputs(plan, markdown);
  core.info(markdown);
  await writeSummary(markdown);
  await commentOnPullRequest(commentSettings(context), event, markdown);
  if (plan.errors.length > 0) {
    annotateIssues(plan.errors);
    core.setFailed(`${failureLine(plan.errors.length, 'plan error')}; nothing can be applied`);
  }
}

async function applyCommand(context: RunContext): Promise<void> {
  const planned = await planFromIam(context);
  if (planned === undefined) return;
  const { iam, plan } = planned;
  const markdown = renderPlanMarkdown(plan);
  await writePlanOutputs(plan, markdown);
  if (plan.errors.length > 0) {
    core.info(markdown);
    await writeSummary(markdown);
    annotateIssues(plan.errors);
    core.setFailed(`${failureLine(plan.errors.length, 'plan error')}; nothing was applied`);
    return;
  }
  const result = await applyPlan(iam, plan, {
    onOutcome: (o) => core.info(`${o.status}: ${o.change.kind} ${o.change.user}`),
  });
  await writeSummary(renderApplyMarkdown(plan, result));
  if (result.failed > 0)
    core.setFailed(`${failureLine(result.failed, 'change')} failed; a rerun retries them`);
}

async function resendCommand(context: RunContext): Promise<void> {
  const { settings, route } = context;
  // The route guarantees a user for resend; checked again so the type says so.
  if (route.user === undefined) throw new Error('resend needs a user');
  const validated = await validateRoster(settings);
  if (validated.kind === 'invalid') {
    await failOnRosterErrors(context, validated.issues);
    return;
  }
  const user = rosterUserFor(validated.roster, route.user);
  const iam = await iamClientForRun(settings.aws, settings.region, 'resend');
  const outcome = await requestCredentials(iam, settings, user, {
    now: new Date(),
    runId: String(github.context.runId || 'local'),
  });
  const message = `Asked for new sign-in details for \`${outcome.user}\`: tagged \`iam-gitops:credentials-requested\` = \`${outcome.value}\`. The credential Lambda sets a new password and emails it; it never passes through GitHub.`;
  core.info(message.replace(/`/g, ''));
  await writeSummary(`### iam-gitops: credentials re-sent\n\n${message}\n`);
}

async function driftCommand(context: RunContext): Promise<void> {
  const planned = await planFromIam(context);
  if (planned === undefined) return;
  const { plan } = planned;
  await writePlanOutputs(plan, renderPlanMarkdown(plan));
  const drift = findDrift(plan);
  const count = driftCount(drift);
  core.setOutput('drift-count', count);
  // Stale invitations ride along with the scheduled report: the snapshot is already read.
  const invites = await findStaleInvites(planned.iam, context.settings, { snapshot: planned.snapshot });
  core.setOutput('stale-invites-count', invites.stale.length);
  const markdown = `${renderDriftMarkdown(drift)}\n${renderStaleInvitesMarkdown(invites)}`;
  core.info(markdown);
  await writeSummary(markdown);
  annotateIssues(drift.errors);
  if (count === 0) return;
  const line = `${failureLine(count, 'drift finding')}: IAM differs from the roster (see the job summary)`;
  if (context.settings.failOnDrift) core.setFailed(line);
  else core.warning(line);
}
