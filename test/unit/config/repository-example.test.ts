// The repository's own example, iam-gitops.yaml beside users/, is what a newcomer copies: it must
// load as the action loads it (the configuration, then the roster against it) with no issue.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRoster } from '../../../src/commands/make-plan.js';
import { loadRepoConfig } from '../../../src/config/load-repo-config.js';
import { formatIssue } from '../../../src/roster/roster-issue.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe("the repository's example iam-gitops.yaml and users/", () => {
  it('load together with no issue and no warning, every guardrail in force', async () => {
    const loaded = await loadRepoConfig({
      path: join(ROOT, 'iam-gitops.yaml'),
      displayPath: 'iam-gitops.yaml',
      required: true,
    });
    if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));

    const outcome = await validateRoster(
      { usersDir: join(ROOT, 'users'), displayDir: 'users', emailDomain: undefined },
      loaded.config,
      loaded.source,
    );

    expect(outcome.kind === 'invalid' ? outcome.issues.map(formatIssue) : []).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'valid', fileCount: 3, warnings: [] });
    expect(Object.keys(loaded.config.guardrails ?? {}).sort()).toEqual([
      'groups',
      'policies',
      'recipientDomains',
    ]);
  });
});
