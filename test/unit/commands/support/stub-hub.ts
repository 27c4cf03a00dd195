// The hub of a many-accounts run, stubbed at the SDK boundary: STS answers AssumeRole into any
// member role with keys naming the account, and each member account's IAM client gets its own
// stub (aws-sdk-client-mock on the instance), which the test configures per account.
import { join } from 'node:path';
import {
  IAMClient,
  type IAMClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsClientStub, type AwsStub, mockClient } from 'aws-sdk-client-mock';
import type { TargetAccount } from '../../../../src/accounts/target-accounts.js';
import type { HubAccess } from '../../../../src/commands/command-context.js';

export type IamStub = AwsStub<ServiceInputTypes, ServiceOutputTypes, IAMClientResolvedConfig>;

export interface StubHub {
  readonly hub: HubAccess;
  /** STS as the hub: AssumeRole calls are read from here. */
  readonly sts: AwsClientStub<STSClient>;
  /** Each member account's IAM stub, by account name, as the run entered it. */
  readonly iam: Map<string, IamStub>;
  /** Every secret the run asked to mask, in order. */
  readonly masked: string[];
}

/** The 12 digits of a role ARN's account. */
function accountIdOf(roleArn: string): string {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] ?? '000000000000';
}

/** Keys AssumeRole hands out for `id`: recognisable, and long enough to be found if printed. */
export function memberKeys(id: string) {
  return {
    accessKeyId: `ASIA${id}MEMBER`,
    secretAccessKey: `member-secret-${id}-0000000000000000`,
    sessionToken: `member-token-${id}-0000000000000000`,
  };
}

/** `configure(account, stub)` sets up each member account's IAM as it is entered. */
export function stubHub(configure: (account: TargetAccount, iam: IamStub) => void): StubHub {
  const client = new STSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'hub', secretAccessKey: 'hub' },
  });
  const sts = mockClient(client);
  sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string; RoleSessionName: string }) => {
    const id = accountIdOf(input.RoleArn);
    const keys = memberKeys(id);
    const role = input.RoleArn.slice(input.RoleArn.lastIndexOf('/') + 1);
    return {
      Credentials: {
        AccessKeyId: keys.accessKeyId,
        SecretAccessKey: keys.secretAccessKey,
        SessionToken: keys.sessionToken,
        Expiration: new Date(Date.now() + 3_600_000),
      },
      AssumedRoleUser: {
        Arn: `arn:aws:sts::${id}:assumed-role/${role}/${input.RoleSessionName}`,
        AssumedRoleId: `AROA${id}:${input.RoleSessionName}`,
      },
    };
  });
  const iam = new Map<string, IamStub>();
  const masked: string[] = [];
  return {
    hub: {
      sts: client,
      partition: 'aws',
      mask: (secret) => {
        masked.push(secret);
      },
      createIamClient: (credentials, account) => {
        const member = new IAMClient({ region: 'us-east-1', credentials });
        const stub = mockClient(member);
        iam.set(account.name, stub);
        configure(account, stub);
        return member;
      },
    },
    sts,
    iam,
    masked,
  };
}

/**
 * test/fixtures/rosters/accounts-defaults: iam-gitops.yaml with prod (111111111111), dev
 * (222222222222) and sandbox (333333333333), defaultAccounts [dev]; alice in prod and dev, carol
 * in dev (by default), dave in prod, nobody in sandbox.
 */
export const ACCOUNTS_ROOT = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'fixtures',
  'rosters',
  'accounts-defaults',
);
export const PROD_ID = '111111111111';
export const DEV_ID = '222222222222';
export const SANDBOX_ID = '333333333333';

/** The RoleArn of every AssumeRole the hub made, in order. */
export function assumedRoles(stub: StubHub): string[] {
  return stub.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn ?? '');
}
