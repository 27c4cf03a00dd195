// Resolves the CloudFormation intrinsics of a synthesized template into the literal values AWS
// would see in one account, so its policies can be handed to the IAM simulator. Anything it does
// not know throws: a test must never pass because a token stayed unresolved.

export interface CfnTemplate {
  readonly Parameters?: Record<string, { readonly Default?: string }>;
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties?: Record<string, unknown> }
  >;
}

export interface CfnEnvironment {
  readonly accountId: string;
  readonly region: string;
  readonly template: CfnTemplate;
  /** Values of the template's parameters (otherwise their defaults). */
  readonly parameters?: Readonly<Record<string, string>>;
}

const PARTITION = 'aws';

export function resolveCfn(value: unknown, env: CfnEnvironment): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveCfn(item, env));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first !== undefined) {
    const [fn, argument] = first;
    if (fn === 'Ref') return ref(argument as string, env);
    if (fn === 'Fn::GetAtt') {
      const [id, attribute] = argument as [string, string];
      return getAtt(id, attribute, env);
    }
    if (fn === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((part) => String(resolveCfn(part, env))).join(separator);
    }
    if (fn.startsWith('Fn::')) throw new Error(`cannot resolve ${fn}`);
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolveCfn(inner, env)]));
}

function ref(name: string, env: CfnEnvironment): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': PARTITION,
    'AWS::AccountId': env.accountId,
    'AWS::Region': env.region,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const known = pseudo[name] ?? env.parameters?.[name] ?? env.template.Parameters?.[name]?.Default;
  if (known !== undefined) return known;
  const resource = env.template.Resources[name];
  if (resource === undefined) throw new Error(`cannot resolve Ref ${name}`);
  // What Ref returns for the types whose Ref the policies use.
  if (resource.Type === 'AWS::IAM::OIDCProvider') {
    const url = String(resource.Properties?.Url ?? '').replace(/^https:\/\//, '');
    return `arn:${PARTITION}:iam::${env.accountId}:oidc-provider/${url}`;
  }
  if (resource.Type === 'AWS::IAM::Role') return roleName(name, env);
  // Physical names stand in as the logical id: names AWS generates are unknown before a deploy.
  return name;
}

function roleName(id: string, env: CfnEnvironment): string {
  const properties = env.template.Resources[id]?.Properties ?? {};
  return properties.RoleName === undefined ? id : String(resolveCfn(properties.RoleName, env));
}

function getAtt(id: string, attribute: string, env: CfnEnvironment): string {
  const resource = env.template.Resources[id];
  if (resource === undefined || attribute !== 'Arn')
    throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
  const { accountId, region } = env;
  switch (resource.Type) {
    case 'AWS::IAM::Role': {
      const path = String(resolveCfn(resource.Properties?.Path ?? '/', env));
      return `arn:${PARTITION}:iam::${accountId}:role${path}${roleName(id, env)}`;
    }
    case 'AWS::Events::EventBus':
      return `arn:${PARTITION}:events:${region}:${accountId}:event-bus/${id}`;
    case 'AWS::Events::Rule':
      return `arn:${PARTITION}:events:${region}:${accountId}:rule/${String(resource.Properties?.Name ?? id)}`;
    case 'AWS::SQS::Queue':
      return `arn:${PARTITION}:sqs:${region}:${accountId}:${id}`;
    case 'AWS::Logs::LogGroup':
      return `arn:${PARTITION}:logs:${region}:${accountId}:log-group:${id}:*`;
    case 'AWS::Lambda::Function':
      return `arn:${PARTITION}:lambda:${region}:${accountId}:function:${id}`;
    default:
      throw new Error(`cannot resolve Fn::GetAtt ${id}.Arn of ${resource.Type}`);
  }
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

/** The identity policies of a role: its inline Policies and the AWS::IAM::Policy resources naming it, resolved. */
export function roleIdentityPolicies(env: CfnEnvironment, roleId: string): PolicyDocument[] {
  const { Resources } = env.template;
  const role = Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  const documents: unknown[] = [];
  for (const policy of (role.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
    documents.push(policy.PolicyDocument);
  }
  for (const resource of Object.values(Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    if (roles.some((r) => r.Ref === roleId)) documents.push(resource.Properties?.PolicyDocument);
  }
  return documents.map((document) => resolveCfn(document, env) as PolicyDocument);
}

/** A role's trust policy, resolved. */
export function roleTrustPolicy(env: CfnEnvironment, roleId: string): PolicyDocument {
  const role = env.template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  return resolveCfn(role.Properties?.AssumeRolePolicyDocument, env) as PolicyDocument;
}

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalIdOf(template: CfnTemplate, type: string, prefix: string): string {
  const ids = Object.entries(template.Resources)
    .filter(([id, resource]) => resource.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1)
    throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}
