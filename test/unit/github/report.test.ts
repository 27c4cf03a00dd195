// The step outputs of src/github/report.ts: where the plan-json file goes.
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writePlanOutputs } from '../../../src/github/report.js';
import { emptyPlan } from '../support/factories.js';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'iam-gitops-report-test-'));
  await writeFile(join(scratch, 'output'), '');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('writePlanOutputs', () => {
  it("writes plan-json in the runner's temporary folder and names it in the outputs", async () => {
    vi.stubEnv('GITHUB_OUTPUT', join(scratch, 'output'));
    vi.stubEnv('RUNNER_TEMP', scratch);

    const path = await writePlanOutputs(emptyPlan(), '# plan');

    expect(path).toBe(join(scratch, 'iam-gitops-plan.json'));
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1 });
    expect(await readFile(join(scratch, 'output'), 'utf8')).toContain(path);
  });

  it('elsewhere writes it in a new folder only this user can enter, never at a fixed name in the shared one', async () => {
    vi.stubEnv('GITHUB_OUTPUT', join(scratch, 'output'));
    vi.stubEnv('RUNNER_TEMP', '');

    const first = await writePlanOutputs(emptyPlan(), '# plan');
    const second = await writePlanOutputs(emptyPlan(), '# plan');
    try {
      expect(dirname(dirname(first))).toBe(tmpdir());
      expect(dirname(first)).not.toBe(dirname(second));
      expect((await lstat(dirname(first))).mode & 0o777).toBe(0o700);
      expect(JSON.parse(await readFile(first, 'utf8'))).toMatchObject({ version: 1 });
    } finally {
      await rm(dirname(first), { recursive: true, force: true });
      await rm(dirname(second), { recursive: true, force: true });
    }
  });
});
