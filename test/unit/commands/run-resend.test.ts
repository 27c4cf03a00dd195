import { GetUserCommand, IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { resendMarkdown, runResend } from '../../../src/commands/run-resend.js';
import { TAG_CREDENTIALS_REQUESTED, TAG_MANAGED_BY } from '../../../src/contract.js';
import { REPOSITORY } from '../support/factories.js';
import { type TempRoster, tempRoster } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';

const iamMock = mockClient(IAMClient);
let roster: TempRoster;
const ALICE_ARN = 'arn:aws:iam::123456789012:user/iam-gitops/alice@example.com';

beforeEach(async () => {
  iamMock.reset();
  roster = await tempRoster('valid');
});

afterEach(async () => {
  await roster.cleanup();
});

function stubAlice(managedBy: string): void {
  iamMock.on(GetUserCommand).resolves({
    User: {
      UserName: 'alice@example.com',
      Arn: ALICE_ARN,
      Path: '/iam-gitops/',
      UserId: 'AIDAALICE',
      CreateDate: new Date(),
      Tags: [{ Key: TAG_MANAGED_BY, Value: managedBy }],
    },
  });
  iamMock.on(TagUserCommand).resolves({});
}

describe('resendMarkdown', () => {
  it('says who was asked for, with the tag written, and that the password stays out of the run', () => {
    expect(resendMarkdown({ user: 'alice@example.com', arn: ALICE_ARN, value: 'T run 7' })).toBe(
      'Asked for new sign-in details for `alice@example.com`: tagged `iam-gitops:credentials-requested` = `T run 7`. The credential Lambda sets a new password and emails it; the password never passes through this run.',
    );
  });
});

describe('runResend', () => {
  it('tags the one user the roster names, with the run id, and reports it', async () => {
    stubAlice(REPOSITORY);
    const context = testContext(runSettingsIn(roster.root), { user: 'alice@example.com', runId: '42' });

    await runResend(context);

    const tags = iamMock.commandCalls(TagUserCommand).map((call) => call.args[0].input);
    expect(tags).toEqual([
      {
        UserName: 'alice@example.com',
        Tags: [
          { Key: TAG_CREDENTIALS_REQUESTED, Value: expect.stringMatching(/^\d{4}-\d\d-\d\dT.* run 42$/) },
        ],
      },
    ]);
    expect(context.report.methods()).toEqual(['resent']);
    expect(context.report.argsOf('resent')[0]).toEqual({
      user: 'alice@example.com',
      arn: ALICE_ARN,
      value: tags[0]?.Tags?.[0]?.Value,
    });
  });

  it('refuses a user the roster does not name, before AWS', async () => {
    const context = testContext(runSettingsIn(roster.root), { user: 'mallory@example.com' });

    await expect(runResend(context)).rejects.toEqual(
      new CommandFailed(
        '"mallory@example.com" is not in the roster; credentials are re-sent only to users the roster names',
        'invalid',
      ),
    );

    expect(context.iamClientCalls()).toBe(0);
    expect(iamMock.calls()).toEqual([]);
  });

  it('refuses a user another repository manages, and tags nothing', async () => {
    stubAlice('someone/else');
    const context = testContext(runSettingsIn(roster.root), { user: 'alice@example.com' });

    await expect(runResend(context)).rejects.toThrow(
      'IAM user "alice@example.com" is not managed by acme/iam-users; it is not touched',
    );

    expect(iamMock.commandCalls(TagUserCommand)).toEqual([]);
    expect(context.report.calls).toEqual([]);
  });
});
