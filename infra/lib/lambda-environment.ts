// Lambda refuses a function whose environment variables exceed 4 KB, and it says so only at deploy
// time, half way through a stack update. The synth checks it first: the variables as Lambda
// stores them (the JSON of names and values, the conservative reading of AWS's "4 KB in total"),
// each value CloudFormation fills in at deploy counted at its longest.
import { Token } from 'aws-cdk-lib';

/** Lambda's quota on a function's environment variables, names and values together. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4_096;

/** The longest partition name (`aws-us-gov`) and an account id, for ARNs filled in at deploy. */
export const LONGEST_PARTITION = 'aws-us-gov';
export const ANY_ACCOUNT_ID = '123456789012';
/** IAM's and SES's limit on the names CloudFormation generates for a role or a configuration set. */
export const GENERATED_NAME_MAX = 64;

export class LambdaEnvironmentError extends Error {
  override readonly name = 'LambdaEnvironmentError';
}

/**
 * The environment's size in bytes. `longest` gives, for each variable whose value is a token (an
 * ARN or a name CloudFormation fills in), the length of its longest possible value; a token
 * without one is an error, so nothing is counted as smaller than it can be.
 */
export function environmentBytes(
  environment: Readonly<Record<string, string>>,
  longest: Readonly<Record<string, number>>,
): number {
  const sized = Object.entries(environment).map(([name, value]) => {
    if (!Token.isUnresolved(value)) return [name, value];
    const length = longest[name];
    if (length === undefined) throw new Error(`no upper bound for the deploy-time value of ${name}`);
    return [name, 'x'.repeat(length)];
  });
  return Buffer.byteLength(JSON.stringify(Object.fromEntries(sized)), 'utf8');
}
