// Turns one bench run into the targets of issues 12 and 13 (each with today's figure and whether it
// is met) and into docs/benchmarks.md. Pure: every figure comes from the run it is given.
import type { ColdStart } from './cold-start.js';
import type { LambdaCalls, LambdaEventCalls } from './lambda-calls.js';
import type { AccountsBenchResult } from './multi-account-bench.js';
import type { Measured, SizeResult } from './plan-bench.js';

export interface BundleSizes {
  /** Bytes loaded at start, and bytes in chunks loaded only when a command needs them. */
  readonly action: { readonly entry: number; readonly chunks: number } | undefined;
  readonly cli: { readonly entry: number; readonly chunks: number } | undefined;
  readonly lambda: number | undefined;
}

export interface BenchRun {
  readonly date: string;
  readonly node: string;
  readonly cores: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly durationMs: number;
  readonly sizes: readonly SizeResult[];
  readonly coldStart: ColdStart;
  readonly bundles: BundleSizes;
  readonly lambda: LambdaCalls;
  readonly accounts: AccountsBenchResult;
}

export interface Target {
  readonly what: string;
  readonly goal: string;
  readonly now: string;
  /** As issue 12 (or 13) measured it before this work, for context. */
  readonly before: string;
  /** Undefined: not measured in this run. */
  readonly met: boolean | undefined;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${Math.round(ms)} ms`;
const mib = (value: number) => `${Math.round(value)} MiB`;
const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const count = (n: number) => n.toLocaleString('en-US');

/** The run at the size the targets are stated for (5,000 users), else the largest. */
export function targetSize(sizes: readonly SizeResult[]): SizeResult | undefined {
  return sizes.find((size) => size.users === 5_000) ?? [...sizes].sort((a, b) => b.users - a.users)[0];
}

function callList(event: LambdaEventCalls): string {
  const byOperation = new Map<string, number>();
  for (const call of event.calls) byOperation.set(call, (byOperation.get(call) ?? 0) + 1);
  const list = [...byOperation].map(([name, n]) => (n === 1 ? name : `${name} ×${n}`)).join(', ');
  return `${event.calls.length} (${list})${event.delivered ? '' : `; not delivered: ${event.outcome}`}`;
}

export function targets(run: BenchRun): Target[] {
  const size = targetSize(run.sizes);
  const list: Target[] = [];
  const at = size === undefined ? '' : ` at ${count(size.users)} users`;
  if (size !== undefined) {
    const plan = size.noopPlan;
    list.push({
      what: `No-op plan${at}: the tool's own time (plan wall time − raw listing time)`,
      goal: '≤ 1.0 s',
      now: `${seconds(plan.ownMs)} (plan ${seconds(plan.ms)} − listing ${seconds(plan.listingMs)}; ${times(plan.ownMs / plan.listingMs)} the listing; plan CPU ${seconds(plan.cpuMs)})`,
      before: '≈ 1.5-2.5 s (plan 3.9-5.0 s wall)',
      met: plan.ownMs <= 1_000,
    });
    const cap = Math.ceil(size.users / 1000) + 1;
    list.push({
      what: `No-op plan${at}: IAM calls`,
      goal: `≤ ${cap} (⌈N/1,000⌉ + 1)`,
      now: `${plan.calls} (${Object.entries(plan.byOperation)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')})`,
      before: '1 (moto answered in one page)',
      met: plan.calls <= cap,
    });
    if (size.validate !== undefined) {
      const v = size.validate;
      list.push({
        what: `\`validate\` over ${count(size.users)} files`,
        goal: '≤ 0.6 s',
        now: `${seconds(v.ms)} (CPU ${seconds(v.cpuMs)}; ${times(v.ms / 600)} the goal; peak RSS ${mib(v.maxRssMiB)})`,
        before: '1.77 s',
        met: v.ms <= 600,
      });
    }
    list.push({
      what: `Peak RSS of the no-op plan${at} (Node ${run.node})`,
      goal: '≤ 150 MiB on Node 24',
      now: `${mib(plan.maxRssMiB)} (the raw listing alone: ${mib(plan.listingMaxRssMiB)})`,
      before: '200-214 MiB on Node 24, 160 MiB on Node 20',
      met: run.node.startsWith('24.') ? plan.maxRssMiB <= 150 : undefined,
    });
  }
  const cold = run.coldStart;
  list.push({
    what: '`node dist/index.js` to its first AWS call',
    goal: '≤ 120 ms on a quiet machine (judged on the best run)',
    now: `best ${millis(cold.bestMs)}, median ${millis(cold.medianMs)} of ${cold.runs} (CPU ${millis(cold.medianCpuMs)}; Node alone: best ${millis(cold.floorBestMs)}, median ${millis(cold.floorMedianMs)}; ${times(cold.medianMs / cold.floorMedianMs)} Node alone)`,
    before: '≈ 190 ms quiet, 480+ ms loaded',
    met: cold.bestMs <= 120,
  });
  if (run.bundles.action !== undefined) {
    const action = run.bundles.action;
    list.push({
      what: 'Action bundle loaded at start (`dist/index.js` and the chunks it imports)',
      goal: 'smaller',
      now: `${kib(action.entry)} (+ ${kib(action.chunks)} loaded on demand; ${times(action.entry / (3206 * 1024))} before)`,
      before: '3,206 KiB, plus a 3.7 MiB source map and sourcemap-register',
      met: action.entry < 3206 * 1024,
    });
  }
  const warm = [run.lambda.warm, run.lambda.warmResend];
  list.push({
    what: 'Credential Lambda: AWS calls per warm event',
    goal: '≤ 4',
    now: `new user ${callList(run.lambda.warm)}; re-send ${callList(run.lambda.warmResend)}`,
    before: '6',
    met: warm.every((event) => event.delivered && event.calls.length <= 4),
  });
  if (size !== undefined) {
    const apply = size.apply;
    list.push({
      what: `Apply of ${count(size.users)} new users: calls per change`,
      goal: 'exactly 1',
      now: `${count(apply.calls)} calls / ${count(apply.changes)} changes in ${seconds(apply.ms)}, after ${apply.reads} read${apply.reads === 1 ? '' : 's'} to plan (${(apply.calls / size.users).toFixed(2)} calls per user; the per-user baseline reads ${(size.baseline.calls / size.users).toFixed(2)} per user just to refresh)`,
      before: '15,000 / 15,000',
      met: apply.calls === apply.changes,
    });
  }
  const accounts = run.accounts;
  list.push(
    accounts.measured
      ? {
          what: `Plan over ${accounts.options.accounts} accounts of ${count(accounts.options.usersPerAccount)} users vs one account (listing pages held ${millis(accounts.options.pageLatencyMs)} each)`,
          goal: '≤ 1.5×',
          now: `${times(accounts.ratio)} (${seconds(accounts.all.ms)} vs ${seconds(accounts.one.ms)}, medians of ${accounts.options.runs} runs each; listing calls per account: ${accounts.all.listingCallsPerAccount.join(', ')})`,
          before: 'one account only',
          met: accounts.ratio <= 1.5,
        }
      : {
          what: 'Plan over 3 accounts of 2,000 users vs one account (issue 13)',
          goal: '≤ 1.5×',
          now: `not measured: ${accounts.reason}`,
          before: 'one account only',
          met: undefined,
        },
  );
  return list;
}

function targetsTable(list: readonly Target[]): string {
  const mark = (met: boolean | undefined) =>
    met === undefined ? 'not measured' : met ? 'met' : '**missed**';
  return [
    '| Target | Goal | Now | Before (issue 12) | |',
    '|---|---|---|---|---|',
    ...list.map((t) => `| ${t.what} | ${t.goal} | ${t.now} | ${t.before} | ${mark(t.met)} |`),
  ].join('\n');
}

function scaleTable(sizes: readonly SizeResult[]): string {
  const lines = [
    '| Users | No-op plan: IAM calls | No-op plan: wall | Raw listing | Tool’s own time | Peak RSS | Baseline (per-user reads): calls | Baseline: time | Speed-up | 1% changed: calls / changes | 1% changed: wall | Apply: calls / changes | Apply: time |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of sizes) {
    const p = r.noopPlan;
    lines.push(
      `| ${count(r.users)} | ${p.calls} | ${seconds(p.ms)} | ${seconds(p.listingMs)} | ${seconds(p.ownMs)} | ${mib(p.maxRssMiB)} | ${count(r.baseline.calls)} (${(r.baseline.calls / r.users).toFixed(2)}/user) | ${seconds(r.baseline.ms)} | ${(r.baseline.ms / p.ms).toFixed(0)}× | ${r.onePercentPlan.calls} / ${r.onePercentPlan.changes} | ${seconds(r.onePercentPlan.ms)} | ${count(r.apply.calls)} / ${count(r.apply.changes)} | ${seconds(r.apply.ms)} |`,
    );
  }
  return lines.join('\n');
}

function operationsTable(sizes: readonly SizeResult[]): string {
  const lines = ['| Users | Measurement | Calls by operation | Calls per user |', '|---:|---|---|---:|'];
  const row = (users: number, label: string, m: Measured) => {
    const ops = Object.entries(m.byOperation)
      .map(([op, n]) => `${op} ${count(n)}`)
      .join(', ');
    lines.push(`| ${count(users)} | ${label} | ${ops} | ${(m.calls / users).toPrecision(3)} |`);
  };
  for (const r of sizes) {
    row(r.users, 'no-op plan', r.noopPlan);
    row(r.users, '1% changed plan', r.onePercentPlan);
    row(r.users, 'baseline', r.baseline);
    row(r.users, 'apply', r.apply);
  }
  return lines.join('\n');
}

function lambdaTable(lambda: LambdaCalls): string {
  return [
    '| Event | AWS calls |',
    '|---|---|',
    `| First event in a new container (CreateUser) | ${callList(lambda.cold)} |`,
    `| Warm: another new user (CreateUser) | ${callList(lambda.warm)} |`,
    `| Warm: a re-send (TagUser) | ${callList(lambda.warmResend)} |`,
  ].join('\n');
}

const READING = `## How to read these figures

This machine has two cores shared with other work, so a wall-clock figure says as much about the
machine at that moment as about the code. Read the figures this way:

- **Compare within one run.** Each target is stated against a reference measured in the same run
  and the same conditions: the tool's own time is the plan's wall time minus the raw listing
  (the same GetAccountAuthorizationDetails pages through the AWS SDK, alone in a fresh Node process,
  run alternately with the plan), and the cold start is shown beside Node starting and sending one
  request. The ratios move much less with the machine's load than the absolute figures do.
- **CPU time is the fair measure under load.** A process waiting for a core shows it in wall
  time, not in CPU time; where the two differ widely, the machine was busy (the load averages at
  the start and the end of the run are given above).
- **Medians, and the best run for latency.** Every process is run several times; the tables give
  medians. The cold start target ("on a quiet machine") is judged on the best of its runs, the one
  least disturbed by other work; the median is shown beside it. The cold starts run first, before
  the phases that keep both cores busy for minutes, with the repository's documented
  \`iam-gitops.yaml\` beside the one roster file, as a real repository has.
- **Memory is peak RSS** (the kernel's \`ru_maxrss\` of the child process), which includes memory V8
  keeps for later; it moves little with the machine's load.
- **moto is not AWS.** It answers on one CPU, and its times are not AWS's: the listing figure is
  moto's, and only the difference (the tool's own time) and the call counts carry over. moto
  answers the listing in one page; the bench pages it as IAM does (1,000 users a page, through
  \`bench/iam-paging-proxy.ts\`), so the call counts and the memory held per page are AWS's.
  Calls are counted where they leave the process (a proxy; an SDK middleware for the baseline,
  which runs in the bench itself); moto does not throttle, so there are no retries.`;

export function renderMarkdown(run: BenchRun): string {
  const list = targets(run);
  const missed = list.filter((t) => t.met === false);
  const load = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(' / ');
  return [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${run.date} against moto 5.2.5 on this project's ${run.cores}-core machine, Node ${run.node}, in ${(run.durationMs / 60_000).toFixed(1)} minutes. Load average (1 / 5 / 15 min) ${load(run.loadBefore)} at the start, ${load(run.loadAfter)} at the end.`,
    '',
    '## Targets (issues 12 and 13)',
    '',
    targetsTable(list),
    '',
    missed.length === 0
      ? 'Every measured target is met.'
      : `Missed: ${missed.map((t) => t.what.replace(/`/g, '')).join('; ')}.`,
    '',
    READING,
    '',
    '## Plans, baseline and apply by size',
    '',
    'Plans and `validate` run the built CLI (`dist/cli/index.js`) in a fresh process, as a user runs it; wall times are medians of the runs. The baseline is what Terraform’s AWS provider reads to refresh each `aws_iam_user` (GetUser, GetLoginProfile, ListGroupsForUser, ListAttachedUserPolicies); the apply (the CLI’s, with its default concurrency) creates every user and leaves the account as the no-op plan reads it; its calls are its writes, after the reads it plans with.',
    '',
    scaleTable(run.sizes),
    '',
    '## Calls by operation',
    '',
    operationsTable(run.sizes),
    '',
    '## The credential Lambda',
    '',
    'The built bundle (`lambda/dist/index.mjs`) as Lambda runs it, configured by its environment, three events in one container; calls counted at a proxy in front of moto.',
    '',
    lambdaTable(run.lambda),
    '',
    '## Bundles',
    '',
    '| Bundle | Loaded at start | Loaded on demand |',
    '|---|---:|---:|',
    ...(run.bundles.action
      ? [
          `| Action (\`dist/index.js\`) | ${kib(run.bundles.action.entry)} | ${kib(run.bundles.action.chunks)} |`,
        ]
      : []),
    ...(run.bundles.cli
      ? [`| CLI (\`dist/cli/index.js\`) | ${kib(run.bundles.cli.entry)} | ${kib(run.bundles.cli.chunks)} |`]
      : []),
    ...(run.bundles.lambda !== undefined
      ? [`| Lambda (\`lambda/dist/index.mjs\`) | ${kib(run.bundles.lambda)} | |`]
      : []),
    '',
  ].join('\n');
}
