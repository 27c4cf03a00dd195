import {
  AddUserToGroupCommand,
  CreateUserCommand,
  IAMClient,
  IAMServiceException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runApply } from '../../../src/commands/run-apply.js';
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

describe('runApply', () => {
  it('applies every change, reporting each as it happens, then the result', async () => {
    stubAccount(iamMock);
    const context = testContext(runSettingsIn(roster.root));

    await runApply(context);

    expect(context.report.methods()).toEqual([...Array(12).fill('changed'), 'applied']);
    const [, result, markdown] = context.report.argsOf('applied');
    expect(result).toMatchObject({ succeeded: 12, failed: 0, skipped: 0 });
    expect(markdown).toContain('**12 succeeded, 0 failed, 0 skipped**');
    expect(iamMock.commandCalls(CreateUserCommand)).toHaveLength(4);
    expect(iamMock.commandCalls(AddUserToGroupCommand)).toHaveLength(4);
  });

  it('fails, to be rerun, when a change fails', async () => {
    stubAccount(iamMock);
    iamMock.on(CreateUserCommand, { UserName: 'dana' }).rejects(
      new IAMServiceException({
        name: 'Throttling',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: {},
      }),
    );
    const context = testContext(runSettingsIn(roster.root));

    await expect(runApply(context)).rejects.toEqual(
      new CommandFailed('1 of 12 changes failed; a rerun retries them', 'failed'),
    );

    expect(context.report.methods().at(-1)).toBe('applied');
  });

  it('applies nothing from a plan with errors', async () => {
    stubAccount(iamMock, { groups: ['developers'] });
    const context = testContext(runSettingsIn(roster.root));

    await expect(runApply(context)).rejects.toEqual(
      new CommandFailed('2 plan errors; nothing was applied', 'invalid'),
    );

    expect(context.report.methods()).toEqual(['planned']);
    expect(iamMock.commandCalls(CreateUserCommand)).toEqual([]);
  });
});
