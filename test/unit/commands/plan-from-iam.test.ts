import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planFromIam } from '../../../src/commands/plan-from-iam.js';
import { readRoster, type ValidRoster } from '../../../src/commands/read-roster.js';
import { type TempRoster, tempRoster } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';
import { stubAccount } from './support/stub-iam.js';

const iamMock = mockClient(IAMClient);
const WARNING = {
  file: 'iam-gitops.yaml',
  field: 'guardrails.groups',
  line: 3,
  column: 11,
  message: "'*' allows any group",
};
let roster: TempRoster;

beforeEach(async () => {
  iamMock.reset();
  roster = await tempRoster('valid');
});

afterEach(async () => {
  await roster.cleanup();
});

describe('planFromIam', () => {
  it('asks for credentials once, reads IAM and carries the warnings into the Markdown', async () => {
    stubAccount(iamMock);
    const context = testContext(runSettingsIn(roster.root));
    const read = (await readRoster(context.settings)) as ValidRoster;

    const planned = await planFromIam(context, { ...read, warnings: [WARNING] });

    expect(context.iamClientCalls()).toBe(1);
    expect(planned.plan.users).toHaveLength(4);
    expect(planned.plan.warnings).toEqual([WARNING]);
    expect(planned.markdown).toContain('> [!WARNING]');
    expect(planned.markdown).toContain('**4 to create');
    expect(context.report.calls).toEqual([]);
  });
});
