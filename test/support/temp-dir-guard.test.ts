import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeRunDir, leftoverMessage, leftovers, makeRunDir, RUN_DIR_PREFIX } from './temp-dir-guard.js';

let parent: string;

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'iam-gitops-guard-'));
});

afterEach(() => {
  rmSync(parent, { recursive: true, force: true });
});

describe('makeRunDir', () => {
  it('makes a new, empty folder named for the project in the given folder', () => {
    const dir = makeRunDir(parent);

    expect(dirname(dir)).toBe(parent);
    expect(basename(dir).startsWith(RUN_DIR_PREFIX)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('leftovers', () => {
  it("names what the project left, sorted, and not the tools' caches", () => {
    const dir = makeRunDir(parent);
    mkdirSync(join(dir, 'iam-gitops-roster-abc123'));
    writeFileSync(join(dir, 'iam-gitops-plan.json'), '{}');
    mkdirSync(join(dir, 'cdk.outXyZ'));
    mkdirSync(join(dir, 'tsx-0'));
    mkdirSync(join(dir, 'node-compile-cache'));

    expect(leftovers(dir)).toEqual(['cdk.outXyZ', 'iam-gitops-plan.json', 'iam-gitops-roster-abc123']);
  });

  it('is empty for a clean run', () => {
    expect(leftovers(makeRunDir(parent))).toEqual([]);
  });
});

describe('closeRunDir', () => {
  it('removes the folder with everything in it, caches too, and returns what the project left', () => {
    const dir = makeRunDir(parent);
    writeFileSync(join(dir, 'iam-gitops-plan.json'), '{}');
    mkdirSync(join(dir, 'tsx-1000'));

    expect(closeRunDir(dir)).toEqual(['iam-gitops-plan.json']);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('leftoverMessage', () => {
  it('names each entry, in one line', () => {
    expect(leftoverMessage(['a', 'b'])).toBe(
      'iam-gitops: the tests left 2 entries in the temp directory (removed now; the test that made each must remove it): a, b',
    );
    expect(leftoverMessage(['cdk.outXyZ'])).toBe(
      'iam-gitops: the tests left 1 entry in the temp directory (removed now; the test that made each must remove it): cdk.outXyZ',
    );
  });
});
