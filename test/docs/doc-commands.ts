// The shell commands the README and docs/ tell a reader to run, as written: every line of a
// fenced sh/bash/shell/console block, and every inline code span in prose that starts with a
// program (`npm run bundle`, `npx cdk deploy -c config=...`). Pure: text in, commands out.
//
// The marker convention (documented in the README's Development section): a command that needs
// what a test cannot have says so where the reader sees it,
//   - in a block, as a comment: `# needs: a real AWS account` on its own line (it covers the
//     commands after it in the block) or after the command (it covers that command);
//   - inline, in parentheses right after the code span: `(needs: a real AWS account)`.
// Every other command is run by a test (see doc-command-checks.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What a marked command needs; nothing else is accepted as a marker. */
export const NEEDS = ['a real AWS account', 'GitHub'] as const;
export type Need = (typeof NEEDS)[number];

export interface DocCommand {
  /** Path relative to the repository root, e.g. `docs/offboarding.md`. */
  readonly file: string;
  /** 1-based line where the command starts. */
  readonly line: number;
  /** The command as a reader would type it: continuation lines joined, the trailing comment cut. */
  readonly text: string;
  /** Where it was written: in a fenced block, or inline in prose. */
  readonly kind: 'block' | 'inline';
  /** For block commands: which shell block of the file (0-based) holds it. */
  readonly block?: number;
  /** What its marker says it needs; undefined when unmarked. */
  readonly needs?: Need;
}

/** Languages whose fenced blocks hold commands to run. */
const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);

/**
 * Programs that make an inline code span a command when an argument follows (`iam-gitops invites`
 * is the CLI, `iam-gitops` alone the name of an environment), and the CI script.
 */
const PROGRAMS = ['npm', 'npx', 'node', 'tsx', 'gh', 'aws', 'git', 'cdk', 'python3', 'pip', 'iam-gitops'];
const INLINE_COMMAND = new RegExp(`^(?:${PROGRAMS.join('|')}) \\S|^\\.ci/run$`);

const MARKER = /\bneeds: ([^;)#]+?)\s*(?:[;)]|$)/;
const INLINE_MARKER = /^[.,;:]?\s*\(needs: ([^;)]+?)\s*[;)]/;

/** The markdown files whose commands are checked: README.md and docs/*.md. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), ...docs];
}

/** Every command of every checked file under `root`. */
export function commandsUnder(root: string): DocCommand[] {
  return docFiles(root).flatMap((path) => commandsIn(relative(root, path), readFileSync(path, 'utf8')));
}

function toNeed(text: string | undefined, where: string): Need | undefined {
  if (text === undefined) return undefined;
  const need = NEEDS.find((known) => known === text.trim());
  if (need === undefined)
    throw new Error(
      `${where}: marker "needs: ${text.trim()}" is none of: ${NEEDS.map((n) => `"${n}"`).join(', ')}`,
    );
  return need;
}

/** The index of a comment (`#` after whitespace, outside quotes), or -1. */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      return i;
    }
  }
  return -1;
}

function blockCommands(file: string, lines: string[], firstLine: number, language: string, block: number) {
  const commands: DocCommand[] = [];
  let blockNeed: Need | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = firstLine + i;
    let raw = lines[i] ?? '';
    if (language === 'console') {
      // Only `$ ` lines are commands; the rest is what they print.
      if (!raw.startsWith('$ ')) continue;
      raw = raw.slice(2);
    }
    const hash = commentStart(raw);
    const comment = hash === -1 ? undefined : raw.slice(hash + 1);
    let text = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    const need = toNeed(comment === undefined ? undefined : MARKER.exec(comment)?.[1], `${file}:${line}`);
    if (text === '') {
      // A comment line: a marker here covers the rest of the block.
      if (need !== undefined) blockNeed = need;
      continue;
    }
    while (text.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? '';
      const nextHash = commentStart(next);
      text = `${text.slice(0, -1).trimEnd()} ${(nextHash === -1 ? next : next.slice(0, nextHash)).trim()}`;
    }
    const marked = need ?? blockNeed;
    commands.push({ file, line, text, kind: 'block', block, ...(marked ? { needs: marked } : {}) });
  }
  return commands;
}

/** The code spans of a stretch of prose, with their line and the text that follows each. */
function inlineCommands(file: string, prose: string, firstLine: number): DocCommand[] {
  const commands: DocCommand[] = [];
  const span = /(`+)([\s\S]+?)\1/g;
  for (let match = span.exec(prose); match !== null; match = span.exec(prose)) {
    const text = (match[2] ?? '').replace(/\s+/g, ' ').trim();
    if (!INLINE_COMMAND.test(text)) continue;
    const line = firstLine + (prose.slice(0, match.index).match(/\n/g)?.length ?? 0);
    const after = prose.slice(span.lastIndex).replace(/\s+/g, ' ');
    const need = toNeed(INLINE_MARKER.exec(after)?.[1], `${file}:${line}`);
    commands.push({ file, line, text, kind: 'inline', ...(need ? { needs: need } : {}) });
  }
  return commands;
}

/** Every command in one markdown text; `file` only names where they were found. */
export function commandsIn(file: string, markdown: string): DocCommand[] {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  let prose: string[] = [];
  let proseStart = 1;
  let shellBlocks = 0;
  const flushProse = () => {
    commands.push(...inlineCommands(file, prose.join('\n'), proseStart));
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] ?? '');
    if (fence === null) {
      if (prose.length === 0) proseStart = i + 1;
      prose.push(lines[i] ?? '');
      continue;
    }
    flushProse();
    const [, , marker = '```', language = ''] = fence;
    const body: string[] = [];
    const start = i + 2;
    for (i++; i < lines.length && !(lines[i] ?? '').trim().startsWith(marker); i++) body.push(lines[i] ?? '');
    if (SHELL_LANGUAGES.has(language))
      commands.push(...blockCommands(file, body, start, language, shellBlocks++));
  }
  flushProse();
  return commands;
}
