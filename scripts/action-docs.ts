#!/usr/bin/env node
// Keeps README.md and docs/github-action.md in step with action.yml and examples/iam-gitops.yml:
// the inputs and outputs tables are generated from action.yml, the quick start is the example
// workflow verbatim.
// Each generated part sits between `<!-- action-docs:NAME -->` and `<!-- /action-docs:NAME -->`.
//   npx tsx scripts/action-docs.ts           rewrite the generated parts
//   npx tsx scripts/action-docs.ts --check   exit 1 when the doc is not current
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DOC_PATH = join(ROOT, 'docs', 'github-action.md');
export const README_PATH = join(ROOT, 'README.md');
/** Every document with generated sections. */
export const DOC_PATHS = [README_PATH, DOC_PATH];
export const ACTION_PATH = join(ROOT, 'action.yml');
export const EXAMPLE_PATH = join(ROOT, 'examples', 'iam-gitops.yml');

interface ActionMetadata {
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function inputsTable(metadata: ActionMetadata): string {
  const rows = Object.entries(metadata.inputs ?? {}).map(([name, input]) => {
    const fallback = input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``;
    return `| \`${name}\` | ${cell(input.description ?? '')} | ${fallback} |`;
  });
  return ['| Input | Description | Default |', '|---|---|---|', ...rows].join('\n');
}

function outputsTable(metadata: ActionMetadata): string {
  const rows = Object.entries(metadata.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description ?? '')} |`,
  );
  return ['| Output | Description |', '|---|---|', ...rows].join('\n');
}

function replaceSection(doc: string, name: string, content: string): string {
  const start = `<!-- action-docs:${name} -->`;
  const end = `<!-- /action-docs:${name} -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no ${start} ... ${end} section`);
  return `${doc.slice(0, from + start.length)}\n${content}\n${doc.slice(to)}`;
}

/** The doc with every generated section rewritten from action.yml and the example workflow. */
export function renderActionDocs(doc: string, actionYml: string, exampleYml: string): string {
  const metadata = parse(actionYml) as ActionMetadata;
  let next = replaceSection(doc, 'quick-start', `\`\`\`yaml\n${exampleYml.trimEnd()}\n\`\`\``);
  next = replaceSection(next, 'inputs', inputsTable(metadata));
  next = replaceSection(next, 'outputs', outputsTable(metadata));
  return next;
}

function main(args: readonly string[]): number {
  let stale = 0;
  for (const path of DOC_PATHS) {
    const doc = readFileSync(path, 'utf8');
    const current = renderActionDocs(
      doc,
      readFileSync(ACTION_PATH, 'utf8'),
      readFileSync(EXAMPLE_PATH, 'utf8'),
    );
    if (current === doc) continue;
    if (args.includes('--check')) {
      process.stderr.write(
        `${path.slice(ROOT.length + 1)} is not current: run \`npx tsx scripts/action-docs.ts\`\n`,
      );
      stale++;
    } else {
      writeFileSync(path, current);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
