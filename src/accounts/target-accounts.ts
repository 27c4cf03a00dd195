// The accounts a many-accounts run works in, from `iam-gitops.yaml` `accounts:` (DESIGN.md,
// "Many accounts"): each with its name, id and the ARNs of the roles the hub chains into there.
// Pure: no AWS call; the partition comes from an ARN the caller already has.
import type { GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import {
  type AccountEntry,
  DEFAULT_MEMBER_ROLES,
  MEMBER_ROLE_PATH,
  type RepoConfig,
} from '../config/repo-config-schema.js';
import type { MemberAccount, MemberAccountEntry, MemberAccountsValue } from '../contract.js';

/** One member account of a many-accounts run. */
export interface TargetAccount {
  /** The key in `accounts:`: how user files, the PR comment and the plan JSON name the account. */
  readonly name: string;
  /** The 12-digit account id. */
  readonly id: string;
  /** `arn:<partition>:iam::<id>:role/iam-gitops/<planRole>`: chained into by plan, drift. */
  readonly planRoleArn: string;
  /** `arn:<partition>:iam::<id>:role/iam-gitops/<applyRole>`: chained into by apply, resend, invitations. */
  readonly applyRoleArn: string;
  /** The role the central credential Lambda assumes there (not used by the action). */
  readonly credentialsRoleArn: string;
}

/** Which member role a command acts through: `plan` only reads IAM, `apply` writes. */
export type MemberRoleKind = 'plan' | 'apply';

/** What `accounts:` holds when it is set. */
export type AccountsConfig = NonNullable<RepoConfig['accounts']>;

/** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, ...: the second field of every ARN. */
const ARN_PARTITION = /^arn:(aws(?:-[a-z]+)*):/;

/** The partition of any ARN (a role, an assumed-role session, a user). */
export function partitionOf(arn: string): string {
  const partition = ARN_PARTITION.exec(arn)?.[1];
  if (partition === undefined)
    throw new Error(`cannot tell the AWS partition of "${arn}": it is not an ARN like arn:aws:iam::...`);
  return partition;
}

/**
 * The partition the member accounts live in: the hub role's (role-to-assume), or, with the
 * environment's credentials, that of the caller STS names (`getCallerIdentity` is called only then).
 */
export async function hubPartition(
  hubRoleArn: string | undefined,
  getCallerIdentity: () => Promise<Pick<GetCallerIdentityCommandOutput, 'Arn'>>,
): Promise<string> {
  if (hubRoleArn !== undefined) return partitionOf(hubRoleArn);
  const { Arn } = await getCallerIdentity();
  if (Arn === undefined) throw new Error('STS GetCallerIdentity returned no ARN: cannot tell the partition');
  return partitionOf(Arn);
}

/**
 * `arn:<partition>:iam::<accountId>:role/iam-gitops/<roleName>`: a role the StackSet puts in a
 * member account. The one rule for these ARNs: the action, the CDK app and the Lambda all call it.
 */
export function memberRoleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role${MEMBER_ROLE_PATH}${roleName}`;
}

export function targetAccount(partition: string, name: string, entry: AccountEntry): TargetAccount {
  return {
    name,
    id: entry.id,
    planRoleArn: memberRoleArn(partition, entry.id, entry.planRole ?? DEFAULT_MEMBER_ROLES.planRole),
    applyRoleArn: memberRoleArn(partition, entry.id, entry.applyRole ?? DEFAULT_MEMBER_ROLES.applyRole),
    credentialsRoleArn: memberRoleArn(
      partition,
      entry.id,
      entry.credentialsRole ?? DEFAULT_MEMBER_ROLES.credentialsRole,
    ),
  };
}

/** Every account of `accounts:`, in the file's order. */
export function targetAccounts(accounts: AccountsConfig, partition: string): TargetAccount[] {
  return Object.entries(accounts).map(([name, entry]) => targetAccount(partition, name, entry));
}

export function roleArnFor(account: TargetAccount, kind: MemberRoleKind): string {
  return kind === 'plan' ? account.planRoleArn : account.applyRoleArn;
}

/**
 * The accounts named in `names` (a re-send's `account` input, the accounts a user file names),
 * in the configuration's order. An unknown name is an error listing the known ones.
 */
export function selectAccounts(
  accounts: readonly TargetAccount[],
  names: readonly string[],
): TargetAccount[] {
  const unknown = names.filter((name) => !accounts.some((account) => account.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown account${unknown.length === 1 ? '' : 's'} ${unknown.map((name) => `"${name}"`).join(', ')} ` +
        `(accounts in iam-gitops.yaml: ${accounts.map((account) => account.name).join(', ')})`,
    );
  }
  return accounts.filter((account) => names.includes(account.name));
}

/**
 * The central credential Lambda's MEMBER_ACCOUNTS: account id -> name, with the apply and
 * credentials role names only where they are not the defaults. No ARNs: the Lambda derives them
 * (resolveMemberAccount), which keeps an account to about 20 bytes plus its name.
 */
export function memberAccounts(accounts: AccountsConfig): MemberAccountsValue {
  const value: Record<string, MemberAccountEntry> = {};
  for (const [name, entry] of Object.entries(accounts)) {
    const applyRole = entry.applyRole === DEFAULT_MEMBER_ROLES.applyRole ? undefined : entry.applyRole;
    const credentialsRole =
      entry.credentialsRole === DEFAULT_MEMBER_ROLES.credentialsRole ? undefined : entry.credentialsRole;
    value[entry.id] =
      applyRole === undefined && credentialsRole === undefined
        ? name
        : {
            name,
            ...(applyRole === undefined ? {} : { applyRole }),
            ...(credentialsRole === undefined ? {} : { credentialsRole }),
          };
  }
  return value;
}

/**
 * One MEMBER_ACCOUNTS entry as the Lambda acts on it: the role ARNs in `partition` (the Lambda's
 * own), by the same rule as every other member role ARN (memberRoleArn).
 */
export function resolveMemberAccount(
  partition: string,
  id: string,
  entry: MemberAccountEntry,
): MemberAccount {
  const named = typeof entry === 'string' ? { name: entry } : entry;
  return {
    id,
    name: named.name,
    applyRoleArn: memberRoleArn(partition, id, named.applyRole ?? DEFAULT_MEMBER_ROLES.applyRole),
    credentialsRoleArn: memberRoleArn(
      partition,
      id,
      named.credentialsRole ?? DEFAULT_MEMBER_ROLES.credentialsRole,
    ),
  };
}
