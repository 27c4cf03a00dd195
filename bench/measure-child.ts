// Runs one Node process the way a user would (a fresh process, the built bundle) and measures it:
// wall time from spawn to exit, CPU time, peak RSS, and when (and after how much CPU) it made its
// first HTTP request, read by the preloaded bench/child-probe.cjs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROBE = join(root, 'bench', 'child-probe.cjs');

export interface ChildRun {
  /** Spawn to exit, as the parent saw it. */
  readonly wallMs: number;
  /** User plus system CPU of the child. */
  readonly cpuMs: number;
  readonly maxRssMiB: number;
  /** Epoch milliseconds just before the spawn, to compare with a proxy's arrival times. */
  readonly spawnedAt: number;
  /** The child's own clock (from its start) at its first HTTP request; undefined when it made none. */
  readonly firstRequestMs: number | undefined;
  /** CPU the child had used when it made its first HTTP request. */
  readonly firstRequestCpuMs: number | undefined;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildOptions {
  readonly env: Record<string, string>;
  readonly cwd?: string;
}

/**
 * The Node the measurements are for: the RSS target is for Node 24 (the action's runtime),
 * which the `node` development dependency provides when the bench itself runs on another.
 */
export function benchNode(): string {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  return existsSync(pinned) ? pinned : process.execPath;
}

export async function measureChild(args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  const folder = await mkdtemp(join(tmpdir(), 'iam-gitops-bench-probe-'));
  const probeOut = join(folder, 'probe.json');
  try {
    const spawnedAt = Date.now();
    const started = performance.now();
    const child = spawn(benchNode(), ['--require', PROBE, ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH ?? '', ...options.env, BENCH_PROBE_OUT: probeOut },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const wallMs = performance.now() - started;
    const probe = JSON.parse(await readFile(probeOut, 'utf8')) as {
      firstRequest: { ms: number; cpuMs: number } | null;
      exit: { ms: number; cpuMs: number; maxRssKiB: number };
    };
    return {
      wallMs,
      cpuMs: probe.exit.cpuMs,
      maxRssMiB: probe.exit.maxRssKiB / 1024,
      spawnedAt,
      firstRequestMs: probe.firstRequest?.ms,
      firstRequestCpuMs: probe.firstRequest?.cpuMs,
      exitCode,
      stdout,
      stderr,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
