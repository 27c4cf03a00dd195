// A problem found in a roster file, with the exact place it is at.

export interface SourcePosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface RosterIssue extends SourcePosition {
  /** Path as the user sees it: the users directory joined with the file name (e.g. users/alice.yaml). */
  readonly file: string;
  /** Dotted field path (`groups.2`, `tags.team`), or empty for the file as a whole. */
  readonly field: string;
  readonly message: string;
}

/** `FILE:LINE:COL: field: message`, the format compilers use, so editors and terminals link it. */
export function formatIssue(issue: RosterIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.field === '' ? `${where}: ${issue.message}` : `${where}: ${issue.field}: ${issue.message}`;
}

export function compareIssues(a: RosterIssue, b: RosterIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}
