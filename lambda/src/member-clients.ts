// The central Lambda acts in a member account through that account's credentials role: one IAM
// client per account, made on first use and kept for the container's life, whose credentials come
// from STS AssumeRole. The SDK memoizes a credential provider and calls it again only when the
// credentials are within five minutes of expiry, so each account costs one AssumeRole an hour, not
// one per event.
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { MemberAccount } from '../../src/contract.js';

/** Names the project in the member account's CloudTrail (`assumed-role/<role>/<this>`). */
export const MEMBER_SESSION_NAME = 'iam-gitops-credential-lambda';

export type MemberIam = (member: MemberAccount) => IAMClient;

export interface MemberClientsOptions {
  readonly sts: STSClient;
  /** Settings of every member IAM client (region, user agent, retries); credentials are added. */
  readonly clientConfig: Omit<IAMClientConfig, 'credentials'>;
}

export function memberIamClients(options: MemberClientsOptions): MemberIam {
  const clients = new Map<string, IAMClient>();
  return (member) => {
    const known = clients.get(member.id);
    if (known !== undefined) return known;
    const client = new IAMClient({
      ...options.clientConfig,
      credentials: async () => {
        const answer = await options.sts.send(
          new AssumeRoleCommand({ RoleArn: member.credentialsRoleArn, RoleSessionName: MEMBER_SESSION_NAME }),
        );
        const c = answer.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
          throw new Error(`STS AssumeRole into account ${member.id} answered without credentials`);
        }
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
      },
    });
    clients.set(member.id, client);
    return client;
  };
}
