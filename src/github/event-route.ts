// Which command a run performs. `command: auto` (the default) follows the event that started the
// workflow; any other value overrides it. Pure: the event and the inputs in, a route out.
import { IAM_LIMITS } from '../contract.js';

export const COMMANDS = ['validate', 'plan', 'apply', 'resend', 'drift'] as const;
export type Command = (typeof COMMANDS)[number];
export type CommandInput = Command | 'auto';

/** What the runner tells an action about the event: GITHUB_EVENT_NAME, GITHUB_REF, the payload file. */
export interface WorkflowEvent {
  readonly name: string;
  readonly ref: string | undefined;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface Route {
  readonly command: Command;
  /** Why this command, for the log. */
  readonly reason: string;
  /** The user to re-send credentials to: the `user` input, else the dispatch's own `user` input. */
  readonly user: string | undefined;
}

export class RouteError extends Error {
  override readonly name = 'RouteError';
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The `user` a workflow_dispatch was started with (`on.workflow_dispatch.inputs.user`). */
export function dispatchUser(event: WorkflowEvent): string | undefined {
  if (event.name !== 'workflow_dispatch') return undefined;
  return text(record(event.payload.inputs)?.user);
}

/** The repository's default branch as the push payload names it, as a ref. */
function defaultBranchRef(event: WorkflowEvent): string | undefined {
  const branch = text(record(event.payload.repository)?.default_branch);
  return branch === undefined ? undefined : `refs/heads/${branch}`;
}

function autoRoute(event: WorkflowEvent, user: string | undefined): Omit<Route, 'user'> {
  switch (event.name) {
    case 'pull_request':
      return { command: 'plan', reason: 'a pull request is planned' };
    case 'push': {
      const ref = event.ref ?? text(event.payload.ref);
      const main = defaultBranchRef(event);
      if (ref !== undefined && ref === main)
        return { command: 'apply', reason: `a push to the default branch (${ref}) is applied` };
      return {
        command: 'validate',
        reason: `a push to ${ref ?? 'an unknown ref'} is only validated; only the default branch is applied`,
      };
    }
    case 'workflow_dispatch':
      if (user === undefined) {
        throw new RouteError(
          'workflow_dispatch without a user: give the dispatch a `user` input (or the action a `user` input) to re-send credentials, or set `command` to say what to do',
        );
      }
      return { command: 'resend', reason: 'a dispatch with a user re-sends credentials' };
    case 'schedule':
      return { command: 'drift', reason: 'a scheduled run reports drift' };
    default:
      throw new RouteError(
        `the ${event.name || 'unknown'} event has no default command: set \`command\` to validate, plan, apply, resend or drift`,
      );
  }
}

export function routeEvent(
  event: WorkflowEvent,
  inputs: { readonly command: CommandInput; readonly user: string | undefined },
): Route {
  const user = inputs.user ?? dispatchUser(event);
  // Whoever can dispatch the workflow chooses this value: refuse anything but an IAM user name
  // before it reaches a log line.
  if (
    user !== undefined &&
    !(IAM_LIMITS.userNamePattern.test(user) && user.length <= IAM_LIMITS.userNameMaxLength)
  ) {
    throw new RouteError(`user ${JSON.stringify(user)} is not an IAM user name`);
  }
  if (inputs.command !== 'auto') {
    if (inputs.command === 'resend' && user === undefined)
      throw new RouteError('command resend needs the `user` input: the IAM user to re-send credentials to');
    return { command: inputs.command, reason: 'set by the command input', user };
  }
  return { ...autoRoute(event, user), user };
}

/** A pull request whose head lives in another repository: GitHub gives it no OIDC token and a read-only token. */
export function isForkPullRequest(event: WorkflowEvent): boolean {
  const pr = record(event.payload.pull_request);
  if (pr === undefined) return false;
  const head = text(record(record(pr.head)?.repo)?.full_name);
  const base =
    text(record(record(pr.base)?.repo)?.full_name) ?? text(record(event.payload.repository)?.full_name);
  // A deleted fork leaves head.repo null: still not this repository.
  return head === undefined || head !== base;
}

/** The pull request number the event belongs to, if any. */
export function pullRequestNumber(event: WorkflowEvent): number | undefined {
  const number = record(event.payload.pull_request)?.number;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}
