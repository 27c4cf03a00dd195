// GitHub Actions reaches AWS with OIDC, no stored keys: the workflow's token is exchanged for a
// role's credentials (AssumeRoleWithWebIdentity). Two roles: plan (read-only) for pull requests and
// the scheduled drift report, apply (writes) for the jobs of one protected GitHub environment.
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { applyStatements, planStatements } from './apply-permissions.js';
import { githubOidcProviderArn } from './iam-arns.js';
import type { Settings } from './settings.js';

export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials asks GitHub for. */
export const STS_AUDIENCE = 'sts.amazonaws.com';

/** `job context` parts of a `sub` claim: what follows `repo:OWNER/REPO:`. */
export type SubjectContext = 'pull_request' | `ref:refs/heads/${string}` | `environment:${string}`;

/**
 * Every `sub` value a job of the repository may present for `context`, in both of GitHub's formats:
 * - classic: `repo:OWNER/REPO:<context>`;
 * - immutable: `repo:OWNER@OWNER_ID/REPO@REPO_ID:<context>`, the default for repositories created,
 *   renamed or transferred on github.com after 15 July 2026, and for those that opt in. The ids are
 *   appended to the names with `@` (GitHub docs, OpenID Connect reference, "Immutable subject
 *   claims": https://docs.github.com/en/actions/reference/security/oidc#immutable-subject-claims,
 *   example `repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main`; the changelog of
 *   2026-04-23 first showed a `-` separator, the docs settled on `@`).
 * Without the ids only the classic format is trusted (the immutable one cannot be predicted).
 */
export function subjects(
  settings: Pick<Settings, 'repository' | 'githubIds'>,
  contexts: SubjectContext[],
): string[] {
  const [owner, repository] = settings.repository.split('/') as [string, string];
  const prefixes = [`repo:${owner}/${repository}`];
  if (settings.githubIds !== undefined) {
    prefixes.push(`repo:${owner}@${settings.githubIds.owner}/${repository}@${settings.githubIds.repository}`);
  }
  return prefixes.flatMap((prefix) => contexts.map((context) => `${prefix}:${context}`));
}

export interface GithubOidcRolesProps {
  readonly settings: Settings;
  /**
   * What each role may do. Default: IAM in this account (planStatements, applyStatements). The hub
   * of many accounts (infra/lib/organization) gives them only sts:AssumeRole into the members.
   */
  readonly statements?: {
    readonly plan: readonly iam.PolicyStatement[];
    readonly apply: readonly iam.PolicyStatement[];
  };
}

export class GithubOidcRoles extends Construct {
  readonly providerArn: string;
  readonly planRole: iam.Role;
  readonly applyRole: iam.Role;

  constructor(scope: Construct, id: string, props: GithubOidcRolesProps) {
    super(scope, id);
    const { settings } = props;
    const stack = Stack.of(this);

    // The native CloudFormation resource, not iam.OpenIdConnectProvider: that one is a custom
    // resource whose own Lambda would hold account-wide IAM write permissions. No thumbprints: IAM
    // trusts GitHub's certificate through its own root CAs.
    this.providerArn = settings.existingOidcProvider
      ? githubOidcProviderArn(stack)
      : new iam.OidcProviderNative(this, 'Provider', {
          url: `https://${GITHUB_OIDC_ISSUER}`,
          clientIds: [STS_AUDIENCE],
        }).oidcProviderArn;

    const branchRef: SubjectContext = `ref:refs/heads/${settings.branch}`;
    // Pull requests plan; the default branch runs the scheduled drift report with the same read-only role.
    this.planRole = this.githubRole('PlanRole', settings, ['pull_request', branchRef], 'plan (read-only)');
    // Only jobs in the environment may apply (and re-send): its protection rules (the deployment
    // branch policy that keeps it to the default branch, required reviewers) then hold.
    this.applyRole = this.githubRole(
      'ApplyRole',
      settings,
      [`environment:${settings.environment}`],
      'apply (writes managed users)',
    );

    const statements = props.statements ?? {
      plan: planStatements(stack, settings),
      apply: applyStatements(stack, settings),
    };
    for (const statement of statements.plan) this.planRole.addToPolicy(statement);
    for (const statement of statements.apply) this.applyRole.addToPolicy(statement);
  }

  private githubRole(id: string, settings: Settings, contexts: SubjectContext[], what: string): iam.Role {
    return new iam.Role(this, id, {
      description: `iam-gitops ${what} for GitHub Actions in ${settings.repository}`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(this.providerArn, {
        // StringEquals on both claims: exact values, no wildcards, and never ForAllValues (which
        // would also match a token without the claim).
        StringEquals: {
          [`${GITHUB_OIDC_ISSUER}:aud`]: STS_AUDIENCE,
          [`${GITHUB_OIDC_ISSUER}:sub`]: subjects(settings, contexts),
        },
      }),
    });
  }
}
