#!/usr/bin/env node
// Bundles the action (dist/index.js), the CLI (dist/cli/index.js) and the credential Lambda
// (lambda/dist/index.mjs) with esbuild, and reports each bundle's size.
// `node scripts/bundle.mjs [action|cli|lambda ...]` builds the named ones; no argument builds all.
// dist/ is committed (the runner executes it) and CI rebuilds it and fails on any difference, so
// the output depends only on the sources and the lockfile; lambda/dist/ is built on demand (the CDK
// app, the demo and the benchmarks build it) and ignored by git.
//
// The action and the CLI: one minified ES module each, plus a chunk per module that the code loads
// with `import()` (only when a command needs it), and the third-party licences beside them. No
// source map: Node applies a map only to files loaded after it is enabled (never to the file that
// enables it), and a runner cannot be given --enable-source-maps; users see error messages, not
// stacks; and a map would add megabytes to every download of the action. To debug with source
// lines, run the sources (`npx tsx src/cli.ts`, `npm run local-action`).
// ncc (webpack) took about two minutes to minify the action, esbuild takes about a second.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundled CommonJS dependencies call require() for Node built-ins; an ES module has none of its own. */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Node built-ins through require(), never `import`: importing a built-in as an ES module makes Node
 * build a facade that reads every export, and `node:http`'s lazy exports then load Node's own
 * undici (about 15 ms of a cold start for nothing).
 */
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(context) {
    const builtins = new Set(builtinModules);
    context.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name) || args.namespace === 'builtin') return undefined;
      return { path: name, namespace: 'builtin' };
    });
    context.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require('node:${args.path}');`,
      loader: 'js',
    }));
  },
};

/**
 * undici (about 400 KiB) is in the bundle because @actions/http-client, which @actions/core
 * imports, takes its ProxyAgent at load time; it is used only for a request through an HTTP proxy.
 * Here the import yields a stand-in that loads undici when the first such agent is made, so a run
 * without a proxy never evaluates it. Should http-client import anything else from undici, the build
 * fails ("No matching export"), rather than silently changing behaviour.
 */
const undiciOnFirstProxy = {
  name: 'undici-on-first-proxy',
  setup(context) {
    context.onResolve({ filter: /^undici$/ }, (args) =>
      /node_modules\/@actions\/http-client\/lib\/index\.js$/.test(args.importer)
        ? { path: 'undici', namespace: 'undici-on-first-proxy' }
        : undefined,
    );
    context.onLoad({ filter: /.*/, namespace: 'undici-on-first-proxy' }, () => ({
      contents: [
        'export class ProxyAgent {',
        '  constructor(options) {',
        "    const { ProxyAgent: Agent } = require('undici');",
        '    return new Agent(options);',
        '  }',
        '}',
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * zod's classic API exports every locale (about 250 KiB of translated messages) through its `z`
 * namespace, which the bundler must then keep; this project uses only English, which zod itself
 * configures at load. A `z.locales.*` call would find only `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(context) {
    context.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /node_modules\/zod\/v4\/(classic|core)\//.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-english-only' }
        : undefined,
    );
    context.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/** The packages whose code is in a bundle, from esbuild's metafile, each once. */
function bundledPackages(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (match === null) continue;
    const [, directory, name] = match;
    if (!packages.has(name)) packages.set(name, join(root, directory));
  }
  return [...packages.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Each bundled package's name, licence and licence text, in name order (as ncc wrote them). */
function licenceText(metafile) {
  const sections = [];
  for (const [name, directory] of bundledPackages(metafile)) {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    const licence = typeof manifest.license === 'string' ? manifest.license : '';
    const file = readdirSync(directory)
      .sort()
      .find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
    const text = file === undefined ? '' : readFileSync(join(directory, file), 'utf8').trim();
    sections.push(`${name}\n${licence}\n${text}\n`);
  }
  return sections.join('\n');
}

/**
 * esbuild into a temporary folder, then copied into place: a failed build leaves the committed
 * bundle as it was. `clear` removes the previous bundle's files just before the copy.
 */
async function esbuildApp({ entry, out, clear, executable }) {
  const staging = mkdtempSync(join(tmpdir(), 'iam-gitops-bundle-'));
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [join(root, entry)],
      outdir: staging,
      entryNames: 'index',
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      // ES module builds of the AWS SDK and others: smaller after tree-shaking than their CommonJS.
      mainFields: ['module', 'main'],
      // Paths as the repository sees them (node_modules/...), even where node_modules is a link (a
      // worktree): esbuild's chunk names hash the input paths, and CI must rebuild the same names.
      preserveSymlinks: true,
      minify: true,
      legalComments: 'none',
      banner: { js: REQUIRE_BANNER },
      plugins: [
        builtinsThroughRequire,
        ...(process.env.BUNDLE_PLAIN ? [] : [undiciOnFirstProxy, zodEnglishOnly]),
      ],
      metafile: true,
      logLevel: 'warning',
    });
    writeFileSync(join(staging, 'licenses.txt'), licenceText(result.metafile));
    writeFileSync(join(staging, 'package.json'), '{\n  "type": "module"\n}\n');
    if (executable) chmodSync(join(staging, 'index.js'), 0o755);
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
      esbuildApp({
        entry: 'src/index.ts',
        out: 'dist',
        executable: false,
        clear: () => {
          // Keep dist/cli when only the action is rebuilt; drop what ncc used to write.
          for (const file of [
            'index.js',
            'index.js.map',
            'licenses.txt',
            'sourcemap-register.cjs',
            'package.json',
            'chunks',
          ]) {
            rmSync(join(root, 'dist', file), { recursive: true, force: true });
          }
        },
      }),
  },
  cli: {
    entry: 'src/cli.ts',
    build: () =>
      esbuildApp({
        entry: 'src/cli.ts',
        out: 'dist/cli',
        executable: true,
        clear: () => rmSync(join(root, 'dist', 'cli'), { recursive: true, force: true }),
      }),
  },
  // One ESM file (plus its source map, loaded by NODE_OPTIONS=--enable-source-maps, which a
  // Lambda function can be given).
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
        banner: { js: REQUIRE_BANNER },
        logLevel: 'warning',
      });
      return outfile;
    },
  },
};

/** Bytes of the entry file and every chunk beside it. */
function bundleBytes(entryFile) {
  const directory = dirname(entryFile);
  const chunks = join(directory, 'chunks');
  const chunkBytes = existsSync(chunks)
    ? readdirSync(chunks).reduce((sum, file) => sum + statSync(join(chunks, file)).size, 0)
    : 0;
  return { entry: statSync(entryFile).size, chunks: chunkBytes };
}

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
  const { entry, chunks } = bundleBytes(output);
  const lazy = chunks > 0 ? ` (+ ${(chunks / 1024).toFixed(0)} KiB loaded on demand)` : '';
  console.log(`${name}: ${output.slice(root.length + 1)} ${(entry / 1024).toFixed(0)} KiB${lazy}`);
}
