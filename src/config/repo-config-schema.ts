// The one definition of `iam-gitops.yaml`, the roster repository's configuration (DESIGN.md,
// "Guardrails" and "Many accounts"). The action, the CLI and the CDK app all read it through
// this schema, and schema/config.schema.json is generated from it (scripts/generate-schema.ts).

import {
  accountId,
  domainName,
  groupName,
  isUniqueIgnoringCase,
  nonEmptyUniqueList,
  POLICY_NAME_PATTERN,
  policyArn,
  roleName,
} from '../settings/fields.js';
import * as z from '../util/zod.js';

/** The file's name at the repository root, beside `users/`. */
export const REPO_CONFIG_FILE = 'iam-gitops.yaml';

/** `'*'` in a guardrail list: any value, a conscious opt-out that the plan comment warns about. */
export const ANY = '*';

/** Names of accounts in `accounts:`: how user files and the PR comment refer to them. */
export const ACCOUNT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const accountName = z
  .string()
  .check(z.regex(ACCOUNT_NAME_PATTERN, 'must be an account name: letters, digits, _ and -, at most 64'));

/** Default role names in each member account, under the path `/iam-gitops/` (DESIGN.md, "Many accounts"). */
export const DEFAULT_MEMBER_ROLES = {
  planRole: 'iam-gitops-plan',
  applyRole: 'iam-gitops-apply',
  credentialsRole: 'iam-gitops-credentials',
} as const;
/** The IAM path of the member accounts' roles. */
export const MEMBER_ROLE_PATH = '/iam-gitops/';

/** A list of allowed values, or `['*']` for any. */
function allowList<T extends z.ZodMiniType<string>>(item: T, what: string) {
  return z.array(z.union([z.literal(ANY), item])).check(
    z.refine(isUniqueIgnoringCase, 'must not repeat'),
    z.refine(
      (items) => !items.includes(ANY) || items.length === 1,
      `'*' allows any ${what}: give it alone, or list the ${what}s`,
    ),
  );
}

/** A customer managed policy as a name (in each account) or an ARN. */
const boundaryPolicy = z.union([
  policyArn,
  z.string().check(z.regex(POLICY_NAME_PATTERN, 'must be a customer managed policy name or ARN')),
]);

export const guardrailsSchema = z.strictObject({
  groups: allowList(groupName, 'group').check(
    z.describe("The only IAM groups a user file may name; ['*'] allows any group (a conscious opt-out)."),
  ),
  policies: allowList(policyArn, 'policy').check(
    z.describe(
      "The only managed policy ARNs a user file may name; ['*'] allows any. IAMUserChangePassword is always allowed for console users.",
    ),
  ),
  permissionsBoundary: z
    .optional(boundaryPolicy)
    .check(
      z.describe(
        'A customer managed policy (name or ARN) set as the permissions boundary of every managed user; the apply role cannot create a user without it nor remove it.',
      ),
    ),
  recipientDomains: z
    .optional(nonEmptyUniqueList(domainName, 'list at least one domain, or leave the field out'))
    .check(z.describe('Credentials are emailed only to addresses in these domains (exact, lower case).')),
});

export const accountSchema = z.strictObject({
  id: accountId.check(z.describe('The 12-digit AWS account id (quote it in YAML).')),
  planRole: z
    .optional(roleName)
    .check(z.describe(`Role the hub plan role assumes there; default ${DEFAULT_MEMBER_ROLES.planRole}.`)),
  applyRole: z
    .optional(roleName)
    .check(z.describe(`Role the hub apply role assumes there; default ${DEFAULT_MEMBER_ROLES.applyRole}.`)),
  credentialsRole: z
    .optional(roleName)
    .check(
      z.describe(
        `Role the central credential Lambda assumes there; default ${DEFAULT_MEMBER_ROLES.credentialsRole}.`,
      ),
    ),
});

export const repoConfigSchema = z.strictObject({
  guardrails: z
    .optional(guardrailsSchema)
    .check(
      z.describe(
        'What a roster may grant. Required by the infrastructure; checked by the action when present.',
      ),
    ),
  accounts: z
    .optional(
      z
        .record(accountName, accountSchema)
        .check(
          z.refine(
            (accounts) => Object.keys(accounts).length > 0,
            'list at least one account, or leave the field out',
          ),
        ),
    )
    .check(
      z.describe('Many accounts: account name -> id (and optionally role names). Without it, one account.'),
    ),
  defaultAccounts: z
    .optional(nonEmptyUniqueList(accountName, 'name at least one account'))
    .check(z.describe('The accounts of user files that name none.')),
});

export type Guardrails = z.infer<typeof guardrailsSchema>;
export type AccountEntry = z.infer<typeof accountSchema>;
export type RepoConfig = z.infer<typeof repoConfigSchema>;

/** The JSON Schema of `iam-gitops.yaml`, derived from repoConfigSchema. */
export function repoConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(repoConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/iam-gitops/iam-gitops/schema/config.schema.json',
    title: 'iam-gitops configuration',
    description: `The roster repository's configuration: ${REPO_CONFIG_FILE} beside users/`,
    ...Object.fromEntries(Object.entries(generated).filter(([key]) => key !== '$schema')),
  };
}
