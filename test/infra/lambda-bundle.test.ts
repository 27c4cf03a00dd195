import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureLambdaBundle, LambdaBundleError } from '../../infra/lib/lambda-bundle.js';

let roots: string[] = [];
afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots = [];
});

/** A repository-shaped folder whose scripts/bundle.mjs runs `script` (and logs its arguments); removed after the test. */
function fakeRoot(options: { source: boolean; script: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'iam-gitops-bundle-'));
  roots.push(root);
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'lambda', 'src'), { recursive: true });
  writeFileSync(
    join(root, 'scripts', 'bundle.mjs'),
    [
      "import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';",
      "appendFileSync('runs.log', process.argv.slice(2).join(' ') + '\\n');",
      options.script,
    ].join('\n'),
  );
  if (options.source) writeFileSync(join(root, 'lambda', 'src', 'index.ts'), 'export {};');
  return root;
}

const writesBundle = (file: string) =>
  `mkdirSync('lambda/dist', { recursive: true }); writeFileSync('lambda/dist/${file}', 'export const handler = () => {};');`;

const runs = (root: string) => {
  try {
    return readFileSync(join(root, 'runs.log'), 'utf8').trim().split('\n');
  } catch {
    return [];
  }
};

describe('ensureLambdaBundle', () => {
  it.each(['index.mjs', 'index.js'])('builds the Lambda and returns lambda/dist (%s)', (file) => {
    const root = fakeRoot({ source: true, script: writesBundle(file) });

    expect(ensureLambdaBundle(root)).toBe(join(root, 'lambda', 'dist'));
    expect(runs(root)).toEqual(['lambda']);
  });

  it('builds on every synth, so the asset is always the working tree', () => {
    const root = fakeRoot({ source: true, script: writesBundle('index.mjs') });

    ensureLambdaBundle(root);
    ensureLambdaBundle(root);

    expect(runs(root)).toEqual(['lambda', 'lambda']);
  });

  it('fails clearly when the build fails', () => {
    const root = fakeRoot({ source: true, script: 'process.exit(1);' });

    expect(() => ensureLambdaBundle(root)).toThrow(LambdaBundleError);
    expect(() => ensureLambdaBundle(root)).toThrow(/building the credential Lambda failed/);
  });

  it('fails clearly when the build leaves no entry file', () => {
    const root = fakeRoot({ source: true, script: '' });

    expect(() => ensureLambdaBundle(root)).toThrow(/produced no index.mjs or index.js/);
  });

  it('explains that the Lambda has no source yet, without building', () => {
    const root = fakeRoot({ source: false, script: writesBundle('index.mjs') });

    expect(() => ensureLambdaBundle(root)).toThrow(/no source yet \(lambda\/src\/index.ts\)/);
    expect(runs(root)).toEqual([]);
  });
});
