// The cdk-nag (AwsSolutions) findings this stack accepts, each with its reason, recorded with
// CDK's own `Validations.of(...).acknowledge()` (what cdk-nag 3 reads): anyone running cdk-nag over
// the stack sees the same reasons the tests check. Each finding is acknowledged by its exact id
// (`AwsSolutions-IAM5[Resource::...]`), computed from the same ARNs the policies use, so a new
// wildcard is a new finding and fails the test.
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { allowedGroupArns } from './apply-permissions.js';
import type { CredentialPipeline } from './credential-pipeline.js';
import type { GithubOidcRoles } from './github-oidc-roles.js';
import { mfaArnPattern, userArnPattern } from './iam-arns.js';
import type { Settings } from './settings.js';
import type { ManagementEventsTrail } from './trail.js';

export interface NagParts {
  readonly settings: Settings;
  readonly roles: GithubOidcRoles;
  readonly pipeline: CredentialPipeline;
  readonly trail: ManagementEventsTrail | undefined;
}

/** How cdk-nag writes a resource in a finding id: pseudo parameters and references as `<Name>`. */
export function nagResource(scope: IConstruct, arn: string): string {
  if (!Token.isUnresolved(arn)) return arn;
  const flatten = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const object = value as Record<string, unknown>;
    if ('Ref' in object) return `<${String(object.Ref)}>`;
    if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    return JSON.stringify(value);
  };
  return flatten(Stack.of(scope).resolve(arn));
}

function wildcard(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagResource(scope, resource)}]`,
    reason,
  });
}

/** The single-account stack: its GitHub roles, its pipeline and its trail. */
export function acknowledgeNagFindings(parts: NagParts): void {
  const { settings, roles, pipeline } = parts;
  acknowledgePlanRole(roles.planRole, settings);
  acknowledgeApplyRole(roles.applyRole, settings);
  acknowledgeLambdaIam(pipeline.role, settings);
  acknowledgePipeline(pipeline, settings);
  if (parts.trail !== undefined) {
    Validations.of(parts.trail.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds the CloudTrail log files themselves (versioned, validated, TLS only, writable by this trail only); server access logs would need a second bucket per installation.',
    });
  }
}

/** A role holding planStatements: the GitHub plan role, or a member account's plan role. */
export function acknowledgePlanRole(role: iam.IRole, settings: Settings): void {
  const stack = Stack.of(role);
  wildcard(
    role,
    '*',
    'Read-only actions that take no resource (GetAccountAuthorizationDetails, ListUsers) or must read any managed policy a roster names (GetPolicy).',
  );
  wildcard(
    role,
    userArnPattern(stack, settings.iamPath),
    'Reads (GetUser, GetLoginProfile) of the users under the managed IAM path: the path in the user ARN is the scope.',
  );
}

/** A role holding applyStatements: the GitHub apply role, or a member account's apply role. */
export function acknowledgeApplyRole(role: iam.IRole, settings: Settings): void {
  const stack = Stack.of(role);
  wildcard(
    role,
    '*',
    'Reads that take no resource (GetAccountAuthorizationDetails, ListUsers) or read any named managed policy (GetPolicy); and the guardrail Deny statements, which must cover every resource.',
  );
  wildcard(
    role,
    userArnPattern(stack, settings.iamPath),
    "Users under the managed IAM path (the path is in the user ARN); every write to an existing user is denied unless its managed-by tag names this repository, and the guardrails' Deny statements bound policies, boundary and email.",
  );
  wildcard(
    role,
    mfaArnPattern(stack),
    "DeleteVirtualMFADevice for offboarding: a device's ARN carries no user path, and an assigned device cannot be deleted (DeactivateMFADevice is scoped to managed users).",
  );
  for (const group of allowedGroupArns(stack, settings).filter((arn) =>
    nagResource(stack, arn).includes('*'),
  )) {
    wildcard(
      role,
      group,
      'A group the guardrails allow, at any path under groupPath (IAM group names are unique in the account), or every group under groupPath when guardrails.groups is ["*"].',
    );
  }
  if (settings.allowAdoption) {
    wildcard(
      role,
      userArnPattern(stack, '/'),
      'Adoption (allowAdoption, off by default): IAM authorizes UpdateUser against the current user ARN, outside the path; users another repository manages are denied.',
    );
  }
}

/** A role holding lambdaIamStatements: the credential Lambda's, or a member's credentials role. */
export function acknowledgeLambdaIam(role: iam.IRole, settings: Settings): void {
  wildcard(role, '*', 'GetAccountPasswordPolicy and ListAccountAliases take no resource; both only read.');
  wildcard(
    role,
    userArnPattern(Stack.of(role), settings.iamPath),
    'Login profiles and the credentials-sent marker of users under the managed IAM path, and only those whose managed-by tag names this repository.',
  );
}

/** The pipeline's own findings, in one account or in the hub: SES in the sandbox, the DLQ. */
export function acknowledgePipeline(pipeline: CredentialPipeline, settings: Settings): void {
  if (settings.sesSandbox) {
    wildcard(
      pipeline.role,
      Stack.of(pipeline).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
      "SES sandbox only: SES also authorizes each send against the recipient's verified identity; the From address stays fixed by ses:FromAddress.",
    );
  }
  Validations.of(pipeline.deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is the dead-letter queue of the rule, the subscription and the Lambda; an alarm watches it.',
  });
}
