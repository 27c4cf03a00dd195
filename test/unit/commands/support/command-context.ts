// A CommandContext for the runners' tests: settings for a roster in a temporary checkout, the
// recording reporter, and IAM stubbed at the SDK boundary.
import { join } from 'node:path';
import type { CommandContext, HubAccess } from '../../../../src/commands/command-context.js';
import type { RunSettings } from '../../../../src/commands/settings.js';
import { configLocation } from '../../../../src/settings/run-options.js';
import { REPOSITORY, SCOPE } from '../../support/factories.js';
import { type RecordingReporter, recordingReporter } from './recording-reporter.js';
import { iamClientFactory } from './stub-iam.js';

export function runSettingsIn(root: string, overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    usersDir: join(root, 'users'),
    displayDir: 'users',
    config: configLocation(undefined, root),
    iamPath: SCOPE.iamPath,
    repository: REPOSITORY,
    emailDomain: undefined,
    onRemove: 'disable',
    maxRemovals: 3,
    inviteExpiryDays: 14,
    expireInvites: false,
    failOnDrift: false,
    region: 'us-east-1',
    ...overrides,
  };
}

export interface TestContext extends CommandContext {
  readonly report: RecordingReporter;
  /** How many times a runner asked for AWS credentials. */
  iamClientCalls(): number;
}

export function testContext(
  settings: RunSettings,
  extra: {
    readonly user?: string;
    readonly runId?: string;
    readonly account?: string;
    /** Many accounts: the hub (support/stub-hub.ts). */
    readonly hub?: HubAccess;
  } = {},
): TestContext {
  const makeClient = iamClientFactory();
  let calls = 0;
  return {
    settings,
    report: recordingReporter(),
    iamClient: () => {
      calls++;
      return makeClient();
    },
    hub: async () => {
      if (extra.hub === undefined)
        throw new Error('this test gave no hub: a one-account run never asks for one');
      return extra.hub;
    },
    user: extra.user,
    account: extra.account,
    runId: extra.runId ?? '8812345678',
    iamClientCalls: () => calls,
  };
}
