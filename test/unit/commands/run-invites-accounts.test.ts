import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLoginProfileCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runInvites } from '../../../src/commands/run-invites.js';
import { appliedUser, desiredUser } from '../support/factories.js';
import { type TempRoster, tempRoster } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import { ACCOUNTS_ROOT, assumedRoles, DEV_ID, PROD_ID, SANDBOX_ID, stubHub } from './support/stub-hub.js';
import { stubAccount } from './support/stub-iam.js';

const DAY = 24 * 60 * 60 * 1000;
let roster: TempRoster;

beforeEach(async () => {
  roster = await tempRoster();
});

afterEach(async () => {
  await roster.cleanup();
});

describe('runInvites across accounts', () => {
  it('reports stale invitations account by account through the plan roles, from iam-gitops.yaml alone', async () => {
    const stub = stubHub((account, iam) => {
      stubAccount(iam, {
        users: account.name === 'sandbox' ? [] : [appliedUser(desiredUser('alice@example.com'))],
      });
      iam.on(GetLoginProfileCommand).resolves({
        LoginProfile: {
          UserName: 'alice@example.com',
          CreateDate: new Date(Date.now() - (account.name === 'prod' ? 20 : 2) * DAY),
        },
      });
    });
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub });

    await runInvites(context);

    expect(assumedRoles(stub)).toEqual(
      [PROD_ID, DEV_ID, SANDBOX_ID].map((id) => `arn:aws:iam::${id}:role/iam-gitops/iam-gitops-plan`),
    );
    for (const iam of stub.iam.values()) expect(iam.commandCalls(ListUsersCommand)).toHaveLength(1);
    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.command).toBe('invites');
    expect(report.totals).toEqual({ staleInvites: 1 });
    expect(report.json).toMatchObject({
      summary: { accounts: 3, failed: [] },
      accounts: { prod: { stale: [{ user: 'alice@example.com', ageDays: 20 }] }, dev: { stale: [] } },
    });
    expect(report.markdown()).toContain(`### Account \`prod\` (${PROD_ID})\n\n**1 stale invitation**`);
  });

  it('stops at an invalid iam-gitops.yaml before any AWS call', async () => {
    await writeFile(join(roster.root, 'iam-gitops.yaml'), 'accounts: {}\n');
    const context = testContext(runSettingsIn(roster.root));

    await expect(runInvites(context)).rejects.toEqual(
      new CommandFailed('1 error in 1 file; nothing was read from or changed in IAM', 'invalid'),
    );
    expect(context.report.methods()).toEqual(['invalid']);
    expect(context.iamClientCalls()).toBe(0);
  });
});
