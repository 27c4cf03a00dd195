// Parses one small YAML file (a roster file, the repository configuration) against a zod schema,
// keeping the source position of every field, so that any finding about it, now or later (a
// schema error here, a missing group in the plan), can point at its line and column.
import { type Document, isMap, isPair, isScalar, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { RosterIssue, SourcePosition } from '../roster/roster-issue.js';
import type * as z from '../util/zod.js';
import { LazyFieldPositions } from './lazy-field-positions.js';
import { parseSimpleYaml, readSimpleYamlData } from './simple-yaml.js';

/** Anchors and aliases have no use in a user file; a few are tolerated, an expansion bomb is not. */
const MAX_ALIASES = 10;

/** Dotted field path -> where its value starts. Keys of maps are recorded as `<path>#key`. */
export type FieldPositions = ReadonlyMap<string, SourcePosition>;

const START: SourcePosition = { line: 1, column: 1 };

function collectPositions(
  node: unknown,
  path: string,
  lineCounter: LineCounter,
  into: Map<string, SourcePosition>,
): void {
  const at = (offset: number | undefined): SourcePosition => {
    if (offset === undefined) return START;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const range = (node as Node | null)?.range;
  if (range) into.set(path, at(range[0]));
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const child = path === '' ? String(pair.key.value) : `${path}.${String(pair.key.value)}`;
      into.set(`${child}#key`, at(pair.key.range?.[0]));
      collectPositions(pair.value, child, lineCounter, into);
    }
  } else if (
    node &&
    typeof node === 'object' &&
    'items' in node &&
    Array.isArray((node as { items: unknown[] }).items)
  ) {
    (node as { items: unknown[] }).items.forEach((item, index) => {
      collectPositions(item, path === '' ? String(index) : `${path}.${index}`, lineCounter, into);
    });
  }
}

/** The best place for a finding about `path`: the key for key problems, else the value, else its parent. */
export function positionFor(positions: FieldPositions, path: string, preferKey = false): SourcePosition {
  if (preferKey) {
    const key = positions.get(`${path}#key`);
    if (key) return key;
  }
  let probe = path;
  for (;;) {
    const found = positions.get(probe) ?? positions.get(`${probe}#key`);
    if (found) return found;
    if (probe === '') return START;
    const cut = probe.lastIndexOf('.');
    probe = cut < 0 ? '' : probe.slice(0, cut);
  }
}

export function issuesFromSchema(
  error: z.core.$ZodError,
  file: string,
  positions: FieldPositions,
): RosterIssue[] {
  const issues: RosterIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = path === '' ? key : `${path}.${key}`;
        issues.push({
          file,
          field,
          ...positionFor(positions, field, true),
          message: 'unknown field (check the spelling)',
        });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      const messages = issue.issues.map((inner) => inner.message);
      issues.push({ file, field: path, ...positionFor(positions, path, true), message: messages.join('; ') });
      continue;
    }
    const message = issue.code === 'invalid_type' ? describeTypeIssue(issue) : issue.message;
    issues.push({ file, field: path, ...positionFor(positions, path), message });
  }
  return issues;
}

function describeTypeIssue(issue: z.core.$ZodIssueInvalidType): string {
  if (issue.input === undefined) return `is required (a ${issue.expected})`;
  const received =
    issue.input === null
      ? 'null'
      : Array.isArray(issue.input)
        ? 'a list'
        : typeof issue.input === 'object'
          ? 'a map'
          : typeof issue.input;
  return `must be a ${issue.expected === 'array' ? 'list' : issue.expected === 'record' ? 'map' : issue.expected}, not ${received}`;
}

export interface LocatedYaml<T> {
  /** The schema's output, when the file is valid. */
  readonly value: T | undefined;
  /** The file as plain data, when it is a well-formed map (valid or not), for cross-file checks. */
  readonly data: Record<string, unknown> | undefined;
  readonly positions: FieldPositions;
  readonly issues: RosterIssue[];
}

export interface LocatedYamlOptions {
  /** What the file should hold, for the message when it holds something else: "one user". */
  readonly describes: string;
  /** Its fields, for the same message: "name, email, groups, ...". */
  readonly fieldsHint: string;
  /** What a second document should be instead: "use one file per user". */
  readonly oneDocumentHint: string;
}

/** A document read into plain data and the position of every field, or the issues that stopped it. */
export interface LocatedDocument {
  /** The file as plain data, when it is a well-formed map. */
  readonly data: Record<string, unknown> | undefined;
  readonly positions: FieldPositions;
  /** Non-empty when the text is not one YAML map (syntax, several documents, a list, an alias bomb). */
  readonly issues: RosterIssue[];
}

/**
 * Parses `text` (named `file` in messages) against `schema`. Files in the plain shape roster files
 * have are read by the fast reader (`simple-yaml.ts`), whose positions are worked out only when
 * something asks for one; anything else, and every error, by the `yaml` library. Both give the
 * same data and positions (a test compares them), so no caller can tell which one ran.
 */
export function parseLocatedYaml<S extends z.ZodMiniType>(
  file: string,
  text: string,
  schema: S,
  options: LocatedYamlOptions,
): LocatedYaml<z.output<S>> {
  const plain = readSimpleYamlData(text);
  const { data, positions, issues }: LocatedDocument =
    plain === undefined
      ? readWithLibrary(file, text, options)
      : {
          data: plain,
          positions: new LazyFieldPositions(
            () => parseSimpleYaml(text)?.positions ?? readWithLibrary(file, text, options).positions,
          ),
          issues: [],
        };
  if (data === undefined || issues.length > 0) return { value: undefined, data, positions, issues };
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success)
    return { value: undefined, data, positions, issues: issuesFromSchema(parsed.error, file, positions) };
  return { value: parsed.data, data, positions, issues: [] };
}

/** The `yaml` library's reading of `text`: any YAML, every syntax error with its line and column. */
export function readWithLibrary(file: string, text: string, options: LocatedYamlOptions): LocatedDocument {
  const lineCounter = new LineCounter();
  const positions = new Map<string, SourcePosition>();
  const fail = (issues: RosterIssue[]): LocatedDocument => ({ data: undefined, positions, issues });

  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: true,
    }) as Document.Parsed[];
  } catch (error) {
    return fail([{ file, field: '', ...START, message: `cannot be parsed as YAML: ${String(error)}` }]);
  }
  if (!Array.isArray(documents))
    return fail([{ file, field: '', ...START, message: 'is not a YAML document' }]);
  if (documents.length === 0)
    return fail([{ file, field: '', ...START, message: `is empty; it must describe ${options.describes}` }]);
  if (documents.length > 1) {
    const second = documents[1]?.range[0] ?? 0;
    const { line, col } = lineCounter.linePos(second);
    return fail([
      {
        file,
        field: '',
        line,
        column: col,
        message: `holds more than one YAML document; ${options.oneDocumentHint}`,
      },
    ]);
  }
  const document = documents[0] as Document.Parsed;
  if (document.errors.length > 0) {
    return fail(
      document.errors.map((error) => ({
        file,
        field: '',
        line: error.linePos?.[0].line ?? 1,
        column: error.linePos?.[0].col ?? 1,
        message: `YAML syntax: ${(error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  collectPositions(document.contents, '', lineCounter, positions);
  if (!isMap(document.contents)) {
    const kind =
      document.contents === null ? 'empty' : isScalar(document.contents) ? 'a single value' : 'a list';
    return fail([
      {
        file,
        field: '',
        ...positionFor(positions, ''),
        message: `is ${kind}; it must be a map of fields (${options.fieldsHint})`,
      },
    ]);
  }

  try {
    return {
      data: document.toJS({ maxAliasCount: MAX_ALIASES }) as Record<string, unknown>,
      positions,
      issues: [],
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail([{ file, field: '', ...START, message: `YAML aliases refused: ${message}` }]);
  }
}
