// How the action tells the person what a runner found: annotations on the exact line, the job
// summary, step outputs and, on a pull request, the sticky plan comment. The command runners
// (src/commands/run-*.ts) decide what to say; this says it the GitHub way.
import * as core from '@actions/core';
import { ACCOUNTS_COMMENT_RESERVE } from '../accounts/render-accounts.js';
import type { CommandContext, Reporter } from '../commands/command-context.js';
import { renderPlanMarkdown } from '../plan/render-markdown.js';
import type { ActionSettings } from '../settings/action-inputs.js';
import { VERSION } from '../version.js';
import { isForkPullRequest, type Route } from './event-route.js';
// Imported, not loaded on first use as the CLI does: every action run with a valid roster calls AWS,
// and the SDK as part of the graph Node loads at start reaches its first call about 8 ms sooner
// than through import() after the roster is read (the bench's cold start).
import { hubAccessForRun, iamClientForRun } from './oidc-credentials.js';
import { commentOnPullRequest } from './pr-comment.js';
import {
  annotateIssues,
  annotateWarnings,
  renderRosterErrorsMarkdown,
  writeAccountsOutputs,
  writePlanOutputs,
  writeSummary,
} from './report.js';
import { COMMENT_MAX_CHARS, SUMMARY_MAX_BYTES } from './truncate.js';
import { runUrl, type WorkflowContext } from './workflow-context.js';

export interface ActionRun {
  readonly settings: ActionSettings;
  readonly workflow: WorkflowContext;
  readonly route: Route;
}

export function actionReporter({ settings, workflow, route }: ActionRun): Reporter {
  const comment = (markdown: string) =>
    commentOnPullRequest({ enabled: settings.comment, token: settings.githubToken }, workflow, markdown);
  return {
    async invalid(issues) {
      annotateIssues(issues);
      const markdown = renderRosterErrorsMarkdown(issues);
      await writeSummary(markdown);
      // A fork's pull request gets a read-only token: no comment to try there.
      if (route.command === 'plan' && !isForkPullRequest(workflow.event)) await comment(markdown);
    },
    warnings(findings) {
      annotateWarnings(findings);
    },
    async valid({ users }) {
      core.info(`${users} users, all valid`);
    },
    async planned(plan, markdown) {
      await writePlanOutputs(plan, markdown);
      core.info(markdown);
      await writeSummary(markdown);
      await comment(markdown);
      annotateIssues(plan.errors);
    },
    changed(outcome, account) {
      const where = account === undefined ? '' : ` in ${account}`;
      core.info(`${outcome.status}: ${outcome.change.kind} ${outcome.change.user}${where}`);
    },
    async applied(plan, _result, markdown) {
      await writePlanOutputs(plan, renderPlanMarkdown(plan));
      await writeSummary(markdown);
    },
    async resent(_request, markdown) {
      core.info(markdown.replace(/`/g, ''));
      await writeSummary(`### iam-gitops: credentials re-sent\n\n${markdown}\n`);
    },
    async drifted({ plan, drift, count, invites, markdown }) {
      await writePlanOutputs(plan, renderPlanMarkdown(plan));
      core.setOutput('drift-count', count);
      core.setOutput('stale-invites-count', invites.stale.length);
      core.info(markdown);
      await writeSummary(markdown);
      annotateIssues(drift.errors);
    },
    async invites(report, markdown) {
      core.setOutput('stale-invites-count', report.stale.length);
      core.info(markdown);
      await writeSummary(markdown);
    },
    warning(message) {
      core.warning(message);
    },
    async acrossAccounts(report) {
      const whole = report.markdown();
      core.info(whole);
      // Cut account by account (every account keeps its row and heading), under GitHub's limit.
      await writeSummary(
        report.markdown({
          measure: 'bytes',
          limit: SUMMARY_MAX_BYTES - 2048,
          fullReport: 'step log and the plan-json output',
        }),
      );
      const { totals } = report;
      if (totals.changes !== undefined) await writeAccountsOutputs(report.json, totals.changes, whole);
      if (totals.drift !== undefined) core.setOutput('drift-count', totals.drift);
      if (totals.staleInvites !== undefined) core.setOutput('stale-invites-count', totals.staleInvites);
      for (const { account, issues } of report.issues)
        annotateIssues(issues, `iam-gitops: account ${account}`);
      if (report.command === 'plan') {
        const url = runUrl(workflow);
        await comment(
          report.markdown({
            limit: COMMENT_MAX_CHARS - ACCOUNTS_COMMENT_RESERVE,
            fullReport: url === undefined ? 'job summary' : `[job summary](${url})`,
          }),
        );
      }
    },
    progress(message) {
      core.info(message);
    },
  };
}

/** The first log line: what runs, why, and on what. */
export function announce({ settings, route }: Pick<ActionRun, 'settings' | 'route'>): void {
  core.info(
    `iam-gitops ${VERSION}: ${route.command} (${route.reason}); ${settings.displayDir} at ${settings.iamPath}`,
  );
  if (route.notice !== undefined) core.notice(route.notice.message, { title: route.notice.title });
}

/** Everything a runner needs, the GitHub way: the reporter above and credentials by OIDC. */
export function actionContext(run: ActionRun): CommandContext {
  const { settings, workflow, route } = run;
  return {
    settings,
    report: actionReporter(run),
    iamClient: () => iamClientForRun(settings.aws, settings.region, route.command),
    hub: () => hubAccessForRun(settings.aws, settings.region, route.command),
    user: route.user,
    account: route.account,
    runId: workflow.runId === undefined ? 'local' : String(workflow.runId),
  };
}
