// package.json as npm publishes it: an installable CLI whose bundle needs nothing at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

const ROOT = join(import.meta.dirname, '..', '..');

describe('package.json', () => {
  it('is installable: not private, a bin at the CLI bundle, only what the bin needs in the tarball', () => {
    expect(packageJson).not.toHaveProperty('private');
    expect(packageJson.bin).toEqual({ 'iam-gitops': 'dist/cli/index.js' });
    expect(packageJson.files).toEqual(['dist/cli/', 'schema/']);
  });

  it('has no runtime dependency: the bundles carry everything they import', () => {
    expect(packageJson).not.toHaveProperty('dependencies');
  });

  it("says the Node.js the dependencies require (the AWS SDK's and octokit's >= 22), as the README does", () => {
    expect(packageJson.engines).toEqual({ node: '>=22' });
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('Node.js 22 or newer');
  });

  it('runs the action from source with local-action and a .env file', () => {
    expect(packageJson.scripts['local-action']).toBe('npx @github/local-action . src/main.ts .env');
  });

  it('points bin at a bundle that starts as a program, so npm can link it', () => {
    expect(readFileSync(join(ROOT, 'src', 'cli.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(
      readFileSync(join(ROOT, packageJson.bin['iam-gitops']), 'utf8').startsWith('#!/usr/bin/env node\n'),
    ).toBe(true);
  });
});
