import { join } from 'node:path';
import { GetUserCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { TargetAccount } from '../../../src/accounts/target-accounts.js';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runResend } from '../../../src/commands/run-resend.js';
import { resendAccounts } from '../../../src/commands/run-resend-accounts.js';
import { TAG_CONSOLE, TAG_MANAGED_BY } from '../../../src/contract.js';
import { desiredUser, REPOSITORY } from '../support/factories.js';
import { ROSTER_FIXTURES } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import { ACCOUNTS_ROOT, assumedRoles, DEV_ID, type IamStub, PROD_ID, stubHub } from './support/stub-hub.js';

const applyRole = (id: string) => `arn:aws:iam::${id}:role/iam-gitops/iam-gitops-apply`;
const ACCOUNTS = { prod: { id: PROD_ID }, dev: { id: DEV_ID }, sandbox: { id: '333333333333' } };

/** IAM holding `user` under the path, managed by `managedBy`. */
function holding(user: string, managedBy = REPOSITORY) {
  return (account: TargetAccount, iam: IamStub) => {
    iam.onAnyCommand().resolves({});
    iam.on(GetUserCommand).resolves({
      User: {
        UserName: user,
        Arn: `arn:aws:iam::${account.id}:user/iam-gitops/${user}`,
        Path: '/iam-gitops/',
        UserId: 'AIDA',
        CreateDate: new Date(0),
        Tags: [
          { Key: TAG_MANAGED_BY, Value: managedBy },
          { Key: TAG_CONSOLE, Value: 'true' },
        ],
      },
    });
  };
}

const tagged = (iam: IamStub | undefined) =>
  (iam?.commandCalls(TagUserCommand) ?? []).map((call) => call.args[0].input);

describe('resendAccounts', () => {
  const alice = desiredUser('alice@example.com', { accounts: ['prod', 'dev'] });

  it('is every account the user is in, or the one asked for among them', () => {
    expect(resendAccounts(alice, { accounts: ACCOUNTS }, undefined)).toEqual(['prod', 'dev']);
    expect(resendAccounts(alice, { accounts: ACCOUNTS }, 'dev')).toEqual(['dev']);
  });

  it('refuses an account the user is not in, and one the configuration does not list', () => {
    expect(() => resendAccounts(alice, { accounts: ACCOUNTS }, 'sandbox')).toThrow(
      '"alice@example.com" is not in account "sandbox" (users/alice@example.com.yaml puts it in prod, dev)',
    );
    expect(() => resendAccounts(alice, { accounts: ACCOUNTS }, 'staging')).toThrow(
      'unknown account "staging" (accounts in iam-gitops.yaml: prod, dev, sandbox)',
    );
  });
});

describe('runResend across accounts', () => {
  it('tags the user through the apply role of every account the user is in, and nowhere else', async () => {
    const stub = stubHub(holding('alice@example.com'));
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub, user: 'alice@example.com' });

    await runResend(context);

    expect(assumedRoles(stub)).toEqual([applyRole(PROD_ID), applyRole(DEV_ID)]);
    for (const name of ['prod', 'dev']) {
      expect(tagged(stub.iam.get(name))).toEqual([
        {
          UserName: 'alice@example.com',
          Tags: [
            { Key: 'iam-gitops:credentials-requested', Value: expect.stringMatching(/ run 8812345678$/) },
          ],
        },
      ]);
    }
    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.command).toBe('resend');
    expect(report.totals).toEqual({});
    const markdown = report.markdown();
    expect(markdown).toContain('| Account | Id | Status |');
    expect(markdown).toContain(
      `### Account \`dev\` (${DEV_ID})\n\nAsked for new sign-in details for \`alice@example.com\` (\`arn:aws:iam::${DEV_ID}:user/iam-gitops/alice@example.com\`)`,
    );
  });

  it('tags in the one account asked for', async () => {
    const stub = stubHub(holding('alice@example.com'));
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), {
      hub: stub.hub,
      user: 'alice@example.com',
      account: 'dev',
    });

    await runResend(context);

    expect(assumedRoles(stub)).toEqual([applyRole(DEV_ID)]);
    expect([...stub.iam.keys()]).toEqual(['dev']);
  });

  it('refuses an account the user is not in before any AWS call', async () => {
    const stub = stubHub(holding('dave@example.com'));
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), {
      hub: stub.hub,
      user: 'dave@example.com',
      account: 'dev',
    });

    await expect(runResend(context)).rejects.toEqual(
      new CommandFailed(
        '"dave@example.com" is not in account "dev" (users/dave@example.com.yaml puts it in prod)',
        'invalid',
      ),
    );
    expect(stub.sts.calls()).toEqual([]);
  });

  it('tags where it may and refuses, naming it, the account where another repository manages the user', async () => {
    const stub = stubHub((account, iam) =>
      holding('alice@example.com', account.name === 'prod' ? 'someone/else' : REPOSITORY)(account, iam),
    );
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub, user: 'alice@example.com' });

    await expect(runResend(context)).rejects.toEqual(
      new CommandFailed(
        `1 of 2 accounts failed: prod (${PROD_ID}): IAM user "alice@example.com" is not managed by acme/iam-users; it is not touched`,
        'invalid',
      ),
    );
    expect(tagged(stub.iam.get('prod'))).toEqual([]);
    expect(tagged(stub.iam.get('dev'))).toHaveLength(1);
  });

  it('refuses an account with one account (no accounts: in the configuration)', async () => {
    const context = testContext(runSettingsIn(join(ROSTER_FIXTURES, 'github-action')), {
      user: 'alice@example.com',
      account: 'prod',
    });
    // github-action/base as users/: a roster without iam-gitops.yaml.
    const settings = { ...context.settings, usersDir: join(ROSTER_FIXTURES, 'github-action', 'base') };

    await expect(runResend({ ...context, settings })).rejects.toEqual(
      new CommandFailed(
        'account "prod" was given, but iam-gitops.yaml lists no accounts (one account)',
        'invalid',
      ),
    );
    expect(context.iamClientCalls()).toBe(0);
  });
});
