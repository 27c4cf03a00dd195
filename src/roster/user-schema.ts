// The one definition of a roster file. The validator uses it directly and
// schema/user.schema.json is generated from it (scripts/generate-schema.ts), so editors and
// the action agree on what a file may say.

import { accountName } from '../config/repo-config-schema.js';
import { IAM_LIMITS, RESERVED_TAG_PREFIX, RESERVED_TAG_SLOTS } from '../contract.js';
import {
  emailAddress,
  groupName,
  isUniqueIgnoringCase,
  nonEmptyUniqueList,
  policyArn,
} from '../settings/fields.js';
import * as z from '../util/zod.js';

export { EMAIL_PATTERN, GROUP_NAME_PATTERN, POLICY_ARN_PATTERN } from '../settings/fields.js';

/** IAM tag keys and values: letters, digits, spaces and _ . : / = + - @ (Unicode letters allowed). */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const tagKey = z.string().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(IAM_LIMITS.tagKeyMaxLength, `key must be at most ${IAM_LIMITS.tagKeyMaxLength} characters`),
  z.regex(TAG_CHARS, 'key may contain only letters, digits, spaces and _ . : / = + - @'),
  z.refine((key) => !key.toLowerCase().startsWith('aws:'), 'keys starting with "aws:" are reserved by AWS'),
  z.refine(
    (key) => !key.toLowerCase().startsWith(RESERVED_TAG_PREFIX),
    `keys starting with "${RESERVED_TAG_PREFIX}" are reserved for iam-gitops`,
  ),
);

const tagValue = z
  .string()
  .check(
    z.maxLength(
      IAM_LIMITS.tagValueMaxLength,
      `value must be at most ${IAM_LIMITS.tagValueMaxLength} characters`,
    ),
    z.regex(TAG_CHARS, 'value may contain only letters, digits, spaces and _ . : / = + - @'),
  );

/** Tag keys owned by AWS or iam-gitops, in any case; spelled without flags so JSON Schema can use it. */
export const RESERVED_KEY_PATTERN = /^([aA][wW][sS]|[iI][aA][mM]-[gG][iI][tT][oO][pP][sS]):/;

export const MAX_USER_TAGS = IAM_LIMITS.tagsPerUser - RESERVED_TAG_SLOTS;

export const userFileSchema = z.strictObject({
  name: z
    .string()
    .check(
      z.minLength(1, 'must not be empty'),
      z.maxLength(IAM_LIMITS.userNameMaxLength, `must be at most ${IAM_LIMITS.userNameMaxLength} characters`),
      z.regex(IAM_LIMITS.userNamePattern, 'may contain only letters, digits and + = , . @ _ -'),
      z.describe('IAM user name; the file must be named <name>.yaml. An email address is recommended.'),
    ),
  email: z
    .optional(emailAddress)
    .check(z.describe('Where sign-in details are sent. Defaults to name when name is an email address.')),
  groups: z
    .optional(
      z
        .array(groupName)
        .check(
          z.maxLength(IAM_LIMITS.groupsPerUser, `at most ${IAM_LIMITS.groupsPerUser} groups (an IAM limit)`),
          z.refine(isUniqueIgnoringCase, 'must not repeat (IAM group names ignore case)'),
        ),
    )
    .check(z.describe('Existing IAM groups the user belongs to.')),
  policies: z
    .optional(
      z
        .array(policyArn)
        .check(
          z.maxLength(
            IAM_LIMITS.managedPoliciesPerUser,
            `at most ${IAM_LIMITS.managedPoliciesPerUser} managed policies (an IAM limit)`,
          ),
          z.refine(isUniqueIgnoringCase, 'must not repeat'),
        ),
    )
    .check(z.describe('Managed policy ARNs attached to the user directly.')),
  tags: z
    .optional(
      z
        .record(tagKey, tagValue)
        .check(
          z.refine(
            (tags) => Object.keys(tags).length <= MAX_USER_TAGS,
            `at most ${MAX_USER_TAGS} tags (IAM allows ${IAM_LIMITS.tagsPerUser}; ${RESERVED_TAG_SLOTS} are kept for iam-gitops)`,
          ),
        ),
    )
    .check(z.describe('User tags. Keys may not start with aws: or iam-gitops:.')),
  console: z
    .optional(z.boolean())
    .check(z.describe('Console access (default true): a login profile and a credentials email.')),
  permissionsBoundary: z
    .optional(policyArn)
    .check(z.describe('Managed policy ARN set as the permissions boundary.')),
  accounts: z
    .optional(
      nonEmptyUniqueList(
        accountName,
        'name at least one account, or leave the field out for defaultAccounts',
      ),
    )
    .check(
      z.describe(
        'The accounts (names from accounts: in iam-gitops.yaml) the user exists in; default: defaultAccounts.',
      ),
    ),
  adopt: z
    .optional(z.boolean())
    .check(z.describe('Take over an existing IAM user of this name that is outside the managed scope.')),
});

export type UserFile = z.infer<typeof userFileSchema>;

/** The JSON Schema of a roster file, derived from userFileSchema. */
export function userFileJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(userFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const schema: Record<string, unknown> = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/iam-gitops/iam-gitops/schema/user.schema.json',
    title: 'iam-gitops user',
    description: 'One IAM user managed by iam-gitops: users/<name>.yaml',
    ...Object.fromEntries(Object.entries(generated).filter(([key]) => key !== '$schema')),
  };
  // Rules zod expresses as refinements, which JSON Schema has words for. (Case-insensitive
  // uniqueness of groups and the console rules stay with the validator: JSON Schema cannot say them.)
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  if (properties.tags) {
    properties.tags.maxProperties = MAX_USER_TAGS;
    const names = properties.tags.propertyNames as Record<string, unknown> | undefined;
    if (names) names.not = { pattern: RESERVED_KEY_PATTERN.source };
  }
  if (properties.groups) properties.groups.uniqueItems = true;
  if (properties.policies) properties.policies.uniqueItems = true;
  return schema;
}
