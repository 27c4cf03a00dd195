// A many-accounts run for people and machines: one Markdown report (a table of accounts, then a
// section per account) cut to fit a PR comment account by account, and one JSON document with
// each account's own JSON and outcome. What an account's value means (a plan, an apply result,
// a drift report) is the caller's: it passes the renderers in.
import { COMMENT_MAX_CHARS, type Measure, truncateMarkdown } from '../github/truncate.js';
import { escapeCell } from '../plan/markdown.js';
import { type AccountResult, failedAccounts } from './run-accounts.js';
import type { TargetAccount } from './target-accounts.js';

/** What the table of accounts says about one account; the caller fills it from its Plan. */
export interface AccountCounts {
  readonly creates: number;
  /** Updates, adoptions and restores: users who exist and change. */
  readonly updates: number;
  readonly offboards: number;
  /** Plan errors (missing group, removal guard, ...): the account is planned but will not apply. */
  readonly errors: number;
}

/**
 * How one account's value is reported: its counts, its Markdown section, its JSON. Without
 * `counts` (a re-send, stale invitations: nothing is planned) the table shows each account's status only.
 */
export interface AccountReport<T> {
  readonly counts?: ((value: T) => AccountCounts) | undefined;
  readonly markdown: (value: T, account: TargetAccount) => string;
  readonly json: (value: T, account: TargetAccount) => Record<string, unknown>;
}

/**
 * Room left for planCommentBody's marker and footer (commit, run link) when the report is the
 * body of the sticky PR comment: they take well under this.
 */
export const ACCOUNTS_COMMENT_RESERVE = 1_000;

export interface AccountsMarkdownOptions {
  /** The report's first line, e.g. ``## iam-gitops plan for `acme/iam-users` ``. */
  readonly title: string;
  /** Largest report in `measure` units. Default COMMENT_MAX_CHARS - ACCOUNTS_COMMENT_RESERVE. */
  readonly limit?: number;
  /** `chars` for a comment (default), `bytes` for the job summary. */
  readonly measure?: Measure;
  /** Where the whole report is, in Markdown: `[job summary](https://...)`. Default `job summary`. */
  readonly fullReport?: string;
}

/** A failure message in the table is cut to this; the account's section has all of it. */
export const ROW_MESSAGE_MAX = 160;
/** A section cut to less than this much of its own text is replaced by a note alone. */
const MIN_SHOWN = 200;

function sizeOf(text: string, measure: Measure): number {
  return measure === 'chars' ? text.length : Buffer.byteLength(text, 'utf8');
}

const code = (text: string) => `\`${escapeCell(text)}\``;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function sum(counts: readonly AccountCounts[]): AccountCounts {
  return counts.reduce(
    (total, c) => ({
      creates: total.creates + c.creates,
      updates: total.updates + c.updates,
      offboards: total.offboards + c.offboards,
      errors: total.errors + c.errors,
    }),
    { creates: 0, updates: 0, offboards: 0, errors: 0 },
  );
}

function row(first: string, id: string, c: AccountCounts, status: string): string {
  return `| ${first} | ${id} | ${c.creates} | ${c.updates} | ${c.offboards} | ${c.errors} | ${status} |`;
}

function statusTable<T>(results: readonly AccountResult<T>[]): string[] {
  const lines = ['| Account | Id | Status |', '|---|---|---|'];
  for (const result of results) {
    const { name, id } = result.account;
    const status =
      result.outcome === 'failed'
        ? `❌ failed: ${escapeCell(oneLine(result.message, ROW_MESSAGE_MAX))}`
        : '✅';
    lines.push(`| ${code(name)} | ${id} | ${status} |`);
  }
  return lines;
}

function table<T>(results: readonly AccountResult<T>[], counts: AccountReport<T>['counts']): string[] {
  if (counts === undefined) return statusTable(results);
  const lines = [
    '| Account | Id | Creates | Updates | Offboards | Errors | Status |',
    '|---|---|--:|--:|--:|--:|---|',
  ];
  const ok: AccountCounts[] = [];
  for (const result of results) {
    const { name, id } = result.account;
    if (result.outcome === 'failed') {
      lines.push(
        `| ${code(name)} | ${id} | – | – | – | – | ❌ failed: ${escapeCell(oneLine(result.message, ROW_MESSAGE_MAX))} |`,
      );
      continue;
    }
    const c = counts(result.value);
    ok.push(c);
    lines.push(row(code(name), id, c, c.errors > 0 ? `⚠️ ${plural(c.errors, 'error')}` : '✅'));
  }
  if (results.length > 1) lines.push(row('**all**', '', sum(ok), ''));
  return lines;
}

function verdict<T>(results: readonly AccountResult<T>[]): string {
  const failed = failedAccounts(results);
  if (failed.length === 0) return `${plural(results.length, 'account')}, none failed.`;
  return (
    `**${failed.length} of ${plural(results.length, 'account')} failed**: ` +
    `${failed.map((f) => code(f.account.name)).join(', ')}. ` +
    'The other accounts are unaffected; a failed account is retried by the next run.'
  );
}

function heading(result: AccountResult<unknown>): string {
  const { name, id } = result.account;
  return `\n### Account ${code(name)} (${id})${result.outcome === 'failed' ? ' ❌ failed' : ''}\n\n`;
}

/** A fenced block that the text cannot close early. */
function fenced(text: string): string {
  return `\`\`\`text\n${text.replace(/```/g, "'''")}\n\`\`\``;
}

function body<T>(result: AccountResult<T>, markdown: AccountReport<T>['markdown']): string {
  const text = result.outcome === 'ok' ? markdown(result.value, result.account) : fenced(result.message);
  return `${text.trimEnd()}\n`;
}

/** Open fenced code blocks and `<details>` at the end of a cut, closed so the next heading renders. */
function closers(head: string): string {
  let fence: string | undefined;
  for (const line of head.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker === undefined) continue;
    if (fence === undefined) fence = marker;
    else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
  }
  const openDetails = (head.match(/<details[\s>]/g)?.length ?? 0) - (head.match(/<\/details>/g)?.length ?? 0);
  return `${fence !== undefined ? `\n${fence}` : ''}${'\n</details>'.repeat(Math.max(0, openDetails))}`;
}

/**
 * `text` (an account's section) in at most `room`: whole, or its start with a note saying how
 * much is shown and where the rest is, or the note alone when too little of it would fit.
 */
function fitSection(
  text: string,
  room: number,
  name: string,
  options: Required<Pick<AccountsMarkdownOptions, 'measure' | 'fullReport'>>,
): string {
  const { measure, fullReport } = options;
  if (sizeOf(text, measure) <= room) return text;
  const unit = measure === 'chars' ? 'characters' : 'bytes';
  const omitted = omittedNote(name, fullReport);
  let note = '';
  const makeNote = ({ kept, total }: { readonly kept: number; readonly total: number }) => {
    note = `> [!NOTE]\n> Account ${code(name)}: ${kept} of ${total} ${unit} of its section are shown here; the whole section is in the ${fullReport}.`;
    return note;
  };
  // Keep room for the final newline and for closing what the cut leaves open.
  const reserve = 1 + 16;
  const cut = truncateMarkdown(text.trimEnd(), room - reserve, makeNote, measure);
  if (note === '') return omitted;
  const head = cut.slice(0, cut.length - note.length - 2);
  if (sizeOf(head, measure) < MIN_SHOWN) return omitted;
  const fitted = `${head}${closers(head)}\n\n${note}\n`;
  return sizeOf(fitted, measure) <= room ? fitted : omitted;
}

function omittedNote(name: string, fullReport: string): string {
  return `> [!NOTE]\n> Account ${code(name)}: its section is too long for here; it is in the ${fullReport}.\n`;
}

/**
 * Shares of `room` for texts of sizes `needs`, each at least `floors[i]` (floors sum to at most
 * `room`): small texts whole, the rest of the room split evenly among the large ones.
 */
export function shareRoom(needs: readonly number[], floors: readonly number[], room: number): number[] {
  const shares = needs.map((need, i) => Math.min(need, floors[i] ?? 0));
  let left = room - shares.reduce((a, b) => a + b, 0);
  const order = needs
    .map((_, i) => i)
    .sort((a, b) => (needs[a] ?? 0) - (shares[a] ?? 0) - ((needs[b] ?? 0) - (shares[b] ?? 0)));
  order.forEach((i, position) => {
    const want = (needs[i] ?? 0) - (shares[i] ?? 0);
    const even = Math.floor(left / (order.length - position));
    const give = Math.max(0, Math.min(want, even));
    shares[i] = (shares[i] ?? 0) + give;
    left -= give;
  });
  return shares;
}

/**
 * The report: `title`, the table of accounts (every account a row, failed ones marked), a verdict
 * line, then a section per account under its own heading. When it is too large for `limit`, only
 * sections are cut, the largest first and each by itself, so no account loses its row or heading
 * to another's size. (Past a few hundred accounts even rows and headings cannot fit a comment:
 * the whole report is then cut at the limit.)
 */
export function renderAccountsMarkdown<T>(
  results: readonly AccountResult<T>[],
  report: Pick<AccountReport<T>, 'counts' | 'markdown'>,
  options: AccountsMarkdownOptions,
): string {
  const measure = options.measure ?? 'chars';
  const fullReport = options.fullReport ?? 'job summary';
  const limit = options.limit ?? COMMENT_MAX_CHARS - ACCOUNTS_COMMENT_RESERVE;
  const head = [options.title, '', ...table(results, report.counts), '', verdict(results), ''].join('\n');
  const headings = results.map(heading);
  const bodies = results.map((result) => body(result, report.markdown));
  const whole = head + results.map((_, i) => `${headings[i]}${bodies[i]}`).join('');
  if (sizeOf(whole, measure) <= limit) return whole;

  const fixed = sizeOf(head, measure) + headings.reduce((total, h) => total + sizeOf(h, measure), 0);
  const floors = results.map((result) => sizeOf(omittedNote(result.account.name, fullReport), measure));
  const room = limit - fixed;
  if (room < floors.reduce((a, b) => a + b, 0)) {
    return truncateMarkdown(
      whole,
      limit,
      ({ kept, total }) =>
        `> [!NOTE]\n> Too many accounts for one comment: ${kept} of ${total} shown; the whole report is in the ${fullReport}.`,
      measure,
    );
  }
  const shares = shareRoom(
    bodies.map((b) => sizeOf(b, measure)),
    floors,
    room,
  );
  return (
    head +
    results
      .map((result, i) =>
        fitSection(bodies[i] ?? '', shares[i] ?? 0, result.account.name, { measure, fullReport }),
      )
      .map((section, i) => `${headings[i]}${section}`)
      .join('')
  );
}

/** Version of the many-accounts JSON document (the `plan-json` output with `accounts:`). */
export const ACCOUNTS_JSON_VERSION = 1;

/**
 * `{ version, summary, accounts: { <name>: { accountId, outcome: 'ok', ...json } |
 * { accountId, outcome: 'failed', error } } }`, accounts in the configuration's order.
 */
export function accountsToJson<T>(
  results: readonly AccountResult<T>[],
  report: Pick<AccountReport<T>, 'counts' | 'json'>,
): Record<string, unknown> {
  const { counts } = report;
  const ok = results.flatMap((result) =>
    result.outcome === 'ok' && counts !== undefined ? [counts(result.value)] : [],
  );
  return {
    version: ACCOUNTS_JSON_VERSION,
    summary: {
      accounts: results.length,
      failed: failedAccounts(results).map((f) => f.account.name),
      ...(counts !== undefined ? sum(ok) : {}),
    },
    accounts: Object.fromEntries(
      results.map((result) => [
        result.account.name,
        result.outcome === 'ok'
          ? { accountId: result.account.id, outcome: 'ok', ...report.json(result.value, result.account) }
          : { accountId: result.account.id, outcome: 'failed', error: result.message },
      ]),
    ),
  };
}

export function renderAccountsJson<T>(
  results: readonly AccountResult<T>[],
  report: Pick<AccountReport<T>, 'counts' | 'json'>,
): string {
  return `${JSON.stringify(accountsToJson(results, report), null, 2)}\n`;
}
