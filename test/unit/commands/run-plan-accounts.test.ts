import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSServiceException } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runPlan } from '../../../src/commands/run-plan.js';
import { TAG_MANAGED_BY } from '../../../src/contract.js';
import type { Plan } from '../../../src/plan/plan.js';
import { iamUser, REPOSITORY } from '../support/factories.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import { ACCOUNTS_ROOT, assumedRoles, DEV_ID, PROD_ID, SANDBOX_ID, stubHub } from './support/stub-hub.js';
import { stubAccount } from './support/stub-iam.js';

const planRole = (id: string) => `arn:aws:iam::${id}:role/iam-gitops/iam-gitops-plan`;

/** `count` users this repository manages whose files are gone: each one an offboarding. */
function staleManagedUsers(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) =>
    iamUser(`${prefix}${i}@example.com`, { path: '/iam-gitops/', tags: { [TAG_MANAGED_BY]: REPOSITORY } }),
  );
}

describe('runPlan across accounts', () => {
  it("plans each account through its plan role with that account's share of the roster, in one report", async () => {
    const stub = stubHub((_account, iam) => stubAccount(iam));
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub });

    await runPlan(context);

    expect(assumedRoles(stub)).toEqual([planRole(PROD_ID), planRole(DEV_ID), planRole(SANDBOX_ID)]);
    expect(stub.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: planRole(PROD_ID),
      RoleSessionName: 'iam-gitops-plan-8812345678',
      DurationSeconds: 3600,
    });
    // Each account read once, with its own client; nothing written; the one-account client never made.
    for (const name of ['prod', 'dev', 'sandbox']) {
      expect(stub.iam.get(name)?.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
      expect(stub.iam.get(name)?.commandCalls(CreateUserCommand)).toEqual([]);
    }
    expect(context.iamClientCalls()).toBe(0);
    expect(stub.masked).toHaveLength(9);

    expect(context.report.methods().filter((method) => method !== 'progress')).toEqual(['acrossAccounts']);
    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.command).toBe('plan');
    expect(
      report.results.map((r) => [
        r.account.name,
        r.outcome === 'ok' ? (r.value as Plan).users.map((u) => u.user) : r.outcome,
      ]),
    ).toEqual([
      ['prod', ['alice@example.com', 'dave@example.com']],
      ['dev', ['alice@example.com', 'carol@example.com']],
      ['sandbox', []],
    ]);
    // alice: create + IAMUserChangePassword; each user 2 changes.
    expect(report.totals).toEqual({ changes: 8 });
    expect(report.issues).toEqual([]);
    expect(report.json).toMatchObject({
      version: 1,
      summary: { accounts: 3, failed: [], creates: 4, updates: 0, offboards: 0, errors: 0 },
      accounts: {
        prod: { accountId: PROD_ID, outcome: 'ok', summary: { create: 2, changes: 4 } },
        dev: { accountId: DEV_ID, outcome: 'ok', summary: { create: 2, changes: 4 } },
        sandbox: { accountId: SANDBOX_ID, outcome: 'ok', summary: { create: 0, changes: 0 } },
      },
    });
    const markdown = report.markdown();
    expect(markdown.split('\n').slice(0, 8)).toEqual([
      '## iam-gitops plan for `acme/iam-users` at `/iam-gitops/`',
      '',
      '| Account | Id | Creates | Updates | Offboards | Errors | Status |',
      '|---|---|--:|--:|--:|--:|---|',
      `| \`prod\` | ${PROD_ID} | 2 | 0 | 0 | 0 | ✅ |`,
      `| \`dev\` | ${DEV_ID} | 2 | 0 | 0 | 0 | ✅ |`,
      `| \`sandbox\` | ${SANDBOX_ID} | 0 | 0 | 0 | 0 | ✅ |`,
      '| **all** |  | 4 | 0 | 0 | 0 |  |',
    ]);
    // Under each account's heading, the plan's own parts: no second title at the same level.
    expect(markdown).toContain(
      `### Account \`dev\` (${DEV_ID})\n\n**2 to create, 0 to update, 0 to offboard** · 4 changes`,
    );
    expect(markdown).not.toContain('### iam-gitops plan for');
    for (const secret of stub.masked) expect(JSON.stringify(report.json) + markdown).not.toContain(secret);
  });

  it('plans the other accounts when one refuses its role, then fails naming that account', async () => {
    const stub = stubHub((_account, iam) => stubAccount(iam));
    stub.sts
      .on(AssumeRoleCommand, { RoleArn: planRole(DEV_ID) })
      .rejects(
        new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'no' }),
      );
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT), { hub: stub.hub });

    const run = runPlan(context);

    await expect(run).rejects.toBeInstanceOf(CommandFailed);
    await expect(run).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(
        new RegExp(
          `^1 of 3 accounts failed: dev \\(${DEV_ID}\\): the hub role may not assume ${planRole(DEV_ID)}\\.`,
        ),
      ),
    });
    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.results.map((r) => [r.account.name, r.outcome])).toEqual([
      ['prod', 'ok'],
      ['dev', 'failed'],
      ['sandbox', 'ok'],
    ]);
    expect([...stub.iam.keys()]).toEqual(['prod', 'sandbox']);
    expect(report.markdown()).toMatch(
      /\| `dev` \| 222222222222 \| – \| – \| – \| – \| ❌ failed: account dev/,
    );
    const progress = context.report.calls
      .filter((c) => c.method === 'progress')
      .map((c) => String(c.args[0]));
    expect(progress[0]).toBe(
      'plan in 3 accounts (prod, dev, sandbox), 4 at a time, each through its member plan role',
    );
    // One line as each account settles (sorted here: they settle in any order).
    expect(progress.slice(1).sort()).toEqual([
      expect.stringMatching(
        /^account dev \(222222222222\): plan failed after \d+\.\d s: the hub role may not assume/,
      ),
      expect.stringMatching(/^account prod \(111111111111\): plan done in \d+\.\d s$/),
      expect.stringMatching(/^account sandbox \(333333333333\): plan done in \d+\.\d s$/),
    ]);
  });

  it('guards removals per account: the account over max-removals has a plan error, the others do not', async () => {
    const stub = stubHub((account, iam) =>
      stubAccount(iam, {
        users: staleManagedUsers(`gone-${account.name}-`, account.name === 'prod' ? 4 : 3),
      }),
    );
    const context = testContext(runSettingsIn(ACCOUNTS_ROOT, { maxRemovals: 3 }), { hub: stub.hub });

    await expect(runPlan(context)).rejects.toEqual(
      new CommandFailed(
        `1 of 3 accounts failed: prod (${PROD_ID}): 1 plan error; nothing can be applied there`,
        'invalid',
      ),
    );

    const [report] = context.report.argsOf('acrossAccounts');
    expect(report.json).toMatchObject({ summary: { offboards: 10, errors: 1 } });
    expect(report.issues.map((i) => [i.account, i.issues.map((issue) => issue.message)])).toEqual([
      ['prod', [expect.stringContaining('4 managed users would be offboarded')]],
    ]);
  });

  it('enters at most max-parallel-accounts accounts at once', async () => {
    for (const [maxParallelAccounts, expected] of [
      [1, 1],
      [undefined, 3],
    ] as const) {
      let inFlight = 0;
      let most = 0;
      const stub = stubHub((_account, iam) => {
        stubAccount(iam);
        iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async () => {
          most = Math.max(most, ++inFlight);
          await delay(5);
          inFlight--;
          return {
            UserDetailList: [],
            GroupDetailList: [],
            IsTruncated: false,
          } satisfies Partial<GetAccountAuthorizationDetailsCommandOutput>;
        });
      });
      const context = testContext(runSettingsIn(ACCOUNTS_ROOT, { maxParallelAccounts }), { hub: stub.hub });

      await runPlan(context);

      expect(most).toBe(expected);
    }
  });
});
