import { afterEach, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { runValidate } from '../../../src/commands/run-validate.js';
import { type TempRoster, tempRoster } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';

let roster: TempRoster | undefined;

afterEach(async () => {
  await roster?.cleanup();
  roster = undefined;
});

describe('runValidate', () => {
  it('reports the users and files of a valid roster, and never asks for AWS', async () => {
    roster = await tempRoster('valid');
    const context = testContext(runSettingsIn(roster.root));

    await runValidate(context);

    expect(context.report.calls).toEqual([{ method: 'valid', args: [{ users: 4, files: 4 }] }]);
    expect(context.iamClientCalls()).toBe(0);
  });

  it('reports every issue and fails with their count', async () => {
    roster = await tempRoster('many-broken');
    const context = testContext(runSettingsIn(roster.root));

    await expect(runValidate(context)).rejects.toEqual(new CommandFailed('7 errors in 5 files', 'invalid'));

    expect(context.report.methods()).toEqual(['invalid']);
    expect(context.iamClientCalls()).toBe(0);
  });
});
