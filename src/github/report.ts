// How results reach the person on GitHub: annotations on the exact line, the job summary,
// step outputs.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { code, countOf } from '../plan/markdown.js';
import { changeCount, type Plan } from '../plan/plan.js';
import { renderPlanJson } from '../plan/render-json.js';
import { formatIssue, type RosterIssue } from '../roster/roster-issue.js';
import { OUTPUT_MAX_BYTES, SUMMARY_MAX_BYTES, truncateMarkdown } from './truncate.js';

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
  // GitHub drops a step summary over 1 MiB entirely; keep the start and say so. The log has it all.
  const fitted = truncateMarkdown(
    markdown,
    SUMMARY_MAX_BYTES - 1024,
    ({ kept, total }) =>
      `> [!NOTE]\n> Cut to ${kept} of ${total} bytes to fit GitHub's job summary limit; the step log and the plan-json output have everything.`,
    'bytes',
  );
  await core.summary.addRaw(fitted, true).write();
}

/** Roster errors as Markdown, for the job summary and the pull request comment. */
export function renderRosterErrorsMarkdown(issues: readonly RosterIssue[], displayDir: string): string {
  const files = new Set(issues.map((issue) => issue.file)).size;
  return [
    `### iam-gitops: ${countOf(issues.length, 'error')} in ${countOf(files, 'file')} of ${code(displayDir)}`,
    '',
    'Nothing was read from or changed in IAM. Each error is also annotated on its line.',
    '',
    ...issues.map((issue) => `- ${code(formatIssue(issue))}`),
    '',
  ].join('\n');
}

/** Sets changes-count, plan-json (a file path) and plan-markdown. */
export async function writePlanOutputs(plan: Plan, markdown: string): Promise<string> {
  const path = join(process.env.RUNNER_TEMP || tmpdir(), 'iam-gitops-plan.json');
  await writeFile(path, renderPlanJson(plan));
  core.setOutput('changes-count', changeCount(plan));
  core.setOutput('plan-json', path);
  core.setOutput(
    'plan-markdown',
    truncateMarkdown(
      markdown,
      OUTPUT_MAX_BYTES - 1024,
      ({ kept, total }) => `(cut to ${kept} of ${total} bytes; the plan-json file has the whole plan)`,
      'bytes',
    ),
  );
  return path;
}

export function failureLine(count: number, what: string): string {
  return countOf(count, what);
}
