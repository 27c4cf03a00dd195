import { describe, expect, it } from 'vitest';
import {
  ACCOUNTS_COMMENT_RESERVE,
  ACCOUNTS_JSON_VERSION,
  type AccountCounts,
  type AccountReport,
  accountsToJson,
  ROW_MESSAGE_MAX,
  renderAccountsJson,
  renderAccountsMarkdown,
  shareRoom,
} from '../../../src/accounts/render-accounts.js';
import type { AccountResult } from '../../../src/accounts/run-accounts.js';
import { type TargetAccount, targetAccount } from '../../../src/accounts/target-accounts.js';
import { planCommentBody } from '../../../src/github/pr-comment.js';
import { COMMENT_MAX_CHARS } from '../../../src/github/truncate.js';

/** What the lead's runner hands over per account: counts and a section already rendered. */
interface Planned {
  readonly counts: AccountCounts;
  readonly text: string;
}

const REPORT: AccountReport<Planned> = {
  counts: (value) => value.counts,
  markdown: (value) => value.text,
  json: (value) => ({ summary: value.counts, text: value.text }),
};

const NONE: AccountCounts = { creates: 0, updates: 0, offboards: 0, errors: 0 };
const TITLE = '## iam-gitops plan for `acme/iam-users`';

function account(name: string, n: number): TargetAccount {
  return targetAccount('aws', name, { id: String(n).repeat(12) });
}

function ok(name: string, n: number, text: string, counts: AccountCounts = NONE): AccountResult<Planned> {
  return { account: account(name, n), outcome: 'ok', value: { counts, text }, durationMs: 1 };
}

function failed(name: string, n: number, message: string): AccountResult<Planned> {
  return { account: account(name, n), outcome: 'failed', error: new Error(message), message, durationMs: 1 };
}

/** A plan section of about `size` characters: a table of users, as the plan renderer writes. */
function bigSection(name: string, size: number): string {
  const lines = [`#### plan of ${name}`, '', '| | User | Changes |', '|---|---|---|'];
  let length = lines.join('\n').length;
  for (let i = 0; length < size; i++) {
    const line = `| ➕ create | \`${name}-user-${String(i).padStart(5, '0')}@example.com\` | create at \`/iam-gitops/\` with 3 tags |`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

/** Every account's table row and heading, found in `markdown`. */
function expectRowAndHeading(markdown: string, name: string, id: string): void {
  expect(markdown).toMatch(new RegExp(`^\\| \`${name}\` \\| ${id} \\|`, 'm'));
  expect(markdown).toMatch(new RegExp(`^### Account \`${name}\` \\(${id}\\)`, 'm'));
}

describe('renderAccountsMarkdown', () => {
  it('writes the table, the verdict and a section per account when everything fits', () => {
    const results = [
      ok('prod', 1, '#### prod plan\n\nNo changes: IAM matches the roster.\n'),
      ok('dev', 2, '#### dev plan\n\n2 to create', { creates: 2, updates: 1, offboards: 0, errors: 1 }),
    ];

    const markdown = renderAccountsMarkdown(results, REPORT, { title: TITLE });

    expect(markdown).toBe(
      [
        TITLE,
        '',
        '| Account | Id | Creates | Updates | Offboards | Errors | Status |',
        '|---|---|--:|--:|--:|--:|---|',
        '| `prod` | 111111111111 | 0 | 0 | 0 | 0 | ✅ |',
        '| `dev` | 222222222222 | 2 | 1 | 0 | 1 | ⚠️ 1 error |',
        '| **all** |  | 2 | 1 | 0 | 1 |  |',
        '',
        '2 accounts, none failed.',
        '',
        '### Account `prod` (111111111111)',
        '',
        '#### prod plan',
        '',
        'No changes: IAM matches the roster.',
        '',
        '### Account `dev` (222222222222)',
        '',
        '#### dev plan',
        '',
        '2 to create',
        '',
      ].join('\n'),
    );
  });

  it('marks a failed account in its row and gives its whole error in its section', () => {
    const start = 'account dev (222222222222): the hub role may not assume a|b `role` ';
    const message = `${start}${'x'.repeat(300)}`;
    const results = [ok('prod', 1, 'prod plan', { ...NONE, creates: 3 }), failed('dev', 2, message)];

    const markdown = renderAccountsMarkdown(results, REPORT, { title: TITLE });

    // Cut to ROW_MESSAGE_MAX characters with the ellipsis, then escaped for the cell.
    const shown = `${start}${'x'.repeat(ROW_MESSAGE_MAX - 1 - start.length)}…`;
    const row = markdown.split('\n').find((line) => line.startsWith('| `dev` |'));
    expect(row).toBe(
      `| \`dev\` | 222222222222 | – | – | – | – | ❌ failed: ${shown.replace('|', '\\|').replace(/`/g, "'")} |`,
    );
    expect(markdown).toContain('| **all** |  | 3 | 0 | 0 | 0 |  |');
    expect(markdown).toContain(
      '**1 of 2 accounts failed**: `dev`. The other accounts are unaffected; a failed account is retried by the next run.',
    );
    expect(markdown).toContain(
      `### Account \`dev\` (222222222222) ❌ failed\n\n\`\`\`text\n${message}\n\`\`\`\n`,
    );
  });

  it('keeps a fence in an error message from swallowing what follows', () => {
    const markdown = renderAccountsMarkdown(
      [failed('dev', 2, 'bad ``` fence'), ok('prod', 1, 'prod plan')],
      REPORT,
      { title: TITLE },
    );

    expect(markdown).toContain("```text\nbad ''' fence\n```\n\n### Account `prod`");
  });

  it('has no totals row for one account', () => {
    const markdown = renderAccountsMarkdown([ok('prod', 1, 'plan')], REPORT, { title: TITLE });

    expect(markdown).not.toContain('**all**');
    expect(markdown).toContain('1 account, none failed.');
  });

  it("cuts a huge account's section without pushing out any other account's row, heading or section", () => {
    const small = [
      '#### dev plan',
      '',
      '| | User | Changes |',
      '|---|---|---|',
      '| ✏️ update | `bo` | join `x` |',
    ].join('\n');
    const huge = bigSection('prod', 300_000);
    const results = [
      ok('prod', 1, huge, { ...NONE, creates: 3000 }),
      ok('dev', 2, small),
      failed('qa', 3, 'Throttling: Rate exceeded'),
    ];

    const markdown = renderAccountsMarkdown(results, REPORT, {
      title: TITLE,
      fullReport: '[job summary](https://github.com/acme/iam-users/actions/runs/1)',
    });

    expect(markdown.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS - ACCOUNTS_COMMENT_RESERVE);
    expect(markdown.length).toBeGreaterThan(COMMENT_MAX_CHARS - ACCOUNTS_COMMENT_RESERVE - 1_000);
    expectRowAndHeading(markdown, 'prod', '111111111111');
    expectRowAndHeading(markdown, 'dev', '222222222222');
    expectRowAndHeading(markdown, 'qa', '333333333333');
    expect(markdown).toContain(`### Account \`dev\` (222222222222)\n\n${small}\n`);
    expect(markdown).toContain('```text\nThrottling: Rate exceeded\n```');
    expect(markdown).toMatch(
      new RegExp(
        `> \\[!NOTE\\]\\n> Account \`prod\`: \\d+ of ${huge.length} characters of its section are shown here; ` +
          'the whole section is in the \\[job summary\\]\\(https://github.com/acme/iam-users/actions/runs/1\\)\\.\\n\\n### Account `dev`',
      ),
    );
  });

  it('shares the room evenly between two huge accounts, each cut by itself', () => {
    const results = [ok('prod', 1, bigSection('prod', 100_000)), ok('dev', 2, bigSection('dev', 120_000))];

    const markdown = renderAccountsMarkdown(results, REPORT, { title: TITLE, limit: 40_000 });

    expect(markdown.length).toBeLessThanOrEqual(40_000);
    const prodShown = markdown.split('### Account `dev`')[0]?.split('### Account `prod`')[1] ?? '';
    const devShown = markdown.split('### Account `dev`')[1] ?? '';
    expect(Math.abs(prodShown.length - devShown.length)).toBeLessThan(400);
    expect(prodShown).toContain(
      'characters of its section are shown here; the whole section is in the job summary.',
    );
    expect(devShown).toContain(
      'characters of its section are shown here; the whole section is in the job summary.',
    );
  });

  it('closes a code block the cut leaves open, so the next heading renders', () => {
    const fencedPlan = [
      '```diff',
      ...Array.from({ length: 3_000 }, (_, i) => `+ user-${i}@example.com`),
      '```',
    ].join('\n');
    const results = [ok('prod', 1, fencedPlan), ok('dev', 2, 'dev plan')];

    const markdown = renderAccountsMarkdown(results, REPORT, { title: TITLE, limit: 10_000 });

    expect(markdown.length).toBeLessThanOrEqual(10_000);
    const beforeDev = markdown.split('### Account `dev`')[0] ?? '';
    const fences = beforeDev.split('\n').filter((line) => line.startsWith('```'));
    expect(fences).toEqual(['```diff', '```']);
    expect(markdown.endsWith('### Account `dev` (222222222222)\n\ndev plan\n')).toBe(true);
  });

  it('closes an open <details> the cut leaves', () => {
    const details = [
      '<details><summary>users</summary>',
      '',
      ...Array.from({ length: 2_000 }, (_, i) => `- u${i}`),
      '</details>',
    ].join('\n');

    const markdown = renderAccountsMarkdown([ok('prod', 1, details), ok('dev', 2, 'dev')], REPORT, {
      title: TITLE,
      limit: 5_000,
    });

    const beforeDev = markdown.split('### Account `dev`')[0] ?? '';
    expect(beforeDev.match(/<details>/g)).toHaveLength(1);
    expect(beforeDev.match(/<\/details>/g)).toHaveLength(1);
  });

  it('replaces a section by a note alone when too little of it would show', () => {
    const results = [ok('prod', 1, bigSection('prod', 5_000)), ok('dev', 2, 'dev plan')];
    const whole = renderAccountsMarkdown(results, REPORT, { title: TITLE, limit: 100_000 });
    const limit = whole.length - 5_000 + 250;

    const markdown = renderAccountsMarkdown(results, REPORT, { title: TITLE, limit });

    expect(markdown.length).toBeLessThanOrEqual(limit);
    expect(markdown).toContain(
      '### Account `prod` (111111111111)\n\n> [!NOTE]\n> Account `prod`: its section is too long for here; it is in the job summary.\n\n### Account `dev`',
    );
  });

  it('counts bytes for the job summary, never splitting a character', () => {
    const results = [
      ok('prod', 1, bigSection('prod', 40_000).replace(/create/g, 'créé')),
      ok('dev', 2, 'dév'),
    ];

    const markdown = renderAccountsMarkdown(results, REPORT, {
      title: TITLE,
      limit: 20_000,
      measure: 'bytes',
    });

    expect(Buffer.byteLength(markdown, 'utf8')).toBeLessThanOrEqual(20_000);
    expect(markdown).not.toContain('\uFFFD');
    expect(markdown).toMatch(/Account `prod`: \d+ of \d+ bytes of its section are shown here/);
    expect(markdown.endsWith('dév\n')).toBe(true);
  });

  it('fits a sticky comment with its marker and footer, which then cuts nothing', () => {
    const results = Array.from({ length: 12 }, (_, i) =>
      ok(`acct${i}`, (i % 9) + 1, bigSection(`acct${i}`, 20_000)),
    );

    const body = planCommentBody(renderAccountsMarkdown(results, REPORT, { title: TITLE }), {
      runUrl: 'https://github.com/acme/iam-users/actions/runs/123456789012',
      commit: '0123456789abcdef0123456789abcdef01234567',
    });

    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body).not.toContain('The plan is too long for a comment');
    for (let i = 0; i < 12; i++) expectRowAndHeading(body, `acct${i}`, String((i % 9) + 1).repeat(12));
  });

  it('cuts the whole report when even the rows and headings of every account cannot fit', () => {
    const results = Array.from({ length: 500 }, (_, i) => ok(`account-${i}`, (i % 9) + 1, 'plan'));

    const markdown = renderAccountsMarkdown(results, REPORT, { title: TITLE, limit: 20_000 });

    expect(markdown.length).toBeLessThanOrEqual(20_000);
    expect(markdown).toMatch(
      /> Too many accounts for one comment: \d+ of \d+ shown; the whole report is in the job summary\.$/,
    );
  });
});

describe('shareRoom', () => {
  it('gives small texts all they need and splits the rest evenly', () => {
    expect(shareRoom([100, 5_000, 10_000], [10, 10, 10], 3_100)).toEqual([100, 1_500, 1_500]);
  });

  it('never gives less than the floor, nor more than the need', () => {
    const shares = shareRoom([50, 8_000, 9_000, 20], [60, 60, 60, 60], 300);

    expect(shares).toEqual([50, 115, 115, 20]);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300);
  });

  it('gives everyone what they need when the room is enough', () => {
    expect(shareRoom([10, 20], [5, 5], 1_000)).toEqual([10, 20]);
  });
});

describe('accountsToJson', () => {
  it("holds each account's JSON and outcome under its name, and totals", () => {
    const results = [
      ok('prod', 1, 'p', { creates: 2, updates: 1, offboards: 1, errors: 0 }),
      failed('dev', 2, 'AccessDenied: no'),
      ok('qa', 3, 'q', { creates: 1, updates: 0, offboards: 0, errors: 2 }),
    ];

    expect(accountsToJson(results, REPORT)).toEqual({
      version: ACCOUNTS_JSON_VERSION,
      summary: { accounts: 3, failed: ['dev'], creates: 3, updates: 1, offboards: 1, errors: 2 },
      accounts: {
        prod: {
          accountId: '111111111111',
          outcome: 'ok',
          summary: { creates: 2, updates: 1, offboards: 1, errors: 0 },
          text: 'p',
        },
        dev: { accountId: '222222222222', outcome: 'failed', error: 'AccessDenied: no' },
        qa: {
          accountId: '333333333333',
          outcome: 'ok',
          summary: { creates: 1, updates: 0, offboards: 0, errors: 2 },
          text: 'q',
        },
      },
    });
  });
});

describe('renderAccountsJson', () => {
  it('is the document as indented JSON with a final newline', () => {
    const results = [ok('prod', 1, 'p')];

    const text = renderAccountsJson(results, REPORT);

    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(accountsToJson(results, REPORT));
  });
});

describe('renderAccountsMarkdown without counts', () => {
  it('shows each account with its status only, and the JSON summary without counts', () => {
    const results = [ok('prod', 1, 'tagged'), failed('dev', 2, 'refused')];
    const report = {
      markdown: (value: Planned) => value.text,
      json: (value: Planned) => ({ text: value.text }),
    };

    const markdown = renderAccountsMarkdown(results, report, { title: TITLE });

    expect(markdown.split('\n').slice(0, 6)).toEqual([
      TITLE,
      '',
      '| Account | Id | Status |',
      '|---|---|---|',
      '| `prod` | 111111111111 | ✅ |',
      '| `dev` | 222222222222 | ❌ failed: refused |',
    ]);
    expect(accountsToJson(results, report).summary).toEqual({ accounts: 2, failed: ['dev'] });
  });
});
