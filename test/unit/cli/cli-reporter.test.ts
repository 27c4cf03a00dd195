import { describe, expect, it } from 'vitest';
import { cliReporter } from '../../../src/cli/cli-reporter.js';
import type { CliIo } from '../../../src/cli/run-cli.js';
import { emptyPlan, SCOPE } from '../support/factories.js';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {} };
}

const ISSUE = { file: 'users/a.yaml', field: 'name', line: 2, column: 7, message: 'bad' };
const WARNING = {
  file: 'iam-gitops.yaml',
  field: 'guardrails.groups',
  line: 3,
  column: 11,
  message: "'*' allows any group",
};

describe('cliReporter', () => {
  it('prints issues as FILE:LINE:COL to stderr, or as JSON to stdout', async () => {
    const text = capture();
    const json = capture();

    await cliReporter(text, { json: false, displayDir: 'users' }).invalid([ISSUE]);
    await cliReporter(json, { json: true, displayDir: 'users' }).invalid([ISSUE]);

    expect(text.stderr).toEqual(['users/a.yaml:2:7: name: bad']);
    expect(text.stdout).toEqual([]);
    expect(JSON.parse(json.stdout.join('\n'))).toEqual({
      valid: false,
      issues: [{ ...ISSUE, text: 'users/a.yaml:2:7: name: bad' }],
    });
  });

  it('prints warnings to stderr, whatever the output format', () => {
    const io = capture();

    cliReporter(io, { json: true, displayDir: 'users' }).warnings([WARNING]);
    cliReporter(io, { json: false, displayDir: 'users' }).warning('2 drift findings');

    expect(io.stderr).toEqual([
      "warning: iam-gitops.yaml:3:11: guardrails.groups: '*' allows any group",
      'warning: 2 drift findings',
    ]);
  });

  it('prints the plan Markdown, then its errors on stderr; or the plan JSON', async () => {
    const plan = emptyPlan({ errors: [ISSUE] });
    const text = capture();
    const json = capture();

    await cliReporter(text, { json: false, displayDir: 'users' }).planned(plan, '### plan');
    await cliReporter(json, { json: true, displayDir: 'users' }).planned(plan, '### plan');

    expect(text.stdout).toEqual(['### plan']);
    expect(text.stderr).toEqual(['users/a.yaml:2:7: name: bad']);
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject({ version: 1, scope: SCOPE });
    expect(json.stderr).toEqual([]);
  });

  it('drops inline code marks from a re-send message in a terminal', async () => {
    const io = capture();

    await cliReporter(io, { json: false, displayDir: 'users' }).resent(
      { user: 'dana', arn: 'arn:aws:iam::1:user/dana', value: 'v' },
      'Asked for `dana`',
    );

    expect(io.stdout).toEqual(['Asked for dana']);
  });
});

describe('cliReporter, many accounts', () => {
  const report = {
    command: 'plan' as const,
    results: [],
    markdown: () => '## iam-gitops plan for two accounts',
    json: { version: 1, summary: { accounts: 2 } },
    totals: { changes: 3 },
    issues: [{ account: 'prod', issues: [ISSUE] }],
  };

  it('prints the report, then each account issue on stderr naming its account; or the JSON', async () => {
    const text = capture();
    const json = capture();

    await cliReporter(text, { json: false, displayDir: 'users' }).acrossAccounts(report);
    await cliReporter(json, { json: true, displayDir: 'users' }).acrossAccounts(report);

    expect(text.stdout).toEqual(['## iam-gitops plan for two accounts']);
    expect(text.stderr).toEqual(['[prod] users/a.yaml:2:7: name: bad']);
    expect(JSON.parse(json.stdout.join('\n'))).toEqual(report.json);
    expect(json.stderr).toEqual([]);
  });

  it('tells progress and changes with their account on stderr, and nothing of it with --json', () => {
    const text = capture();
    const json = capture();
    const outcome = {
      status: 'done' as const,
      change: { kind: 'add-to-group' as const, user: 'alice', group: 'dev' },
    };

    for (const io of [text, json]) {
      const reporter = cliReporter(io, { json: io === json, displayDir: 'users' });
      reporter.progress('account prod (111111111111): apply done in 1.0 s');
      reporter.changed(outcome, 'prod');
    }

    expect(text.stderr).toEqual([
      'account prod (111111111111): apply done in 1.0 s',
      '[prod] done         alice: join dev',
    ]);
    expect(json.stderr).toEqual([]);
  });
});
