// The action's reporter with the real @actions/core writing to a job summary and an output file
// in a temporary directory, and a local stand-in for GitHub's REST API for the plan comment.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { routeEvent, type WorkflowEvent } from '../../../src/github/event-route.js';
import { PLAN_MARKER } from '../../../src/github/pr-comment.js';
import { renderPlanMarkdown } from '../../../src/plan/render-markdown.js';
import type { ActionSettings } from '../../../src/settings/action-inputs.js';
import { type FakeGitHub, startFakeGitHub } from '../../support/fake-github.js';
import { runSettingsIn } from '../commands/support/command-context.js';
import { emptyPlan } from '../support/factories.js';

const fake: FakeGitHub = await startFakeGitHub({ repository: 'acme/iam-users' });
vi.stubEnv('GITHUB_API_URL', fake.apiUrl);
const { actionReporter, announce } = await import('../../../src/github/action-reporter.js');

const WARNING = {
  file: 'iam-gitops.yaml',
  field: 'guardrails.groups',
  line: 3,
  column: 11,
  message: "'*' allows any group: a user file may name any IAM group",
};
const PULL_REQUEST: WorkflowEvent = {
  name: 'pull_request',
  ref: 'refs/pull/42/merge',
  payload: {
    number: 42,
    pull_request: {
      number: 42,
      head: { sha: '4b1c2d3e4f', repo: { full_name: 'acme/iam-users' } },
      base: { repo: { full_name: 'acme/iam-users' } },
    },
  },
};

// @actions/core's summary keeps the file it first wrote to: one scratch directory for the file.
const scratch = await mkdtemp(join(tmpdir(), 'iam-gitops-reporter-'));
let stdout: string[];

const settings = (): ActionSettings => ({
  ...runSettingsIn('/work/checkout'),
  command: 'auto',
  aws: { roleToAssume: undefined, roleSessionName: 'iam-gitops', roleDurationSeconds: 3600 },
  githubToken: fake.apiToken,
  user: undefined,
  comment: true,
});

function reporterFor(event: WorkflowEvent) {
  const route = routeEvent(event, { command: 'auto', user: undefined });
  return actionReporter({
    settings: settings(),
    workflow: {
      event,
      runId: 7,
      serverUrl: 'https://github.com',
      repo: { owner: 'acme', repo: 'iam-users' },
    },
    route,
  });
}

beforeEach(async () => {
  await writeFile(join(scratch, 'summary'), '');
  await writeFile(join(scratch, 'output'), '');
  vi.stubEnv('GITHUB_STEP_SUMMARY', join(scratch, 'summary'));
  vi.stubEnv('GITHUB_OUTPUT', join(scratch, 'output'));
  vi.stubEnv('RUNNER_TEMP', scratch);
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  fake.comments.splice(0);
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(scratch, { recursive: true, force: true });
  await fake.close();
});

const summary = () => readFile(join(scratch, 'summary'), 'utf8');

describe('actionReporter', () => {
  it('shows the warnings of a plan in the comment, the job summary and an annotation at their line', async () => {
    const plan = { ...emptyPlan(), warnings: [WARNING] };
    const report = reporterFor(PULL_REQUEST);

    report.warnings([WARNING]);
    await report.planned(plan, renderPlanMarkdown(plan));

    const line =
      "`iam-gitops.yaml:3:11: guardrails.groups: '*' allows any group: a user file may name any IAM group`";
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]?.body.startsWith(`${PLAN_MARKER}\n`)).toBe(true);
    expect(fake.comments[0]?.body).toContain('> [!WARNING]');
    expect(fake.comments[0]?.body).toContain(line);
    expect(await summary()).toContain(line);
    expect(stdout).toContain(
      "::warning title=iam-gitops,file=iam-gitops.yaml,line=3,col=11::guardrails.groups: '*' allows any group: a user file may name any IAM group\n",
    );
  });

  it('annotates roster errors on their lines and comments them on a pull request', async () => {
    const report = reporterFor(PULL_REQUEST);
    const issue = { file: 'users/a.yaml', field: 'name', line: 2, column: 7, message: 'bad' };

    await report.invalid([issue]);

    expect(stdout).toContain('::error title=iam-gitops,file=users/a.yaml,line=2,col=7::name: bad\n');
    expect(await summary()).toContain('### iam-gitops: 1 error in 1 file');
    expect(fake.comments.map((comment) => comment.body)).toEqual([
      expect.stringContaining('- `users/a.yaml:2:7: name: bad`'),
    ]);
  });

  it('does not comment outside a pull request', async () => {
    const push: WorkflowEvent = {
      name: 'push',
      ref: 'refs/heads/main',
      payload: { repository: { default_branch: 'main' } },
    };

    await reporterFor(push).planned(emptyPlan(), 'plan');

    expect(fake.comments).toEqual([]);
    expect(await summary()).toBe('plan\n');
  });
});

describe('announce', () => {
  it('names the command and why, and shows a route notice', () => {
    announce({
      settings: settings(),
      route: {
        command: 'validate',
        reason: 'a pull request from a fork is validated only',
        user: undefined,
        notice: { title: 'iam-gitops: validated only', message: 'no plan' },
      },
    });

    expect(stdout).toEqual([
      expect.stringMatching(
        /^iam-gitops \d+\.\d+\.\d+: validate \(a pull request from a fork is validated only\); users at \/iam-gitops\/\n$/,
      ),
      // Property values are escaped: ':' is %3A.
      '::notice title=iam-gitops%3A validated only::no plan\n',
    ]);
  });
});
