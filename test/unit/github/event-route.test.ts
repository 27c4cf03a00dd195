import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dispatchAccount,
  dispatchUser,
  isForkPullRequest,
  PULL_REQUEST_TARGET_REFUSAL,
  pullRequestNumber,
  RouteError,
  routeEvent,
  type WorkflowEvent,
} from '../../../src/github/event-route.js';

const EVENTS = join(import.meta.dirname, '..', '..', 'fixtures', 'github-events');

function event(name: string, file = `${name}.json`, ref?: string): WorkflowEvent {
  return { name, ref, payload: JSON.parse(readFileSync(join(EVENTS, file), 'utf8')) };
}

const auto = { command: 'auto', user: undefined } as const;

describe('routeEvent', () => {
  it('plans a pull request', () => {
    expect(routeEvent(event('pull_request'), auto)).toEqual({
      command: 'plan',
      reason: 'a pull request is planned',
      user: undefined,
    });
  });

  it('applies a push to the default branch', () => {
    const route = routeEvent(event('push', 'push.json', 'refs/heads/main'), auto);

    expect(route.command).toBe('apply');
    expect(route.reason).toBe('a push to the default branch (refs/heads/main) is applied');
  });

  it('reads the pushed ref from the payload when GITHUB_REF is absent', () => {
    expect(routeEvent(event('push'), auto).command).toBe('apply');
  });

  it('only validates a push to another branch', () => {
    const route = routeEvent(event('push', 'push.json', 'refs/heads/feature'), auto);

    expect(route).toEqual({
      command: 'validate',
      reason: 'a push to refs/heads/feature is only validated; only the default branch is applied',
      user: undefined,
    });
  });

  it("re-sends credentials to the dispatch's user", () => {
    expect(routeEvent(event('workflow_dispatch'), auto)).toEqual({
      command: 'resend',
      reason: 'a dispatch with a user re-sends credentials',
      user: 'alice@example.com',
    });
  });

  it('prefers the user input to the dispatch payload', () => {
    expect(routeEvent(event('workflow_dispatch'), { command: 'auto', user: 'bob@example.com' }).user).toBe(
      'bob@example.com',
    );
  });

  it('refuses a dispatch without a user', () => {
    const dispatch: WorkflowEvent = { name: 'workflow_dispatch', ref: undefined, payload: { inputs: {} } };

    expect(() => routeEvent(dispatch, auto)).toThrow(RouteError);
    expect(() => routeEvent(dispatch, auto)).toThrow(/workflow_dispatch without a user/);
  });

  it('refuses a user that is not an IAM user name, without echoing it raw', () => {
    const dispatch: WorkflowEvent = {
      name: 'workflow_dispatch',
      ref: undefined,
      payload: { inputs: { user: 'x\n::add-mask::y' } },
    };

    expect(() => routeEvent(dispatch, auto)).toThrow('user "x\\n::add-mask::y" is not an IAM user name');
  });

  it('reports drift on a schedule', () => {
    expect(routeEvent(event('schedule'), auto).command).toBe('drift');
  });

  it('names the command input for an event it does not route', () => {
    const other: WorkflowEvent = { name: 'issue_comment', ref: undefined, payload: {} };

    expect(() => routeEvent(other, auto)).toThrow(
      'the issue_comment event has no default command: set `command` to validate, plan, apply, resend or drift',
    );
  });

  it('lets an explicit command override the event', () => {
    expect(routeEvent(event('pull_request'), { command: 'validate', user: undefined })).toEqual({
      command: 'validate',
      reason: 'set by the command input',
      user: undefined,
    });
    expect(routeEvent(event('schedule'), { command: 'apply', user: undefined }).command).toBe('apply');
  });

  it.each([
    ['auto', auto],
    ['an explicit command', { command: 'validate', user: undefined }],
  ] as const)('refuses pull_request_target with %s, and says why', (_how, inputs) => {
    const target = { ...event('pull_request'), name: 'pull_request_target' };

    expect(() => routeEvent(target, inputs)).toThrow(new RouteError(PULL_REQUEST_TARGET_REFUSAL));
    expect(PULL_REQUEST_TARGET_REFUSAL).toContain("runs with the base repository's secrets");
    expect(PULL_REQUEST_TARGET_REFUSAL).toContain('Use `on: pull_request`');
  });

  describe('a pull request from a fork', () => {
    const fork = event('pull_request', 'pull_request-fork.json');
    const withRole = { ...auto, roleToAssume: 'arn:aws:iam::123456789012:role/plan' };

    it('is validated only, with a notice, when there is a role and no OIDC token', () => {
      const route = routeEvent(fork, withRole, { oidcToken: false });

      expect(route).toEqual({
        command: 'validate',
        reason: 'a pull request from a fork is validated only',
        user: undefined,
        notice: {
          title: 'iam-gitops: validated only',
          message: expect.stringContaining('comes from a fork, and GitHub gives forks no OIDC token'),
        },
      });
    });

    it('is planned when the credentials come from the environment, or the token is there', () => {
      expect(routeEvent(fork, auto, { oidcToken: false }).command).toBe('plan');
      expect(routeEvent(fork, withRole, { oidcToken: true }).command).toBe('plan');
    });

    it('of the repository itself is planned whatever the token', () => {
      expect(routeEvent(event('pull_request'), withRole, { oidcToken: false }).command).toBe('plan');
    });
  });

  it('refuses an explicit resend without a user', () => {
    expect(() => routeEvent(event('schedule'), { command: 'resend', user: undefined })).toThrow(
      'command resend needs the `user` input',
    );
  });
});

describe('dispatchUser', () => {
  it('reads inputs.user of a workflow_dispatch only', () => {
    expect(dispatchUser(event('workflow_dispatch'))).toBe('alice@example.com');
    expect(dispatchUser({ ...event('workflow_dispatch'), name: 'push' })).toBeUndefined();
  });

  it('treats a blank user as none', () => {
    expect(
      dispatchUser({ name: 'workflow_dispatch', ref: undefined, payload: { inputs: { user: '  ' } } }),
    ).toBe(undefined);
  });
});

describe('isForkPullRequest', () => {
  it('is true when the head repository is another one', () => {
    expect(isForkPullRequest(event('pull_request', 'pull_request-fork.json'))).toBe(true);
  });

  it('is false for a branch of the same repository, and for other events', () => {
    expect(isForkPullRequest(event('pull_request'))).toBe(false);
    expect(isForkPullRequest(event('push'))).toBe(false);
  });

  it('is true when the fork was deleted (head.repo is null)', () => {
    const pr = event('pull_request');
    const payload = JSON.parse(JSON.stringify(pr.payload));
    payload.pull_request.head.repo = null;

    expect(isForkPullRequest({ ...pr, payload })).toBe(true);
  });
});

describe('pullRequestNumber', () => {
  it('is the pull request number, or undefined outside a pull request', () => {
    expect(pullRequestNumber(event('pull_request'))).toBe(42);
    expect(pullRequestNumber(event('schedule'))).toBeUndefined();
  });
});

describe('routeEvent, many accounts', () => {
  const dispatch = (inputs: Record<string, unknown>): WorkflowEvent => ({
    name: 'workflow_dispatch',
    ref: 'refs/heads/main',
    payload: { inputs },
  });

  it("re-sends in the account input, else the dispatch's own account input, else every account", () => {
    expect(routeEvent(dispatch({ user: 'alice' }), { command: 'auto', user: undefined })).not.toHaveProperty(
      'account',
    );
    expect(
      routeEvent(dispatch({ user: 'alice', account: 'dev' }), { command: 'auto', user: undefined }),
    ).toMatchObject({
      command: 'resend',
      account: 'dev',
    });
    expect(
      routeEvent(dispatch({ user: 'alice', account: 'dev' }), {
        command: 'auto',
        user: undefined,
        account: 'prod',
      }),
    ).toMatchObject({ account: 'prod' });
  });

  it('refuses an account that is not an account name, and an account input for another command', () => {
    expect(() =>
      routeEvent(dispatch({ user: 'alice', account: 'prod\n::error::x' }), {
        command: 'auto',
        user: undefined,
      }),
    ).toThrow(new RouteError('account "prod\\n::error::x" is not an account name'));
    expect(() =>
      routeEvent(
        { name: 'schedule', ref: undefined, payload: {} },
        { command: 'auto', user: undefined, account: 'prod' },
      ),
    ).toThrow(
      new RouteError(
        'the account input is for resend only (this run is drift, which works in every account)',
      ),
    );
  });
});

describe('dispatchAccount', () => {
  it('reads inputs.account of a workflow_dispatch only', () => {
    expect(
      dispatchAccount({
        name: 'workflow_dispatch',
        ref: undefined,
        payload: { inputs: { account: ' dev ' } },
      }),
    ).toBe('dev');
    expect(
      dispatchAccount({ name: 'push', ref: undefined, payload: { inputs: { account: 'dev' } } }),
    ).toBeUndefined();
  });
});
