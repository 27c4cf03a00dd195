import { CreateUserCommand, IAMServiceException } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSServiceException } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { AccountApplied } from '../../../src/commands/account-reports.js';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runApply } from '../../../src/commands/run-apply.js';
import { TAG_MANAGED_BY } from '../../../src/contract.js';
import { iamUser, REPOSITORY } from '../support/factories.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import { ACCOUNTS_ROOT, assumedRoles, DEV_ID, PROD_ID, SANDBOX_ID, stubHub } from './support/stub-hub.js';
import { stubAccount } from './support/stub-iam.js';

const applyRole = (id: string) => `arn:aws:iam::${id}:role/iam-gitops/iam-gitops-apply`;

const created = (stub: ReturnType<typeof stubHub>, account: string) =>
  (stub.iam.get(account)?.commandCalls(CreateUserCommand) ?? []).map((call) => call.args[0].input.UserName);

describe('runApply across accounts', () => {
  it("applies each account's share through its apply role, telling each change with its account", async () => {
    const stub = stubHub((_account, iam) => stubAccount(iam));
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub });

    await runApply(context);

    expect(assumedRoles(stub)).toEqual([applyRole(PROD_ID), applyRole(DEV_ID), applyRole(SANDBOX_ID)]);
    expect(stub.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleSessionName).toBe(
      'iam-gitops-apply-8812345678',
    );
    expect(created(stub, 'prod')).toEqual(['alice@example.com', 'dave@example.com']);
    expect(created(stub, 'dev')).toEqual(['alice@example.com', 'carol@example.com']);
    expect(created(stub, 'sandbox')).toEqual([]);
    const changed = context.report.calls.flatMap((call) =>
      call.method === 'changed'
        ? [`${call.args[1]} ${call.args[0].change.kind} ${call.args[0].change.user}`]
        : [],
    );
    expect(changed.sort()).toEqual([
      'dev attach-policy alice@example.com',
      'dev attach-policy carol@example.com',
      'dev create-user alice@example.com',
      'dev create-user carol@example.com',
      'prod attach-policy alice@example.com',
      'prod attach-policy dave@example.com',
      'prod create-user alice@example.com',
      'prod create-user dave@example.com',
    ]);
    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.command).toBe('apply');
    expect(report.totals).toEqual({ changes: 8 });
    expect(report.json).toMatchObject({
      accounts: {
        prod: { outcome: 'ok', applied: true, result: { succeeded: 4, failed: 0, skipped: 0 } },
        sandbox: { outcome: 'ok', applied: true, result: { succeeded: 0, failed: 0, skipped: 0 } },
      },
    });
    const markdown = report.markdown();
    expect(markdown.startsWith('## iam-gitops apply for `acme/iam-users` at `/iam-gitops/`\n')).toBe(true);
    expect(markdown).toContain(`### Account \`prod\` (${PROD_ID})\n\n**4 succeeded, 0 failed, 0 skipped**`);
    expect(markdown).not.toContain('### iam-gitops apply for');
  });

  it('completes the other accounts when one is refused and one is throttled, then fails naming both', async () => {
    const stub = stubHub((account, iam) => {
      stubAccount(iam);
      if (account.name === 'dev')
        iam.on(CreateUserCommand, { UserName: 'carol@example.com' }).rejects(
          new IAMServiceException({
            name: 'Throttling',
            $fault: 'client',
            $metadata: {},
            message: 'Rate exceeded',
          }),
        );
    });
    stub.sts
      .on(AssumeRoleCommand, { RoleArn: applyRole(SANDBOX_ID) })
      .rejects(
        new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'no' }),
      );
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub });

    const run = runApply(context);

    await expect(run).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(
        new RegExp(
          `^2 of 3 accounts failed: dev \\(${DEV_ID}\\): 1 of 4 changes failed; a rerun retries them; ` +
            `sandbox \\(${SANDBOX_ID}\\): the hub role may not assume ${applyRole(SANDBOX_ID)}\\.`,
        ),
      ),
    });
    // Nothing stopped or undone elsewhere: prod whole, dev's other user too.
    expect(created(stub, 'prod')).toEqual(['alice@example.com', 'dave@example.com']);
    expect(created(stub, 'dev')).toEqual(['alice@example.com', 'carol@example.com']);
    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.results.map((r) => r.outcome)).toEqual(['ok', 'ok', 'failed']);
    const dev = report.results[1]?.outcome === 'ok' ? (report.results[1].value as AccountApplied) : undefined;
    expect(dev?.result).toMatchObject({ succeeded: 2, failed: 1, skipped: 1 });
    expect(report.markdown()).toContain(`| \`dev\` | ${DEV_ID} | 2 | 0 | 0 | 1 | ⚠️ 1 error |`);
  });

  it('applies nothing in an account whose plan has errors, and the rest everywhere else', async () => {
    const stale = Array.from({ length: 4 }, (_, i) =>
      iamUser(`gone${i}@example.com`, { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: REPOSITORY } }),
    );
    const stub = stubHub((account, iam) => stubAccount(iam, account.name === 'dev' ? { users: stale } : {}));
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub });

    await expect(runApply(context)).rejects.toEqual(
      new CommandFailed(
        `1 of 3 accounts failed: dev (${DEV_ID}): 1 plan error; nothing was applied there`,
        'invalid',
      ),
    );

    expect(created(stub, 'dev')).toEqual([]);
    expect(created(stub, 'prod')).toEqual(['alice@example.com', 'dave@example.com']);
    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.issues.map((i) => i.account)).toEqual(['dev']);
    expect(report.markdown()).toContain(
      'Nothing was applied in this account until its plan errors are fixed.',
    );
    expect(report.json).toMatchObject({ accounts: { dev: { applied: false, result: null } } });
  });
});
