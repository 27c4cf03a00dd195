// ARN patterns for IAM resources in the deploying account. IAM puts the path into user and group
// ARNs (`user/iam-gitops/alice`), so a resource pattern with the path is the scope boundary itself.
import type { Stack } from 'aws-cdk-lib';

function iamArn(stack: Stack, resource: string, resourceName: string): string {
  // IAM is global: its ARNs have no region.
  return stack.formatArn({ service: 'iam', region: '', resource, resourceName });
}

/** Every user under `path` (and its sub-paths). The path's trailing slash keeps `/iam-gitops-x/` out. */
export function userArnPattern(stack: Stack, path: string): string {
  return iamArn(stack, 'user', `${path.slice(1)}*`);
}

/** Every group under `path`. */
export function groupArnPattern(stack: Stack, path: string): string {
  return iamArn(stack, 'group', `${path.slice(1)}*`);
}

/** Every MFA device of the account (a device's ARN does not carry its user's path). */
export function mfaArnPattern(stack: Stack): string {
  return iamArn(stack, 'mfa', '*');
}

/** GitHub's OIDC provider, as IAM names it: one per URL and account. */
export function githubOidcProviderArn(stack: Stack): string {
  return iamArn(stack, 'oidc-provider', 'token.actions.githubusercontent.com');
}

/**
 * The groups named `names` under `path` (or any path below it). A group's ARN carries its path
 * (`group/teams/developers`) and IAM names are unique in the account, so `group<path>NAME` and
 * `group<path>*\/NAME` match exactly the group called NAME, wherever it sits under `path`.
 */
export function namedGroupArns(stack: Stack, path: string, names: readonly string[]): string[] {
  return names.flatMap((name) => [
    iamArn(stack, 'group', `${path.slice(1)}${name}`),
    iamArn(stack, 'group', `${path.slice(1)}*/${name}`),
  ]);
}

/** A customer managed policy given by ARN (as is) or by name (at the root path of this account). */
export function customerPolicyArn(stack: Stack, nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn : iamArn(stack, 'policy', nameOrArn);
}
