import { describe, expect, it } from 'vitest';
import { PLAN_JSON_VERSION, planToJson, renderPlanJson } from '../../../src/plan/render-json.js';
import { emptyPlan, offboarding, REPOSITORY, SCOPE, samplePlan } from '../support/factories.js';

describe('planToJson', () => {
  it('is versioned, with the scope, a summary and every list of the plan', () => {
    const plan = samplePlan();

    const json = planToJson(plan);

    expect(PLAN_JSON_VERSION).toBe(1);
    expect(json).toEqual({
      version: 1,
      scope: { iamPath: '/iam-gitops/', repository: REPOSITORY },
      summary: { create: 1, update: 1, offboard: 0, unchanged: 1, changes: 7, errors: 1 },
      users: plan.users,
      unchanged: ['carol@example.com'],
      offboard: [],
      disabled: [],
      unmanaged: plan.unmanaged,
      errors: [
        {
          file: 'users/e`rin|x.yaml',
          field: 'groups.0',
          line: 2,
          column: 5,
          message: 'group "nope" does not exist in IAM (groups are not created by iam-gitops)',
          text: 'users/e`rin|x.yaml:2:5: groups.0: group "nope" does not exist in IAM (groups are not created by iam-gitops)',
        },
      ],
      warnings: [],
    });
  });

  it('counts nothing for an empty plan', () => {
    expect(planToJson(emptyPlan())).toEqual({
      version: 1,
      scope: SCOPE,
      summary: { create: 0, update: 0, offboard: 0, unchanged: 0, changes: 0, errors: 0 },
      users: [],
      unchanged: [],
      offboard: [],
      disabled: [],
      unmanaged: [],
      errors: [],
      warnings: [],
    });
  });

  it('passes users to offboard through and counts them', () => {
    const plan = emptyPlan({ offboard: [offboarding('dave@example.com')] });

    const json = planToJson(plan);

    expect(json.offboard).toEqual([offboarding('dave@example.com')]);
    expect(json.summary).toEqual({
      create: 0,
      update: 0,
      offboard: 1,
      unchanged: 0,
      changes: 1,
      errors: 0,
    });
  });

  it('lists each warning with its FILE:LINE:COL text', () => {
    const warning = {
      file: 'iam-gitops.yaml',
      field: 'guardrails.policies',
      line: 9,
      column: 15,
      message: "'*' allows any managed policy",
    };

    const json = planToJson(emptyPlan({ warnings: [warning] }));

    expect(json.warnings).toEqual([
      { ...warning, text: "iam-gitops.yaml:9:15: guardrails.policies: '*' allows any managed policy" },
    ]);
    expect(json.errors).toEqual([]);
  });
});

describe('renderPlanJson', () => {
  it('is indented JSON ending with a newline that parses back to planToJson, minus undefined fields', () => {
    const plan = samplePlan();

    const text = renderPlanJson(plan);

    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "version": 1,\n')).toBe(true);
    const parsed = JSON.parse(text);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(planToJson(plan))));
    expect(parsed.unmanaged).toEqual([
      { user: 'hand-made', path: '/iam-gitops/' },
      { user: 'other-team', path: '/iam-gitops/', managedBy: 'acme/other-repo' },
    ]);
    expect(parsed.users[0].changes[0]).toMatchObject({
      kind: 'create-user',
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    });
  });
});
