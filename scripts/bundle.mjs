#!/usr/bin/env node
// Bundles the action (dist/index.js), the CLI (dist/cli/index.js) and the credential Lambda
// (lambda/dist/index.js) with @vercel/ncc, and reports each bundle's size.
// `node scripts/bundle.mjs [action|cli|lambda ...]` builds the named ones; no argument builds all.
// dist/ is committed (the runner executes it); lambda/dist/ is built on demand (the CDK app and
// the demo build it) and ignored by git.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '.bin', 'ncc');

const targets = {
  action: { entry: 'src/index.ts', out: 'dist', args: ['--source-map', '--license', 'licenses.txt'] },
  cli: { entry: 'src/cli.ts', out: 'dist/cli', args: ['--source-map'] },
  lambda: {
    entry: 'lambda/src/index.ts',
    out: 'lambda/dist',
    args: ['--source-map', '--minify', '--license', 'licenses.txt'],
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
  // ncc writes into the folder; clear the action's own files but keep dist/cli when only the action is built.
  if (name === 'action') {
    for (const file of [
      'index.js',
      'index.js.map',
      'licenses.txt',
      'sourcemap-register.cjs',
      'package.json',
    ]) {
      rmSync(join(root, target.out, file), { force: true });
    }
  } else {
    rmSync(join(root, target.out), { recursive: true, force: true });
  }
  execFileSync(ncc, ['build', target.entry, '-o', target.out, '--quiet', ...target.args], {
    cwd: root,
    stdio: 'inherit',
  });
  const size = statSync(join(root, target.out, 'index.js')).size;
  console.log(`${name}: ${target.out}/index.js ${(size / 1024).toFixed(0)} KiB`);
}
