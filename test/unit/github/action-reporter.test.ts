// The action's reporter with the real @actions/core writing to a job summary and an output file
// in a temporary directory, and a local stand-in for GitHub's REST API for the plan comment.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountResult } from '../../../src/accounts/run-accounts.js';
import { targetAccounts } from '../../../src/accounts/target-accounts.js';
import { planAccountReport } from '../../../src/commands/account-reports.js';
import { accountsReport } from '../../../src/commands/member-accounts.js';
import { routeEvent, type WorkflowEvent } from '../../../src/github/event-route.js';
import { PLAN_MARKER } from '../../../src/github/pr-comment.js';
import type { Plan } from '../../../src/plan/plan.js';
import { renderPlanMarkdown } from '../../../src/plan/render-markdown.js';
import type { ActionSettings } from '../../../src/settings/action-inputs.js';
import { type FakeGitHub, startFakeGitHub } from '../../support/fake-github.js';
import { runSettingsIn } from '../commands/support/command-context.js';
import { emptyPlan, samplePlan, userPlan } from '../support/factories.js';

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

const [PROD, DEV] = targetAccounts({ prod: { id: '111111111111' }, dev: { id: '222222222222' } }, 'aws');

/** A many-accounts plan: prod planned (sample plan, with a plan error), dev failed to enter. */
function plannedAcrossAccounts(prodPlan: Plan = samplePlan()) {
  const results: AccountResult<Plan>[] = [
    { account: PROD as NonNullable<typeof PROD>, outcome: 'ok', value: prodPlan, durationMs: 5 },
    {
      account: DEV as NonNullable<typeof DEV>,
      outcome: 'failed',
      error: new Error('AccessDenied: no'),
      message: 'AccessDenied: no',
      durationMs: 5,
    },
  ];
  return accountsReport({
    command: 'plan',
    title: '## iam-gitops plan for `acme/iam-users` at `/iam-gitops/`',
    results,
    report: planAccountReport,
    totals: { changes: 7 },
    issues: [{ account: 'prod', issues: prodPlan.errors }],
  });
}

describe('actionReporter.acrossAccounts', () => {
  it('comments once with the table and every account, and writes the totals and the per-account JSON', async () => {
    await reporterFor(PULL_REQUEST).acrossAccounts(plannedAcrossAccounts());

    expect(fake.comments).toHaveLength(1);
    const body = fake.comments[0]?.body ?? '';
    expect(body.startsWith(`${PLAN_MARKER}\n## iam-gitops plan for`)).toBe(true);
    expect(body).toContain('| `prod` | 111111111111 | 1 | 1 | 0 | 1 | ⚠️ 1 error |');
    expect(body).toContain('| `dev` | 222222222222 | – | – | – | – | ❌ failed: AccessDenied: no |');
    expect(body).toContain('### Account `prod` (111111111111)');
    expect(body).toContain('### Account `dev` (222222222222) ❌ failed');
    expect(await summary()).toContain('### Account `dev` (222222222222) ❌ failed');
    const outputs = await readFile(join(scratch, 'output'), 'utf8');
    expect(outputs).toMatch(/changes-count<<.*\n7\n/);
    const json = JSON.parse(await readFile(join(scratch, 'iam-gitops-plan.json'), 'utf8'));
    expect(json).toMatchObject({
      version: 1,
      summary: { accounts: 2, failed: ['dev'] },
      accounts: {
        prod: { outcome: 'ok', accountId: '111111111111' },
        dev: { outcome: 'failed', error: 'AccessDenied: no' },
      },
    });
    // Plan errors are annotated at their line, titled with their account.
    expect(stdout.filter((line) => line.startsWith('::error'))).toEqual([
      '::error title=iam-gitops%3A account prod,file=users/e`rin|x.yaml,line=2,col=5::groups.0: group "nope" does not exist in IAM (groups are not created by iam-gitops)\n',
    ]);
  });

  it("cuts the comment account by account under GitHub's limit; the summary keeps everything", async () => {
    const users = Array.from({ length: 900 }, (_, i) =>
      userPlan(`user${String(i).padStart(4, '0')}-${'x'.repeat(40)}@example.com`, [
        { kind: 'add-to-group', user: `user${i}`, group: 'developers' },
      ]),
    );

    await reporterFor(PULL_REQUEST).acrossAccounts(plannedAcrossAccounts(emptyPlan({ users })));

    const body = fake.comments[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('### Account `dev` (222222222222) ❌ failed');
    expect(body).toMatch(
      /Account `prod`: \d+ of \d+ characters of its section are shown here; the whole section is in the \[job summary\]\(https:\/\/github\.com\/acme\/iam-users\/actions\/runs\/7\)/,
    );
    expect(await summary()).toContain('user0899-');
  });

  it('does not comment outside a pull request, and sets the drift outputs of a drift run', async () => {
    const push: WorkflowEvent = { name: 'schedule', ref: undefined, payload: {} };
    const report = {
      ...plannedAcrossAccounts(),
      command: 'drift' as const,
      totals: { changes: 7, drift: 3, staleInvites: 1 },
    };

    await reporterFor(push).acrossAccounts(report);

    expect(fake.comments).toEqual([]);
    const outputs = await readFile(join(scratch, 'output'), 'utf8');
    expect(outputs).toMatch(/drift-count<<.*\n3\n/);
    expect(outputs).toMatch(/stale-invites-count<<.*\n1\n/);
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
