// How long `node dist/index.js` takes from spawn to its first AWS request, as the runner starts
// it (a plan, credentials from the environment, one roster file and the repository's documented
// iam-gitops.yaml), beside Node's own floor (start and send one request). Repeated: on a shared
// machine the best run is the one least disturbed.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFaultProxy } from '../test/support/fault-proxy.js';
import { accountIn } from '../test/support/moto-account.js';
import { makeRosterDir } from '../test/support/roster-dir.js';
import { measureChild, median } from './measure-child.js';

export interface ColdStart {
  readonly runs: number;
  /** Spawn to the first request's arrival at the proxy. */
  readonly medianMs: number;
  readonly bestMs: number;
  /** CPU the process had used by its first request. */
  readonly medianCpuMs: number;
  /** The same for a script that only starts Node and sends one request. */
  readonly floorMedianMs: number;
  readonly floorBestMs: number;
}

async function firstRequests(
  script: string,
  env: Record<string, string>,
  runs: number,
  proxy: Awaited<ReturnType<typeof startFaultProxy>>,
): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    const before = proxy.requests.length;
    const child = await measureChild([script], { env });
    const first = proxy.requests[before];
    if (first === undefined || child.firstRequestCpuMs === undefined) {
      throw new Error(`${script} made no AWS request:\n${child.stderr}${child.stdout}`);
    }
    wall.push(first.at - child.spawnedAt);
    cpu.push(child.firstRequestCpuMs);
  }
  return { wall, cpu };
}

export async function measureColdStart(endpoint: string, root: string, runs: number): Promise<ColdStart> {
  const account = await accountIn(endpoint);
  const proxy = await startFaultProxy(endpoint);
  const roster = await makeRosterDir({ 'bot.yaml': { name: 'bot', console: false } });
  try {
    await copyFile(join(root, 'iam-gitops.yaml'), join(roster.root, 'iam-gitops.yaml'));
    const env = {
      ...account.env,
      AWS_ENDPOINT_URL: proxy.endpoint,
      GITHUB_WORKSPACE: roster.root,
      GITHUB_REPOSITORY: 'bench/iam-users',
      INPUT_COMMAND: 'plan',
    };
    const action = await firstRequests(join(root, 'dist', 'index.js'), env, runs, proxy);
    const floor = await firstRequests(join(root, 'bench', 'first-request-floor.cjs'), env, runs, proxy);
    return {
      runs,
      medianMs: median(action.wall),
      bestMs: Math.min(...action.wall),
      medianCpuMs: median(action.cpu),
      floorMedianMs: median(floor.wall),
      floorBestMs: Math.min(...floor.wall),
    };
  } finally {
    await proxy.close();
    await roster.cleanup();
  }
}
