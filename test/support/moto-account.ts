// A fresh, empty AWS account in moto, with client settings and environment for it.
// Used by the tests, the benchmarks and the demo (no test-runner imports here).
import { randomInt } from 'node:crypto';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

export interface TestAccount {
  readonly accountId: string;
  readonly endpoint: string;
  readonly region: 'us-east-1';
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
  };
  /** SDK client configuration acting in this account, against moto, with no retries. */
  readonly clientConfig: {
    endpoint: string;
    region: 'us-east-1';
    credentials: TestAccount['credentials'];
    maxAttempts: number;
  };
  /** Environment variables that make a child process act in this account against moto. */
  readonly env: Record<string, string>;
}

export function randomAccountId(): string {
  // 12 digits, never starting with 0, never moto's default account 123456789012.
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

/**
 * A new, empty AWS account in moto (or, given its id, an existing one): credentials from STS AssumeRole into a role ARN of a random
 * account act in that account, so tests never see each other's users.
 */
export async function accountIn(endpoint: string, accountId = randomAccountId()): Promise<TestAccount> {
  const sts = new STSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
  const answer = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/test`, RoleSessionName: 'test' }),
  );
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error('STS returned no credentials');
  const credentials = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  };
  return {
    accountId,
    endpoint,
    region: 'us-east-1',
    credentials,
    clientConfig: { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 },
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      AWS_MAX_ATTEMPTS: '1',
    },
  };
}
