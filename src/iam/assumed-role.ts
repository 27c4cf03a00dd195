// What an STS AssumeRole* answer gives a run: the session's credentials, masked before any use,
// and the assumed role's ARN. The action's OIDC step and the many-accounts role chain both take
// their sessions through here, so no path can use a key before it is masked.
import type { AssumedRoleUser, Credentials } from '@aws-sdk/client-sts';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

export interface AssumedRole {
  readonly credentials: AwsCredentials;
  /** `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`: not a secret, names who acts in CloudTrail. */
  readonly assumedRoleArn: string | undefined;
}

/**
 * The session in an STS answer, each secret handed to `mask` first (the action's
 * `core.setSecret`: from then on the runner prints *** in their place; a no-op for the CLI).
 * Undefined when STS answered without credentials, for the caller to explain.
 */
export function assumedRoleFrom(
  answer: {
    readonly Credentials?: Credentials | undefined;
    readonly AssumedRoleUser?: AssumedRoleUser | undefined;
  },
  mask: (secret: string) => void,
): AssumedRole | undefined {
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) return undefined;
  mask(c.AccessKeyId);
  mask(c.SecretAccessKey);
  mask(c.SessionToken);
  return {
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    },
    assumedRoleArn: answer.AssumedRoleUser?.Arn,
  };
}
