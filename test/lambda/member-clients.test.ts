// IAM clients acting in member accounts: one per account, with credentials from STS AssumeRole into
// that account's credentials role, kept by the SDK until five minutes before they expire.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MEMBER_SESSION_NAME, memberIamClients } from '../../lambda/src/member-clients.js';
import type { MemberAccount } from '../../src/contract.js';

const stsMock = mockClient(STSClient);

const prod: MemberAccount = {
  id: '444455556666',
  name: 'prod',
  applyRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-apply',
  credentialsRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-credentials',
};
const dev: MemberAccount = {
  ...prod,
  id: '777788889999',
  name: 'dev',
  credentialsRoleArn: 'arn:aws:iam::777788889999:role/iam-gitops/iam-gitops-credentials',
};

function credentialsFor(keyId: string, expiresInMs: number) {
  return {
    Credentials: {
      AccessKeyId: keyId,
      SecretAccessKey: `secret-${keyId}`,
      SessionToken: `token-${keyId}`,
      Expiration: new Date(Date.now() + expiresInMs),
    },
  };
}

function clients() {
  return memberIamClients({
    sts: new STSClient({ region: 'us-east-1' }),
    clientConfig: { region: 'us-east-1', customUserAgent: [['iam-gitops-lambda', '0.0.0']] },
  });
}

beforeEach(() => {
  stsMock.reset();
});

describe('memberIamClients', () => {
  it("assumes the member's credentials role once, naming iam-gitops as the session", async () => {
    stsMock.on(AssumeRoleCommand).resolves(credentialsFor('ASIAPROD', 60 * 60_000));
    const iamFor = clients();

    const client = iamFor(prod);
    const first = await client.config.credentials();
    const second = await iamFor(prod).config.credentials();

    expect(iamFor(prod)).toBe(client);
    expect(first.accessKeyId).toBe('ASIAPROD');
    expect(second.accessKeyId).toBe('ASIAPROD');
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: prod.credentialsRoleArn, RoleSessionName: MEMBER_SESSION_NAME },
    ]);
    expect(await client.config.region()).toBe('us-east-1');
  });

  it('keeps one client and one session per account', async () => {
    stsMock
      .on(AssumeRoleCommand, { RoleArn: prod.credentialsRoleArn })
      .resolves(credentialsFor('ASIAPROD', 60 * 60_000))
      .on(AssumeRoleCommand, { RoleArn: dev.credentialsRoleArn })
      .resolves(credentialsFor('ASIADEV', 60 * 60_000));
    const iamFor = clients();

    const keys = [
      (await iamFor(prod).config.credentials()).accessKeyId,
      (await iamFor(dev).config.credentials()).accessKeyId,
      (await iamFor(prod).config.credentials()).accessKeyId,
    ];

    expect(keys).toEqual(['ASIAPROD', 'ASIADEV', 'ASIAPROD']);
    expect(iamFor(prod)).not.toBe(iamFor(dev));
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('assumes the role again once the credentials are within five minutes of expiry', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce(credentialsFor('ASIAOLD', 4 * 60_000))
      .resolves(credentialsFor('ASIANEW', 60 * 60_000));
    const iamFor = clients();

    await iamFor(prod).config.credentials();
    const renewed = await iamFor(prod).config.credentials();

    expect(renewed.accessKeyId).toBe('ASIANEW');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('fails, naming the account, when STS answers without credentials', async () => {
    stsMock.on(AssumeRoleCommand).resolves({});

    await expect(clients()(prod).config.credentials()).rejects.toThrow(
      'STS AssumeRole into account 444455556666 answered without credentials',
    );
  });
});
