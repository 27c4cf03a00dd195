import {
  AttachUserPolicyCommand,
  DeleteLoginProfileCommand,
  GetLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSServiceException } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { TargetAccount } from '../../../src/accounts/target-accounts.js';
import type { DriftFindings } from '../../../src/commands/command-context.js';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runDrift } from '../../../src/commands/run-drift.js';
import { CHANGE_PASSWORD_POLICY_ARN } from '../../../src/contract.js';
import { appliedUser, desiredUser } from '../support/factories.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import {
  ACCOUNTS_ROOT,
  assumedRoles,
  DEV_ID,
  type IamStub,
  PROD_ID,
  SANDBOX_ID,
  stubHub,
} from './support/stub-hub.js';
import { stubAccount } from './support/stub-iam.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const role = (kind: 'plan' | 'apply', id: string) => `arn:aws:iam::${id}:role/iam-gitops/iam-gitops-${kind}`;
const DAY = 24 * 60 * 60 * 1000;

/** Every account as the last apply left it; in dev, carol holds AdministratorAccess (by hand) and never signed in. */
function accountsAsApplied(account: TargetAccount, iam: IamStub): void {
  const users =
    {
      prod: ['alice@example.com', 'dave@example.com'],
      dev: ['alice@example.com', 'carol@example.com'],
      sandbox: [],
    }[account.name] ?? [];
  stubAccount(iam, {
    users: users.map((name) =>
      appliedUser(
        desiredUser(name),
        account.name === 'dev' && name === 'carol@example.com'
          ? { attachedPolicyArns: [CHANGE_PASSWORD_POLICY_ARN, ADMIN] }
          : {},
      ),
    ),
  });
  iam.on(GetLoginProfileCommand).callsFake(async (input: { UserName: string }) => ({
    LoginProfile: {
      UserName: input.UserName,
      CreateDate: new Date(
        Date.now() - (account.name === 'dev' && input.UserName === 'carol@example.com' ? 30 : 1) * DAY,
      ),
    },
  }));
}

describe('runDrift across accounts', () => {
  it('finds drift and stale invitations in the one account that has them, through the plan roles', async () => {
    const stub = stubHub(accountsAsApplied);
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub });

    await runDrift(context);

    expect(assumedRoles(stub)).toEqual([
      role('plan', PROD_ID),
      role('plan', DEV_ID),
      role('plan', SANDBOX_ID),
    ]);
    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.command).toBe('drift');
    expect(report.totals).toEqual({ changes: 1, drift: 1, staleInvites: 1 });
    expect(
      report.results.map((r) => [
        r.account.name,
        r.outcome === 'ok' ? (r.value as DriftFindings).count : r.outcome,
      ]),
    ).toEqual([
      ['prod', 0],
      ['dev', 1],
      ['sandbox', 0],
    ]);
    const markdown = report.markdown();
    expect(markdown.startsWith('## iam-gitops drift for `acme/iam-users` at `/iam-gitops/`\n')).toBe(true);
    expect(markdown).toContain(
      `### Account \`dev\` (${DEV_ID})\n\n**1 finding**: IAM differs from the roster.`,
    );
    expect(markdown).toContain('#### Changed outside the roster (apply reverts)');
    expect(markdown).toContain('#### Stale invitations\n\n**1 stale invitation**');
    expect(markdown).not.toMatch(/^### iam-gitops/m);
    expect(context.report.argsOf('warning')).toEqual([
      '1 drift finding in 1 of 3 accounts (dev): IAM differs from the roster',
    ]);
    // Nothing changed anywhere.
    for (const iam of stub.iam.values()) {
      expect(iam.commandCalls(AttachUserPolicyCommand)).toEqual([]);
      expect(iam.commandCalls(DeleteLoginProfileCommand)).toEqual([]);
    }
  });

  it('fails on drift when told to, naming the accounts', async () => {
    const stub = stubHub(accountsAsApplied);
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT, { failOnDrift: true }), { hub: stub.hub });

    await expect(runDrift(context)).rejects.toEqual(
      new CommandFailed('1 drift finding in 1 of 3 accounts (dev): IAM differs from the roster', 'invalid'),
    );
  });

  it('expires stale invitations through the apply roles', async () => {
    const stub = stubHub(accountsAsApplied);
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT, { expireInvites: true }), { hub: stub.hub });

    await runDrift(context);

    expect(assumedRoles(stub)).toEqual([
      role('apply', PROD_ID),
      role('apply', DEV_ID),
      role('apply', SANDBOX_ID),
    ]);
    expect(
      stub.iam
        .get('dev')
        ?.commandCalls(DeleteLoginProfileCommand)
        .map((c) => c.args[0].input),
    ).toEqual([{ UserName: 'carol@example.com' }]);
    expect(stub.iam.get('prod')?.commandCalls(DeleteLoginProfileCommand)).toEqual([]);
  });

  it('reports the accounts it could read and fails naming the one it could not', async () => {
    const stub = stubHub(accountsAsApplied);
    stub.sts
      .on(AssumeRoleCommand, { RoleArn: role('plan', PROD_ID) })
      .rejects(
        new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'no' }),
      );
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub });

    await expect(runDrift(context)).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(
        /^1 of 3 accounts failed: prod \(111111111111\): the hub role may not assume/,
      ),
    });
    expect(context.report.argsOf('warning')).toEqual([
      '1 drift finding in 1 of 3 accounts (dev): IAM differs from the roster',
    ]);
    expect(context.report.argsOf('acrossAccounts')[0].totals).toMatchObject({ drift: 1 });
  });
});
