// Reads the IAM snapshot with one paginated GetAccountAuthorizationDetails listing: users with
// their groups, tags, attached policies and boundary, and every group, up to 1,000 a page.
// No per-user reads. Managed policies the roster names that no user has attached yet are
// checked with GetPolicy, one call each (usually none).
import {
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
  GetPolicyCommand,
  type IAMClient,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { mapLimit } from '../util/map-limit.js';
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
  const users: IamUser[] = [];
  const groups: string[] = [];
  let marker: string | undefined;
  do {
    const page: GetAccountAuthorizationDetailsCommandOutput = await iam.send(
      new GetAccountAuthorizationDetailsCommand({
        Filter: ['User', 'Group'],
        MaxItems: PAGE_SIZE,
        ...(marker ? { Marker: marker } : {}),
      }),
    );
    for (const detail of page.UserDetailList ?? []) {
      const user = toIamUser(detail);
      if (user) users.push(user);
    }
    for (const group of page.GroupDetailList ?? []) {
      if (group.GroupName) groups.push(group.GroupName);
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);

  const known = new Set<string>();
  for (const user of users) {
    for (const arn of user.attachedPolicyArns) known.add(arn);
    if (user.permissionsBoundaryArn) known.add(user.permissionsBoundaryArn);
  }
  const unknown = [...new Set(options.referencedPolicies ?? [])].filter((arn) => !known.has(arn));
  const found = await mapLimit(unknown, LOOKUP_CONCURRENCY, async (arn) =>
    (await policyExists(iam, arn)) ? arn : undefined,
  );
  for (const arn of found) if (arn) known.add(arn);

  return { users, groups, policies: [...known].sort() };
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
