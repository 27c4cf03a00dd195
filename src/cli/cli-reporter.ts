// How the CLI tells the person what a runner found: results on stdout (Markdown, or JSON with
// --json), problems on stderr as `FILE:LINE:COL: field: message`, which editors and terminals link.
import type { Reporter } from '../commands/command-context.js';
import { planToJson, renderPlanJson } from '../plan/render-json.js';
import { describeChange } from '../plan/render-markdown.js';
import { formatIssue, type RosterIssue } from '../roster/roster-issue.js';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Where relative paths start; the process's current directory when absent. */
  readonly cwd?: string;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
const issueJson = (issue: RosterIssue) => ({ ...issue, text: formatIssue(issue) });
/** Markdown's inline code marks are noise in a terminal. */
const plain = (markdown: string) => markdown.replace(/`/g, '');

export function cliReporter(
  io: CliIo,
  options: { readonly json: boolean; readonly displayDir: string },
): Reporter {
  const printIssues = (issues: readonly RosterIssue[]) => {
    for (const issue of issues) io.err(formatIssue(issue));
  };
  return {
    async invalid(issues) {
      if (options.json) io.out(json({ valid: false, issues: issues.map(issueJson) }));
      else printIssues(issues);
    },
    warnings(findings) {
      for (const finding of findings) io.err(`warning: ${formatIssue(finding)}`);
    },
    async valid({ users, files }) {
      io.out(
        options.json ? json({ valid: true, files }) : `${options.displayDir}: ${users} users, all valid`,
      );
    },
    async planned(plan, markdown) {
      if (options.json) {
        io.out(renderPlanJson(plan));
        return;
      }
      io.out(markdown);
      printIssues(plan.errors);
    },
    changed(outcome, account) {
      if (!options.json)
        io.err(
          `${account === undefined ? '' : `[${account}] `}${outcome.status.padEnd(12)} ${outcome.change.user}: ${plain(describeChange(outcome.change))}`,
        );
    },
    async applied(plan, result, markdown) {
      io.out(options.json ? json({ plan: planToJson(plan), result }) : markdown);
    },
    async resent(request, markdown) {
      io.out(options.json ? json(request) : plain(markdown));
    },
    async drifted({ drift, count, invites, markdown }) {
      if (options.json) {
        io.out(json({ driftCount: count, drift, staleInvites: invites }));
        return;
      }
      io.out(markdown);
      printIssues(drift.errors);
    },
    async invites(report, markdown) {
      io.out(options.json ? json(report) : markdown);
    },
    warning(message) {
      io.err(`warning: ${message}`);
    },
    async acrossAccounts(report) {
      if (options.json) {
        io.out(json(report.json));
        return;
      }
      io.out(report.markdown());
      for (const { account, issues } of report.issues)
        for (const issue of issues) io.err(`[${account}] ${formatIssue(issue)}`);
    },
    progress(message) {
      if (!options.json) io.err(message);
    },
  };
}
