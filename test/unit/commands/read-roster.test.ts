import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/commands/command-context.js';
import { NOTHING_READ, readRoster, validRoster } from '../../../src/commands/read-roster.js';
import { configLocation } from '../../../src/settings/run-options.js';
import { type TempRoster, tempRoster } from '../support/roster-fixture.js';
import { runSettingsIn, testContext } from './support/command-context.js';

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
    await writeFile(join(root, 'iam-gitops.yaml'), 'guardrails:\n  groups: [developers]\n  policies: []\n');

    const read = await readRoster(runSettingsIn(root));

    expect(read).toMatchObject({
      kind: 'valid',
      config: { guardrails: { groups: ['developers'], policies: [] } },
    });
  });

  it('refuses a configuration file that was named and is missing', async () => {
    const root = await checkout('valid');

    const read = await readRoster(
      runSettingsIn(root, { config: configLocation('iam/iam-gitops.yaml', root) }),
    );

    expect(read).toEqual({
      kind: 'invalid',
      issues: [{ file: 'iam/iam-gitops.yaml', field: '', line: 1, column: 1, message: 'does not exist' }],
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
