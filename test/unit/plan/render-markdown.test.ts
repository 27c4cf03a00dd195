import { describe, expect, it } from 'vitest';
import { TAG_DISABLED_AT, TAG_MANAGED_BY } from '../../../src/contract.js';
import type { ApplyResult } from '../../../src/iam/apply-plan.js';
import type { Change, OffboardChange } from '../../../src/plan/plan.js';
import {
  describeChange,
  planHeadline,
  policyName,
  renderApplyMarkdown,
  renderPlanMarkdown,
  summarizeOffboarding,
} from '../../../src/plan/render-markdown.js';
import type { RosterIssue } from '../../../src/roster/roster-issue.js';
import {
  ACCOUNT,
  emptyPlan,
  offboarding,
  REPOSITORY,
  SCOPE,
  samplePlan,
  userPlan,
} from '../support/factories.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

describe('policyName', () => {
  it('is the last part of the ARN', () => {
    expect(policyName('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')).toBe('ViewOnlyAccess');
    expect(policyName(READ_ONLY)).toBe('ReadOnlyAccess');
  });
});

describe('describeChange', () => {
  it.each<[Change, string]>([
    [
      {
        kind: 'create-user',
        user: 'a',
        path: '/iam-gitops/',
        tags: [{ key: 'k', value: 'v' }],
        permissionsBoundary: undefined,
      },
      'create at `/iam-gitops/` with 1 tags',
    ],
    [
      {
        kind: 'create-user',
        user: 'a',
        path: '/iam-gitops/',
        tags: [],
        permissionsBoundary: 'arn:aws:iam::123456789012:policy/b',
      },
      'create at `/iam-gitops/` with 0 tags, boundary `b`',
    ],
    [{ kind: 'set-boundary', user: 'a', policyArn: 'arn:aws:iam::1:policy/b' }, 'set boundary `b`'],
    [{ kind: 'attach-policy', user: 'a', policyArn: READ_ONLY }, 'attach `ReadOnlyAccess`'],
    [{ kind: 'detach-policy', user: 'a', policyArn: READ_ONLY }, 'detach `ReadOnlyAccess`'],
    [{ kind: 'add-to-group', user: 'a', group: 'dev' }, 'join `dev`'],
    [{ kind: 'remove-from-group', user: 'a', group: 'dev' }, 'leave `dev`'],
    [
      {
        kind: 'tag-user',
        user: 'a',
        tags: [
          { key: 'team', value: 'x' },
          { key: 'site', value: 'y' },
        ],
      },
      'tag `team=x`, `site=y`',
    ],
    [{ kind: 'untag-user', user: 'a', keys: ['old', 'zeta'] }, 'untag `old`, `zeta`'],
  ])('describes %o', (change, text) => {
    expect(describeChange(change)).toBe(text);
  });
});

describe('planHeadline', () => {
  it('counts creates, updates, offboards, changes, unchanged users and errors', () => {
    expect(planHeadline(samplePlan())).toBe(
      '**1 to create, 1 to update, 0 to offboard** · 7 changes · 1 unchanged · **1 error**',
    );
  });

  it('says "change" for one, and leaves errors out when there are none', () => {
    const plan = emptyPlan({
      users: [userPlan('a', [{ kind: 'add-to-group', user: 'a', group: 'dev' }])],
      unchanged: ['b', 'c'],
    });

    expect(planHeadline(plan)).toBe('**0 to create, 1 to update, 0 to offboard** · 1 change · 2 unchanged');
  });
});

describe('renderPlanMarkdown', () => {
  it('renders every section, one table row per user, with cells escaped', () => {
    const markdown = renderPlanMarkdown(samplePlan());

    expect(markdown).toBe(
      [
        `### iam-gitops plan for \`${REPOSITORY}\` at \`/iam-gitops/\``,
        '',
        '**1 to create, 1 to update, 0 to offboard** · 7 changes · 1 unchanged · **1 error**',
        '',
        '#### Errors (nothing will be applied until they are fixed)',
        '',
        '- `users/e\'rin\\|x.yaml:2:5: groups.0: group "nope" does not exist in IAM (groups are not created by iam-gitops)`',
        '',
        '| | User | Changes |',
        '|---|---|---|',
        '| ➕ create | `alice@example.com` | create at `/iam-gitops/` with 4 tags, boundary `boundary`<br>attach `ReadOnlyAccess`<br>join `developers` |',
        '| ✏️ update | `bob@example.com` | detach `ViewOnlyAccess`<br>leave `oncall`<br>tag `team=payments`<br>untag `old` |',
        '',
        '#### Not managed by this repository (under `/iam-gitops/`, never touched)',
        '',
        '- `hand-made` (no managed-by tag)',
        '- `other-team` (managed by `acme/other-repo`)',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing changes', () => {
    const markdown = renderPlanMarkdown(emptyPlan({ unchanged: ['a'] }));

    expect(markdown).toBe(
      [
        `### iam-gitops plan for \`${REPOSITORY}\` at \`/iam-gitops/\``,
        '',
        '**0 to create, 0 to update, 0 to offboard** · 0 changes · 1 unchanged',
        '',
        'No changes: IAM matches the roster.',
        '',
      ].join('\n'),
    );
  });

  it('does not claim "no changes" when the plan has errors', () => {
    const plan = { ...samplePlan(), users: [], offboard: [], unmanaged: [] };

    const markdown = renderPlanMarkdown(plan);

    expect(markdown).not.toContain('No changes');
    expect(markdown).not.toContain('| User |');
    expect(markdown).toContain('#### Errors');
  });

  it('escapes a user name and a group in table cells', () => {
    const plan = emptyPlan({
      users: [userPlan('a|b', [{ kind: 'add-to-group', user: 'a|b', group: 'g`1' }])],
    });

    const lines = renderPlanMarkdown(plan).split('\n');

    expect(lines).toContain("| ✏️ update | `a\\|b` | join `g'1` |");
  });

  it('lists users to offboard, one row each with what goes and why, escaped, and counts each as a change', () => {
    const plan = emptyPlan({ offboard: [offboarding('c`d', 'gone | removed')] });

    const markdown = renderPlanMarkdown(plan);

    const lines = markdown.split('\n');
    expect(lines).toContain('**0 to create, 0 to update, 1 to offboard** · 1 change · 0 unchanged');
    expect(lines).toContain('#### To offboard');
    expect(lines.filter((line) => line.includes("`c'd`"))).toEqual([
      "| 🚫 disable | `c'd` | delete login profile<br>deactivate access keys, signing certificates, SSH keys and service-specific credentials<br>tag `iam-gitops:disabled-at` | gone \\| removed |",
    ]);
    expect(markdown).not.toContain('No changes');
  });
});

describe('renderApplyMarkdown', () => {
  it('renders one row per outcome with its status, and what happens to failures', () => {
    const attach: Change = { kind: 'attach-policy', user: 'alice', policyArn: READ_ONLY };
    const join: Change = { kind: 'add-to-group', user: 'alice', group: 'developers' };
    const tag: Change = { kind: 'tag-user', user: 'bob', tags: [{ key: 'team', value: 'x' }] };
    const untag: Change = { kind: 'untag-user', user: 'bob', keys: ['old'] };
    const result: ApplyResult = {
      outcomes: [
        { change: attach, status: 'done' },
        { change: join, status: 'already-done' },
        { change: tag, status: 'failed', error: 'Rate | exceeded', code: 'Throttling' },
        { change: untag, status: 'skipped' },
      ],
      succeeded: 2,
      failed: 1,
      skipped: 1,
    };

    const markdown = renderApplyMarkdown(emptyPlan(), result);

    expect(markdown).toBe(
      [
        `### iam-gitops apply for \`${REPOSITORY}\` at \`${SCOPE.iamPath}\``,
        '',
        '**2 succeeded, 1 failed, 1 skipped**',
        '',
        '| User | Change | Result |',
        '|---|---|---|',
        '| `alice` | attach `ReadOnlyAccess` | ✅ done |',
        '| `alice` | join `developers` | ✅ already so |',
        '| `bob` | tag `team=x` | ❌ failed: Throttling Rate \\| exceeded |',
        '| `bob` | untag `old` | ⏭️ skipped |',
        '',
        'Failed and skipped changes are retried by the next run: it plans again from what IAM holds.',
        '',
      ].join('\n'),
    );
  });

  it('renders only the headline when nothing was applied', () => {
    const markdown = renderApplyMarkdown(emptyPlan(), { outcomes: [], succeeded: 0, failed: 0, skipped: 0 });

    expect(markdown).toBe(
      [
        `### iam-gitops apply for \`${REPOSITORY}\` at \`/iam-gitops/\``,
        '',
        '**0 succeeded, 0 failed, 0 skipped**',
        '',
      ].join('\n'),
    );
  });
});

// Offboarding, the guard, adoption and restoring, as reviewers read them.
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`;

const bob = (mode: OffboardChange['mode']): OffboardChange => ({
  kind: 'offboard-user',
  user: 'bob@example.com',
  arn: `arn:aws:iam::${ACCOUNT}:user/iam-gitops/bob@example.com`,
  mode,
  reason: 'its roster file was removed',
  groups: ['developers', 'oncall'],
  attachedPolicyArns: [READ_ONLY],
  inlinePolicyNames: ['scratch'],
  permissionsBoundaryArn: BOUNDARY,
});

describe('renderPlanMarkdown, offboarding', () => {
  it('shows who is disabled, what goes and why', () => {
    const lines = renderPlanMarkdown(emptyPlan({ offboard: [bob('disable')] })).split('\n');

    expect(lines).toContain('| | User | Will remove | Why |');
    expect(lines).toContain(
      `| 🚫 disable | \`bob@example.com\` | delete login profile<br>deactivate access keys, signing certificates, SSH keys and service-specific credentials<br>delete inline \`scratch\`<br>detach \`ReadOnlyAccess\`<br>leave \`developers\`, \`oncall\`<br>tag \`${TAG_DISABLED_AT}\` | its roster file was removed |`,
    );
    expect(lines.some((line) => line.includes('adding its file back restores it'))).toBe(true);
    expect(lines).not.toContain('No changes: IAM matches the roster.');
  });

  it('shows a delete with the user itself going, its boundary with it (no call removes a boundary)', () => {
    const lines = renderPlanMarkdown(emptyPlan({ offboard: [bob('delete')] })).split('\n');

    expect(lines).toContain(
      '| 🗑️ delete | `bob@example.com` | delete login profile, access keys, signing certificates, SSH keys, service-specific credentials and MFA devices (virtual ones deleted)<br>delete inline `scratch`<br>detach `ReadOnlyAccess`<br>leave `developers`, `oncall`<br>delete the user | its roster file was removed |',
    );
  });

  it('lists users disabled earlier, with when and how to restore them', () => {
    const plan = emptyPlan({
      disabled: [{ user: 'carol', arn: 'arn', disabledAt: '2025-01-02T03:04:05.000Z' }],
    });

    const markdown = renderPlanMarkdown(plan);

    expect(markdown).toContain('#### Disabled earlier (file removed; kept for audit, not changed)');
    expect(markdown).toContain(
      '- `carol` (disabled `2025-01-02T03:04:05.000Z`): add its file back to restore it',
    );
    expect(planHeadline(plan)).toBe(
      '**0 to create, 0 to update, 0 to offboard** · 0 changes · 0 unchanged · 1 disabled',
    );
  });

  it('puts the guard first, as an error that blocks the apply', () => {
    const guard = {
      file: 'users',
      field: '',
      line: 1,
      column: 1,
      message:
        '4 managed users would be offboarded (a, b, c, d), more than max-removals (3); nothing is changed.',
    };
    const markdown = renderPlanMarkdown(emptyPlan({ offboard: [bob('disable')], errors: [guard] }));

    expect(markdown.indexOf('#### Errors')).toBeLessThan(markdown.indexOf('#### To offboard'));
    expect(markdown).toContain('more than max-removals (3)');
  });
});

describe('renderPlanMarkdown, adoption and restoring', () => {
  it('labels adoption and restoring, and explains both', () => {
    const plan = emptyPlan({
      users: [
        userPlan(
          'dave',
          [
            { kind: 'move-user', user: 'dave', fromPath: '/', toPath: '/iam-gitops/' },
            { kind: 'tag-user', user: 'dave', tags: [{ key: TAG_MANAGED_BY, value: REPOSITORY }] },
          ],
          'adopt',
        ),
        userPlan('erin', [{ kind: 'untag-user', user: 'erin', keys: [TAG_DISABLED_AT] }], 'restore'),
      ],
    });

    const markdown = renderPlanMarkdown(plan);

    expect(markdown).toContain(
      `| 🔁 adopt | \`dave\` | move from \`/\` to \`/iam-gitops/\`<br>tag \`${TAG_MANAGED_BY}=${REPOSITORY}\` |`,
    );
    expect(markdown).toContain(`| ♻️ restore | \`erin\` | untag \`${TAG_DISABLED_AT}\` |`);
    expect(markdown).toContain(
      '- **adopt**: an existing IAM user whose file says `adopt: true` is moved under',
    );
    expect(markdown).toContain('console sign-in comes back with a re-send');
    expect(planHeadline(plan)).toBe(
      '**0 to create, 0 to update, 1 to adopt, 1 to restore, 0 to offboard** · 3 changes · 0 unchanged',
    );
  });
});

describe('renderApplyMarkdown, offboarding', () => {
  it('says what an offboarding actually removed', () => {
    const plan = emptyPlan({ offboard: [bob('disable')] });
    const result: ApplyResult = {
      outcomes: [
        {
          change: bob('disable'),
          status: 'done',
          offboarding: {
            status: 'done',
            steps: [
              { call: 'DeleteLoginProfile', target: 'bob@example.com', result: 'done' },
              { call: 'UpdateAccessKey', target: 'AKIA1', result: 'done' },
              { call: 'RemoveUserFromGroup', target: 'developers', result: 'done' },
              { call: 'RemoveUserFromGroup', target: 'oncall', result: 'done' },
            ],
          },
        },
      ],
      failed: 0,
      succeeded: 1,
      skipped: 0,
    };

    expect(renderApplyMarkdown(plan, result)).toContain(
      '| `bob@example.com` | disable: deleted login profile, deactivated 1 access key, left 2 groups | ✅ done |',
    );
  });
});

describe('summarizeOffboarding', () => {
  it('says what was done, counting like items and leaving out what was gone already', () => {
    const summary = summarizeOffboarding({
      status: 'done',
      steps: [
        { call: 'DeleteLoginProfile', target: 'bob', result: 'done' },
        { call: 'UpdateAccessKey', target: 'AKIA1', result: 'done' },
        { call: 'UpdateAccessKey', target: 'AKIA2', result: 'done' },
        { call: 'RemoveUserFromGroup', target: 'developers', result: 'done' },
        { call: 'DetachUserPolicy', target: READ_ONLY, result: 'already-gone' },
        { call: 'TagUser', target: `${TAG_DISABLED_AT}=x`, result: 'done' },
      ],
    });

    expect(summary).toBe(
      `deleted login profile, deactivated 2 access keys, left 1 group, tagged ${TAG_DISABLED_AT}`,
    );
  });

  it('names a deleted user', () => {
    const summary = summarizeOffboarding({
      status: 'done',
      steps: [
        { call: 'DeleteVirtualMFADevice', target: 'arn:aws:iam::1:mfa/bob', result: 'done' },
        { call: 'DeleteUser', target: 'bob', result: 'done' },
      ],
    });

    expect(summary).toBe('deleted 1 virtual MFA device, deleted the user');
  });

  it('says when there was nothing left, or nothing to remove', () => {
    expect(summarizeOffboarding({ status: 'already-done', steps: [] })).toBe('nothing left to remove');
    expect(summarizeOffboarding({ status: 'done', steps: [] })).toBe('nothing to remove');
  });
});

describe('renderPlanMarkdown, guardrail warnings', () => {
  const warning: RosterIssue = {
    file: 'iam-gitops.yaml',
    field: 'guardrails.groups',
    line: 3,
    column: 12,
    message: "'*' allows any IAM group: a user file may name any, and the apply role may add users to any",
  };

  it('shows each warning in a GitHub WARNING alert right under the headline, which counts them', () => {
    const markdown = renderPlanMarkdown(emptyPlan({ unchanged: ['a'], warnings: [warning] }));

    expect(markdown).toBe(
      [
        `### iam-gitops plan for \`${REPOSITORY}\` at \`/iam-gitops/\``,
        '',
        '**0 to create, 0 to update, 0 to offboard** · 0 changes · 1 unchanged · 1 warning',
        '',
        '> [!WARNING]',
        '> **Guardrails opted out**: this roster may grant more than a list allows (1 warning).',
        '>',
        "> - `iam-gitops.yaml:3:12: guardrails.groups: '*' allows any IAM group: a user file may name any, and the apply role may add users to any`",
        '',
        'No changes: IAM matches the roster.',
        '',
      ].join('\n'),
    );
  });

  it('puts the warnings before the errors', () => {
    const plan = samplePlan();
    const markdown = renderPlanMarkdown({
      ...plan,
      warnings: [warning, { ...warning, field: 'guardrails.policies' }],
    });

    expect(markdown.indexOf('> [!WARNING]')).toBeLessThan(markdown.indexOf('#### Errors'));
    expect(markdown).toContain('(2 warnings)');
    expect(planHeadline({ ...plan, warnings: [warning] })).toBe(
      '**1 to create, 1 to update, 0 to offboard** · 7 changes · 1 unchanged · **1 error** · 1 warning',
    );
  });
});
