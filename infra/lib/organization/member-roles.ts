// The member accounts' roles as the hub names them: the ARNs its plan and apply roles may assume,
// and the accounts the central credential Lambda answers (MEMBER_ACCOUNTS). Pure: computed from
// the organisation settings alone, so the hub's policies and the Lambda's configuration agree.
import * as iam from 'aws-cdk-lib/aws-iam';
import { MEMBER_ROLE_PATH } from '../../../src/config/repo-config-schema.js';
import type { MemberAccount } from '../../../src/contract.js';
import { OrganizationError } from './organization-error.js';
import type { MemberAccountSettings } from './organization-settings.js';

/**
 * Lambda allows 4 KB of environment variables in all; the others (sender, path, topic ARN,
 * provenance settings, NODE_OPTIONS) are kept 1 KB. About 200 bytes an account: some 15 accounts.
 */
export const MEMBER_ACCOUNTS_MAX_BYTES = 3_072;

/**
 * A member role's ARN, path included. The partition is `aws` because the hub lives in us-east-1
 * (REQUIRED_REGION), which is in no other partition; literal ARNs keep MEMBER_ACCOUNTS a plain
 * string whose size the synth can check.
 */
export function memberRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role${MEMBER_ROLE_PATH}${roleName}`;
}

/**
 * MEMBER_ACCOUNTS of the central Lambda: one entry per account, in the order of `accounts:`.
 * Throws when the list would not fit in the Lambda's environment.
 */
export function memberAccountsForLambda(accounts: readonly MemberAccountSettings[]): MemberAccount[] {
  const members = accounts.map((account) => ({
    id: account.id,
    name: account.name,
    applyRoleArn: memberRoleArn(account.id, account.roleNames.applyRole),
    credentialsRoleArn: memberRoleArn(account.id, account.roleNames.credentialsRole),
  }));
  const bytes = Buffer.byteLength(JSON.stringify(members), 'utf8');
  if (bytes > MEMBER_ACCOUNTS_MAX_BYTES) {
    throw new OrganizationError(
      `MEMBER_ACCOUNTS for ${accounts.length} accounts is ${bytes} bytes: more than the ${MEMBER_ACCOUNTS_MAX_BYTES} the credential Lambda's environment (4 KB in all) leaves for it`,
    );
  }
  return members;
}

/**
 * The hub roles' only permissions: the plan role may assume each member's plan role, the apply
 * role each member's apply role; no other role, and nothing in the hub itself. No sts:TagSession
 * or sts:SetSourceIdentity: the action's chained AssumeRole passes neither.
 */
export function hubRoleStatements(accounts: readonly MemberAccountSettings[]): {
  plan: iam.PolicyStatement[];
  apply: iam.PolicyStatement[];
} {
  const assume = (sid: string, role: keyof MemberAccountSettings['roleNames']) =>
    new iam.PolicyStatement({
      sid,
      actions: ['sts:AssumeRole'],
      resources: accounts.map((account) => memberRoleArn(account.id, account.roleNames[role])),
    });
  return {
    plan: [assume('AssumeMemberPlanRoles', 'planRole')],
    apply: [assume('AssumeMemberApplyRoles', 'applyRole')],
  };
}
