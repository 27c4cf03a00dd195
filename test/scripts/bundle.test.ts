import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript build script without type declarations
import { bundleApp, renameChunksByContent } from '../../scripts/bundle.mjs';

const ENTRY = join(import.meta.dirname, '..', 'fixtures', 'bundle', 'entry.ts');
const folders: string[] = [];

async function bundled(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'iam-gitops-bundle-test-'));
  folders.push(outDir);
  await bundleApp({ entry: ENTRY, outDir });
  return outDir;
}

/** Every file under `folder`, by relative path, with its bytes. */
function filesOf(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(folder.length + 1)] = readFileSync(path, 'base64');
  }
  return files;
}

/** What the bundled fixture reports: its last line (getIDToken writes a mask command before it). */
function reportOf(folder: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, [join(folder, 'index.js')], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '');
}

let first: string;

beforeAll(async () => {
  first = await bundled();
}, 60_000);

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('bundleApp', () => {
  it('loads @actions/http-client, undici and yaml only when first used, and they work when they are', () => {
    const report = reportOf(first);

    expect(report.atStart).toEqual([]);
    expect(report.input).toBe('');
    expect(report.beforeToken).toEqual([]);
    expect(report.idToken).toBe('bundle-test-token');
    expect(report.afterToken).toEqual(['actions-http-client.cjs']);
    expect(report.afterProxy).toEqual(['actions-http-client.cjs', 'undici.cjs']);
    expect(report.afterYaml).toEqual(['actions-http-client.cjs', 'undici.cjs', 'yaml.cjs']);
    expect(report.agentDispatches).toBe(true);
    expect(report.documents).toBe(1);
  });

  it('keeps zod in English only, and Node built-ins whole through require()', () => {
    const report = reportOf(first);

    expect(report.locales).toEqual(['en']);
    expect(report.emailMessage).toBe('Invalid email address');
    expect(report.httpRequest).toBe('function');
  });

  it('writes the entry, the packages loaded on first use, the licences and an ES module marker', () => {
    const files = Object.keys(filesOf(first));
    const licences = readFileSync(join(first, 'licenses.txt'), 'utf8');

    expect(files).toEqual(
      expect.arrayContaining([
        'index.js',
        'chunks/actions-http-client.cjs',
        'chunks/undici.cjs',
        'chunks/yaml.cjs',
        'licenses.txt',
        'package.json',
      ]),
    );
    expect(JSON.parse(readFileSync(join(first, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    for (const [name, licence] of [
      ['@actions/http-client', 'MIT'],
      ['tunnel', 'MIT'],
      ['undici', 'MIT'],
      ['yaml', 'ISC'],
      ['zod', 'MIT'],
    ]) {
      expect(licences).toMatch(new RegExp(`^${name}\\n${licence}\\n`, 'm'));
    }
  });

  it('builds the same bytes every time (CI compares dist/ with a fresh build)', async () => {
    const second = await bundled();

    expect(filesOf(second)).toEqual(filesOf(first));
  }, 60_000);
});

describe('renameChunksByContent', () => {
  /** An output folder as esbuild leaves it: an entry and two chunks, named with esbuild's hashes. */
  function esbuildOutput(hashes: readonly [string, string]): string {
    const outDir = mkdtempSync(join(tmpdir(), 'iam-gitops-chunk-names-'));
    folders.push(outDir);
    mkdirSync(join(outDir, 'chunks'));
    const [shared, lazy] = [`chunk-${hashes[0]}.js`, `run-plan-${hashes[1]}.js`];
    writeFileSync(join(outDir, 'index.js'), `import{a}from"./chunks/${shared}";import("./chunks/${lazy}");`);
    writeFileSync(join(outDir, 'chunks', shared), 'export const a=1;');
    writeFileSync(join(outDir, 'chunks', lazy), `import{a}from"./${shared}";export const b=a+1;`);
    return outDir;
  }

  it('names chunks after their contents alone, whatever hashes esbuild gave (the checkout being elsewhere)', () => {
    const here = esbuildOutput(['AAAAAAAA', 'BBBBBBBB']);
    const elsewhere = esbuildOutput(['CCCCCCCC', 'DDDDDDDD']);

    renameChunksByContent(here);
    renameChunksByContent(elsewhere);

    expect(filesOf(here)).toEqual(filesOf(elsewhere));
    const names = readdirSync(join(here, 'chunks')).sort();
    expect(names).toEqual([
      expect.stringMatching(/^chunk-[0-9A-F]{8}\.js$/),
      expect.stringMatching(/^run-plan-[0-9A-F]{8}\.js$/),
    ]);
    // Every import follows the new names.
    const entry = readFileSync(join(here, 'index.js'), 'utf8');
    for (const name of names) expect(entry).toContain(`./chunks/${name}`);
    expect(readFileSync(join(here, 'chunks', names[1] ?? ''), 'utf8')).toContain(`./${names[0]}`);
  });
});
