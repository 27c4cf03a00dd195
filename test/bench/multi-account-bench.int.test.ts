import { IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import {
  type AccountsBenchOptions,
  benchPlanAcrossAccounts,
  PLAN_ACROSS_ACCOUNTS,
  type PlanAcrossAccountsRun,
  planWithCli,
} from '../../bench/multi-account-bench.js';
import { motoEndpoint } from '../support/aws.js';

const OPTIONS: AccountsBenchOptions = { accounts: 2, usersPerAccount: 3, pageLatencyMs: 2_000, runs: 1 };
const quiet = () => undefined;

/** What a many-account plan reads in one account: its role, then every listing page. */
async function readAccount(run: PlanAcrossAccountsRun, accountId: string): Promise<number> {
  const region = 'us-east-1';
  const hub = {
    accessKeyId: run.hubEnv.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: run.hubEnv.AWS_SECRET_ACCESS_KEY ?? '',
    sessionToken: run.hubEnv.AWS_SESSION_TOKEN ?? '',
  };
  const sts = new STSClient({ endpoint: run.endpoint, region, credentials: hub, maxAttempts: 1 });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/iam-gitops/iam-gitops-plan`,
      RoleSessionName: 'bench',
    }),
  );
  const iam = new IAMClient({
    endpoint: run.endpoint,
    region,
    maxAttempts: 1,
    credentials: {
      accessKeyId: c?.AccessKeyId ?? '',
      secretAccessKey: c?.SecretAccessKey ?? '',
      sessionToken: c?.SessionToken ?? '',
    },
  });
  let users = 0;
  for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: ['User'] })) {
    users += page.UserDetailList?.length ?? 0;
  }
  return users;
}

describe('benchPlanAcrossAccounts', () => {
  it('says the target is not measured when no multi-account plan is given', async () => {
    const result = await benchPlanAcrossAccounts(motoEndpoint(), undefined, OPTIONS, quiet);

    expect(result).toEqual({
      measured: false,
      reason: 'no multi-account plan yet (wire it as PLAN_ACROSS_ACCOUNTS in bench/multi-account-bench.ts)',
    });
  });

  it('tells a plan that reads accounts in parallel from one that reads them in turn', async () => {
    const seen: number[][] = [];
    const parallel = await benchPlanAcrossAccounts(
      motoEndpoint(),
      async (run) => {
        seen.push(await Promise.all(run.accounts.map((account) => readAccount(run, account.id))));
      },
      OPTIONS,
      quiet,
    );
    const serial = await benchPlanAcrossAccounts(
      motoEndpoint(),
      async (run) => {
        for (const account of run.accounts) await readAccount(run, account.id);
      },
      OPTIONS,
      quiet,
    );

    if (!parallel.measured || !serial.measured) throw new Error('both plans were given');
    expect(seen).toEqual([[3], [3, 3]]);
    expect(parallel.one.listingCallsPerAccount).toEqual([1]);
    expect(parallel.all.listingCallsPerAccount).toEqual([1, 1]);
    expect(parallel.ratio).toBeLessThan(1.5);
    expect(serial.ratio).toBeGreaterThan(1.5);
  }, 120_000);

  it('measures the built CLI plan, one listing page per account, within the target', async () => {
    const result = await benchPlanAcrossAccounts(motoEndpoint(), PLAN_ACROSS_ACCOUNTS, OPTIONS, quiet);

    if (!result.measured) throw new Error(result.reason);
    expect(PLAN_ACROSS_ACCOUNTS).toBe(planWithCli);
    expect(result.one.listingCallsPerAccount).toEqual([1]);
    expect(result.all.listingCallsPerAccount).toEqual([1, 1]);
    expect(result.ratio).toBeLessThan(1.5);
  }, 120_000);
});
