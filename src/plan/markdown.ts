// The Markdown pieces every report is built from (the plan, apply, drift, stale invitations,
// roster errors): one definition each, so a cell that breaks a table or a word in the wrong
// number is fixed once.

/** Escapes what would break a table cell or inline code: `\`, `|`, backticks, line breaks. */
export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'")
    .replace(/[\r\n]+/g, ' ');
}

/** Inline code, safe inside a table cell. */
export function code(text: string): string {
  return `\`${escapeCell(text)}\``;
}

/** `1 change`, `2 changes`; `plural` for words that do not just take an `s`. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/**
 * A GitHub alert block (`> [!WARNING]`), which GitHub renders as a coloured box: for what a
 * reviewer must not miss. Every line of `lines` is quoted.
 */
export function alert(kind: 'NOTE' | 'WARNING' | 'CAUTION', lines: readonly string[]): string {
  return [`> [!${kind}]`, ...lines.map((line) => (line === '' ? '>' : `> ${line}`))].join('\n');
}
