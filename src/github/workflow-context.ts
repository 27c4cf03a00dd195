// What the runner tells the action about the run, read from its environment variables: the
// event (GITHUB_EVENT_NAME, GITHUB_REF, the payload file at GITHUB_EVENT_PATH), the run and the
// repository. The same reading as @actions/github's `context`, without loading the GitHub client
// (octokit and its HTTP stack) on runs that never call GitHub's API.
import { readFileSync } from 'node:fs';
import type { WorkflowEvent } from './event-route.js';

export interface WorkflowContext {
  readonly event: WorkflowEvent;
  /** GITHUB_RUN_ID; undefined outside a workflow run (a local run). */
  readonly runId: number | undefined;
  /** GITHUB_SERVER_URL, default https://github.com. */
  readonly serverUrl: string;
  /** GITHUB_REPOSITORY split; undefined when unset. */
  readonly repo: { readonly owner: string; readonly repo: string } | undefined;
}

function payloadAt(path: string | undefined): Readonly<Record<string, unknown>> {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH ${path}: ${String(error)}`);
  }
  const payload: unknown = JSON.parse(text);
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
}

export function readWorkflowContext(env: NodeJS.ProcessEnv = process.env): WorkflowContext {
  const runId = Number.parseInt(env.GITHUB_RUN_ID ?? '', 10);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  return {
    event: {
      name: env.GITHUB_EVENT_NAME ?? '',
      ref: env.GITHUB_REF || undefined,
      payload: payloadAt(env.GITHUB_EVENT_PATH),
    },
    runId: Number.isInteger(runId) && runId > 0 ? runId : undefined,
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    repo: owner && repo ? { owner, repo } : undefined,
  };
}

/** GitHub offers an OIDC token only when the job has `id-token: write` (never to a fork's pull request). */
export function oidcTokenAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

/** Where this run's job summary is shown; undefined outside a workflow run. */
export function runUrl(context: WorkflowContext): string | undefined {
  if (context.runId === undefined || context.repo === undefined) return undefined;
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}
