// A small IAM policy evaluator for identity policies, enough to check the roles this project
// synthesizes: explicit Deny wins, then any matching Allow, else an implicit deny. It follows the
// IAM User Guide ("Policy evaluation logic", "Condition operators", "Conditions with multiple
// context keys or values"): Action matched case-insensitively with * and ?, Resource
// case-sensitively; condition keys case-insensitively; operators AND-ed, keys AND-ed, values OR-ed
// (NOR for negated operators); a key absent from the request makes a condition false, except for
// negated operators (true), ...IfExists (true), Null, and ForAllValues (true). An operator it does
// not know throws: a test must never pass because the evaluator skipped a condition.
// Not modelled (not used here): resource policies, boundaries, SCPs, sessions, policy variables.

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

type OneOrMany = string | readonly string[];

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: OneOrMany;
  readonly NotAction?: OneOrMany;
  readonly Resource?: OneOrMany;
  readonly NotResource?: OneOrMany;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, OneOrMany>>>>;
}

export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  /** Request context keys (aws:TagKeys, aws:RequestTag/..., aws:ResourceTag/...). */
  readonly context?: Readonly<Record<string, OneOrMany>>;
}

const list = (value: OneOrMany | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

function globToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

const globMatch = (pattern: string, value: string, ignoreCase: boolean) =>
  globToRegExp(pattern, ignoreCase ? 'i' : '').test(value);

function matchesAny(patterns: readonly string[], value: string, ignoreCase: boolean): boolean {
  return patterns.some((pattern) => globMatch(pattern, value, ignoreCase));
}

function actionApplies(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return matchesAny(list(statement.Action), action, true);
  if (statement.NotAction !== undefined) return !matchesAny(list(statement.NotAction), action, true);
  throw new Error(`statement ${statement.Sid ?? ''} has neither Action nor NotAction`);
}

function resourceApplies(statement: PolicyStatement, resource: string): boolean {
  if (statement.Resource !== undefined) return matchesAny(list(statement.Resource), resource, false);
  if (statement.NotResource !== undefined) return !matchesAny(list(statement.NotResource), resource, false);
  throw new Error(`statement ${statement.Sid ?? ''} has neither Resource nor NotResource`);
}

type ValueTest = (policyValue: string, requestValue: string) => boolean;

const VALUE_TESTS: Record<string, { readonly test: ValueTest; readonly negated: boolean }> = {
  StringEquals: { test: (p, r) => p === r, negated: false },
  StringNotEquals: { test: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringLike: { test: (p, r) => globMatch(p, r, false), negated: false },
  StringNotLike: { test: (p, r) => globMatch(p, r, false), negated: true },
  ArnEquals: { test: (p, r) => p === r, negated: false },
  ArnLike: { test: (p, r) => globMatch(p, r, false), negated: false },
  ArnNotLike: { test: (p, r) => globMatch(p, r, false), negated: true },
  Bool: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

function lookUp(context: AuthorizationRequest['context'], key: string): readonly string[] | undefined {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(context ?? {})) {
    if (name.toLowerCase() === wanted) return list(value);
  }
  return undefined;
}

/** One operator with one key: does the request satisfy it? */
function conditionHolds(
  operator: string,
  key: string,
  policyValues: readonly string[],
  request: AuthorizationRequest,
): boolean {
  const requestValues = lookUp(request.context, key);
  if (operator === 'Null') {
    const wantsAbsent = policyValues.map((v) => v.toLowerCase());
    if (wantsAbsent.length !== 1 || (wantsAbsent[0] !== 'true' && wantsAbsent[0] !== 'false')) {
      throw new Error(`Null takes "true" or "false", got ${JSON.stringify(policyValues)}`);
    }
    const absent = requestValues === undefined || requestValues.length === 0;
    return wantsAbsent[0] === 'true' ? absent : !absent;
  }

  const [qualifier, rest] = operator.includes(':')
    ? (operator.split(':', 2) as [string, string])
    : [undefined, operator];
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  const spec = VALUE_TESTS[base];
  if (spec === undefined) throw new Error(`the evaluator does not know the condition operator ${operator}`);
  const matchesOne = (value: string) => policyValues.some((p) => spec.test(p, value));

  if (qualifier === 'ForAllValues') {
    if (spec.negated) throw new Error(`the evaluator does not model ${operator}`);
    // Vacuously true for an absent or empty key: why an Allow with it also wants a Null check.
    return (requestValues ?? []).every(matchesOne);
  }
  if (qualifier === 'ForAnyValue') {
    if (spec.negated) throw new Error(`the evaluator does not model ${operator}`);
    return (requestValues ?? []).some(matchesOne);
  }
  if (qualifier !== undefined) throw new Error(`unknown set operator in ${operator}`);

  if (requestValues === undefined) return ifExists || spec.negated;
  if (requestValues.length !== 1) {
    throw new Error(`${operator} on the multivalued key ${key}: use ForAnyValue/ForAllValues`);
  }
  const matched = matchesOne(requestValues[0] as string);
  return spec.negated ? !matched : matched;
}

function conditionsHold(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, list(values), request)),
  );
}

export function statementApplies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  return (
    actionApplies(statement, request.action) &&
    resourceApplies(statement, request.resource) &&
    conditionsHold(statement, request)
  );
}

export function evaluate(statements: readonly PolicyStatement[], request: AuthorizationRequest): Decision {
  const applying = statements.filter((statement) => statementApplies(statement, request));
  if (applying.some((statement) => statement.Effect === 'Deny')) return 'explicit-deny';
  return applying.some((statement) => statement.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}

/** The pseudo parameters a deployed template would see, for resolving ARNs built with Fn::Join. */
export interface Environment {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
}

/**
 * Resolves the intrinsic functions CDK puts into policy documents (Ref to pseudo parameters,
 * Fn::Join, Fn::GetAtt). A reference to a resource becomes `<LogicalId>` or `<LogicalId.Attr>`, which
 * no request resource ever equals.
 */
export function resolve(value: unknown, env: Environment): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, env));
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
      return pseudo[argument as string] ?? `<${String(argument)}>`;
    }
    if (fn === 'Fn::GetAtt') return `<${(argument as string[]).join('.')}>`;
    if (fn === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((part) => String(resolve(part, env))).join(separator);
    }
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner, env)]));
}
