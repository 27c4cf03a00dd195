import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BenchRun, renderMarkdown, type Target, targetSize, targets } from '../../bench/report.js';

const RUN: BenchRun = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bench', 'run.json'), 'utf8'),
);

const verdicts = (list: readonly Target[]) => Object.fromEntries(list.map((t) => [t.what, t.met]));

describe('targets', () => {
  it('judges every target of issues 12 and 13 from the run, and says which are not measured', () => {
    expect(verdicts(targets(RUN))).toEqual({
      "No-op plan at 5,000 users: the tool's own time (plan wall time − raw listing time)": true,
      'No-op plan at 5,000 users: IAM calls': true,
      '`validate` over 5,000 files': true,
      'Peak RSS of the no-op plan at 5,000 users (Node 24.21.0)': false,
      '`node dist/index.js` to its first AWS call': true,
      'Action bundle loaded at start (`dist/index.js` and the chunks it imports)': true,
      'Credential Lambda: AWS calls per warm event': false,
      'Apply of 5,000 new users: calls per change': true,
      'Plan over 3 accounts of 2,000 users vs one account (issue 13)': undefined,
    });
  });

  it('states each figure with its reference beside it', () => {
    const byWhat = new Map(targets(RUN).map((t) => [t.what, t.now]));

    expect(
      byWhat.get("No-op plan at 5,000 users: the tool's own time (plan wall time − raw listing time)"),
    ).toBe('0.60 s (plan 2.60 s − listing 2.00 s; 0.30× the listing; plan CPU 0.90 s)');
    expect(byWhat.get('Credential Lambda: AWS calls per warm event')).toBe(
      'new user 4 (GetUser, CreateLoginProfile, SendEmail, TagUser); re-send 5 (GetUser, UpdateLoginProfile, SendEmail, TagUser ×2)',
    );
  });

  it('does not judge the memory target on a Node other than 24', () => {
    const onNode20 = targets({ ...RUN, node: '20.20.2' }).find((t) => t.what.startsWith('Peak RSS'));

    expect(onNode20?.met).toBeUndefined();
  });

  it('counts a Lambda event that was refused as missed, whatever its calls', () => {
    const refused = {
      ...RUN,
      lambda: { ...RUN.lambda, warm: { calls: ['GetUser'], delivered: false, outcome: 'refused' } },
    };

    expect(targets(refused).find((t) => t.what.startsWith('Credential Lambda'))?.met).toBe(false);
  });

  it('measures issue 13 once a multi-account plan is wired', () => {
    const wired: BenchRun = {
      ...RUN,
      accounts: {
        measured: true,
        options: { accounts: 3, usersPerAccount: 2000, pageLatencyMs: 1000, runs: 3 },
        one: { ms: 2500, calls: 3, listingCallsPerAccount: [2] },
        all: { ms: 3000, calls: 9, listingCallsPerAccount: [2, 2, 2] },
        ratio: 1.2,
      },
    };

    expect(targets(wired).at(-1)).toEqual({
      what: 'Plan over 3 accounts of 2,000 users vs one account (listing pages held 1000 ms each)',
      goal: '≤ 1.5×',
      now: '1.20× (3.00 s vs 2.50 s, medians of 3 runs each; listing calls per account: 2, 2, 2)',
      before: 'one account only',
      met: true,
    });
  });
});

describe('targetSize', () => {
  it('takes the 5,000-user run, else the largest', () => {
    const [five] = RUN.sizes;
    if (five === undefined) throw new Error('fixture has a size');
    const small = { ...five, users: 100 };
    const large = { ...five, users: 2000 };

    expect(targetSize([small, five, large])?.users).toBe(5000);
    expect(targetSize([small, large])?.users).toBe(2000);
    expect(targetSize([])).toBeUndefined();
  });
});

describe('renderMarkdown', () => {
  it('writes the targets, how to read them, and the tables of the run', () => {
    const markdown = renderMarkdown(RUN);

    expect(markdown).toMatch(/^# Benchmarks\n/);
    expect(markdown).toContain('| Target | Goal | Now | Before (issue 12) | |');
    expect(markdown).toContain('## How to read these figures');
    expect(markdown).toContain(
      'Missed: Peak RSS of the no-op plan at 5,000 users (Node 24.21.0); Credential Lambda: AWS calls per warm event.',
    );
    expect(markdown).toContain('| 5,000 | 5 | 2.60 s | 2.00 s | 0.60 s | 171 MiB |');
  });
});
