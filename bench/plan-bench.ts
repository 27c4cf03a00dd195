// Benchmarks the core against moto for N managed users: apply of N new users (which also seeds the
// account), a no-op plan, a plan with 1% of the files changed, the per-user read strategy of
// Terraform's AWS provider as the baseline, and (at the largest size) `validate`.
// Apply, plans and validate run the built CLI (dist/cli/index.js) in a fresh process from the
// roster's folder, as a user runs them, and their calls are counted at a proxy that pages the
// listing as IAM does (moto does not); the no-op plan alternates with the raw listing
// (bench/raw-listing.mjs) so that both see the same machine.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CreateGroupCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  type ListUsersCommandOutput,
} from '@aws-sdk/client-iam';
import { mapLimit } from '../src/util/map-limit.js';
import { accountIn } from '../test/support/moto-account.js';
import { makeRosterDir, type RosterDir } from '../test/support/roster-dir.js';
import { countCalls } from './call-counter.js';
import { startIamPagingProxy } from './iam-paging-proxy.js';
import { type ChildRun, measureChild, median } from './measure-child.js';

const REPOSITORY = 'bench/iam-users';
const IAM_PATH = '/iam-gitops/';
const GROUP = 'engineers';
const IN_FLIGHT = 8;

export interface Measured {
  readonly ms: number;
  readonly calls: number;
  readonly byOperation: Record<string, number>;
}

export interface ProcessMeasured extends Measured {
  readonly cpuMs: number;
  readonly maxRssMiB: number;
}

export interface NoopPlan extends ProcessMeasured {
  /** Median of the raw listing's own time (in its process), alternated with the plan runs. */
  readonly listingMs: number;
  /** The part of the listing spent waiting for moto's answers (the rest is the SDK reading them). */
  readonly listingHttpMs: number;
  readonly listingMaxRssMiB: number;
  /** Median over the runs of (plan wall time - the raw listing time measured next to it). */
  readonly ownMs: number;
  readonly runs: number;
}

export interface SizeResult {
  readonly users: number;
  readonly noopPlan: NoopPlan;
  readonly onePercentPlan: ProcessMeasured & { readonly changes: number };
  /** The CLI's apply: its writes (calls) against the plan's changes, and the reads it planned with. */
  readonly apply: Measured & { readonly changes: number; readonly reads: number };
  readonly baseline: Measured;
  /** Only at the size given as `validateAt`. */
  readonly validate: (ProcessMeasured & { readonly runs: number }) | undefined;
}

export interface SizeOptions {
  /** Runs of each measured process (plans, listing); medians are reported. */
  readonly runs: number;
  readonly validateRuns: number;
  readonly measureValidate: boolean;
}

const userName = (i: number) => `user${String(i).padStart(5, '0')}@example.com`;

function userFile(i: number, team = 'platform') {
  return { name: userName(i), groups: [GROUP], tags: { team } };
}

async function writeRoster(count: number): Promise<RosterDir> {
  const dir = await makeRosterDir();
  for (let start = 0; start < count; start += 500) {
    const batch: Record<string, Record<string, unknown>> = {};
    for (let i = start; i < Math.min(count, start + 500); i++) batch[`${userName(i)}.yaml`] = userFile(i);
    await dir.write(batch);
  }
  return dir;
}

async function measure<T>(client: IAMClient, work: () => Promise<T>): Promise<Measured & { value: T }> {
  const counter = countCalls(client);
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  client.middlewareStack.remove('iamGitopsCallCounter');
  return { ms, calls: counter.total(), byOperation: counter.byOperation(), value };
}

/** IAM's reads are Get* and List*; everything else an apply sends is a change. */
const isRead = (action: string) => /^(Get|List)/.test(action);

/** What Terraform's AWS provider reads to refresh one aws_iam_user with its login profile, groups and policies. */
async function perUserBaseline(iam: IAMClient): Promise<number> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page: ListUsersCommandOutput = await iam.send(
      new ListUsersCommand({ PathPrefix: IAM_PATH, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const user of page.Users ?? []) if (user.UserName) names.push(user.UserName);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  await mapLimit(names, IN_FLIGHT, async (name) => {
    await iam.send(new GetUserCommand({ UserName: name }));
    await iam.send(new GetLoginProfileCommand({ UserName: name })).catch(() => undefined);
    await iam.send(new ListGroupsForUserCommand({ UserName: name }));
    await iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }));
  });
  return names.length;
}

function byOperation(actions: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const action of [...actions].sort()) counts[action] = (counts[action] ?? 0) + 1;
  return counts;
}

/** What the CLI printed with `--json`, or a clear failure with what it said instead. */
function jsonOf<T>(run: ChildRun, what: string): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`the CLI ${what} printed no JSON (exit ${run.exitCode}):\n${run.stderr}${run.stdout}`);
  }
}

/** The number of changes in a plan printed by `plan --json`. */
const changesIn = (run: ChildRun) => jsonOf<{ summary: { changes: number } }>(run, 'plan').summary.changes;

export async function benchSize(
  endpoint: string,
  root: string,
  users: number,
  options: SizeOptions,
  log: (line: string) => void,
): Promise<SizeResult> {
  const account = await accountIn(endpoint);
  const iam = new IAMClient({ ...account.clientConfig, maxAttempts: 3 });
  await iam.send(new CreateGroupCommand({ GroupName: GROUP }));
  const roster = await writeRoster(users);
  const proxy = await startIamPagingProxy(endpoint);
  const cli = join(root, 'dist', 'cli', 'index.js');
  const env = { ...account.env, AWS_ENDPOINT_URL: proxy.endpoint };
  const scope = ['--users-dir', 'users', '--repository', REPOSITORY, '--iam-path', IAM_PATH];
  const planArgs = [cli, 'plan', ...scope, '--json'];
  /** Runs `args` from the roster's folder in a fresh process; counts the IAM calls it made at the proxy. */
  const run = async (args: readonly string[]) => {
    const before = proxy.requests.length;
    const child = await measureChild(args, { env, cwd: roster.root });
    const actions = proxy.requests.slice(before).map((request) => request.action);
    return { child, actions };
  };
  try {
    // Apply first: it is measured anyway, and it leaves the account as the no-op plan needs it.
    log(`  apply of ${users} new users (this also seeds the account)`);
    const applied = await run([cli, 'apply', ...scope, '--json']);
    const outcome = jsonOf<{ plan: { summary: { changes: number } }; result: { failed: number } }>(
      applied.child,
      'apply',
    );
    if (applied.child.exitCode !== 0 || outcome.result.failed > 0)
      throw new Error(`the bench apply failed (exit ${applied.child.exitCode}):\n${applied.child.stderr}`);
    const writes = applied.actions.filter((action) => !isRead(action));

    log(`  no-op plan and raw listing, ${options.runs} runs each, alternating`);
    const plans: ChildRun[] = [];
    const listings: { ms: number; httpMs: number; maxRssKiB: number }[] = [];
    let planActions: string[] = [];
    for (let i = 0; i < options.runs; i++) {
      const raw = await run([join(root, 'bench', 'raw-listing.mjs')]);
      if (raw.child.exitCode !== 0) throw new Error(`the raw listing failed:\n${raw.child.stderr}`);
      listings.push(JSON.parse(raw.child.stdout));
      const plan = await run(planArgs);
      const changes = changesIn(plan.child);
      if (changes !== 0) throw new Error(`the no-op plan has ${changes} changes`);
      plans.push(plan.child);
      planActions = plan.actions;
    }
    const noopPlan: NoopPlan = {
      ms: median(plans.map((p) => p.wallMs)),
      cpuMs: median(plans.map((p) => p.cpuMs)),
      maxRssMiB: median(plans.map((p) => p.maxRssMiB)),
      calls: planActions.length,
      byOperation: byOperation(planActions),
      listingMs: median(listings.map((l) => l.ms)),
      listingHttpMs: median(listings.map((l) => l.httpMs)),
      listingMaxRssMiB: median(listings.map((l) => l.maxRssKiB / 1024)),
      ownMs: median(plans.map((p, i) => p.wallMs - (listings[i]?.ms ?? Number.NaN))),
      runs: options.runs,
    };

    let validate: SizeResult['validate'];
    if (options.measureValidate) {
      log(`  validate, ${options.validateRuns} runs`);
      const runs: ChildRun[] = [];
      for (let i = 0; i < options.validateRuns; i++) {
        const child = await measureChild([cli, 'validate', '--users-dir', 'users'], {
          env,
          cwd: roster.root,
        });
        if (child.exitCode !== 0) throw new Error(`validate failed:\n${child.stderr}${child.stdout}`);
        runs.push(child);
      }
      validate = {
        ms: median(runs.map((r) => r.wallMs)),
        cpuMs: median(runs.map((r) => r.cpuMs)),
        maxRssMiB: median(runs.map((r) => r.maxRssMiB)),
        calls: 0,
        byOperation: {},
        runs: options.validateRuns,
      };
    }

    const changed = Math.max(1, Math.round(users / 100));
    const edits: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < changed; i++) edits[`${userName(i * 100)}.yaml`] = userFile(i * 100, 'security');
    await roster.write(edits);
    log(`  plan with ${changed} edited files`);
    const onePercent = await run(planArgs);

    log(`  per-user baseline (${(users * 4).toLocaleString('en-US')} calls)`);
    const baseline = await measure(iam, () => perUserBaseline(iam));

    const strip = <T extends Measured>(m: T): Measured => ({
      ms: m.ms,
      calls: m.calls,
      byOperation: m.byOperation,
    });
    return {
      users,
      noopPlan,
      onePercentPlan: {
        ms: onePercent.child.wallMs,
        cpuMs: onePercent.child.cpuMs,
        maxRssMiB: onePercent.child.maxRssMiB,
        calls: onePercent.actions.length,
        byOperation: byOperation(onePercent.actions),
        changes: changesIn(onePercent.child),
      },
      apply: {
        ms: applied.child.wallMs,
        calls: writes.length,
        byOperation: byOperation(writes),
        changes: outcome.plan.summary.changes,
        reads: applied.actions.length - writes.length,
      },
      baseline: strip(baseline),
      validate,
    };
  } finally {
    await proxy.close();
    await roster.cleanup();
  }
}
