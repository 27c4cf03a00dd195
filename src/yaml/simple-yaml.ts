// The fast path for the files a roster is made of. A user file is a handful of `key: value`
// lines; the `yaml` library spends about 40 µs on each (its lexer, CST and document model), which
// at 5,000 files was most of a plan's own time. This reader understands only the plain shape such
// files have and answers `undefined` for anything else, so the caller falls back to the library:
// what it accepts it reads exactly as the library does (same values, same line and column for
// every key, value and list item; a test compares the two over generated files), and everything
// else (anchors, tags, block scalars, multi-line values, numbers, null, errors of any kind) is
// left to the library, which also words every error message.
//
// The shape: printable ASCII lines; an optional leading `---`; comments and blank lines anywhere;
// at the left margin `key: value`, where value is a plain or quoted one-line scalar, a flow list
// `[a, b]` or flow map `{ k: v }` of such scalars, or, on the following lines, a block list of
// such scalars (`- item`, indented or not) or an indented block map whose values are of any of
// these kinds again (as `iam-gitops.yaml` has: `guardrails:` holding lists).
import type { SourcePosition } from '../roster/roster-issue.js';

export interface SimpleYaml {
  /** The document as plain data, as `Document.toJS()` would give it. */
  readonly data: Record<string, unknown>;
  /** The same entries, in the same order, as the library-based path records. */
  readonly positions: Map<string, SourcePosition>;
}

/** Anything outside printable ASCII and the newline (tabs, CR, BOM, non-ASCII) goes to the library. */
const OUTSIDE_SUBSET = /[^\n\x20-\x7e]/;
/** A key: starts with a letter or underscore; `:` may appear inside when a key character follows. */
const KEY_CHAR = /[A-Za-z0-9_.\-/+=@]/;
const KEY = /^[A-Za-z_](?:[A-Za-z0-9_.\-/+=@]|:(?=[A-Za-z0-9_.\-/+=@]))*/;
/** YAML allows implicit keys up to 1,024 characters; far fewer keep us clear of that rule. */
const MAX_KEY_LENGTH = 256;
/** A plain scalar may start with these; indicators (`-?:,[]{}#&*!|>'"%@` and backquote) may not. */
const PLAIN_FIRST = /[A-Za-z0-9_./+=$]/;

// The YAML 1.2 core schema's resolution of plain scalars, as the `yaml` library defines it.
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_NUMBER = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** Thrown inside the reader when the text leaves the subset; never escapes `parseSimpleYaml`. */
class OutsideSubset extends Error {}
const outside = (): never => {
  throw new OutsideSubset();
};

interface Scalar {
  readonly value: string | boolean;
  /** 0-based column where the scalar starts (its opening quote, if quoted). */
  readonly column: number;
}

/** A plain scalar's value: a string or boolean as the core schema resolves it; null and numbers are left out. */
function resolvePlain(text: string): string | boolean {
  if (CORE_BOOL.test(text)) return text.charCodeAt(0) === 0x74 || text.charCodeAt(0) === 0x54;
  if (CORE_NULL.test(text) || CORE_NUMBER.some((pattern) => pattern.test(text))) outside();
  return text;
}

/** The rest of a line after a value: nothing, or a comment after at least one space. */
function expectLineEnd(line: string, from: number): void {
  let at = from;
  while (line.charCodeAt(at) === 0x20) at++;
  if (at === line.length) return;
  if (line.charCodeAt(at) === 0x23 /* # */ && at > from) return;
  outside();
}

/** A one-line quoted scalar starting at `start` (a `'` or `"`); returns it and where it ends. */
function readQuoted(line: string, start: number): { readonly value: string; readonly end: number } {
  const quote = line[start];
  let value = '';
  let at = start + 1;
  for (;;) {
    const close = line.indexOf(quote as string, at);
    if (close < 0) outside();
    value += line.slice(at, close);
    // In single quotes, '' stands for one quote; double quotes with escapes go to the library.
    if (quote === "'" && line[close + 1] === "'") {
      value += "'";
      at = close + 2;
      continue;
    }
    if (quote === '"' && value.includes('\\')) outside();
    return { value, end: close + 1 };
  }
}

/** A scalar in block context, from `start` to the end of the line (or a comment). */
function readBlockScalar(line: string, start: number): Scalar {
  const first = line[start] ?? '';
  if (first === "'" || first === '"') {
    const quoted = readQuoted(line, start);
    expectLineEnd(line, quoted.end);
    return { value: quoted.value, column: start };
  }
  if (!PLAIN_FIRST.test(first)) outside();
  const comment = line.indexOf(' #', start);
  const text = (comment < 0 ? line.slice(start) : line.slice(start, comment)).trimEnd();
  // `: ` inside, or a trailing `:`, would make it a mapping; flow indicators are the library's.
  if (text.includes(': ') || text.endsWith(':') || /[[\]{}]/.test(text)) outside();
  return { value: resolvePlain(text), column: start };
}

/** A scalar inside `[...]` or `{...}`: ends at `,`, `]` or `}`; returns it and where it ends. */
function readFlowScalar(line: string, start: number): Scalar & { readonly end: number } {
  const first = line[start] ?? '';
  if (first === "'" || first === '"') {
    const quoted = readQuoted(line, start);
    return { value: quoted.value, column: start, end: quoted.end };
  }
  if (!PLAIN_FIRST.test(first)) outside();
  let end = start;
  for (; end < line.length; end++) {
    const char = line[end];
    if (char === ',' || char === ']' || char === '}') break;
    if (char === '#' || char === '[' || char === '{') outside();
    // `:` belongs to a plain scalar only when a character other than a space or indicator follows.
    if (char === ':' && !KEY_CHAR.test(line[end + 1] ?? ' ') && line[end + 1] !== ':') outside();
  }
  const text = line.slice(start, end).trimEnd();
  return { value: resolvePlain(text), column: start, end: start + text.length };
}

function skipSpaces(line: string, from: number): number {
  let at = from;
  while (line.charCodeAt(at) === 0x20) at++;
  return at;
}

/** A key at `start`, which must be followed by `:` and a space or the end of the line. */
function readKey(line: string, start: number): { readonly key: string; readonly afterColon: number } {
  const match = KEY.exec(line.slice(start));
  const key = match?.[0];
  if (key === undefined || key.length > MAX_KEY_LENGTH) return outside();
  const colon = start + key.length;
  if (line[colon] !== ':' || (colon + 1 < line.length && line[colon + 1] !== ' ')) outside();
  if (key === '__proto__' || CORE_BOOL.test(key) || CORE_NULL.test(key)) outside();
  return { key, afterColon: colon + 1 };
}

/**
 * Builds the data and, when given a map, the positions while reading, in the order the
 * library-based path records them. Without a map no position (nor its key) is even computed:
 * `this.positions?.set(...)` skips evaluating its arguments.
 */
class Reader {
  private readonly lines: string[];
  /** Index of the next line to read. */
  private next = 0;

  constructor(
    text: string,
    readonly positions: Map<string, SourcePosition> | undefined,
  ) {
    this.lines = text.split('\n');
  }

  private at(line: number, column: number): SourcePosition {
    return { line: line + 1, column: column + 1 };
  }

  /** The next line holding content (not blank, not a comment), without consuming it. */
  private peek(): { readonly index: number; readonly indent: number } | undefined {
    for (let index = this.next; index < this.lines.length; index++) {
      const line = this.lines[index] as string;
      const indent = skipSpaces(line, 0);
      if (indent === line.length || line[indent] === '#') continue;
      return { index, indent };
    }
    return undefined;
  }

  /**
   * The document: a block map at the margin, after an optional `---`. Nothing else is read here:
   * an empty document (null) is the library's, and document markers, directives and a value at the
   * top are not keys, so the map leaves them to the library too.
   */
  document(): Record<string, unknown> {
    const first = this.peek();
    if (first !== undefined && this.lines[first.index] === '---') this.next = first.index + 1;
    if (this.peek() === undefined) return outside();
    return this.blockMap('', 0);
  }

  /** A value on the key's own line: a scalar, `[...]` or `{...}`. */
  private inlineValue(path: string, index: number, line: string, start: number): unknown {
    const first = line[start];
    if (first === '[') return this.flowList(path, index, line, start);
    if (first === '{') return this.flowMap(path, index, line, start);
    const scalar = readBlockScalar(line, start);
    this.positions?.set(path, this.at(index, scalar.column));
    return scalar.value;
  }

  private flowList(path: string, index: number, line: string, open: number): unknown[] {
    this.positions?.set(path, this.at(index, open));
    const items: unknown[] = [];
    let at = skipSpaces(line, open + 1);
    if (line[at] !== ']') {
      for (;;) {
        const item = readFlowScalar(line, at);
        this.positions?.set(`${path}.${items.length}`, this.at(index, item.column));
        items.push(item.value);
        at = skipSpaces(line, item.end);
        if (line[at] === ']') break;
        if (line[at] !== ',') outside();
        at = skipSpaces(line, at + 1);
        // A trailing comma, an empty item: the library's to judge.
        if (line[at] === ']' || line[at] === ',') outside();
      }
    }
    expectLineEnd(line, at + 1);
    return items;
  }

  private flowMap(path: string, index: number, line: string, open: number): Record<string, unknown> {
    this.positions?.set(path, this.at(index, open));
    const map: Record<string, unknown> = {};
    let at = skipSpaces(line, open + 1);
    if (line[at] !== '}') {
      for (;;) {
        const { key, afterColon } = readKey(line, at);
        if (line[afterColon] !== ' ' || Object.hasOwn(map, key)) outside();
        this.positions?.set(`${path}.${key}#key`, this.at(index, at));
        const value = readFlowScalar(line, skipSpaces(line, afterColon));
        this.positions?.set(`${path}.${key}`, this.at(index, value.column));
        map[key] = value.value;
        at = skipSpaces(line, value.end);
        if (line[at] === '}') break;
        if (line[at] !== ',') outside();
        at = skipSpaces(line, at + 1);
        if (line[at] === '}' || line[at] === ',') outside();
      }
    }
    expectLineEnd(line, at + 1);
    return map;
  }

  /**
   * A value on the lines after its key (the key at `keyIndent`): a block list, at the key's own
   * indentation or deeper, or a block map indented under the key.
   */
  private blockValue(path: string, keyIndent: number): unknown {
    const first = this.peek();
    if (first === undefined) return outside();
    const line = this.lines[first.index] as string;
    if (line[first.indent] === '-' && first.indent >= keyIndent)
      return this.blockList(path, first.indent, keyIndent);
    // An empty value (null) is the library's; so is anything not indented under its key.
    if (first.indent <= keyIndent) return outside();
    return this.blockMap(path, first.indent);
  }

  /** Items at `indent`, up to a line indented less (or, at the key's own indentation, the next key). */
  private blockList(path: string, indent: number, keyIndent: number): unknown[] {
    const items: unknown[] = [];
    for (let entry = this.peek(); entry !== undefined && entry.indent >= indent; entry = this.peek()) {
      // Deeper lines (a continued item, a nested collection) are the library's.
      if (entry.indent > indent) outside();
      if ((this.lines[entry.index] as string)[indent] !== '-') {
        // A list at its key's indentation (`key:` then `- a` under the `k`) ends at the next key.
        if (indent === keyIndent) break;
        outside();
      }
      this.readListItem(path, items, entry.index, indent);
    }
    return items;
  }

  private readListItem(path: string, items: unknown[], index: number, indent: number): void {
    const line = this.lines[index] as string;
    if (line[indent] !== '-' || line[indent + 1] !== ' ') outside();
    if (items.length === 0) this.positions?.set(path, this.at(index, indent));
    this.next = index + 1;
    const scalar = readBlockScalar(line, skipSpaces(line, indent + 1));
    this.positions?.set(`${path}.${items.length}`, this.at(index, scalar.column));
    items.push(scalar.value);
  }

  /** Keys at `indent`, up to a line indented less; each value inline or on the lines after it. */
  private blockMap(path: string, indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let entry = this.peek(); entry !== undefined && entry.indent >= indent; entry = this.peek()) {
      if (entry.indent > indent) outside();
      const line = this.lines[entry.index] as string;
      this.next = entry.index + 1;
      const { key, afterColon } = readKey(line, indent);
      if (Object.hasOwn(map, key)) outside();
      if (Object.keys(map).length === 0) this.positions?.set(path, this.at(entry.index, indent));
      const child = path === '' ? key : `${path}.${key}`;
      this.positions?.set(`${child}#key`, this.at(entry.index, indent));
      const valueStart = skipSpaces(line, afterColon);
      map[key] =
        valueStart === line.length || line[valueStart] === '#'
          ? this.blockValue(child, indent)
          : this.inlineValue(child, entry.index, line, valueStart);
    }
    return map;
  }
}

function read(text: string, positions: Map<string, SourcePosition> | undefined) {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  try {
    return new Reader(text, positions).document();
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

/**
 * The document and the position of every field, or `undefined` when the text uses anything this
 * reader does not cover; the caller then parses it with the `yaml` library.
 */
export function parseSimpleYaml(text: string): SimpleYaml | undefined {
  const positions = new Map<string, SourcePosition>();
  const data = read(text, positions);
  return data === undefined ? undefined : { data, positions };
}

/**
 * The document alone, as `parseSimpleYaml` reads it, without recording positions: the common case
 * (a valid file) never needs them, and at 5,000 files they were most of the roster's memory.
 */
export function readSimpleYamlData(text: string): Record<string, unknown> | undefined {
  return read(text, undefined);
}
