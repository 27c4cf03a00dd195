// Starts moto (a real AWS API emulator) in server mode on a free loopback port and stops it.
// Shared by the integration tests' global setup, the demo and the benchmarks.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const motoServerBinary = join(root, '.venv-moto', 'bin', 'moto_server');

export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  /** The server's recent output, for diagnosing a 500 (moto's 500s are HTML without detail). */
  readonly log: () => string;
  readonly stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('could not read the bound port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export interface StartMotoOptions {
  readonly timeoutMs?: number;
  /**
   * Load AWS managed policies (`arn:aws:iam::aws:policy/...`) into every account (default true).
   * Off for servers whose sent mail is read: `/moto-api/data.json` serializes every model of
   * every account, and about 1,300 managed policies per account make one read take seconds.
   */
  readonly managedPolicies?: boolean;
}

export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  if (!existsSync(motoServerBinary)) {
    throw new Error(`moto is not installed at ${motoServerBinary}: run \`npm run moto:install\``);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  if (options.managedPolicies ?? true) env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  else delete env.MOTO_IAM_LOAD_MANAGED_POLICIES;
  const child = spawn(motoServerBinary, ['-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitUntilUp(endpoint, child, options.timeoutMs ?? 30_000);
  return {
    endpoint,
    port,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
