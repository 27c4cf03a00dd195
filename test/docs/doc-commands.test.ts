import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandsIn, commandsUnder, docFiles } from './doc-commands.js';
import { ROOT } from './support/working-copy.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('commandsIn', () => {
  it('finds block commands, inline commands and their markers, where a reader sees them', () => {
    expect(commandsIn('commands.md', fixture('commands.md'))).toEqual([
      { file: 'commands.md', line: 3, text: 'npm run build', kind: 'inline' },
      {
        file: 'commands.md',
        line: 4,
        text: 'aws iam list-users --max-items 5',
        kind: 'inline',
        needs: 'a real AWS account',
      },
      { file: 'commands.md', line: 5, text: 'gh repo view', kind: 'inline', needs: 'GitHub' },
      { file: 'commands.md', line: 8, text: 'npm ci && npm test', kind: 'block', block: 0 },
      {
        file: 'commands.md',
        line: 9,
        text: 'npx cdk deploy',
        kind: 'block',
        block: 0,
        needs: 'a real AWS account',
      },
      { file: 'commands.md', line: 10, text: "echo 'not # a comment'", kind: 'block', block: 0 },
      {
        file: 'commands.md',
        line: 19,
        text: 'gh api repos/OWNER/REPO --jq .id',
        kind: 'block',
        block: 1,
        needs: 'GitHub',
      },
      { file: 'commands.md', line: 21, text: 'gh api user', kind: 'block', block: 1, needs: 'GitHub' },
      { file: 'commands.md', line: 25, text: 'npx iam-gitops validate', kind: 'block', block: 2 },
    ]);
  });

  it('refuses a marker that names something else than a real AWS account or GitHub', () => {
    expect(() => commandsIn('bad-marker.md', fixture('bad-marker.md'))).toThrow(
      'bad-marker.md:2: marker "needs: a real account" is none of: "a real AWS account", "GitHub"',
    );
  });

  it('finds nothing in a page without commands', () => {
    expect(commandsIn('empty.md', '# Title\n\nProse with `code`.\n\n```yaml\nkey: value\n```\n')).toEqual([]);
  });
});

describe('docFiles', () => {
  it('checks the README and every page of docs/', () => {
    const files = docFiles(ROOT).map((path) => path.slice(ROOT.length + 1));

    expect(files[0]).toBe('README.md');
    expect(files).toEqual(expect.arrayContaining(['docs/architecture.md', 'docs/infrastructure.md']));
    expect(files.every((file) => file === 'README.md' || /^docs\/[^/]+\.md$/.test(file))).toBe(true);
  });
});

describe('commandsUnder', () => {
  it("reads the README's CLI commands and the infrastructure's deploy, marked (control)", () => {
    const commands = commandsUnder(ROOT);

    expect(commands).toContainEqual(
      expect.objectContaining({ file: 'README.md', text: 'npx iam-gitops validate', kind: 'block' }),
    );
    expect(commands).toContainEqual(
      expect.objectContaining({
        file: 'docs/infrastructure.md',
        text: 'npx cdk deploy',
        kind: 'block',
        needs: 'a real AWS account',
      }),
    );
  });
});
