// Many accounts against moto: a hub and two member accounts. moto keeps accounts apart and
// honours role chaining (keys from AssumeRole into a role of account X act in X), but checks no
// trust policy: AssumeRole succeeds whether or not the role exists. So these tests prove that
// each chained client acts in its own account and that one account's failure (refused by STS,
// throttled by IAM, both injected by a proxy) leaves the other's work done; trust itself is
// covered by the unit tests and the infrastructure's IAM simulator tests.
import { randomUUID } from 'node:crypto';
import { CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inEachAccount } from '../../src/accounts/in-each-account.js';
import {
  createHubStsClient,
  type MemberIamClientFactory,
  MemberRoleError,
  memberIamClients,
  type RoleChainSettings,
} from '../../src/accounts/role-chain.js';
import { accountsSummaryLine } from '../../src/accounts/run-accounts.js';
import { type TargetAccount, targetAccounts } from '../../src/accounts/target-accounts.js';
import { freshAccount, motoEndpoint, randomAccountId, type TestAccount } from '../support/aws.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { accountIn } from '../support/moto-account.js';

const ACCESS_DENIED_XML =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
  '<Code>AccessDenied</Code><Message>User: arn:aws:sts::000000000000:assumed-role/hub/x is not authorized ' +
  'to perform: sts:AssumeRole</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>';

/** User names in `accountId`, read by an administrator of that account (not through our clients). */
async function usersIn(accountId: string): Promise<string[]> {
  const admin = new IAMClient((await accountIn(motoEndpoint(), accountId)).clientConfig);
  try {
    const { Users } = await admin.send(new ListUsersCommand({}));
    return (Users ?? []).map((user) => user.UserName ?? '');
  } finally {
    admin.destroy();
  }
}

describe('many accounts against moto', () => {
  let hub: TestAccount;
  let alpha: TargetAccount;
  let beta: TargetAccount;
  let masked: string[];
  const clients: { destroy(): void }[] = [];
  const proxies: FaultProxy[] = [];

  /** Settings chaining from the hub, with a mask that records, and clients closed after the test. */
  function chain(sts: STSClient, createIamClient: MemberIamClientFactory): RoleChainSettings {
    clients.push(sts);
    return {
      sts,
      command: 'apply',
      runId: '77',
      mask: (secret) => {
        masked.push(secret);
      },
      createIamClient: (credentials, account) => {
        const iam = createIamClient(credentials, account);
        clients.push(iam);
        return iam;
      },
    };
  }

  /** Plain clients on moto (or a proxy in front of it), one attempt unless told otherwise. */
  function directClients(endpointFor: (account: TargetAccount) => string, maxAttempts = 1) {
    return (credentials: Parameters<MemberIamClientFactory>[0], account: TargetAccount) =>
      new IAMClient({
        endpoint: endpointFor(account),
        region: 'us-east-1',
        credentials,
        maxAttempts,
        retryMode: 'standard',
      });
  }

  beforeEach(async () => {
    hub = await freshAccount();
    [alpha, beta] = targetAccounts(
      { alpha: { id: randomAccountId() }, beta: { id: randomAccountId() } },
      'aws',
    ) as [TargetAccount, TargetAccount];
    masked = [];
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });

  it("acts in each member account through that account's chained role, and only there", async () => {
    // The production factories, pointed at moto the way the action and the CLI are: by the environment.
    vi.stubEnv('AWS_ENDPOINT_URL', hub.endpoint);
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const settings = chain(
      createHubStsClient({ region: 'us-east-1', credentials: hub.credentials, purpose: 'test-apply' }),
      memberIamClients({ region: 'us-east-1', purpose: 'test-apply' }),
    );
    const name = `only-in-alpha-${randomUUID().slice(0, 8)}`;

    const results = await inEachAccount(
      [alpha, beta],
      'apply',
      { ...settings, maxParallel: 2 },
      async (session) => {
        if (session.account === alpha) await session.iam.send(new CreateUserCommand({ UserName: name }));
        const { Users } = await session.iam.send(new ListUsersCommand({}));
        return { assumedRoleArn: session.assumedRoleArn, users: (Users ?? []).map((u) => u.UserName) };
      },
    );

    expect(results.map((r) => (r.outcome === 'ok' ? r.value : r.message))).toEqual([
      {
        assumedRoleArn: `arn:aws:sts::${alpha.id}:assumed-role/iam-gitops-apply/iam-gitops-apply-77`,
        users: [name],
      },
      {
        assumedRoleArn: `arn:aws:sts::${beta.id}:assumed-role/iam-gitops-apply/iam-gitops-apply-77`,
        users: [],
      },
    ]);
    expect(await usersIn(alpha.id)).toEqual([name]);
    expect(await usersIn(beta.id)).toEqual([]);
    expect(await usersIn(hub.accountId)).toEqual([]);
    // Three keys masked per account, before use.
    expect(masked).toHaveLength(6);
  });

  it('finishes the other account when STS refuses one (AccessDenied), and explains the refusal', async () => {
    const proxy = await startFaultProxy(hub.endpoint);
    proxies.push(proxy);
    proxy.setRule((request) =>
      request.action === 'AssumeRole' && request.body.includes(beta.id)
        ? { kind: 'respond', status: 403, body: ACCESS_DENIED_XML }
        : undefined,
    );
    const sts = new STSClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: hub.credentials,
      maxAttempts: 1,
    });
    const settings = chain(
      sts,
      directClients(() => hub.endpoint),
    );
    const name = `survivor-${randomUUID().slice(0, 8)}`;

    // One at a time, the refused account first: its failure must not stop the next one.
    const results = await inEachAccount(
      [beta, alpha],
      'apply',
      { ...settings, maxParallel: 1 },
      async (session) => {
        await session.iam.send(new CreateUserCommand({ UserName: name }));
        return session.account.name;
      },
    );

    expect(results.map((r) => [r.account.name, r.outcome])).toEqual([
      ['beta', 'failed'],
      ['alpha', 'ok'],
    ]);
    const refusal = results[0]?.outcome === 'failed' ? results[0].error : undefined;
    expect(refusal).toBeInstanceOf(MemberRoleError);
    expect((refusal as MemberRoleError).message).toContain(
      `account beta (${beta.id}): the hub role may not assume arn:aws:iam::${beta.id}:role/iam-gitops/iam-gitops-apply. ` +
        'The member roles trust only the hub roles',
    );
    const summary = accountsSummaryLine(results);
    for (const secret of masked) expect(summary).not.toContain(secret);
    expect(summary).toMatch(new RegExp(`^1 of 2 accounts failed: beta \\(${beta.id}\\): account beta`));
    expect(await usersIn(alpha.id)).toEqual([name]);
    expect(await usersIn(beta.id)).toEqual([]);
    expect(proxy.requests.filter((r) => r.action === 'AssumeRole').map((r) => r.fault)).toEqual([
      'respond',
      undefined,
    ]);
  });

  it("finishes the other account when one account's IAM calls stay throttled", async () => {
    const proxy = await startFaultProxy(hub.endpoint);
    proxies.push(proxy);
    proxy.setRule(() => ({ kind: 'throttle' }));
    const sts = new STSClient({
      endpoint: hub.endpoint,
      region: 'us-east-1',
      credentials: hub.credentials,
      maxAttempts: 1,
    });
    // beta's IAM traffic goes through the throttling proxy, with one retry; alpha's straight to moto.
    const settings = chain(
      sts,
      directClients((account) => (account === beta ? proxy.endpoint : hub.endpoint), 2),
    );
    const name = `steady-${randomUUID().slice(0, 8)}`;

    const results = await inEachAccount(
      [beta, alpha],
      'apply',
      { ...settings, maxParallel: 1 },
      async (session) => {
        await session.iam.send(new CreateUserCommand({ UserName: name }));
        return session.account.name;
      },
    );

    expect(
      results.map((r) => [r.account.name, r.outcome, r.outcome === 'failed' ? r.message : r.value]),
    ).toEqual([
      ['beta', 'failed', 'Throttling: Rate exceeded'],
      ['alpha', 'ok', 'alpha'],
    ]);
    expect(proxy.requests.map((r) => [r.action, r.fault])).toEqual([
      ['CreateUser', 'throttle'],
      ['CreateUser', 'throttle'],
    ]);
    expect(await usersIn(alpha.id)).toEqual([name]);
    expect(await usersIn(beta.id)).toEqual([]);
  });
});
