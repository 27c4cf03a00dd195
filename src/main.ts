// The action: read inputs, call the core, report. One try/catch ends in setFailed.
import * as core from '@actions/core';
import { makePlan, validateRoster } from './commands/make-plan.js';
import { annotateIssues, failureLine, writePlanOutputs, writeSummary } from './github/report.js';
import { applyPlan } from './iam/apply-plan.js';
import { createIamClient } from './iam/iam-client.js';
import { readInputs } from './inputs.js';
import { renderApplyMarkdown, renderPlanMarkdown } from './plan/render-markdown.js';
import { errorMessage } from './util/error-message.js';
import { VERSION } from './version.js';

export async function run(): Promise<void> {
  try {
    const settings = readInputs();
    core.info(`iam-gitops ${VERSION}: ${settings.command} ${settings.displayDir} at ${settings.iamPath}`);

    if (settings.command === 'validate') {
      const outcome = await validateRoster(settings);
      if (outcome.kind === 'invalid') {
        annotateIssues(outcome.issues);
        core.setFailed(`${failureLine(outcome.issues.length, 'error')} in the roster`);
        return;
      }
      core.info(`${outcome.roster.users.length} users, all valid`);
      return;
    }

    const iam = createIamClient({ region: settings.region, purpose: `action-${settings.command}` });
    const outcome = await makePlan(settings, iam);
    if (outcome.kind === 'invalid') {
      annotateIssues(outcome.issues);
      core.setFailed(
        `${failureLine(outcome.issues.length, 'error')} in the roster; nothing was read from or changed in IAM`,
      );
      return;
    }
    const { plan } = outcome;
    const markdown = renderPlanMarkdown(plan);
    await writePlanOutputs(plan, markdown);
    if (plan.errors.length > 0 || settings.command === 'plan') {
      core.info(markdown);
      await writeSummary(markdown);
      if (plan.errors.length > 0) {
        annotateIssues(plan.errors);
        core.setFailed(`${failureLine(plan.errors.length, 'plan error')}; nothing was applied`);
      }
      return;
    }

    const result = await applyPlan(iam, plan, {
      onOutcome: (o) => core.info(`${o.status}: ${o.change.kind} ${o.change.user}`),
    });
    const report = renderApplyMarkdown(plan, result);
    await writeSummary(report);
    if (result.failed > 0)
      core.setFailed(`${failureLine(result.failed, 'change')} failed; a rerun retries them`);
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}
