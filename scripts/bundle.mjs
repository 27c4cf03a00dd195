#!/usr/bin/env node
import { createHash } from 'node:crypto';
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
  realpathSync,
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
 * undici (about 60 ms of a cold start, for nothing; `node:crypto`, `node:stream` and others cost a
 * few ms each). Each built-in becomes one ES module re-exporting `require('node:…')`, so that the
 * CommonJS interop copies its exports once, not once for every module that imports it.
 */
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(context) {
    const builtins = new Set(builtinModules);
    context.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name)) return undefined;
      if (args.namespace === 'builtin-esm') return { path: name, namespace: 'builtin-cjs' };
      if (args.namespace === 'builtin-cjs') return undefined;
      return { path: name, namespace: 'builtin-esm' };
    });
    context.onLoad({ filter: /.*/, namespace: 'builtin-esm' }, (args) => ({
      contents: `export * from '${args.path}';\nexport { default } from '${args.path}';`,
      loader: 'js',
    }));
    context.onLoad({ filter: /.*/, namespace: 'builtin-cjs' }, (args) => ({
      contents: `module.exports = require('node:${args.path}');`,
      loader: 'js',
    }));
  },
};

/**
 * Packages the bundles load only when first used. Each is built on its own (CommonJS) as
 * chunks/<package>.cjs, and every import of it yields stand-ins, functions and classes, that
 * require() that file on their first call, so a run that needs none never reads it. Should code
 * import a name not listed here, the build fails ("No matching export") rather than behave
 * differently. Listed so that a package comes before those whose builds import it.
 * - undici (about 400 KiB, a fifth of the action): @actions/http-client takes its ProxyAgent at
 *   load time, and @actions/github its fetch; a run without an HTTP proxy that writes no comment
 *   uses neither.
 * - @actions/http-client (with tunnel, https, tls and assert): @actions/core imports it at load
 *   time, for getIDToken only; a run with credentials from the environment never uses it (about
 *   5 ms of a cold start). Only @actions/core's import: @actions/github brings its own version,
 *   which stays in the chunk loaded when commenting.
 * - yaml (about 110 KiB): the roster's fast reader (src/yaml/simple-yaml.ts) reads plain files
 *   itself; the library is needed only for the others, and for every error message.
 */
const LOADED_ON_FIRST_USE = [
  { name: 'undici', functions: ['fetch'], classes: ['ProxyAgent'] },
  {
    name: '@actions/http-client',
    functions: [],
    classes: ['HttpClient'],
    importedBy: /node_modules\/@actions\/core\//,
  },
  { name: 'yaml', functions: ['isMap', 'isPair', 'isScalar', 'parseAllDocuments'], classes: ['LineCounter'] },
];

/** chunks/undici.cjs, chunks/actions-http-client.cjs. */
const fileOf = (name) => `${name.replace(/^@/, '').replace(/\//g, '-')}.cjs`;

/**
 * The stand-ins for `packages` (entries of LOADED_ON_FIRST_USE), in an ES module bundle (the
 * action's, the CLI's: code in the entry file or in chunks/) or in a CommonJS one (another
 * package's file, itself in chunks/).
 */
function loadedOnFirstUse(packages, format) {
  const byName = new Map(packages.map((entry) => [entry.name, entry]));
  const locate =
    format === 'esm'
      ? [
          "import { fileURLToPath } from 'node:url';",
          '// This code lands in the entry file or in a chunk; the package is in the chunks folder.',
          "const folder = import.meta.url.includes('/chunks/') ? './' : './chunks/';",
          'const pathOf = (file) => fileURLToPath(new URL(folder + file, import.meta.url));',
        ]
      : ["const pathOf = (file) => require('node:path').join(__dirname, file);"];
  return {
    name: 'loaded-on-first-use',
    setup(context) {
      context.onResolve({ filter: /^[a-z@][\w./@-]*$/ }, (args) => {
        const entry = byName.get(args.path);
        if (entry === undefined || (entry.importedBy && !entry.importedBy.test(args.importer)))
          return undefined;
        return { path: args.path, namespace: 'loaded-on-first-use' };
      });
      context.onLoad({ filter: /.*/, namespace: 'loaded-on-first-use' }, (args) => {
        const { functions, classes } = byName.get(args.path);
        return {
          contents: [
            ...locate,
            'let loaded;',
            `const load = () => (loaded ??= require(pathOf('${fileOf(args.path)}')));`,
            ...functions.map(
              (name) => `export function ${name}(...args) { return load().${name}(...args); }`,
            ),
            ...classes.map(
              (name) =>
                `export class ${name} { constructor(...args) { return new (load().${name})(...args); } }`,
            ),
          ].join('\n'),
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
}

/**
 * One package as one CommonJS file, for `loadedOnFirstUse`; its metafile, for the licences. The
 * packages listed before it that it imports are stand-ins here too, so each is in one file only.
 */
async function buildOnFirstUse(name, outfile) {
  const earlier = LOADED_ON_FIRST_USE.slice(
    0,
    LOADED_ON_FIRST_USE.findIndex((entry) => entry.name === name),
  );
  const result = await build({
    absWorkingDir: root,
    entryPoints: [name],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['main'],
    preserveSymlinks: true,
    minify: true,
    legalComments: 'none',
    plugins: [loadedOnFirstUse(earlier, 'cjs')],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

/**
 * zod's classic API exports every locale (about 250 KiB of translated messages) through its `z`
 * namespace, which the bundler must then keep; this project uses only English. Its own schemas use
 * zod/mini through src/util/zod.ts, which imports the English locale alone; this keeps any import
 * of the classic API (a dependency's, the bundle test's) English-only too. A `z.locales.*` call
 * would find only `en`.
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

/**
 * @actions/core's index imports, at load time, @actions/exec (child_process) and @actions/io for
 * its `platform` namespace, and the job summary's and path helpers' modules, whether a run uses
 * them or not; the toolkit's package.json files do not say that their modules have no side effects
 * at load, which they have not (they define functions, classes and enums). Saying so lets the
 * bundler leave out every module whose exports nothing uses (here, exec, io and platform).
 */
const TOOLKIT_PACKAGES = '@actions/(core|exec|http-client|io)';
/** A file of one of those packages. */
const ACTIONS_TOOLKIT = new RegExp(`node_modules/${TOOLKIT_PACKAGES}/`);
/** An import of one of them by name. */
const ACTIONS_TOOLKIT_IMPORT = new RegExp(`^${TOOLKIT_PACKAGES}(/|$)`);
const actionsToolkitWithoutSideEffects = {
  name: 'actions-toolkit-without-side-effects',
  setup(context) {
    context.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolving' || args.namespace !== 'file') return undefined;
      const fromOrToToolkit = ACTIONS_TOOLKIT.test(args.importer) || ACTIONS_TOOLKIT_IMPORT.test(args.path);
      if (!fromOrToToolkit) return undefined;
      const result = await context.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (result.errors.length > 0 || !ACTIONS_TOOLKIT.test(result.path)) return undefined;
      return { ...result, sideEffects: false };
    });
  },
};

/** The packages whose code is in a bundle, from esbuild's metafiles, each once. */
function bundledPackages(metafiles) {
  const packages = new Map();
  for (const input of metafiles.flatMap((metafile) => Object.keys(metafile.inputs))) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (match === null) continue;
    const [, directory, name] = match;
    if (!packages.has(name)) packages.set(name, join(root, directory));
  }
  return [...packages.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Each bundled package's name, licence and licence text, in name order (as ncc wrote them). */
function licenceText(metafiles) {
  const sections = [];
  for (const [name, directory] of bundledPackages(metafiles)) {
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

const CHUNK_FILE = /^(.+)-([A-Z0-9]{8})\.js$/;

/**
 * Renames esbuild's chunks after their contents alone. esbuild's [hash] also covers where the
 * checkout is on disk (the same sources built in /work/main and /tmp/clone get other names), and
 * CI rebuilds dist/ in a fresh clone elsewhere and fails on any difference. The contents are the
 * same wherever it is built, once the chunks' own names in them are set aside, so each chunk gets
 * the hash of its contents with every chunk name blanked, and every file's imports follow.
 */
export function renameChunksByContent(outDir) {
  const chunksDir = join(outDir, 'chunks');
  if (!existsSync(chunksDir)) return;
  const chunks = readdirSync(chunksDir).filter((file) => CHUNK_FILE.test(file));
  if (chunks.length === 0) return;
  const anyChunk = new RegExp(
    `(${chunks.map((file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
    'g',
  );
  const renamed = new Map();
  for (const file of chunks) {
    const text = readFileSync(join(chunksDir, file), 'utf8');
    const blanked = text.replace(anyChunk, (name) => name.replace(CHUNK_FILE, '$1-*.js'));
    const hash = createHash('sha256').update(blanked).digest('hex').slice(0, 8).toUpperCase();
    const name = file.replace(CHUNK_FILE, `$1-${hash}.js`);
    if ([...renamed.values()].includes(name)) throw new Error(`two chunks would both be ${name}`);
    renamed.set(file, name);
  }
  const retarget = (text) => text.replace(anyChunk, (name) => renamed.get(name) ?? name);
  for (const file of readdirSync(outDir).filter((name) => name.endsWith('.js'))) {
    const path = join(outDir, file);
    writeFileSync(path, retarget(readFileSync(path, 'utf8')));
  }
  for (const file of chunks) {
    const text = retarget(readFileSync(join(chunksDir, file), 'utf8'));
    rmSync(join(chunksDir, file));
    writeFileSync(join(chunksDir, renamed.get(file)), text);
  }
}

/**
 * Bundles `entry` (a path) into `outDir`, which must be empty or absent: the entry as
 * `index.js`, its chunks and the packages loaded on first use in `chunks/`, the third-party
 * licences in `licenses.txt`, and a `package.json` marking the files as ES modules.
 */
export async function bundleApp({ entry, outDir, executable = false }) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outdir: outDir,
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
      loadedOnFirstUse(LOADED_ON_FIRST_USE, 'esm'),
      zodEnglishOnly,
      actionsToolkitWithoutSideEffects,
    ],
    metafile: true,
    logLevel: 'warning',
  });
  renameChunksByContent(outDir);
  const onFirstUse = [];
  for (const { name } of LOADED_ON_FIRST_USE) {
    onFirstUse.push(await buildOnFirstUse(name, join(outDir, 'chunks', fileOf(name))));
  }
  writeFileSync(join(outDir, 'licenses.txt'), licenceText([result.metafile, ...onFirstUse]));
  writeFileSync(join(outDir, 'package.json'), '{\n  "type": "module"\n}\n');
  if (executable) chmodSync(join(outDir, 'index.js'), 0o755);
  return join(outDir, 'index.js');
}

/**
 * Bundles into a temporary folder, then copies into place: a failed build leaves the committed
 * bundle as it was. `clear` removes the previous bundle's files just before the copy.
 */
async function bundleInPlace({ entry, out, clear, executable }) {
  const staging = mkdtempSync(join(tmpdir(), 'iam-gitops-bundle-'));
  try {
    await bundleApp({ entry: join(root, entry), outDir: staging, executable });
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
      bundleInPlace({
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
      bundleInPlace({
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

async function main(wanted) {
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
}

// Run as a script; imported (by its test), it only offers bundleApp.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
