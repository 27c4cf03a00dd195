// Markdown cut to a size GitHub accepts, at a line boundary, with a note saying where the rest is.

/** GitHub refuses an issue or pull request comment longer than this many characters. */
export const COMMENT_MAX_CHARS = 65_536;
/** GitHub refuses a step's job summary larger than 1 MiB. */
export const SUMMARY_MAX_BYTES = 1024 * 1024;
/** A step output may hold at most 1 MB. */
export const OUTPUT_MAX_BYTES = 1024 * 1024;

export type Measure = 'chars' | 'bytes';

function sizeOf(text: string, measure: Measure): number {
  return measure === 'chars' ? text.length : Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` no larger than `budget`, never splitting a character. */
function prefix(text: string, budget: number, measure: Measure): string {
  if (budget <= 0) return '';
  if (measure === 'chars') {
    const head = text.slice(0, budget);
    // Do not leave half of a surrogate pair at the end.
    return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
  }
  const bytes = Buffer.from(text, 'utf8').subarray(0, budget);
  // A multi-byte character cut in two decodes to U+FFFD at the end: drop it.
  return bytes.toString('utf8').replace(/\uFFFD+$/, '');
}

/**
 * `text` unchanged when it fits in `limit`; otherwise whole lines from its start, a blank line (so
 * a table ends) and `note`, all together within `limit`. `note` receives the share of `text` shown.
 */
export function truncateMarkdown(
  text: string,
  limit: number,
  note: (shown: { readonly kept: number; readonly total: number }) => string,
  measure: Measure = 'chars',
): string {
  const total = sizeOf(text, measure);
  if (total <= limit) return text;
  // The note's length depends on the numbers in it; measure it with the largest they can be.
  const longestNote = note({ kept: total, total });
  const budget = limit - sizeOf(longestNote, measure) - 2;
  let head = prefix(text, budget, measure);
  const lastLine = head.lastIndexOf('\n');
  if (lastLine > 0) head = head.slice(0, lastLine);
  const kept = sizeOf(head, measure);
  return `${head}\n\n${note({ kept, total })}`;
}
