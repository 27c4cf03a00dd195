// The account a plan runs against, as far as ARNs are concerned: its partition (aws, aws-cn,
// aws-us-gov) and its id. Needed to turn `guardrails.permissionsBoundary: <name>` into the
// policy's ARN in each account, since one name serves every account of a roster.
import { POLICY_ARN_PATTERN } from '../settings/fields.js';

export interface AwsAccount {
  readonly partition: string;
  /** 12 digits. */
  readonly id: string;
}

const ARN_ACCOUNT = /^arn:(aws[a-z-]*):[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/;

/** The partition and account of any ARN that names one (a user, a group, an assumed role). */
export function accountOfArn(arn: string): AwsAccount | undefined {
  const match = ARN_ACCOUNT.exec(arn);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { partition: match[1], id: match[2] };
}

/**
 * A managed policy as an ARN: an ARN stays as it is; a customer managed policy's name becomes
 * `arn:<partition>:iam::<account>:policy/<name>` in `account` (undefined when that is unknown).
 */
export function policyArnIn(nameOrArn: string, account: AwsAccount | undefined): string | undefined {
  if (POLICY_ARN_PATTERN.test(nameOrArn)) return nameOrArn;
  if (account === undefined) return undefined;
  return `arn:${account.partition}:iam::${account.id}:policy/${nameOrArn}`;
}
