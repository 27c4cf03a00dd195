// `npm run local-action`: the action run from source (src/main.ts) by @github/local-action with
// the inputs of .env.example, offline against moto, as a developer runs it.
import { exec } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CreateGroupCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { freshAccount, type TestAccount } from '../support/aws.js';

const run = promisify(exec);
const ROOT = join(import.meta.dirname, '..', '..');

let scratch: string;
let account: TestAccount;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'iam-gitops-local-action-'));
  account = await freshAccount();
  const iam = new IAMClient(account.clientConfig);
  for (const group of ['developers', 'oncall', 'deployers'])
    await iam.send(new CreateGroupCommand({ GroupName: group }));
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** .env.example with its AWS settings pointed at this test's moto account. */
async function envFile(): Promise<string> {
  const example = await readFile(join(ROOT, '.env.example'), 'utf8');
  const values: Record<string, string> = {
    ...account.env,
    RUNNER_TEMP: scratch,
    GITHUB_STEP_SUMMARY: join(scratch, 'summary.md'),
  };
  const lines = example
    .split('\n')
    .filter((line) => !Object.keys(values).some((name) => line.startsWith(`${name}=`)));
  const path = join(scratch, '.env');
  await writeFile(
    path,
    [...lines, ...Object.entries(values).map(([name, value]) => `${name}=${value}`)].join('\n'),
  );
  await writeFile(values.GITHUB_STEP_SUMMARY ?? '', '');
  return path;
}

describe('npm run local-action', () => {
  it('plans the example roster from source against moto, with the inputs of .env.example', async () => {
    const packageJson = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const script: string = packageJson.scripts['local-action'];
    expect(script).toBe('npx @github/local-action . src/main.ts .env');

    const { stdout } = await run(script.replace(/ \.env$/, ` ${await envFile()}`), {
      cwd: ROOT,
      env: {
        PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
        HOME: process.env.HOME ?? scratch,
        // The run's temp directory (test/support/temp-dir-guard.ts), where npx and tsx keep their caches.
        TMPDIR: tmpdir(),
        // local-action stubs @actions/core by the path `npm ls` gives; a worktree whose
        // node_modules is a link must resolve imports by that path too. No effect in a clone.
        NODE_OPTIONS: '--preserve-symlinks',
      },
      maxBuffer: 16 * 1024 * 1024,
    });

    expect(stdout).toContain(`iam-gitops ${VERSION}: plan (set by the command input); users at /iam-gitops/`);
    expect(stdout).toContain('**3 to create, 0 to update, 0 to offboard** · 10 changes');
    expect(stdout).toMatch(/'changes-count'\s+│\s+'10'/);
    const users = await new IAMClient(account.clientConfig).send(new ListUsersCommand({}));
    expect(users.Users).toEqual([]);
  }, 120_000);
});
