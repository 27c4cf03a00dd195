// Which command a run performs. `command: auto` (the default) follows the event that started the
// workflow; any other value overrides it. Pure: the event, the inputs and what the runner offers
// in, a route out.
import { ACCOUNT_NAME_PATTERN } from '../config/repo-config-schema.js';
import { isIamUserName } from '../settings/fields.js';

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
  /**
   * Many accounts, resend: the one account to re-send in (the `account` input, else the dispatch's
   * own `account` input); undefined: every account the user is in.
   */
  readonly account?: string | undefined;
  /** Something the person should see on the run (a notice), when the route is not what they asked for. */
  readonly notice?: { readonly title: string; readonly message: string };
}

/** What the route depends on besides the event: the inputs that choose, and the runner's OIDC offer. */
export interface RouteInputs {
  readonly command: CommandInput;
  readonly user: string | undefined;
  /** `account`: many accounts, resend only. */
  readonly account?: string | undefined;
  /** `role-to-assume`: a plan needs the OIDC token only when a role is to be assumed with it. */
  readonly roleToAssume?: string | undefined;
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

/** The `account` a workflow_dispatch was started with (`on.workflow_dispatch.inputs.account`). */
export function dispatchAccount(event: WorkflowEvent): string | undefined {
  if (event.name !== 'workflow_dispatch') return undefined;
  return text(record(event.payload.inputs)?.account);
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

/**
 * `pull_request_target` runs in the base repository with its secrets, its write token and its OIDC
 * trust, whatever the pull request contains: with the pull request's files checked out, a fork's
 * roster (or code) would run with the base's rights. GitHub's own advice is not to check out and
 * run a pull request's content there; the action refuses the event whatever `command` says.
 */
export const PULL_REQUEST_TARGET_REFUSAL =
  "iam-gitops does not run on pull_request_target: that event runs with the base repository's secrets, " +
  'write token and OIDC trust while the files come from the pull request, so a fork could act with your ' +
  'AWS role. Use `on: pull_request` (a fork is then validated without AWS, and the plan runs on merge).';

const FORK_NOTICE = {
  title: 'iam-gitops: validated only',
  message:
    'This pull request comes from a fork, and GitHub gives forks no OIDC token: the roster is validated, but no plan is made. The plan runs when a maintainer merges (or re-opens the change from a branch of this repository).',
};

export function routeEvent(
  event: WorkflowEvent,
  inputs: RouteInputs,
  runner: { readonly oidcToken: boolean } = { oidcToken: true },
): Route {
  if (event.name === 'pull_request_target') throw new RouteError(PULL_REQUEST_TARGET_REFUSAL);
  const user = inputs.user ?? dispatchUser(event);
  // Whoever can dispatch the workflow chooses this value: refuse anything but an IAM user name
  // before it reaches a log line.
  if (user !== undefined && !isIamUserName(user)) {
    throw new RouteError(`user ${JSON.stringify(user)} is not an IAM user name`);
  }
  let route: Route;
  if (inputs.command !== 'auto') {
    if (inputs.command === 'resend' && user === undefined)
      throw new RouteError('command resend needs the `user` input: the IAM user to re-send credentials to');
    route = { command: inputs.command, reason: 'set by the command input', user };
  } else {
    route = { ...autoRoute(event, user), user };
  }
  if (inputs.account !== undefined && route.command !== 'resend') {
    throw new RouteError(
      `the account input is for resend only (this run is ${route.command}, which works in every account)`,
    );
  }
  if (route.command === 'resend') {
    const account = inputs.account ?? dispatchAccount(event);
    // Chosen by whoever dispatches, like `user`: refused unless it is an account name.
    if (account !== undefined && !ACCOUNT_NAME_PATTERN.test(account)) {
      throw new RouteError(`account ${JSON.stringify(account)} is not an account name`);
    }
    if (account !== undefined) route = { ...route, account };
  }
  // GitHub never gives a fork's pull request an OIDC token: without one there is no role to plan
  // with, so the roster is validated and the person is told why there is no plan.
  if (
    route.command === 'plan' &&
    inputs.roleToAssume !== undefined &&
    !runner.oidcToken &&
    isForkPullRequest(event)
  ) {
    return {
      command: 'validate',
      reason: 'a pull request from a fork is validated only',
      user,
      notice: FORK_NOTICE,
    };
  }
  return route;
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
