import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oidcTokenAvailable, readWorkflowContext, runUrl } from '../../../src/github/workflow-context.js';

const EVENTS = join(import.meta.dirname, '..', '..', 'fixtures', 'github-events');

const RUNNER = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: join(EVENTS, 'pull_request.json'),
  GITHUB_REF: 'refs/pull/42/merge',
  GITHUB_RUN_ID: '8812345678',
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_REPOSITORY: 'acme/iam-users',
};

describe('readWorkflowContext', () => {
  it('reads the event, the run and the repository as the runner gives them', () => {
    const context = readWorkflowContext(RUNNER);

    expect(context.event.name).toBe('pull_request');
    expect(context.event.ref).toBe('refs/pull/42/merge');
    expect(context.event.payload).toMatchObject({ number: 42, pull_request: { number: 42 } });
    expect(context.runId).toBe(8_812_345_678);
    expect(context.serverUrl).toBe('https://github.example.com');
    expect(context.repo).toEqual({ owner: 'acme', repo: 'iam-users' });
  });

  it('is an empty event outside a workflow run', () => {
    expect(readWorkflowContext({})).toEqual({
      event: { name: '', ref: undefined, payload: {} },
      runId: undefined,
      serverUrl: 'https://github.com',
      repo: undefined,
    });
  });

  it('says which payload file it could not read', () => {
    expect(() => readWorkflowContext({ GITHUB_EVENT_PATH: '/no/such/event.json' })).toThrow(
      /^cannot read the event payload at GITHUB_EVENT_PATH \/no\/such\/event\.json: /,
    );
  });
});

describe('oidcTokenAvailable', () => {
  it('needs both runner variables', () => {
    const runner = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://token?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r',
    };

    expect(oidcTokenAvailable(runner)).toBe(true);
    expect(oidcTokenAvailable({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r' })).toBe(false);
    expect(oidcTokenAvailable({})).toBe(false);
  });
});

describe('runUrl', () => {
  it("is the run's page, where its job summary is", () => {
    expect(runUrl(readWorkflowContext(RUNNER))).toBe(
      'https://github.example.com/acme/iam-users/actions/runs/8812345678',
    );
  });

  it('is undefined outside a workflow run', () => {
    expect(runUrl(readWorkflowContext({ GITHUB_REPOSITORY: 'acme/iam-users' }))).toBeUndefined();
  });
});
