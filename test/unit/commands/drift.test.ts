import { describe, expect, it } from 'vitest';
import { driftCount, findDrift, renderDriftMarkdown } from '../../../src/commands/drift.js';
import { emptyPlan, offboarding, SCOPE, userPlan } from '../support/factories.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

const handMade = userPlan('alice@example.com', [
  { kind: 'detach-policy', user: 'alice@example.com', policyArn: ADMIN },
]);
const deletedByHand = userPlan(
  'bob@example.com',
  [
    {
      kind: 'create-user',
      user: 'bob@example.com',
      path: SCOPE.iamPath,
      tags: [],
      permissionsBoundary: undefined,
    },
  ],
  'create',
);

describe('findDrift', () => {
  it('sorts what the plan would change into changed by hand and not yet as the roster says', () => {
    const plan = emptyPlan({ users: [deletedByHand, handMade], unchanged: ['carol@example.com'] });

    const drift = findDrift(plan);

    expect(drift.changed).toEqual([handMade]);
    expect(drift.pending).toEqual([deletedByHand]);
    expect(driftCount(drift)).toBe(2);
  });

  it('counts offboard candidates, unmanaged users and errors as findings', () => {
    const plan = emptyPlan({
      offboard: [offboarding('dave@example.com')],
      unmanaged: [{ user: 'eve@example.com', path: '/iam-gitops/', managedBy: undefined }],
      errors: [
        {
          file: 'users/frank.yaml',
          field: 'groups.0',
          line: 3,
          column: 5,
          message: 'group "x" does not exist',
        },
      ],
    });

    expect(driftCount(findDrift(plan))).toBe(3);
  });

  it('finds nothing when IAM matches the roster', () => {
    const drift = findDrift(emptyPlan({ unchanged: ['alice@example.com'] }));

    expect(driftCount(drift)).toBe(0);
  });
});

describe('renderDriftMarkdown', () => {
  it('says there is no drift', () => {
    expect(renderDriftMarkdown(findDrift(emptyPlan()))).toBe(
      [
        '### iam-gitops drift for `acme/iam-users` at `/iam-gitops/`',
        '',
        'No drift: IAM holds exactly what the roster says.',
        '',
      ].join('\n'),
    );
  });

  it('lists every finding under its heading', () => {
    const plan = emptyPlan({
      users: [deletedByHand, handMade],
      offboard: [offboarding('dave@example.com')],
      unmanaged: [{ user: 'eve@example.com', path: '/iam-gitops/', managedBy: 'other/repo' }],
      errors: [
        {
          file: 'users/frank.yaml',
          field: 'groups.0',
          line: 3,
          column: 5,
          message: 'group "x" does not exist',
        },
      ],
    });

    expect(renderDriftMarkdown(findDrift(plan)).split('\n')).toEqual([
      '### iam-gitops drift for `acme/iam-users` at `/iam-gitops/`',
      '',
      '**5 findings**: IAM differs from the roster. The next apply puts managed users back as their files say; users it does not manage are only reported.',
      '',
      '#### Changed outside the roster (apply reverts)',
      '',
      '| User | To put back |',
      '|---|---|',
      '| `alice@example.com` | detach `AdministratorAccess` |',
      '',
      '#### In the roster, not in IAM as the roster says (apply creates, adopts or restores)',
      '',
      '| User | File | Apply will |',
      '|---|---|---|',
      '| `bob@example.com` | `users/bob@example.com.yaml` | create |',
      '',
      '#### Managed, but no roster file (apply offboards)',
      '',
      '| User | Why |',
      '|---|---|',
      '| `dave@example.com` | its roster file was removed |',
      '',
      '#### Under `/iam-gitops/` but not managed by this repository (never touched)',
      '',
      '| User | Path | Managed by |',
      '|---|---|---|',
      '| `eve@example.com` | `/iam-gitops/` | `other/repo` |',
      '',
      '#### The roster no longer fits IAM',
      '',
      '- `users/frank.yaml:3:5: groups.0: group "x" does not exist`',
      '',
    ]);
  });
});
