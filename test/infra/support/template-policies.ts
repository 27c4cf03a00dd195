// The policy documents of a synthesized template, with CloudFormation's intrinsic functions
// resolved as a deployment in one account (TEST_ENVIRONMENT unless a test names another: a member
// account, the hub) would resolve them, ready for the IAM simulator. A template given as an object
// (the member template a StackSet deploys) works as well as an assertions Template.
import { Template } from 'aws-cdk-lib/assertions';

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

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A template as CloudFormation receives it. */
export interface CfnTemplate {
  readonly Parameters?: Record<string, { readonly Default?: string }>;
  readonly Resources: Resources;
}

function json(template: Template | CfnTemplate): CfnTemplate {
  return template instanceof Template ? (template.toJSON() as CfnTemplate) : template;
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
    // A function this resolver does not know would stay in the document and decide nothing.
    if (fn.startsWith('Fn::')) throw new Error(`cannot resolve ${fn}`);
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner, physical, env)]));
}

/**
 * What a deployment in `env` calls the template's resources, as `physical` takes them: the value
 * of each parameter (`given`, else its default), and for the types whose names the policies use,
 * the Ref (`Id`) and ARN (`Id.Arn`) AWS would return. A resource without a name of its own stands
 * in under its logical id. `given` wins over everything computed.
 */
export function deployedNames(
  template: Template | CfnTemplate,
  env: Environment = TEST_ENVIRONMENT,
  given: Record<string, string> = {},
): Record<string, string> {
  const { Parameters = {}, Resources } = json(template);
  const names: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(Parameters)) {
    if (parameter.Default !== undefined) names[name] = parameter.Default;
  }
  Object.assign(names, given);
  const arn = (service: string, resource: string, region = env.region) =>
    `arn:${env.partition}:${service}:${region}:${env.accountId}:${resource}`;
  // Rules last: a rule on a bus names it.
  const entries = Object.entries(Resources).sort(
    ([, a], [, b]) => Number(a.Type === 'AWS::Events::Rule') - Number(b.Type === 'AWS::Events::Rule'),
  );
  for (const [id, resource] of entries) {
    const properties = resource.Properties ?? {};
    const named = (key: string) =>
      properties[key] === undefined ? id : String(resolve(properties[key], names, env));
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        const path = properties.Path === undefined ? '/' : String(resolve(properties.Path, names, env));
        names[id] = named('RoleName');
        names[`${id}.Arn`] = arn('iam', `role${path}${names[id]}`, '');
        break;
      }
      case 'AWS::IAM::OIDCProvider':
        names[id] = arn('iam', `oidc-provider/${String(properties.Url).replace(/^https:\/\//, '')}`, '');
        break;
      case 'AWS::Events::EventBus':
        names[id] = named('Name');
        names[`${id}.Name`] = names[id];
        names[`${id}.Arn`] = arn('events', `event-bus/${names[id]}`);
        break;
      case 'AWS::Events::Rule': {
        const bus =
          properties.EventBusName === undefined
            ? ''
            : `${String(resolve(properties.EventBusName, names, env))}/`;
        names[`${id}.Arn`] = arn('events', `rule/${bus}${named('Name')}`);
        break;
      }
      case 'AWS::SNS::Topic':
        names[id] = arn('sns', named('TopicName'));
        names[`${id}.TopicArn`] = names[id];
        break;
      case 'AWS::SQS::Queue':
        names[`${id}.Arn`] = arn('sqs', named('QueueName'));
        break;
      case 'AWS::Logs::LogGroup':
        names[`${id}.Arn`] = arn('logs', `log-group:${named('LogGroupName')}:*`);
        break;
      case 'AWS::Lambda::Function':
        names[`${id}.Arn`] = arn('lambda', `function:${named('FunctionName')}`);
        break;
    }
  }
  return { ...names, ...given };
}

/** One value of `template` (a Ref, an ARN, any intrinsic) as a deployment in `env` resolves it. */
export function resolveIn(
  template: Template | CfnTemplate,
  value: unknown,
  physical: Record<string, string> = {},
  env: Environment = TEST_ENVIRONMENT,
): unknown {
  return resolve(value, deployedNames(template, env, physical), env);
}

/** A role's ARN as a deployment in `env` makes it. */
export function roleArn(
  template: Template | CfnTemplate,
  roleId: string,
  physical: Record<string, string> = {},
  env: Environment = TEST_ENVIRONMENT,
): string {
  return String(resolveIn(template, { 'Fn::GetAtt': [roleId, 'Arn'] }, physical, env));
}

/** Every identity policy of a role (inline policies and AWS::IAM::Policy attached to it), resolved. */
export function rolePolicies(
  template: Template | CfnTemplate,
  roleId: string,
  physical: Record<string, string> = {},
  env: Environment = TEST_ENVIRONMENT,
): PolicyDocument[] {
  const { Resources: resources } = json(template);
  const documents: unknown[] = [];
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  for (const policy of (role.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
    documents.push(policy.PolicyDocument);
  }
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    if (roles.some((r) => r.Ref === roleId)) documents.push(resource.Properties?.PolicyDocument);
  }
  return documents.map((document) => resolveIn(template, document, physical, env) as PolicyDocument);
}

/** A role's trust policy, resolved. */
export function trustPolicy(
  template: Template | CfnTemplate,
  roleId: string,
  physical: Record<string, string> = {},
  env: Environment = TEST_ENVIRONMENT,
): PolicyDocument {
  const role = json(template).Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  return resolveIn(template, role.Properties?.AssumeRolePolicyDocument, physical, env) as PolicyDocument;
}

/** The `PolicyDocument` (or `KeyPolicy`) property of one resource, resolved. */
export function resourcePolicy(
  template: Template | CfnTemplate,
  resourceId: string,
  property: 'PolicyDocument' | 'KeyPolicy' = 'PolicyDocument',
  physical: Record<string, string> = {},
  env: Environment = TEST_ENVIRONMENT,
): PolicyDocument {
  return resolveIn(
    template,
    json(template).Resources[resourceId]?.Properties?.[property],
    physical,
    env,
  ) as PolicyDocument;
}

/** The inline policies of a role, and the size IAM counts against its 10,240-character limit. */
export function inlinePolicySize(documents: readonly PolicyDocument[]): number {
  return documents.reduce((total, document) => total + JSON.stringify(document).replace(/\s/g, '').length, 0);
}
