import { GetLoginProfileCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runInvites } from '../../../src/commands/run-invites.js';
import { appliedUser, desiredUser } from '../support/factories.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import { stubAccount } from './support/stub-iam.js';

const iamMock = mockClient(IAMClient);

beforeEach(() => {
  iamMock.reset();
});

describe('runInvites', () => {
  it('reports stale invitations without reading the roster', async () => {
    stubAccount(iamMock, { users: [appliedUser(desiredUser('alice@example.com'))] });
    iamMock.on(GetLoginProfileCommand).resolves({
      LoginProfile: { UserName: 'alice@example.com', CreateDate: new Date('2020-01-01T00:00:00Z') },
    });
    const context = testContext(runSettingsIn('/no/checkout/here'));

    await runInvites(context);

    expect(context.report.methods()).toEqual(['invites']);
    const [report, markdown] = context.report.argsOf('invites');
    expect(report.stale.map((invite) => invite.user)).toEqual(['alice@example.com']);
    expect(markdown).toContain('**1 stale invitation**');
    expect(iamMock.commandCalls(ListUsersCommand)).toHaveLength(1);
  });
});
