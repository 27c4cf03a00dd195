import { describe, expect, it } from 'vitest';
import {
  accountsTitle,
  applyAccountReport,
  driftSectionMarkdown,
  planCounts,
} from '../../../src/commands/account-reports.js';
import { findDrift } from '../../../src/commands/drift.js';
import { emptyPlan, offboarding, SCOPE, samplePlan } from '../support/factories.js';

const PROD = { name: 'prod', id: '111111111111' } as Parameters<typeof applyAccountReport.markdown>[1];

describe('accountsTitle', () => {
  it('is a level-2 heading over the level-3 account sections', () => {
    expect(accountsTitle('plan', SCOPE)).toBe('## iam-gitops plan for `acme/iam-users` at `/iam-gitops/`');
  });
});

describe('planCounts', () => {
  it('counts creates, the other user plans, offboardings and errors', () => {
    expect(planCounts(samplePlan())).toEqual({ creates: 1, updates: 1, offboards: 0, errors: 1 });
    expect(planCounts(emptyPlan({ offboard: [offboarding('gone')] }))).toEqual({
      creates: 0,
      updates: 0,
      offboards: 1,
      errors: 0,
    });
  });
});

describe('applyAccountReport', () => {
  it('counts failed changes as errors, and says when plan errors stopped the account', () => {
    const plan = samplePlan();
    const result = { outcomes: [], succeeded: 5, failed: 2, skipped: 0 };

    expect(applyAccountReport.counts?.({ plan, result })).toMatchObject({ errors: 3 });
    expect(applyAccountReport.markdown({ plan, result: undefined }, PROD)).toContain(
      'Nothing was applied in this account until its plan errors are fixed.',
    );
    expect(applyAccountReport.markdown({ plan, result }, PROD)).toMatch(
      /^\*\*5 succeeded, 2 failed, 0 skipped\*\*/,
    );
    expect(applyAccountReport.json({ plan, result: undefined }, PROD)).toMatchObject({
      applied: false,
      result: null,
    });
  });
});

describe('driftSectionMarkdown', () => {
  it("puts drift and stale invitations as #### parts under the account's heading, without their titles", () => {
    const markdown = driftSectionMarkdown({
      drift: findDrift(emptyPlan()),
      invites: { scope: SCOPE, expiryDays: 14, expireInvites: false, checked: 0, stale: [] },
    });

    expect(markdown).toBe(
      [
        'No drift: IAM holds exactly what the roster says.',
        '',
        '#### Stale invitations',
        '',
        'No stale invitations: every managed console user signed in, or was invited less than 14 days ago.',
        '',
      ].join('\n'),
    );
  });
});
