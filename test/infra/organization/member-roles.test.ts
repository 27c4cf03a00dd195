import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  hubRoleStatements,
  MEMBER_ACCOUNTS_MAX_BYTES,
  memberAccountsForLambda,
  memberRoleArn,
} from '../../../infra/lib/organization/member-roles.js';
import type { MemberAccountSettings } from '../../../infra/lib/organization/organization-settings.js';
import { DEFAULT_MEMBER_ROLES } from '../../../src/config/repo-config-schema.js';
import { DEV_ACCOUNT, PROD_ACCOUNT } from './support/organization.js';

const PROD: MemberAccountSettings = { name: 'prod', id: PROD_ACCOUNT, roleNames: DEFAULT_MEMBER_ROLES };
const DEV: MemberAccountSettings = {
  name: 'dev',
  id: DEV_ACCOUNT,
  roleNames: { planRole: 'dev-plan', applyRole: 'dev-apply', credentialsRole: 'dev-credentials' },
};

describe('memberRoleArn', () => {
  it('puts the role under the member role path', () => {
    expect(memberRoleArn(PROD_ACCOUNT, 'iam-gitops-apply')).toBe(
      'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-apply',
    );
  });
});

describe('memberAccountsForLambda', () => {
  it("gives each account's name, apply role and credentials role, in order", () => {
    expect(memberAccountsForLambda([PROD, DEV])).toEqual([
      {
        id: PROD_ACCOUNT,
        name: 'prod',
        applyRoleArn: 'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-apply',
        credentialsRoleArn: 'arn:aws:iam::111111111111:role/iam-gitops/iam-gitops-credentials',
      },
      {
        id: DEV_ACCOUNT,
        name: 'dev',
        applyRoleArn: 'arn:aws:iam::222222222222:role/iam-gitops/dev-apply',
        credentialsRoleArn: 'arn:aws:iam::222222222222:role/iam-gitops/dev-credentials',
      },
    ]);
  });

  it("refuses more accounts than the Lambda's environment holds, saying how many bytes", () => {
    const many = Array.from({ length: 15 }, (_, index) => ({
      ...PROD,
      name: `account-${index}`,
      id: String(100_000_000_000 + index),
    }));
    const fits = many.slice(0, 14);

    expect(Buffer.byteLength(JSON.stringify(memberAccountsForLambda(fits)))).toBeLessThanOrEqual(
      MEMBER_ACCOUNTS_MAX_BYTES,
    );
    expect(() => memberAccountsForLambda(many)).toThrow(
      /^MEMBER_ACCOUNTS for 15 accounts is \d+ bytes: more than the 3072 the credential Lambda's environment \(4 KB in all\) leaves for it$/,
    );
  });
});

describe('hubRoleStatements', () => {
  it("lets the hub plan role assume only the members' plan roles, the apply role only their apply roles", () => {
    const stack = new Stack();
    const statements = hubRoleStatements([PROD, DEV]);

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
});
