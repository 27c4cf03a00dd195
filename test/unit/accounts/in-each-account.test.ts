import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inEachAccount } from '../../../src/accounts/in-each-account.js';
import type { CredentialsProvider } from '../../../src/accounts/role-chain.js';
import { type TargetAccount, targetAccounts } from '../../../src/accounts/target-accounts.js';

const stsMock = mockClient(STSClient);
const iamMock = mockClient(IAMClient);
let sts: STSClient;

const [PROD, DEV, QA] = targetAccounts(
  { prod: { id: '111111111111' }, dev: { id: '222222222222' }, qa: { id: '333333333333' } },
  'aws',
) as [TargetAccount, TargetAccount, TargetAccount];

function keysFor(id: string) {
  return {
    Credentials: {
      AccessKeyId: `ASIA${id}`,
      SecretAccessKey: `secret-${id}`,
      SessionToken: `token-${id}`,
      Expiration: new Date('2030-01-01T01:00:00Z'),
    },
    AssumedRoleUser: { Arn: `arn:aws:sts::${id}:assumed-role/iam-gitops-apply/s`, AssumedRoleId: 'x' },
  };
}

beforeEach(() => {
  stsMock.reset();
  iamMock.reset();
  sts = new STSClient({ region: 'us-east-1' });
  for (const account of [PROD, DEV, QA]) {
    stsMock.on(AssumeRoleCommand, { RoleArn: account.applyRoleArn }).resolves(keysFor(account.id));
  }
  stsMock
    .on(AssumeRoleCommand, { RoleArn: DEV.applyRoleArn })
    .rejects(
      new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'no' }),
    );
  iamMock.on(CreateUserCommand).resolves({});
});

afterEach(() => {
  sts.destroy();
});

describe('inEachAccount', () => {
  it('does the work in every account it can enter, fails the refused one, and closes every client', async () => {
    const clients: IAMClient[] = [];
    const createIamClient = vi.fn((credentials: CredentialsProvider) => {
      const iam = new IAMClient({ region: 'us-east-1', credentials });
      vi.spyOn(iam, 'destroy');
      clients.push(iam);
      return iam;
    });
    const settled: string[] = [];

    const results = await inEachAccount(
      [PROD, DEV, QA],
      'apply',
      {
        sts,
        command: 'apply',
        mask: () => undefined,
        createIamClient,
        maxParallel: 2,
        onSettled: (result) => settled.push(`${result.account.name} ${result.outcome}`),
      },
      async (session) => {
        await session.iam.send(new CreateUserCommand({ UserName: `in-${session.account.name}` }));
        return (await session.iam.config.credentials()).accessKeyId;
      },
    );

    expect(results.map((r) => [r.account.name, r.outcome === 'ok' ? r.value : r.message])).toEqual([
      ['prod', 'ASIA111111111111'],
      ['dev', expect.stringMatching(/^account dev \(222222222222\): the hub role may not assume /)],
      ['qa', 'ASIA333333333333'],
    ]);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      PROD.applyRoleArn,
      DEV.applyRoleArn,
      QA.applyRoleArn,
    ]);
    expect(
      iamMock
        .commandCalls(CreateUserCommand)
        .map((c) => c.args[0].input.UserName)
        .sort(),
    ).toEqual(['in-prod', 'in-qa']);
    expect(createIamClient).toHaveBeenCalledTimes(2);
    for (const iam of clients) expect(iam.destroy).toHaveBeenCalledTimes(1);
    expect(settled.sort()).toEqual(['dev failed', 'prod ok', 'qa ok']);
  });

  it('closes the client when the work throws, and records the throw against the account', async () => {
    stsMock.on(AssumeRoleCommand, { RoleArn: PROD.planRoleArn }).resolves(keysFor(PROD.id));
    const clients: IAMClient[] = [];

    const results = await inEachAccount(
      [PROD],
      'plan',
      {
        sts,
        command: 'plan',
        mask: () => undefined,
        createIamClient: (credentials) => {
          const iam = new IAMClient({ region: 'us-east-1', credentials });
          vi.spyOn(iam, 'destroy');
          clients.push(iam);
          return iam;
        },
        maxParallel: 4,
      },
      async () => {
        throw new Error('plan exploded');
      },
    );

    expect(results).toMatchObject([{ account: PROD, outcome: 'failed', message: 'plan exploded' }]);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      PROD.planRoleArn,
    ]);
    expect(clients[0]?.destroy).toHaveBeenCalledTimes(1);
  });
});
