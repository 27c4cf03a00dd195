// The member accounts' roles as the hub names them: the ARNs its plan and apply roles may assume,
// and the accounts the central credential Lambda answers (MEMBER_ACCOUNTS). Pure: computed from
// the organisation settings alone, by the rules the action and the Lambda use too
// (src/accounts/target-accounts.ts), so the hub's policies, the action's role chain and the
// Lambda's configuration name the same roles.
import * as iam from 'aws-cdk-lib/aws-iam';
import { memberAccounts, memberRoleArn } from '../../../src/accounts/target-accounts.js';
import type { MemberAccountsValue } from '../../../src/contract.js';
import type { MemberAccountSettings } from './organization-settings.js';

/**
 * MEMBER_ACCOUNTS of the central Lambda: account id -> name, role names only where they are not
 * the defaults; the Lambda derives the ARNs. The pipeline checks that it fits Lambda's 4 KB.
 */
export function memberAccountsForLambda(accounts: readonly MemberAccountSettings[]): MemberAccountsValue {
  return memberAccounts(
    Object.fromEntries(
      accounts.map((account) => [
        account.name,
        {
          id: account.id,
          applyRole: account.roleNames.applyRole,
          credentialsRole: account.roleNames.credentialsRole,
        },
      ]),
    ),
  );
}

/**
 * The hub roles' only permissions: the plan role may assume each member's plan role, the apply
 * role each member's apply role, in the hub's partition; no other role, and nothing in the hub
 * itself. No sts:TagSession or sts:SetSourceIdentity: the action's chained AssumeRole passes neither.
 */
export function hubRoleStatements(
  partition: string,
  accounts: readonly MemberAccountSettings[],
): { plan: iam.PolicyStatement[]; apply: iam.PolicyStatement[] } {
  const assume = (sid: string, role: keyof MemberAccountSettings['roleNames']) =>
    new iam.PolicyStatement({
      sid,
      actions: ['sts:AssumeRole'],
      resources: accounts.map((account) => memberRoleArn(partition, account.id, account.roleNames[role])),
    });
  return {
    plan: [assume('AssumeMemberPlanRoles', 'planRole')],
    apply: [assume('AssumeMemberApplyRoles', 'applyRole')],
  };
}
