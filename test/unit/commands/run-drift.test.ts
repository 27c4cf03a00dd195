import { DeleteLoginProfileCommand, GetLoginProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runDrift } from '../../../src/commands/run-drift.js';
import { CHANGE_PASSWORD_POLICY_ARN } from '../../../src/contract.js';
import { appliedUser, desiredUser, iamUser } from '../support/factories.js';
import { type TempRoster, tempRoster } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import { stubAccount } from './support/stub-iam.js';

const iamMock = mockClient(IAMClient);
let roster: TempRoster;

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const bob = desiredUser('bob@example.com', { email: 'robert@example.com', groups: ['developers'] });

beforeEach(async () => {
  iamMock.reset();
  roster = await tempRoster('valid');
});

afterEach(async () => {
  await roster.cleanup();
});

/** Alice, ci-deployer and dana are missing; bob holds AdministratorAccess; eve is unmanaged. */
function stubDriftedAccount(): void {
  stubAccount(iamMock, {
    users: [
      appliedUser(bob, { attachedPolicyArns: [CHANGE_PASSWORD_POLICY_ARN, ADMIN] }),
      iamUser('eve@example.com', { path: '/iam-gitops/' }),
    ],
  });
  iamMock
    .on(GetLoginProfileCommand)
    .resolves({ LoginProfile: { UserName: 'bob@example.com', CreateDate: new Date() } });
}

describe('runDrift', () => {
  it('reports every finding and the stale invitations, and warns without failing', async () => {
    stubDriftedAccount();
    const context = testContext(runSettingsIn(roster.root));

    await runDrift(context);

    expect(context.report.methods()).toEqual(['drifted', 'warning']);
    const [findings] = context.report.argsOf('drifted');
    expect(findings.count).toBe(5);
    expect(findings.drift.changed.map((user) => user.user)).toEqual(['bob@example.com']);
    expect(findings.drift.pending.map((user) => user.user)).toEqual([
      'alice@example.com',
      'ci-deployer',
      'dana',
    ]);
    expect(findings.drift.unmanaged.map((user) => user.user)).toEqual(['eve@example.com']);
    expect(findings.invites).toMatchObject({ checked: 1, stale: [] });
    expect(findings.markdown).toContain('**5 findings**');
    expect(findings.markdown).toContain('No stale invitations');
    expect(context.report.argsOf('warning')).toEqual(['5 drift findings: IAM differs from the roster']);
    expect(iamMock.commandCalls(DeleteLoginProfileCommand)).toEqual([]);
  });

  it('fails on drift with fail-on-drift', async () => {
    stubDriftedAccount();
    const context = testContext(runSettingsIn(roster.root, { failOnDrift: true }));

    await expect(runDrift(context)).rejects.toEqual(
      new CommandFailed('5 drift findings: IAM differs from the roster', 'invalid'),
    );

    expect(context.report.methods()).toEqual(['drifted']);
  });
});
