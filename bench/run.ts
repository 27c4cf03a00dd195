// npm run bench: every target of issue 12 (and issue 13's, once it can be measured) with today's
// figure and whether it is met, in one run against moto; writes docs/benchmarks.md from that run.
// Usage: npm run bench [-- --sizes 100,1000,5000] [-- --runs 3] [-- --out docs/benchmarks.md]
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startMoto } from '../test/support/moto-server.js';
import { bundleBytes } from './bundle-size.js';
import { measureColdStart } from './cold-start.js';
import type { LambdaCalls } from './lambda-calls.js';
import { benchNode } from './measure-child.js';
import {
  benchPlanAcrossAccounts,
  DEFAULT_ACCOUNTS_BENCH,
  PLAN_ACROSS_ACCOUNTS,
} from './multi-account-bench.js';
import { benchSize } from './plan-bench.js';
import { type BenchRun, renderMarkdown, targets } from './report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => process.stderr.write(`${line}\n`);

/** moto here answers about 180 IAM calls a second with 8 in flight (shared/MOTO.md: 1,000 CreateUser in 5.3 s). */
const MOTO_MS_PER_CALL = 5.5;
/** Enough runs that the best of them is a run no other work on the machine disturbed. */
const COLD_START_RUNS = 21;

/** Most of a run is the apply (3 calls a user) and the per-user baseline (4 a user). */
function expectedMinutes(sizes: readonly number[], runs: number): number {
  const users = sizes.reduce((sum, n) => sum + n, 0);
  const calls = users * 7;
  // Each plan and listing run re-reads the account; moto builds 5,000 users' listing in about 2 s.
  const listings = sizes.reduce((sum, n) => sum + (2 * runs + 1) * (n / 2_500), 0);
  const fixed = 30; // moto's start, the cold starts, the Lambda, validate
  return (calls * MOTO_MS_PER_CALL) / 60_000 + (listings + fixed) / 60;
}

async function lambdaCalls(endpoint: string): Promise<LambdaCalls> {
  const folder = await mkdtemp(join(tmpdir(), 'iam-gitops-bench-lambda-'));
  const result = join(folder, 'calls.json');
  try {
    const child = spawn(
      benchNode(),
      ['--import', 'tsx', join(root, 'bench', 'lambda-calls.ts'), endpoint, result],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`the Lambda measurement failed (exit ${code}):\n${stderr}`);
    return JSON.parse(await readFile(result, 'utf8')) as LambdaCalls;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { sizes: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' } },
  });
  const sizes = (values.sizes ?? '100,1000,5000').split(',').map((s) => Number.parseInt(s, 10));
  const runs = Number.parseInt(values.runs ?? '3', 10);
  const largest = Math.max(...sizes);
  const started = Date.now();
  const loadBefore = loadavg();
  log(
    `npm run bench: expect about ${Math.ceil(expectedMinutes(sizes, runs))} minutes on a quiet 2-core machine ` +
      `(sizes ${sizes.join(', ')}; most of it is moto creating and reading users one call at a time)`,
  );
  log('starting moto');
  const moto = await startMoto();
  try {
    // First, while the machine is quiet: the target is for a quiet machine, and the phases below
    // keep both cores busy for minutes (moto then holds thousands of users, and the load average
    // stays up for a while after).
    log(`cold start, ${COLD_START_RUNS} runs`);
    const coldStart = await measureColdStart(moto.endpoint, root, COLD_START_RUNS);
    const results = [];
    for (const users of sizes) {
      log(`N = ${users}`);
      results.push(
        await benchSize(
          moto.endpoint,
          root,
          users,
          { runs, validateRuns: 5, measureValidate: users === largest },
          log,
        ),
      );
    }
    log('credential Lambda');
    const lambda = await lambdaCalls(moto.endpoint);
    log('plan across accounts');
    const accounts = await benchPlanAcrossAccounts(
      moto.endpoint,
      PLAN_ACROSS_ACCOUNTS,
      DEFAULT_ACCOUNTS_BENCH,
      log,
    );
    const lambdaBundle = join(root, 'lambda', 'dist', 'index.mjs');
    const run: BenchRun = {
      date: new Date().toISOString().slice(0, 10),
      node: await new Promise<string>((resolve) => {
        const child = spawn(benchNode(), ['-p', 'process.versions.node']);
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.on('exit', () => resolve(out.trim()));
      }),
      cores: availableParallelism(),
      loadBefore,
      loadAfter: loadavg(),
      durationMs: Date.now() - started,
      sizes: results,
      coldStart,
      bundles: {
        action: bundleBytes(join(root, 'dist', 'index.js')),
        cli: bundleBytes(join(root, 'dist', 'cli', 'index.js')),
        lambda: (() => {
          try {
            return statSync(lambdaBundle).size;
          } catch {
            return undefined;
          }
        })(),
      },
      lambda,
      accounts,
    };
    const report = renderMarkdown(run);
    process.stdout.write(report);
    if (values.out) writeFileSync(values.out, report);
    log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
    if (targets(run).some((target) => target.met === false)) process.exitCode = 1;
  } finally {
    await moto.stop();
  }
}

await main();
