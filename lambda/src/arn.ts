// Amazon Resource Names, read as AWS reads them: `arn:partition:service:region:account:resource`.
// The Lambda learns its own account from its function ARN, the account of a user from GetUser's
// ARN, and compares the role behind a CloudTrail session with the configured apply role.

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

const ARN_PATTERN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws)?:(.+)$/;

export function parseArn(value: string): Arn | undefined {
  const match = ARN_PATTERN.exec(value);
  if (match === null) return undefined;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
  return { partition, service, region, account, resource };
}

/** The account of an IAM ARN (`arn:aws:iam::123456789012:user/...`), in any partition. */
export function accountIdFromArn(arn: string): string | undefined {
  const parsed = parseArn(arn);
  return parsed?.service === 'iam' && /^\d{12}$/.test(parsed.account) ? parsed.account : undefined;
}

/**
 * The account a function runs in, from the invocation context's `invokedFunctionArn`
 * (`arn:aws:lambda:us-east-1:123456789012:function:name`, maybe with `:alias` or `:version`).
 */
export function accountIdFromFunctionArn(arn: string | undefined): string | undefined {
  const parsed = arn === undefined ? undefined : parseArn(arn);
  return parsed?.service === 'lambda' &&
    /^\d{12}$/.test(parsed.account) &&
    parsed.resource.startsWith('function:')
    ? parsed.account
    : undefined;
}

interface RoleArn {
  readonly partition: string;
  readonly account: string;
  readonly path: string;
  readonly name: string;
}

function parseRoleArn(value: string): RoleArn | undefined {
  const parsed = parseArn(value);
  if (parsed?.service !== 'iam' || parsed.region !== '' || !/^\d{12}$/.test(parsed.account)) return undefined;
  const match = /^role(\/(?:[^/]+\/)*)([^/]+)$/.exec(parsed.resource);
  if (match === null) return undefined;
  const [, path = '/', name = ''] = match;
  return { partition: parsed.partition, account: parsed.account, path, name };
}

/**
 * Whether two role ARNs name the same role, as IAM decides it: partition, account and path must
 * be the same to the letter, the name the same ignoring case. IAM keeps role names unique without
 * regard to case (no second role can be `IAM-GitOps-Apply` beside `iam-gitops-apply`) and
 * CloudTrail writes the name as the role was created, so case in the name tells nothing apart.
 */
export function isSameRole(left: string, right: string): boolean {
  const a = parseRoleArn(left);
  const b = parseRoleArn(right);
  if (a === undefined || b === undefined) return false;
  return (
    a.partition === b.partition &&
    a.account === b.account &&
    a.path === b.path &&
    a.name.toLowerCase() === b.name.toLowerCase()
  );
}
