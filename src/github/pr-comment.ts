// The plan as one sticky pull request comment: created on the first run, then edited in place on
// every later run. The comment is found again by a hidden marker at its start. The GitHub client
// (octokit and its HTTP stack, the action's largest dependency) is loaded only to comment.
import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import { errorMessage } from '../util/error-message.js';
import { pullRequestNumber } from './event-route.js';
import { COMMENT_MAX_CHARS, truncateMarkdown } from './truncate.js';
import { runUrl, type WorkflowContext } from './workflow-context.js';

export const PLAN_MARKER = '<!-- iam-gitops:plan -->';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface CommentTarget {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
}

export interface CommentResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  readonly url: string;
}

/**
 * The comment's full text: the marker, `markdown` (cut to fit GitHub's limit, pointing at the job
 * summary for the rest) and a footer naming the commit and the run.
 */
export function planCommentBody(
  markdown: string,
  links: { readonly runUrl: string | undefined; readonly commit: string | undefined },
): string {
  const where = links.runUrl ? `[job summary](${links.runUrl})` : 'job summary';
  const footerParts = [
    links.commit ? `for commit ${links.commit.slice(0, 7)}` : undefined,
    links.runUrl ? `[run](${links.runUrl})` : undefined,
  ].filter((part) => part !== undefined);
  const footer = footerParts.length > 0 ? `\n\n<sub>iam-gitops plan ${footerParts.join(' · ')}</sub>` : '';
  const head = `${PLAN_MARKER}\n`;
  const room = COMMENT_MAX_CHARS - head.length - footer.length;
  const body = truncateMarkdown(
    markdown,
    room,
    ({ kept, total }) =>
      `> [!NOTE]\n> The plan is too long for a comment: ${kept} of ${total} characters are shown. The whole plan is in the ${where}.`,
  );
  return `${head}${body}${footer}`;
}

/** Edits the comment that carries `marker`, or creates one; never a second. */
export async function upsertStickyComment(
  octokit: GitHubClient,
  target: CommentTarget,
  body: string,
  marker: string = PLAN_MARKER,
): Promise<CommentResult> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  const existing = comments.find((comment) => comment.body?.startsWith(marker));
  if (existing !== undefined) {
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url };
    const { data } = await octokit.rest.issues.updateComment({
      owner: target.owner,
      repo: target.repo,
      comment_id: existing.id,
      body,
    });
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  });
  return { action: 'created', id: data.id, url: data.html_url };
}

/**
 * Posts `markdown` as the pull request's plan comment. A failure (most often a job without
 * `pull-requests: write`) is a warning, not a failed check: the plan is in the job summary too.
 */
export async function postPlanComment(options: {
  readonly token: string;
  readonly target: CommentTarget;
  readonly markdown: string;
  readonly runUrl: string | undefined;
  readonly commit: string | undefined;
}): Promise<CommentResult | undefined> {
  const { target } = options;
  try {
    const github = await import('@actions/github');
    const octokit = github.getOctokit(options.token);
    const body = planCommentBody(options.markdown, options);
    const result = await upsertStickyComment(octokit, target, body);
    core.info(`plan comment ${result.action}: ${result.url}`);
    return result;
  } catch (error) {
    core.warning(
      `could not write the plan comment on #${target.issueNumber}: ${errorMessage(error)}. ` +
        'The job needs `permissions: pull-requests: write`; the plan is in the job summary.',
    );
    return undefined;
  }
}

/** On a pull request (and unless `comment: false`), `markdown` becomes its sticky plan comment. */
export async function commentOnPullRequest(
  options: { readonly enabled: boolean; readonly token: string },
  workflow: WorkflowContext,
  markdown: string,
): Promise<void> {
  const { event, repo } = workflow;
  const issueNumber = pullRequestNumber(event);
  if (!options.enabled || issueNumber === undefined || repo === undefined) return;
  if (options.token === '') {
    core.warning('no github-token: the plan is in the job summary only');
    return;
  }
  const head = (event.payload.pull_request as { head?: { sha?: unknown } } | undefined)?.head?.sha;
  await postPlanComment({
    token: options.token,
    target: { ...repo, issueNumber },
    markdown,
    runUrl: runUrl(workflow),
    commit: typeof head === 'string' ? head : undefined,
  });
}
