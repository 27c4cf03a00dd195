import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'ensure-moto.mjs');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'iam-gitops-ensure-moto-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function ensureMoto(python: string) {
  return spawnSync(process.execPath, [SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, PYTHON: python, IAM_GITOPS_MOTO_ROOT: root },
  });
}

/** A stand-in interpreter that answers the probe the way a Python without venv does. */
function pythonWithout(module: string): string {
  const path = join(root, 'python3');
  writeFileSync(path, `#!/bin/sh\necho "ModuleNotFoundError: No module named '${module}'" >&2\nexit 1\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('ensure-moto', () => {
  it('says in one line what to install when Python is missing, without a stack trace', () => {
    const result = ensureMoto(join(root, 'no-such-python'));

    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^iam-gitops: .* was not found: install Python 3\.10 or later with venv and pip/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, '.venv-moto'))).toBe(false);
  });

  it('names the missing venv module in one line', () => {
    const result = ensureMoto(pythonWithout('venv'));

    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^iam-gitops: ".*python3" lacks the venv module, which moto's install needs: install/,
      ),
    ]);
    expect(existsSync(join(root, '.venv-moto'))).toBe(false);
  });
});
