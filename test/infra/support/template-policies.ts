// The policy documents of a synthesized template, with CloudFormation's intrinsic functions
// resolved as a deployment in TEST_ENVIRONMENT would resolve them, ready for the IAM simulator.
import type { Template } from 'aws-cdk-lib/assertions';
import { resourcesOf } from './synth.js';

/** The pseudo parameters a deployed template would see. */
export interface Environment {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
}

export const TEST_ENVIRONMENT: Environment = {
  partition: 'aws',
  accountId: '111122223333',
  region: 'us-east-1',
};

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

/**
 * Resolves the intrinsic functions CDK puts into policy documents (Ref to pseudo parameters and
 * resources, Fn::Join, Fn::GetAtt). A resource's Ref or Arn is looked up in `physical` when the
 * test names it there; otherwise it becomes `<LogicalId>` / `<LogicalId.Attr>`, which no request
 * resource ever equals.
 */
export function resolve(
  value: unknown,
  physical: Record<string, string> = {},
  env = TEST_ENVIRONMENT,
): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, physical, env));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first !== undefined) {
    const [fn, argument] = first;
    if (fn === 'Ref') {
      const pseudo: Record<string, string> = {
        'AWS::Partition': env.partition,
        'AWS::AccountId': env.accountId,
        'AWS::Region': env.region,
        'AWS::URLSuffix': 'amazonaws.com',
      };
      const name = String(argument);
      return pseudo[name] ?? physical[name] ?? `<${name}>`;
    }
    if (fn === 'Fn::GetAtt') {
      const key = (argument as string[]).join('.');
      return physical[key] ?? `<${key}>`;
    }
    if (fn === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((part) => String(resolve(part, physical, env))).join(separator);
    }
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner, physical, env)]));
}

/** Every identity policy of a role (inline policies and AWS::IAM::Policy attached to it), resolved. */
export function rolePolicies(
  template: Template,
  roleId: string,
  physical: Record<string, string> = {},
): PolicyDocument[] {
  const resources = resourcesOf(template);
  const documents: unknown[] = [];
  const role = resources[roleId];
  for (const policy of (role?.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
    documents.push(policy.PolicyDocument);
  }
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    if (roles.some((r) => r.Ref === roleId)) documents.push(resource.Properties?.PolicyDocument);
  }
  return documents.map((document) => resolve(document, physical) as PolicyDocument);
}

/** A role's trust policy, resolved. */
export function trustPolicy(
  template: Template,
  roleId: string,
  physical: Record<string, string> = {},
): PolicyDocument {
  const role = resourcesOf(template)[roleId];
  return resolve(role?.Properties?.AssumeRolePolicyDocument, physical) as PolicyDocument;
}

/** The `PolicyDocument` (or `KeyPolicy`) property of one resource, resolved. */
export function resourcePolicy(
  template: Template,
  resourceId: string,
  property: 'PolicyDocument' | 'KeyPolicy' = 'PolicyDocument',
  physical: Record<string, string> = {},
): PolicyDocument {
  return resolve(resourcesOf(template)[resourceId]?.Properties?.[property], physical) as PolicyDocument;
}

/** The inline policies of a role, and the size IAM counts against its 10,240-character limit. */
export function inlinePolicySize(documents: readonly PolicyDocument[]): number {
  return documents.reduce((total, document) => total + JSON.stringify(document).replace(/\s/g, '').length, 0);
}
