// How results reach the person on GitHub: annotations on the exact line, the job summary,
// step outputs.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { countOf } from '../plan/markdown.js';
import { changeCount, type Plan } from '../plan/plan.js';
import { renderPlanJson } from '../plan/render-json.js';
import { formatIssue, type RosterIssue } from '../roster/roster-issue.js';
import { OUTPUT_MAX_BYTES, SUMMARY_MAX_BYTES, truncateMarkdown } from './truncate.js';

/** GitHub shows at most 10 error annotations per step in the UI; all are still in the log. */
export function annotateIssues(issues: readonly RosterIssue[], title = 'iam-gitops'): void {
  for (const issue of issues) {
    core.error(issue.field === '' ? issue.message : `${issue.field}: ${issue.message}`, {
      title,
      file: issue.file,
      startLine: issue.line,
      startColumn: issue.column,
    });
  }
}

/** Warnings at their place (a guardrail opted out with `'*'`): shown on the file in the pull request. */
export function annotateWarnings(findings: readonly RosterIssue[]): void {
  for (const finding of findings) {
    core.warning(finding.field === '' ? finding.message : `${finding.field}: ${finding.message}`, {
      title: 'iam-gitops',
      file: finding.file,
      startLine: finding.line,
      startColumn: finding.column,
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

/** Roster and configuration errors as Markdown, for the job summary and the pull request comment. */
export function renderRosterErrorsMarkdown(issues: readonly RosterIssue[]): string {
  const files = new Set(issues.map((issue) => issue.file)).size;
  return [
    `### iam-gitops: ${countOf(issues.length, 'error')} in ${countOf(files, 'file')}`,
    '',
    'Nothing was read from or changed in IAM. Each error is also annotated on its line.',
    '',
    ...issues.map((issue) => `- \`${formatIssue(issue).replace(/`/g, "'")}\``),
    '',
  ].join('\n');
}

/** Sets changes-count, plan-json (a file path) and plan-markdown. */
export async function writePlanOutputs(plan: Plan, markdown: string): Promise<string> {
  return writeOutputs(renderPlanJson(plan), changeCount(plan), markdown);
}

/**
 * Many accounts: plan-json is the document with every account's result (accountsToJson),
 * changes-count the total over the accounts, plan-markdown the report with a section per account.
 */
export async function writeAccountsOutputs(
  json: Record<string, unknown>,
  changes: number,
  markdown: string,
): Promise<string> {
  return writeOutputs(`${JSON.stringify(json, null, 2)}\n`, changes, markdown);
}

/**
 * Where the plan-json file goes: the runner's temporary folder, which is the job's own. Elsewhere (a
 * local run) a new folder only this user can enter, never a fixed name in the shared temporary
 * folder, where another local user could have put a link to a file of ours in its place.
 */
async function planJsonPath(): Promise<string> {
  const folder = process.env.RUNNER_TEMP || (await mkdtemp(join(tmpdir(), 'iam-gitops-plan-')));
  return join(folder, 'iam-gitops-plan.json');
}

async function writeOutputs(json: string, changes: number, markdown: string): Promise<string> {
  const path = await planJsonPath();
  await writeFile(path, json);
  core.setOutput('changes-count', changes);
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
