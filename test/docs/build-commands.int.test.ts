// The build commands of the README and docs/ (the schema, the generated action docs, the CDK
// synth, the Lambda bundle), run as written, in doc order, in one temporary working copy of this
// repository, offline: with no AWS credentials and no endpoint, and nothing written to the real
// checkout. What they regenerate must equal what is committed.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsRunBy } from './doc-command-checks.js';
import { commandsUnder } from './doc-commands.js';
import { runShell, type ShellRun } from './support/run-shell.js';
import { makeWorkingCopy, ROOT, type WorkingCopy } from './support/working-copy.js';

let copy: WorkingCopy;

/** The copy's file equals the checkout's, byte for byte. */
async function unchanged(path: string): Promise<void> {
  expect(await readFile(join(copy.root, path), 'utf8')).toBe(readFileSync(join(ROOT, path), 'utf8'));
}

/** What each command must do; a documented command without an entry here fails its test. */
const STEPS: Record<string, (result: ShellRun) => Promise<void>> = {
  'npm run schema': async (result) => {
    expect(result.code).toBe(0);
    await unchanged('schema/user.schema.json');
    await unchanged('schema/config.schema.json');
  },
  'npx tsx scripts/action-docs.ts': async (result) => {
    expect(result.code).toBe(0);
    await unchanged('README.md');
    await unchanged('docs/github-action.md');
  },
  'npx cdk synth': async (result) => {
    expect(result.code).toBe(0);
    // The template on stdout (the Lambda build's progress goes to stderr), and the assembly.
    expect(result.stdout).toMatch(/^Description: "iam-gitops: /);
    expect(result.stdout).toContain('\nResources:\n');
    expect(result.stdout).toContain('Type: AWS::Lambda::Function');
    expect(result.stdout).toContain('Type: AWS::Events::Rule');
    expect(existsSync(join(copy.root, 'infra', 'cdk.out', 'IamGitops.template.json'))).toBe(true);
    expect(existsSync(join(copy.root, 'lambda', 'dist', 'index.mjs'))).toBe(true);
  },
  'node scripts/bundle.mjs lambda': async (result) => {
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/lambda: lambda\/dist\/index\.mjs [\d.]+ [KM]iB/);
    expect(existsSync(join(copy.root, 'lambda', 'dist', 'index.mjs'))).toBe(true);
  },
};

beforeAll(async () => {
  copy = await makeWorkingCopy();
});

afterAll(async () => {
  await copy?.cleanup();
});

describe('the build commands of the README and docs/', () => {
  const commands = commandsRunBy('build', commandsUnder(ROOT));

  it('include the schema, the action docs, the synth and the Lambda bundle (control)', () => {
    expect([...commands].sort()).toEqual(Object.keys(STEPS).sort());
  });

  for (const command of commands) {
    it(`runs: ${command}`, { timeout: 180_000 }, async () => {
      const step = STEPS[command];
      if (step === undefined) throw new Error(`no step says what "${command}" must do: add one to STEPS`);

      const result = await runShell(command, {
        cwd: copy.root,
        env: { HOME: copy.scratch, npm_config_update_notifier: 'false' },
        timeoutMs: 170_000,
      });

      await step(result);
    });
  }
});
