// The plan as reviewers read it, for offboarding, the guard, adoption and restoring.
import { describe, expect, it } from 'vitest';
import { TAG_DISABLED_AT, TAG_MANAGED_BY } from '../../../src/contract.js';
import type { ApplyResult } from '../../../src/iam/apply-plan.js';
import type { OffboardChange } from '../../../src/plan/plan.js';
import { planHeadline, renderApplyMarkdown, renderPlanMarkdown } from '../../../src/plan/render-markdown.js';
import { ACCOUNT, emptyPlan, REPOSITORY, userPlan } from '../support/factories.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
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

  it('shows a delete with the boundary and the user itself going', () => {
    const lines = renderPlanMarkdown(emptyPlan({ offboard: [bob('delete')] })).split('\n');

    expect(lines).toContain(
      '| 🗑️ delete | `bob@example.com` | delete login profile, access keys, signing certificates, SSH keys, service-specific credentials and MFA devices (virtual ones deleted)<br>delete inline `scratch`<br>detach `ReadOnlyAccess`<br>leave `developers`, `oncall`<br>remove boundary `boundary`<br>delete the user | its roster file was removed |',
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
          detail: 'deleted login profile, deactivated 1 access key, left 2 groups',
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
