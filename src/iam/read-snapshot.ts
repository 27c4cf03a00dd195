// Reads the IAM snapshot with one paginated GetAccountAuthorizationDetails listing (the SDK's
// paginator): users with their groups, tags, attached policies and boundary, and every group,
// up to 1,000 a page. No per-user reads. Managed policies the roster names that no user has
// attached yet are checked with GetPolicy, one call each (usually none).
import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  type IAMClient,
  paginateGetAccountAuthorizationDetails,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { mapLimit } from '../util/map-limit.js';
import { holdYoungGeneration } from '../util/young-generation.js';
import { type AwsAccount, accountOfArn } from './account.js';
import { isAwsError } from './aws-error.js';
import type { IamSnapshot, IamUser } from './snapshot.js';

/** IAM's largest page. */
export const PAGE_SIZE = 1000;
/** GetPolicy look-ups in flight at once. */
const LOOKUP_CONCURRENCY = 4;

function toIamUser(detail: UserDetail): IamUser | undefined {
  if (!detail.UserName || !detail.Arn) return undefined;
  return {
    name: detail.UserName,
    arn: detail.Arn,
    path: detail.Path ?? '/',
    userId: detail.UserId ?? '',
    createDate: detail.CreateDate?.toISOString(),
    groups: [...(detail.GroupList ?? [])],
    attachedPolicyArns: (detail.AttachedManagedPolicies ?? []).flatMap((p) =>
      p.PolicyArn ? [p.PolicyArn] : [],
    ),
    inlinePolicyNames: (detail.UserPolicyList ?? []).flatMap((p) => (p.PolicyName ? [p.PolicyName] : [])),
    tags: Object.fromEntries(
      (detail.Tags ?? []).flatMap((t) => (t.Key !== undefined ? [[t.Key, t.Value ?? '']] : [])),
    ),
    permissionsBoundaryArn: detail.PermissionsBoundary?.PermissionsBoundaryArn,
  };
}

export async function readSnapshot(
  iam: IAMClient,
  options: { readonly referencedPolicies?: Iterable<string> } = {},
): Promise<IamSnapshot> {
  // Pages of parsed users would otherwise grow the young generation to 64 MiB (the module says why).
  holdYoungGeneration();
  const users: IamUser[] = [];
  const groups: string[] = [];
  // The account comes free with the listing: any user's or group's ARN names it.
  let account: AwsAccount | undefined;
  const pages = paginateGetAccountAuthorizationDetails(
    { client: iam, pageSize: PAGE_SIZE },
    { Filter: ['User', 'Group'] },
  );
  for await (const page of pages) {
    for (const detail of page.UserDetailList ?? []) {
      const user = toIamUser(detail);
      if (user) users.push(user);
      account ??= detail.Arn === undefined ? undefined : accountOfArn(detail.Arn);
    }
    for (const group of page.GroupDetailList ?? []) {
      if (group.GroupName) groups.push(group.GroupName);
      account ??= group.Arn === undefined ? undefined : accountOfArn(group.Arn);
    }
  }

  const known = new Set<string>();
  for (const user of users) {
    for (const arn of user.attachedPolicyArns) known.add(arn);
    if (user.permissionsBoundaryArn) known.add(user.permissionsBoundaryArn);
  }
  const snapshot: IamSnapshot = {
    users,
    groups,
    policies: [...known].sort(),
    ...(account !== undefined ? { account } : {}),
  };
  return confirmPolicies(iam, snapshot, options.referencedPolicies ?? []);
}

/**
 * `snapshot` with those of `arns` that exist added to its policies: one GetPolicy for each ARN it
 * does not know yet (a policy no user holds), none for the rest.
 */
export async function confirmPolicies(
  iam: IAMClient,
  snapshot: IamSnapshot,
  arns: Iterable<string>,
): Promise<IamSnapshot> {
  const known = new Set(snapshot.policies);
  const unknown = [...new Set(arns)].filter((arn) => !known.has(arn));
  if (unknown.length === 0) return snapshot;
  const found = await mapLimit(unknown, LOOKUP_CONCURRENCY, async (arn) =>
    (await policyExists(iam, arn)) ? arn : undefined,
  );
  for (const arn of found) if (arn) known.add(arn);
  return { ...snapshot, policies: [...known].sort() };
}

/**
 * The account, for an account that holds no user and no group yet (so the snapshot could not
 * tell it): one GetAccountAuthorizationDetails for a single role, under the same permission as
 * the listing. Every account holds a role, the one this run assumed among them.
 */
export async function readAccountFromRoles(iam: IAMClient): Promise<AwsAccount | undefined> {
  const answer = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'], MaxItems: 1 }));
  const arn = answer.RoleDetailList?.[0]?.Arn;
  return arn === undefined ? undefined : accountOfArn(arn);
}

async function policyExists(iam: IAMClient, arn: string): Promise<boolean> {
  try {
    await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    return true;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity')) return false;
    throw error;
  }
}
