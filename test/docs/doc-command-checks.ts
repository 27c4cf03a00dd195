// How each command of the README and docs/ is checked, when its marker does not say it needs a
// real AWS account or GitHub. One rule per command (or family of commands); a command that no
// rule matches and no marker covers fails test/docs/doc-command-checks.test.ts.
import type { DocCommand } from './doc-commands.js';

/** The docs tests that run commands as written: test/docs/<name>-commands.int.test.ts. */
export type DocsTest = 'cli' | 'build';

export type Check =
  /** Run as written, in doc order, by test/docs/<test>-commands.int.test.ts. */
  | { readonly by: 'docs-test'; readonly test: DocsTest }
  /** Run by another test file, which names it as `names` (so the two are not duplicated). */
  | { readonly by: 'test'; readonly file: string; readonly names: string }
  /** Run by CI: `.ci/run` holds a line starting with `runs`. */
  | { readonly by: 'ci'; readonly runs: string }
  /** The npm script `script`, whose command is the documented command `of` (checked by its own rule). */
  | { readonly by: 'alias'; readonly script: string; readonly of: string }
  /** Not run by a test (too slow, or it is CI itself); `path` is checked to exist. */
  | { readonly by: 'exists'; readonly path: string; readonly why: string };

export interface CheckRule {
  /** The command's exact text, or a pattern for a family of commands. */
  readonly match: string | RegExp;
  readonly check: Check;
}

export const CHECK_RULES: readonly CheckRule[] = [
  // The CLI as a roster repository gets it, against moto (README "The CLI", docs/offboarding.md).
  { match: 'npm pack', check: { by: 'docs-test', test: 'cli' } },
  { match: /^npm install --save-dev \.\/iam-gitops-\S+\.tgz$/, check: { by: 'docs-test', test: 'cli' } },
  { match: /^npx iam-gitops \S/, check: { by: 'docs-test', test: 'cli' } },
  {
    match: 'npx iam-gitops',
    check: { by: 'test', file: 'test/integration/cli.int.test.ts', names: 'npx iam-gitops' },
  },
  // Build steps a developer runs, in a temporary working copy.
  { match: 'node scripts/bundle.mjs lambda', check: { by: 'docs-test', test: 'build' } },
  { match: 'npx tsx scripts/action-docs.ts', check: { by: 'docs-test', test: 'build' } },
  { match: 'npm run schema', check: { by: 'docs-test', test: 'build' } },
  { match: 'npx cdk synth', check: { by: 'docs-test', test: 'build' } },
  { match: 'npm run synth', check: { by: 'alias', script: 'synth', of: 'npx cdk synth' } },
  // The hub of many accounts, synthesized from the repository's example of two members.
  {
    match:
      'npx cdk synth -c config=test/infra/fixtures/config/accounts.yaml -c organizationalUnits=ou-abcd-12345678',
    check: { by: 'test', file: 'test/infra/organization/app.test.ts', names: 'npx cdk synth -c config=' },
  },
  // Run by the tests that own them.
  {
    match: 'npm run demo',
    check: { by: 'test', file: 'test/integration/demo.int.test.ts', names: 'npm run demo' },
  },
  {
    match: 'npm run local-action',
    check: { by: 'test', file: 'test/action/local-action.int.test.ts', names: 'npm run local-action' },
  },
  {
    match: 'node dist/index.js',
    check: { by: 'test', file: 'test/action/github-action.int.test.ts', names: 'dist/index.js' },
  },
  // Development commands that CI runs: a test must not install, lint or run the suite inside the suite.
  { match: 'npm ci', check: { by: 'ci', runs: 'npm ci' } },
  { match: 'npm test', check: { by: 'ci', runs: 'npm test' } },
  { match: 'npm run lint', check: { by: 'ci', runs: 'npm run lint' } },
  { match: 'npm run typecheck', check: { by: 'ci', runs: 'npm run typecheck' } },
  { match: 'npm run bundle', check: { by: 'ci', runs: 'node scripts/bundle.mjs' } },
  {
    match: 'npx vitest run test/infra',
    check: { by: 'exists', path: 'test/infra', why: 'a part of `npm test`, which CI runs' },
  },
  {
    match: 'npm run bench',
    check: {
      by: 'exists',
      path: 'bench/run.ts',
      why: 'minutes of load at 5,000 users; run by hand to regenerate docs/benchmarks.md',
    },
  },
  { match: '.ci/run', check: { by: 'exists', path: '.ci/run', why: 'CI itself: it runs npm ci' } },
];

function matches(rule: CheckRule, text: string): boolean {
  return typeof rule.match === 'string' ? rule.match === text : rule.match.test(text);
}

/** The rule that checks one simple command, if any. */
export function ruleFor(text: string): CheckRule | undefined {
  return CHECK_RULES.find((rule) => matches(rule, text));
}

/** `a && b` is checked when `a` and `b` are: the parts a reader runs one after the other. */
export function partsOf(command: DocCommand): string[] {
  return command.text.split(/\s+&&\s+/);
}

/**
 * A command marked where it is written; or an inline mention of a command that a block shows
 * marked (`npx cdk deploy` prints them). A block command always carries its own marker.
 */
export function isMarked(command: DocCommand, all: readonly DocCommand[]): boolean {
  if (command.needs !== undefined) return true;
  return (
    command.kind === 'inline' &&
    all.some((other) => other.kind === 'block' && other.needs !== undefined && other.text === command.text)
  );
}

/**
 * The commands one docs test must run, each once, in doc order (README.md, then docs/*.md): the
 * unmarked ones, and of `a && b` the parts that this test runs.
 */
export function commandsRunBy(test: DocsTest, all: readonly DocCommand[]): string[] {
  const texts = all
    .filter((command) => !isMarked(command, all))
    .flatMap(partsOf)
    .filter((part) => {
      const check = ruleFor(part)?.check;
      return check?.by === 'docs-test' && check.test === test;
    });
  return [...new Set(texts)];
}
