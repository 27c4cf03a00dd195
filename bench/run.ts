// npm run bench: the benchmark table in docs/benchmarks.md, reproduced against moto.
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFaultProxy } from '../test/support/fault-proxy.js';
import { accountIn } from '../test/support/moto-account.js';
import { startMoto } from '../test/support/moto-server.js';
import { lambdaCallsPerEvent } from './lambda-bench.js';
import { benchSize, parseSizes, type SizeResult } from './plan-bench.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => process.stderr.write(`${line}\n`);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perUser = (calls: number, users: number) => (calls / users).toPrecision(3);

/** Time from spawning `node dist/index.js` to its first AWS request. */
async function coldStart(endpoint: string): Promise<number> {
  const account = await accountIn(endpoint);
  const proxy = await startFaultProxy(endpoint);
  const workspace = await mkdtemp(join(tmpdir(), 'iam-gitops-bench-'));
  await writeFile(join(workspace, 'users.yaml'), '');
  const { makeRosterDir } = await import('../test/support/roster-dir.js');
  const roster = await makeRosterDir({ 'bot.yaml': { name: 'bot', console: false } });
  const started = Date.now();
  const child = spawn(process.execPath, [join(root, 'dist', 'index.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      ...account.env,
      AWS_ENDPOINT_URL: proxy.endpoint,
      GITHUB_WORKSPACE: roster.root,
      GITHUB_REPOSITORY: 'bench/iam-users',
      INPUT_COMMAND: 'plan',
    },
    stdio: 'ignore',
  });
  await new Promise((resolve) => child.on('exit', resolve));
  await proxy.close();
  await roster.cleanup();
  const first = proxy.requests[0];
  if (!first) throw new Error('the action made no AWS call');
  return first.at - started;
}

function kib(path: string): string {
  return existsSync(path) ? `${(statSync(path).size / 1024).toFixed(0)} KiB` : 'not built';
}

function table(results: SizeResult[]): string {
  const lines = [
    '| Users | No-op plan: IAM calls | No-op plan: time | Baseline (per-user reads): calls | Baseline: time | Speed-up | 1% changed: calls / changes | 1% changed: time | Apply N new users: calls / changes | Apply: time |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.users.toLocaleString('en-US')} | ${r.noopPlan.calls} (target ≤ ${Math.ceil(r.users / 1000) + 1}) | ${seconds(r.noopPlan.ms)} | ${r.baseline.calls.toLocaleString('en-US')} (${perUser(r.baseline.calls, r.users)}/user) | ${seconds(r.baseline.ms)} | ${(r.baseline.ms / r.noopPlan.ms).toFixed(0)}× | ${r.onePercentPlan.calls} / ${r.onePercentPlan.changes} | ${seconds(r.onePercentPlan.ms)} | ${r.apply.calls.toLocaleString('en-US')} / ${r.apply.changes.toLocaleString('en-US')} | ${seconds(r.apply.ms)} |`,
    );
  }
  return lines.join('\n');
}

function operations(results: SizeResult[]): string {
  const lines = ['| Users | Measurement | Calls by operation | Calls per user |', '|---:|---|---|---:|'];
  for (const r of results) {
    for (const [label, m] of [
      ['no-op plan', r.noopPlan],
      ['1% changed plan', r.onePercentPlan],
      ['baseline', r.baseline],
      ['apply', r.apply],
    ] as const) {
      const ops = Object.entries(m.byOperation)
        .map(([op, n]) => `${op} ${n.toLocaleString('en-US')}`)
        .join(', ');
      lines.push(`| ${r.users.toLocaleString('en-US')} | ${label} | ${ops} | ${perUser(m.calls, r.users)} |`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { sizes, out } = parseSizes(process.argv.slice(2));
  log('starting moto');
  const moto = await startMoto();
  try {
    const results: SizeResult[] = [];
    for (const size of sizes) {
      log(`N = ${size}`);
      results.push(await benchSize(moto.endpoint, size, log));
    }
    const cold = await coldStart(moto.endpoint);
    const lambdaCalls = await lambdaCallsPerEvent(moto.endpoint);
    const callList = (calls: Record<string, number>) =>
      `${Object.values(calls).reduce((a, b) => a + b, 0)}: ${Object.entries(calls)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')}`;
    const failures = results.flatMap((r) => {
      const problems: string[] = [];
      if (r.noopPlan.calls > Math.ceil(r.users / 1000) + 1)
        problems.push(`N=${r.users}: no-op plan made ${r.noopPlan.calls} calls`);
      if (r.apply.calls > r.apply.changes)
        problems.push(`N=${r.users}: apply made ${r.apply.calls} calls for ${r.apply.changes} changes`);
      if (r.users >= 5000 && r.baseline.ms / r.noopPlan.ms < 20)
        problems.push(`N=${r.users}: speed-up below 20×`);
      return problems;
    });
    const report = [
      '# Benchmarks',
      '',
      `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} against moto ${'5.2.5'} on this project's 2-core machine, Node ${process.version}.`,
      'Calls are counted by an SDK middleware on the IAM client (one per logical call; moto does not throttle, so there are no retries).',
      'moto does not paginate, so the no-op plan makes one GetAccountAuthorizationDetails call where AWS would make ceil(N/1000); the target allows for that.',
      '',
      table(results),
      '',
      '## Calls by operation',
      '',
      operations(results),
      '',
      '## Start-up and size',
      '',
      '| What | Value |',
      '|---|---:|',
      `| \`node dist/index.js\` from spawn to its first AWS call | ${cold} ms |`,
      `| Action bundle (\`dist/index.js\`) | ${kib(join(root, 'dist', 'index.js'))} |`,
      `| CLI bundle (\`dist/cli/index.js\`) | ${kib(join(root, 'dist', 'cli', 'index.js'))} |`,
      `| Lambda: AWS calls for a new user (CreateUser event) | ${callList(lambdaCalls.createUser)} |`,
      `| Lambda: AWS calls for a re-send (TagUser event) | ${callList(lambdaCalls.resend)} |`,
      `| Lambda bundle (\`lambda/dist/index.mjs\`) | ${kib(join(root, 'lambda', 'dist', 'index.mjs'))} |`,
      '',
      failures.length === 0
        ? 'All targets met.'
        : `Targets missed:\n${failures.map((f) => `- ${f}`).join('\n')}`,
      '',
    ].join('\n');
    process.stdout.write(report);
    if (out) writeFileSync(out, report);
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    await moto.stop();
  }
}

await main();
