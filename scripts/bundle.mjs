#!/usr/bin/env node
// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with @vercel/ncc, and the
// credential Lambda (lambda/dist/index.mjs) with esbuild, and reports each bundle's size.
// `node scripts/bundle.mjs [action|cli|lambda ...]` builds the named ones; no argument builds all.
// dist/ is committed (the runner executes it); lambda/dist/ is built on demand (the CDK app, the
// demo and the benchmarks build it) and ignored by git.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '.bin', 'ncc');

/**
 * ncc into a temporary folder, then copied into place: a failed build (ncc also type-checks
 * every file tsconfig.json includes) leaves the committed bundle as it was.
 */
function nccBundle(entry, out, args, clear) {
  const staging = mkdtempSync(join(tmpdir(), 'iam-gitops-bundle-'));
  try {
    execFileSync(ncc, ['build', entry, '-o', staging, '--quiet', ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    clear();
    cpSync(staging, join(root, out), { recursive: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return join(root, out, 'index.js');
}

const targets = {
  action: {
    entry: 'src/index.ts',
    build: () =>
      nccBundle('src/index.ts', 'dist', ['--source-map', '--license', 'licenses.txt'], () => {
        // Keep dist/cli when only the action is rebuilt.
        for (const file of [
          'index.js',
          'index.js.map',
          'licenses.txt',
          'sourcemap-register.cjs',
          'package.json',
        ]) {
          rmSync(join(root, 'dist', file), { force: true });
        }
      }),
  },
  cli: {
    entry: 'src/cli.ts',
    build: () =>
      nccBundle('src/cli.ts', 'dist/cli', ['--source-map'], () =>
        rmSync(join(root, 'dist', 'cli'), { recursive: true, force: true }),
      ),
  },
  // esbuild: one ESM file (plus its source map, loaded by NODE_OPTIONS=--enable-source-maps) in
  // about a second, where ncc with minification took over a minute.
  lambda: {
    entry: 'lambda/src/index.ts',
    build: async () => {
      rmSync(join(root, 'lambda', 'dist'), { recursive: true, force: true });
      const outfile = join(root, 'lambda', 'dist', 'index.mjs');
      await build({
        entryPoints: [join(root, 'lambda', 'src', 'index.ts')],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        minify: true,
        sourcemap: true,
        legalComments: 'none',
        // Some bundled CommonJS dependencies call require() for Node built-ins.
        banner: {
          js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
        logLevel: 'warning',
      });
      return outfile;
    },
  },
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(targets);
for (const name of names) {
  const target = targets[name];
  if (target === undefined) {
    console.error(`unknown bundle "${name}"; choose from ${Object.keys(targets).join(', ')}`);
    process.exit(2);
  }
  if (!existsSync(join(root, target.entry))) {
    console.log(`skip ${name}: ${target.entry} does not exist yet`);
    continue;
  }
  const output = await target.build();
  const size = statSync(output).size;
  console.log(`${name}: ${output.slice(root.length + 1)} ${(size / 1024).toFixed(0)} KiB`);
}
