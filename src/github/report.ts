// How results reach the person on GitHub: annotations on the exact line, the job summary,
// step outputs.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { changeCount, type Plan } from '../plan/plan.js';
import { renderPlanJson } from '../plan/render-json.js';
import type { RosterIssue } from '../roster/roster-issue.js';

/** GitHub shows at most 10 error annotations per step in the UI; all are still in the log. */
export function annotateIssues(issues: readonly RosterIssue[]): void {
  for (const issue of issues) {
    core.error(issue.field === '' ? issue.message : `${issue.field}: ${issue.message}`, {
      title: 'iam-gitops',
      file: issue.file,
      startLine: issue.line,
      startColumn: issue.column,
    });
  }
}

export async function writeSummary(markdown: string): Promise<void> {
  // Without GITHUB_STEP_SUMMARY (a local run) there is nowhere to write; the log has it all.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}

/** Sets changes-count, plan-json (a file path) and plan-markdown. */
export async function writePlanOutputs(plan: Plan, markdown: string): Promise<string> {
  const path = join(process.env.RUNNER_TEMP || tmpdir(), 'iam-gitops-plan.json');
  await writeFile(path, renderPlanJson(plan));
  core.setOutput('changes-count', changeCount(plan));
  core.setOutput('plan-json', path);
  core.setOutput('plan-markdown', markdown);
  return path;
}

export function failureLine(count: number, what: string): string {
  return `${count} ${what}${count === 1 ? '' : 's'}`;
}
