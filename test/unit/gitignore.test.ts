// .gitignore tells the truth: nothing committed is ignored (dist/ is committed, the runner
// executes it), and what must never be committed is.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });

describe('.gitignore', () => {
  it('ignores no committed file', () => {
    expect(git('ls-files', '--cached', '--ignored', '--exclude-standard')).toBe('');
  });

  it('keeps the committed bundle in view', () => {
    const dist = git('ls-files', 'dist').split('\n').filter(Boolean);

    expect(dist).toEqual(expect.arrayContaining(['dist/index.js', 'dist/cli/index.js']));
    expect(() => git('check-ignore', '--no-index', '--quiet', ...dist)).toThrow();
  });

  it.each(['.env', 'iam-gitops-0.1.0.tgz', 'lambda/dist/index.mjs', 'node_modules'])('ignores %s', (path) => {
    expect(git('check-ignore', '--no-index', path).trim()).toBe(path);
  });

  it('keeps .env.example, which documents the inputs', () => {
    expect(() => git('check-ignore', '--no-index', '--quiet', '.env.example')).toThrow();
  });
});
