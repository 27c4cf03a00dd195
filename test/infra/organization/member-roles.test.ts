import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { hubRoleStatements, memberAccountsForLambda } from '../../../infra/lib/organization/member-roles.js';
import type { MemberAccountSettings } from '../../../infra/lib/organization/organization-settings.js';
import { memberRoleArn, resolveMemberAccount } from '../../../src/accounts/target-accounts.js';
import { DEFAULT_MEMBER_ROLES } from '../../../src/config/repo-config-schema.js';
import { withApp } from '../support/synth.js';
import { DEV_ACCOUNT, PROD_ACCOUNT } from './support/organization.js';

const PROD: MemberAccountSettings = { name: 'prod', id: PROD_ACCOUNT, roleNames: DEFAULT_MEMBER_ROLES };
const DEV: MemberAccountSettings = {
  name: 'dev',
  id: DEV_ACCOUNT,
  roleNames: { planRole: 'dev-plan', applyRole: 'dev-apply', credentialsRole: 'dev-credentials' },
};

describe('memberAccountsForLambda', () => {
  it('names each account by id, with the role names only where they are not the defaults (no plan role: the Lambda needs none)', () => {
    expect(memberAccountsForLambda([PROD, DEV])).toEqual({
      [PROD_ACCOUNT]: 'prod',
      [DEV_ACCOUNT]: { name: 'dev', applyRole: 'dev-apply', credentialsRole: 'dev-credentials' },
    });
  });

  it('is what the Lambda resolves into the ARNs the hub lets it assume', () => {
    const resolved = Object.entries(memberAccountsForLambda([PROD, DEV])).map(([id, entry]) =>
      resolveMemberAccount('aws', id, entry),
    );

    expect(resolved.map((member) => [member.applyRoleArn, member.credentialsRoleArn])).toEqual([
      [
        memberRoleArn('aws', PROD_ACCOUNT, 'iam-gitops-apply'),
        memberRoleArn('aws', PROD_ACCOUNT, 'iam-gitops-credentials'),
      ],
      [memberRoleArn('aws', DEV_ACCOUNT, 'dev-apply'), memberRoleArn('aws', DEV_ACCOUNT, 'dev-credentials')],
    ]);
  });
});

describe('hubRoleStatements', () => {
  it("lets the hub plan role assume only the members' plan roles, the apply role only their apply roles", () => {
    const stack = withApp((app) => new Stack(app, 'Hub'));
    const statements = hubRoleStatements('aws', [PROD, DEV]);

    expect(stack.resolve(statements.plan.map((s) => s.toStatementJson()))).toEqual([
      {
        Sid: 'AssumeMemberPlanRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: [
          'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-plan',
          'arn:aws:iam::222222222222:role/iam-gitops/dev-plan',
        ],
      },
    ]);
    expect(stack.resolve(statements.apply.map((s) => s.toStatementJson()))).toEqual([
      {
        Sid: 'AssumeMemberApplyRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: [
          'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-apply',
          'arn:aws:iam::222222222222:role/iam-gitops/dev-apply',
        ],
      },
    ]);
  });

  it("names the members' roles in the hub's partition", () => {
    const stack = withApp((app) => new Stack(app, 'Hub'));
    const [plan] = hubRoleStatements('aws-cn', [PROD]).plan;

    expect(stack.resolve(plan?.toStatementJson().Resource)).toBe(
      'arn:aws-cn:iam::111111111111:role/iam-gitops/iam-gitops-plan',
    );
  });
});
