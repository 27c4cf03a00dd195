import { CreateUserCommand, GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runPlan } from '../../../src/commands/run-plan.js';
import { type TempRoster, tempRoster } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import { stubAccount } from './support/stub-iam.js';

const iamMock = mockClient(IAMClient);
let roster: TempRoster;

beforeEach(async () => {
  iamMock.reset();
  roster = await tempRoster('valid');
});

afterEach(async () => {
  await roster.cleanup();
});

describe('runPlan', () => {
  it('plans from one read of IAM and reports the plan with its Markdown', async () => {
    stubAccount(iamMock);
    const context = testContext(runSettingsIn(roster.root));

    await runPlan(context);

    expect(context.report.methods()).toEqual(['planned']);
    const [plan, markdown] = context.report.argsOf('planned');
    expect(plan.users.map((user) => [user.user, user.action])).toEqual([
      ['alice@example.com', 'create'],
      ['bob@example.com', 'create'],
      ['ci-deployer', 'create'],
      ['dana', 'create'],
    ]);
    expect(markdown).toContain('**4 to create, 0 to update, 0 to offboard** · 12 changes');
    expect(context.iamClientCalls()).toBe(1);
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(CreateUserCommand)).toEqual([]);
  });

  it('reports a plan with errors, then fails: nothing can be applied', async () => {
    stubAccount(iamMock, { groups: ['developers', 'deployers'] });
    const context = testContext(runSettingsIn(roster.root));

    await expect(runPlan(context)).rejects.toEqual(
      new CommandFailed('1 plan error; nothing can be applied', 'invalid'),
    );

    expect(context.report.methods()).toEqual(['planned']);
    expect(context.report.argsOf('planned')[0].errors.map((e) => e.message)).toEqual([
      'group "oncall" does not exist in IAM (groups are not created by iam-gitops)',
    ]);
  });

  it('stops an invalid roster before AWS', async () => {
    await roster.cleanup();
    roster = await tempRoster('many-broken');
    const context = testContext(runSettingsIn(roster.root));

    await expect(runPlan(context)).rejects.toThrow(
      '7 errors in 5 files; nothing was read from or changed in IAM',
    );

    expect(context.iamClientCalls()).toBe(0);
    expect(iamMock.calls()).toEqual([]);
  });
});
