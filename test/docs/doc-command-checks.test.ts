// The gate: every shell command of the README and docs/ is run by a test, or marked where it is
// written as needing a real AWS account or GitHub. And each rule's claim holds: the test, the CI
// line, the npm script or the path it names exists.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import {
  CHECK_RULES,
  type CheckRule,
  commandsRunBy,
  isMarked,
  partsOf,
  ruleFor,
} from './doc-command-checks.js';
import { commandsUnder, type DocCommand } from './doc-commands.js';
import { ROOT } from './support/working-copy.js';

const all = commandsUnder(ROOT);
const scripts: Record<string, string> = packageJson.scripts;
const ciScript = readFileSync(join(ROOT, '.ci', 'run'), 'utf8').split('\n');

const command = (text: string, more: Partial<DocCommand> = {}): DocCommand => ({
  file: 'x.md',
  line: 1,
  text,
  kind: 'block',
  block: 0,
  ...more,
});
const unmarkedParts = () =>
  all.filter((c) => !isMarked(c, all)).flatMap((c) => partsOf(c).map((part) => ({ c, part })));
const rulesBy = <K extends CheckRule['check']['by']>(by: K) =>
  CHECK_RULES.filter(
    (rule): rule is CheckRule & { check: Extract<CheckRule['check'], { by: K }> } => rule.check.by === by,
  );

describe('the commands of README.md and docs/', () => {
  it('are each run by a test, or marked as needing a real AWS account or GitHub', () => {
    const unchecked = unmarkedParts()
      .filter(({ part }) => ruleFor(part) === undefined)
      .map(({ c, part }) => `${c.file}:${c.line}: ${part}`);

    expect(unchecked).toEqual([]);
  });

  it('name only npm scripts that package.json has', () => {
    const missing = all
      .flatMap(partsOf)
      .map((part) => /^npm (?:run ([\w:-]+)|(test))\b/.exec(part))
      .flatMap((match) => (match ? [match[1] ?? match[2] ?? ''] : []))
      .filter((script) => !(script in scripts));

    expect(missing).toEqual([]);
  });

  it('leave no rule unused: each rule checks a command the docs still have', () => {
    const texts = unmarkedParts().map(({ part }) => part);
    const unused = CHECK_RULES.filter((rule) => !texts.some((text) => ruleFor(text) === rule)).map((rule) =>
      String(rule.match),
    );

    expect(unused).toEqual([]);
  });
});

describe('CHECK_RULES', () => {
  it.each(rulesBy('docs-test'))(
    '$match: its docs test exists and runs what commandsRunBy gives it',
    (rule) => {
      const file = join(ROOT, 'test', 'docs', `${rule.check.test}-commands.int.test.ts`);

      expect(readFileSync(file, 'utf8')).toContain(
        `commandsRunBy('${rule.check.test}', commandsUnder(ROOT))`,
      );
      expect(commandsRunBy(rule.check.test, all).some((text) => ruleFor(text) === rule)).toBe(true);
    },
  );

  it.each(rulesBy('test'))('$match: run by $check.file, which names it', (rule) => {
    expect(readFileSync(join(ROOT, rule.check.file), 'utf8')).toContain(rule.check.names);
  });

  it.each(rulesBy('ci'))('$match: .ci/run runs $check.runs', (rule) => {
    expect(ciScript.some((line) => line === rule.check.runs || line.startsWith(`${rule.check.runs} `))).toBe(
      true,
    );
    const script = /^npm run ([\w:-]+)$/.exec(String(rule.match))?.[1];
    if (script === 'bundle') expect(scripts.bundle).toBe(rule.check.runs);
  });

  it.each(rulesBy('alias'))('$match: the script is the command $check.of, which a docs test runs', (rule) => {
    expect(`npx ${scripts[rule.check.script]}`).toBe(rule.check.of);
    expect(ruleFor(rule.check.of)?.check.by).toBe('docs-test');
  });

  it.each(rulesBy('exists'))('$match: not run by a test ($check.why); $check.path exists', (rule) => {
    expect(existsSync(join(ROOT, rule.check.path))).toBe(true);
  });

  it('runs npm run bench from package.json, and .ci/run as a program', () => {
    expect(scripts.bench).toContain('bench/run.ts');
    expect(statSync(join(ROOT, '.ci', 'run')).mode & 0o111).not.toBe(0);
  });
});

describe('ruleFor', () => {
  it('matches an exact text or a pattern, and nothing else', () => {
    expect(ruleFor('npm pack')?.check).toEqual({ by: 'docs-test', test: 'cli' });
    expect(ruleFor('npx iam-gitops plan --repository a/b')?.check).toEqual({ by: 'docs-test', test: 'cli' });
    expect(ruleFor('npm pack --dry-run')).toBeUndefined();
    expect(ruleFor('npx cdk deploy')).toBeUndefined();
  });
});

describe('partsOf', () => {
  it('splits a && b into the commands run one after the other', () => {
    expect(partsOf(command('npm ci && npm run demo'))).toEqual(['npm ci', 'npm run demo']);
    expect(partsOf(command('npm test'))).toEqual(['npm test']);
  });
});

describe('isMarked', () => {
  it('holds for a marked command, and for an inline mention of a command a block shows marked', () => {
    const marked = command('npx cdk deploy', { needs: 'a real AWS account' });
    const inline = command('npx cdk deploy', { kind: 'inline', line: 9 });
    const unmarked = command('npx cdk synth');
    const all = [marked, inline, unmarked];

    expect(isMarked(marked, all)).toBe(true);
    expect(isMarked(inline, all)).toBe(true);
    expect(isMarked(unmarked, all)).toBe(false);
    expect(isMarked(inline, [inline])).toBe(false);
  });

  it('does not hold for a block command whose twin in another block is marked: each block says it', () => {
    const marked = command('npx cdk deploy', { needs: 'a real AWS account', file: 'docs/a.md' });
    const twin = command('npx cdk deploy', { file: 'README.md', line: 38 });

    expect(isMarked(twin, [marked, twin])).toBe(false);
  });
});

describe('commandsRunBy', () => {
  it('gives a docs test its commands once each, in doc order, and never a marked one', () => {
    const commands = [
      command('npm ci && npm pack'),
      command('npx iam-gitops validate'),
      command('npm pack', { kind: 'inline' }),
      command('npx iam-gitops plan --repository a/b', { needs: 'a real AWS account' }),
      command('npx cdk synth'),
    ];

    expect(commandsRunBy('cli', commands)).toEqual(['npm pack', 'npx iam-gitops validate']);
    expect(commandsRunBy('build', commands)).toEqual(['npx cdk synth']);
  });
});
