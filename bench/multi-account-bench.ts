// Issue 13's benchmark: a plan over 3 accounts of 2,000 users each must take at most 1.5 times one
// account's plan. moto does its work on one CPU, so the listing is given AWS's latency by a proxy
// (bench/listing-latency-proxy.ts: each page held for a fixed time) and paged as IAM pages it
// (bench/iam-paging-proxy.ts); what is left to measure is whether the tool reads accounts in
// parallel. One account and three accounts are planned in the same run, through the same proxies,
// by the built CLI (PLAN_ACROSS_ACCOUNTS) in a fresh process with the hub's credentials, as a user
// runs it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { TAG_CONSOLE, TAG_EMAIL, TAG_MANAGED_BY } from '../src/contract.js';
import { mapLimit } from '../src/util/map-limit.js';
import { accountIn, type TestAccount } from '../test/support/moto-account.js';
import { makeRosterDir } from '../test/support/roster-dir.js';
import { startIamPagingProxy } from './iam-paging-proxy.js';
import { LISTING_ACTION, startListingLatencyProxy } from './listing-latency-proxy.js';
import { measureChild, median } from './measure-child.js';

const REPOSITORY = 'bench/iam-users';
const IAM_PATH = '/iam-gitops/';
const SEED_IN_FLIGHT = 8;

/** What the multi-account plan is given: everything a CLI run or an in-process call needs. */
export interface PlanAcrossAccountsRun {
  /** Where every AWS call goes (the latency proxy, then the paging proxy, then moto). */
  readonly endpoint: string;
  /** Credentials of the hub account, region and endpoint, as environment variables. */
  readonly hubEnv: Readonly<Record<string, string>>;
  /** An `iam-gitops.yaml` naming the accounts to plan (and making them every user's default). */
  readonly configPath: string;
  readonly usersDir: string;
  readonly repository: string;
  readonly iamPath: string;
  readonly accounts: readonly { readonly name: string; readonly id: string }[];
}

/** Makes the plan over `run.accounts` and resolves when it is made (or rejects). */
export type PlanAcrossAccounts = (run: PlanAcrossAccountsRun) => Promise<void>;

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'index.js');

/**
 * The many-accounts plan as a user runs it: `dist/cli/index.js plan --config ... --json` in a fresh
 * process with the hub's credentials, which assumes each account's plan role and reads the
 * accounts in parallel (--max-parallel-accounts, default). Rejects unless it exited 0 and its JSON
 * says every account was planned.
 */
export const planWithCli: PlanAcrossAccounts = async (run) => {
  const child = await measureChild(
    [
      CLI,
      'plan',
      '--config',
      run.configPath,
      '--users-dir',
      run.usersDir,
      '--repository',
      run.repository,
      '--iam-path',
      run.iamPath,
      '--json',
    ],
    { env: { ...run.hubEnv } },
  );
  if (child.exitCode !== 0)
    throw new Error(
      `the many-accounts plan failed (exit ${child.exitCode}):\n${child.stderr}${child.stdout}`,
    );
  const printed = JSON.parse(child.stdout) as { accounts?: Record<string, { outcome?: string }> };
  const notPlanned = run.accounts.filter((account) => printed.accounts?.[account.name]?.outcome !== 'ok');
  if (notPlanned.length > 0)
    throw new Error(
      `the plan has no result for ${notPlanned.map((account) => account.name).join(', ')}:\n${child.stdout}`,
    );
};

/** What `npm run bench` measures: the built CLI's plan. */
export const PLAN_ACROSS_ACCOUNTS: PlanAcrossAccounts | undefined = planWithCli;

export interface AccountsBenchOptions {
  readonly accounts: number;
  readonly usersPerAccount: number;
  /** How long each listing page is held, standing in for AWS's own latency. */
  readonly pageLatencyMs: number;
  /** Plans of each kind, alternating one account and all; medians are reported (a shared machine). */
  readonly runs: number;
}

export interface TimedPlan {
  /** Median wall time of the runs. */
  readonly ms: number;
  /** Listing pages per signing key (one key per assumed session, so per account), in key order. */
  readonly listingCallsPerAccount: readonly number[];
  readonly calls: number;
}

export type AccountsBenchResult =
  | { readonly measured: false; readonly reason: string }
  | {
      readonly measured: true;
      readonly options: AccountsBenchOptions;
      readonly one: TimedPlan;
      readonly all: TimedPlan;
      /** `all.ms / one.ms`: the target is at most 1.5. */
      readonly ratio: number;
    };

export const DEFAULT_ACCOUNTS_BENCH: AccountsBenchOptions = {
  accounts: 3,
  usersPerAccount: 2_000,
  pageLatencyMs: 1_000,
  runs: 3,
};

const userName = (i: number) => `user${String(i).padStart(5, '0')}@example.com`;

/** Managed users as an apply leaves them (path and tags; one call each, which is all a plan reads). */
async function seed(account: TestAccount, users: number): Promise<void> {
  const iam = new IAMClient({ ...account.clientConfig, maxAttempts: 3 });
  await mapLimit(
    Array.from({ length: users }, (_, i) => i),
    SEED_IN_FLIGHT,
    async (i) => {
      await iam.send(
        new CreateUserCommand({
          UserName: userName(i),
          Path: IAM_PATH,
          Tags: [
            { Key: TAG_MANAGED_BY, Value: REPOSITORY },
            { Key: TAG_CONSOLE, Value: 'false' },
            { Key: TAG_EMAIL, Value: userName(i) },
          ],
        }),
      );
    },
  );
}

/** `iam-gitops.yaml` with `accounts` and every one of them as the default. */
function configFor(accounts: readonly { name: string; id: string }[]): string {
  const lines = ['accounts:'];
  for (const account of accounts) lines.push(`  ${account.name}: { id: "${account.id}" }`);
  lines.push(`defaultAccounts: [${accounts.map((account) => account.name).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

export async function benchPlanAcrossAccounts(
  motoEndpoint: string,
  plan: PlanAcrossAccounts | undefined,
  options: AccountsBenchOptions,
  log: (line: string) => void,
): Promise<AccountsBenchResult> {
  if (plan === undefined) {
    return {
      measured: false,
      reason: 'no multi-account plan yet (wire it as PLAN_ACROSS_ACCOUNTS in bench/multi-account-bench.ts)',
    };
  }
  const hub = await accountIn(motoEndpoint);
  const members = await Promise.all(Array.from({ length: options.accounts }, () => accountIn(motoEndpoint)));
  log(`  seeding ${options.accounts} accounts of ${options.usersPerAccount} users`);
  for (const member of members) await seed(member, options.usersPerAccount);
  const roster = await makeRosterDir();
  const folder = await mkdtemp(join(tmpdir(), 'iam-gitops-bench-accounts-'));
  const paging = await startIamPagingProxy(motoEndpoint);
  const latency = await startListingLatencyProxy(paging.endpoint, options.pageLatencyMs);
  try {
    const files: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < options.usersPerAccount; i++)
      files[`${userName(i)}.yaml`] = { name: userName(i), console: false };
    await roster.write(files);
    const accounts = members.map((member, index) => ({ name: `account${index + 1}`, id: member.accountId }));
    const once = async (chosen: typeof accounts): Promise<TimedPlan> => {
      const configPath = join(folder, `iam-gitops-${chosen.length}.yaml`);
      await writeFile(configPath, configFor(chosen));
      const before = latency.calls.length;
      const started = performance.now();
      await plan({
        endpoint: latency.endpoint,
        hubEnv: { ...hub.env, AWS_ENDPOINT_URL: latency.endpoint },
        configPath,
        usersDir: roster.usersDir,
        repository: REPOSITORY,
        iamPath: IAM_PATH,
        accounts: chosen,
      });
      const ms = performance.now() - started;
      const calls = latency.calls.slice(before);
      const perKey = new Map<string, number>();
      for (const call of calls) {
        if (call.action !== LISTING_ACTION) continue;
        const key = call.signingKey ?? '(unsigned)';
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
      }
      return {
        ms,
        calls: calls.length,
        listingCallsPerAccount: [...perKey.keys()].sort().map((key) => perKey.get(key) as number),
      };
    };
    const oneRuns: TimedPlan[] = [];
    const allRuns: TimedPlan[] = [];
    for (let run = 0; run < options.runs; run++) {
      log(
        `  plan over one account, then over ${accounts.length} accounts (run ${run + 1} of ${options.runs})`,
      );
      oneRuns.push(await once(accounts.slice(0, 1)));
      allRuns.push(await once(accounts));
    }
    // The calls are the same every run; the time is the median.
    const medianOf = (runs: readonly TimedPlan[]): TimedPlan => ({
      ...(runs.at(-1) as TimedPlan),
      ms: median(runs.map((timedRun) => timedRun.ms)),
    });
    const one = medianOf(oneRuns);
    const all = medianOf(allRuns);
    return { measured: true, options, one, all, ratio: all.ms / one.ms };
  } finally {
    await latency.close();
    await paging.close();
    await roster.cleanup();
    await rm(folder, { recursive: true, force: true });
  }
}
