import { describe, expect, it, vi } from 'vitest';
import {
  type AccountsConfig,
  hubPartition,
  memberAccounts,
  memberRoleArn,
  partitionOf,
  resolveMemberAccount,
  roleArnFor,
  selectAccounts,
  targetAccounts,
} from '../../../src/accounts/target-accounts.js';
import { parseRepoConfig } from '../../../src/config/load-repo-config.js';

const ACCOUNTS: AccountsConfig = {
  prod: { id: '111111111111' },
  dev: { id: '222222222222', planRole: 'custom-plan', applyRole: 'custom-apply' },
  sandbox: { id: '333333333333', credentialsRole: 'custom-credentials' },
};

describe('partitionOf', () => {
  it.each([
    ['arn:aws:iam::111111111111:role/hub/iam-gitops-hub-plan', 'aws'],
    ['arn:aws-cn:iam::111111111111:role/iam-gitops-hub-apply', 'aws-cn'],
    ['arn:aws-us-gov:iam::111111111111:role/x', 'aws-us-gov'],
    ['arn:aws-iso-b:iam::111111111111:role/x', 'aws-iso-b'],
    ['arn:aws:sts::111111111111:assumed-role/iam-gitops-hub-plan/session', 'aws'],
  ])('reads the partition of %s', (arn, partition) => {
    expect(partitionOf(arn)).toBe(partition);
  });

  it.each(['iam-gitops-hub-plan', 'arn:gcp:iam::1:role/x', ''])('refuses %j, which is no ARN', (text) => {
    expect(() => partitionOf(text)).toThrow(`cannot tell the AWS partition of "${text}"`);
  });
});

describe('hubPartition', () => {
  it("takes the hub role's partition without calling STS", async () => {
    const getCallerIdentity = vi.fn(async () => ({ Arn: 'arn:aws:sts::1:assumed-role/x/y' }));

    const partition = await hubPartition('arn:aws-cn:iam::111111111111:role/hub', getCallerIdentity);

    expect(partition).toBe('aws-cn');
    expect(getCallerIdentity).not.toHaveBeenCalled();
  });

  it("asks STS who the environment's credentials are when there is no hub role", async () => {
    const getCallerIdentity = vi.fn(async () => ({
      Arn: 'arn:aws-us-gov:sts::111111111111:assumed-role/admin/laptop',
    }));

    const partition = await hubPartition(undefined, getCallerIdentity);

    expect(partition).toBe('aws-us-gov');
    expect(getCallerIdentity).toHaveBeenCalledTimes(1);
  });

  it('says so when STS names no caller', async () => {
    await expect(hubPartition(undefined, async () => ({}))).rejects.toThrow(
      'STS GetCallerIdentity returned no ARN: cannot tell the partition',
    );
  });
});

describe('memberRoleArn', () => {
  it('puts the role under the member role path', () => {
    expect(memberRoleArn('aws', '111111111111', 'iam-gitops-plan')).toBe(
      'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-plan',
    );
  });
});

describe('targetAccounts', () => {
  it('lists every account in the file order with the default role names', () => {
    const targets = targetAccounts(ACCOUNTS, 'aws');

    expect(targets).toEqual([
      {
        name: 'prod',
        id: '111111111111',
        planRoleArn: 'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-plan',
        applyRoleArn: 'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-apply',
        credentialsRoleArn: 'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-credentials',
      },
      {
        name: 'dev',
        id: '222222222222',
        planRoleArn: 'arn:aws:iam::222222222222:role/iam-gitops/custom-plan',
        applyRoleArn: 'arn:aws:iam::222222222222:role/iam-gitops/custom-apply',
        credentialsRoleArn: 'arn:aws:iam::222222222222:role/iam-gitops/iam-gitops-credentials',
      },
      {
        name: 'sandbox',
        id: '333333333333',
        planRoleArn: 'arn:aws:iam::333333333333:role/iam-gitops/iam-gitops-plan',
        applyRoleArn: 'arn:aws:iam::333333333333:role/iam-gitops/iam-gitops-apply',
        credentialsRoleArn: 'arn:aws:iam::333333333333:role/iam-gitops/custom-credentials',
      },
    ]);
  });

  it("uses the hub's partition in every ARN", () => {
    const [prod] = targetAccounts({ prod: { id: '111111111111' } }, 'aws-cn');

    expect(prod?.planRoleArn).toBe('arn:aws-cn:iam::111111111111:role/iam-gitops/iam-gitops-plan');
    expect(prod?.applyRoleArn).toBe('arn:aws-cn:iam::111111111111:role/iam-gitops/iam-gitops-apply');
  });

  it('reads the accounts of a parsed iam-gitops.yaml', () => {
    const parsed = parseRepoConfig(
      'iam-gitops.yaml',
      'accounts:\n  prod: { id: "111111111111", applyRole: ops-apply }\n  dev: { id: "222222222222" }\n',
    );
    if (!parsed.ok || parsed.config.accounts === undefined) throw new Error('fixture must parse');

    const targets = targetAccounts(parsed.config.accounts, 'aws');

    expect(targets.map((t) => [t.name, t.applyRoleArn])).toEqual([
      ['prod', 'arn:aws:iam::111111111111:role/iam-gitops/ops-apply'],
      ['dev', 'arn:aws:iam::222222222222:role/iam-gitops/iam-gitops-apply'],
    ]);
  });
});

describe('roleArnFor', () => {
  it('gives the plan role to reading commands and the apply role to writing ones', () => {
    const [, dev] = targetAccounts(ACCOUNTS, 'aws');
    if (dev === undefined) throw new Error('dev expected');

    expect(roleArnFor(dev, 'plan')).toBe('arn:aws:iam::222222222222:role/iam-gitops/custom-plan');
    expect(roleArnFor(dev, 'apply')).toBe('arn:aws:iam::222222222222:role/iam-gitops/custom-apply');
  });
});

describe('selectAccounts', () => {
  const targets = targetAccounts(ACCOUNTS, 'aws');

  it("returns the named accounts in the configuration's order", () => {
    expect(selectAccounts(targets, ['sandbox', 'prod']).map((t) => t.name)).toEqual(['prod', 'sandbox']);
  });

  it('returns none for no names', () => {
    expect(selectAccounts(targets, [])).toEqual([]);
  });

  it('names every unknown account and lists the known ones', () => {
    expect(() => selectAccounts(targets, ['prod', 'staging', 'qa'])).toThrow(
      'unknown accounts "staging", "qa" (accounts in iam-gitops.yaml: prod, dev, sandbox)',
    );
    expect(() => selectAccounts(targets, ['Prod'])).toThrow('unknown account "Prod"');
  });
});

describe('memberAccounts', () => {
  it('names each account by id, with the apply and credentials role names only where they are not the defaults', () => {
    expect(
      memberAccounts({
        ...ACCOUNTS,
        explicit: {
          id: '444444444444',
          applyRole: 'iam-gitops-apply',
          credentialsRole: 'iam-gitops-credentials',
        },
      }),
    ).toEqual({
      '111111111111': 'prod',
      // The plan role is the hub's business, not the Lambda's.
      '222222222222': { name: 'dev', applyRole: 'custom-apply' },
      '333333333333': { name: 'sandbox', credentialsRole: 'custom-credentials' },
      '444444444444': 'explicit',
    });
  });

  it('keeps the order of accounts:', () => {
    expect(Object.keys(memberAccounts({ b: { id: '999999999999' }, a: { id: '000000000001' } }))).toEqual([
      '999999999999',
      '000000000001',
    ]);
  });
});

describe('resolveMemberAccount', () => {
  it('derives the ARNs the action chains into, so the Lambda and the action agree', () => {
    const targets = targetAccounts(ACCOUNTS, 'aws-cn');
    const value = memberAccounts(ACCOUNTS);

    expect(Object.entries(value).map(([id, entry]) => resolveMemberAccount('aws-cn', id, entry))).toEqual(
      targets.map(({ id, name, applyRoleArn, credentialsRoleArn }) => ({
        id,
        name,
        applyRoleArn,
        credentialsRoleArn,
      })),
    );
    expect(resolveMemberAccount('aws', '222222222222', { name: 'dev', applyRole: 'custom-apply' })).toEqual({
      id: '222222222222',
      name: 'dev',
      applyRoleArn: 'arn:aws:iam::222222222222:role/iam-gitops/custom-apply',
      credentialsRoleArn: 'arn:aws:iam::222222222222:role/iam-gitops/iam-gitops-credentials',
    });
  });
});
