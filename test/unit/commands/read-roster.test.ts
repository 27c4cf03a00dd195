import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { NOTHING_READ, readRoster, validateRoster, validRoster } from '../../../src/commands/read-roster.js';
import type { RepoConfig } from '../../../src/config/repo-config-schema.js';
import { configLocation } from '../../../src/settings/run-options.js';
import { ROSTER_FIXTURES, type TempRoster, tempRoster } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';

/** Any IAM call would be recorded here: validation makes none. */
const iamMock = mockClient(IAMClient);

let roster: TempRoster | undefined;

async function checkout(fixture: string): Promise<string> {
  roster = await tempRoster(fixture);
  return roster.root;
}

afterEach(async () => {
  await roster?.cleanup();
  roster = undefined;
});

const MISMATCH = {
  file: 'users/bob@example.com.yaml',
  field: 'name',
  line: 2,
  column: 7,
  message: `must equal the file's name "bob@example.com" (the file is bob@example.com.yaml)`,
};

describe('readRoster', () => {
  it('reads the roster, and no configuration when the default file is missing', async () => {
    const root = await checkout('valid');

    const read = await readRoster(runSettingsIn(root));

    expect(read).toMatchObject({ kind: 'valid', fileCount: 4, config: {}, warnings: [] });
    expect(read.kind === 'valid' && read.roster.users.map((user) => user.name)).toEqual([
      'alice@example.com',
      'bob@example.com',
      'ci-deployer',
      'dana',
    ]);
  });

  it('reads iam-gitops.yaml at the root', async () => {
    const root = await checkout('valid');
    await writeFile(join(root, 'iam-gitops.yaml'), "guardrails:\n  groups: ['*']\n  policies: ['*']\n");

    const read = await readRoster(runSettingsIn(root));

    expect(read).toMatchObject({
      kind: 'valid',
      config: { guardrails: { groups: ['*'], policies: ['*'] } },
      configSource: { file: 'iam-gitops.yaml' },
    });
    expect(read.kind === 'valid' && read.warnings.map((warning) => warning.field)).toEqual([
      'guardrails.groups',
      'guardrails.policies',
    ]);
  });

  it('refuses a configuration file that was named and is missing', async () => {
    const root = await checkout('valid');

    const read = await readRoster(
      runSettingsIn(root, { config: configLocation('iam/iam-gitops.yaml', root) }),
    );

    expect(read).toEqual({
      kind: 'invalid',
      issues: [{ file: 'iam/iam-gitops.yaml', field: '', line: 1, column: 1, message: 'does not exist' }],
      fileCount: 4,
    });
  });

  it('reports a broken configuration and broken user files together', async () => {
    const root = await checkout('file-name-mismatch');
    await mkdir(join(root, 'iam'));
    await writeFile(join(root, 'iam', 'config.yaml'), 'guardrails:\n  groups: [developers]\n  polices: []\n');

    const read = await readRoster(runSettingsIn(root, { config: configLocation('iam/config.yaml', root) }));

    expect(read.kind).toBe('invalid');
    expect(
      read.kind === 'invalid' && read.issues.map((issue) => `${issue.file}:${issue.line}: ${issue.field}`),
    ).toEqual([
      'iam/config.yaml:2: guardrails.policies',
      'iam/config.yaml:3: guardrails.polices',
      'users/bob@example.com.yaml:2: name',
    ]);
  });
});

describe('validRoster', () => {
  it('reports every issue and ends the run before AWS', async () => {
    const context = testContext(runSettingsIn(await checkout('file-name-mismatch')));

    const failure = await validRoster(context, NOTHING_READ).catch((error: unknown) => error);

    expect(failure).toEqual(
      new CommandFailed('1 error in 1 file; nothing was read from or changed in IAM', 'invalid'),
    );
    expect((failure as CommandFailed).kind).toBe('invalid');
    expect(context.report.calls).toEqual([{ method: 'invalid', args: [[MISMATCH]] }]);
    expect(context.iamClientCalls()).toBe(0);
  });

  it('returns the valid roster and reports nothing when there is nothing to say', async () => {
    const context = testContext(runSettingsIn(await checkout('valid')));

    const read = await validRoster(context);

    expect(read.roster.users).toHaveLength(4);
    expect(context.report.calls).toEqual([]);
  });
});

describe('validateRoster', () => {
  it('checks the roster against the configuration, with no AWS call, and keeps both for makePlan', async () => {
    const usersDir = `${ROSTER_FIXTURES}/guardrails-any/users`;
    const config: RepoConfig = { guardrails: { groups: ['*'], policies: ['*'] } };

    const outcome = await validateRoster({ usersDir, displayDir: 'users', emailDomain: undefined }, config);

    expect(iamMock.calls()).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'valid', fileCount: 1, config, configSource: undefined });
    expect(outcome.kind === 'valid' && outcome.warnings.map((w) => w.field)).toEqual([
      'guardrails.groups',
      'guardrails.policies',
    ]);
  });

  it('refuses a roster outside the guardrails', async () => {
    const usersDir = `${ROSTER_FIXTURES}/guardrails-any/users`;
    const config: RepoConfig = { guardrails: { groups: ['developers'], policies: ['*'] } };

    const outcome = await validateRoster({ usersDir, displayDir: 'users', emailDomain: undefined }, config);

    expect(outcome.kind === 'invalid' && outcome.issues.map((issue) => issue.field)).toEqual(['groups.0']);
  });

  it('is the roster alone, as before iam-gitops.yaml, without a configuration', async () => {
    const usersDir = `${ROSTER_FIXTURES}/guardrails-any/users`;

    const outcome = await validateRoster({ usersDir, displayDir: 'users', emailDomain: undefined });

    expect(outcome).toMatchObject({ kind: 'valid', warnings: [], config: {} });
  });
});
