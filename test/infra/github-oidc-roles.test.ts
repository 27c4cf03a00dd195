import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STS_AUDIENCE, subjects } from '../../infra/lib/github-oidc-roles.js';
import { decideTrust } from './support/iam-simulator.js';
import { logicalId, SYNTH_TIMEOUT, synth, type TestContext } from './support/synth.js';
import { trustPolicy } from './support/template-policies.js';

const AUD = 'token.actions.githubusercontent.com:aud';
const SUB = 'token.actions.githubusercontent.com:sub';

function trustOf(template: Template, prefix: string): unknown[] {
  const id = logicalId(template, 'AWS::IAM::Role', prefix);
  const role = template.toJSON().Resources[id] as {
    Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } };
  };
  return role.Properties.AssumeRolePolicyDocument.Statement;
}

/** The one trust statement a GitHub role must have: web identity, exact aud, exact subjects. */
function githubTrust(providerArn: unknown, subs: string[]) {
  return [
    {
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: subs } },
    },
  ];
}

function providerRef(template: Template) {
  return { Ref: logicalId(template, 'AWS::IAM::OIDCProvider', 'GitHubProvider') };
}

const synthWith = (context: TestContext) => synth(context).template;

describe('subjects', () => {
  it('gives the classic subject for each job context', () => {
    expect(subjects({ repository: 'octo-org/octo-repo' }, ['pull_request', 'ref:refs/heads/main'])).toEqual([
      'repo:octo-org/octo-repo:pull_request',
      'repo:octo-org/octo-repo:ref:refs/heads/main',
    ]);
  });

  it('adds the immutable subject (owner and repository ids after @) when the ids are known', () => {
    expect(
      subjects({ repository: 'octo-org/octo-repo', githubIds: { owner: '123456', repository: '456789' } }, [
        'environment:production',
      ]),
    ).toEqual([
      'repo:octo-org/octo-repo:environment:production',
      'repo:octo-org@123456/octo-repo@456789:environment:production',
    ]);
  });
});

describe('GithubOidcRoles', { timeout: SYNTH_TIMEOUT }, () => {
  it("creates GitHub's OIDC provider for the STS audience", () => {
    const template = synthWith({});

    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  it('trusts pull requests and the default branch for plan, the iam-gitops environment only for apply', () => {
    const template = synthWith({ branch: 'trunk' });

    expect(trustOf(template, 'GitHubPlanRole')).toEqual(
      githubTrust(providerRef(template), [
        'repo:example-org/iam-users:pull_request',
        'repo:example-org/iam-users:ref:refs/heads/trunk',
      ]),
    );
    expect(trustOf(template, 'GitHubApplyRole')).toEqual(
      githubTrust(providerRef(template), ['repo:example-org/iam-users:environment:iam-gitops']),
    );
  });

  it('trusts another environment for apply when one is configured', () => {
    const template = synthWith({ environment: 'iam-production' });

    expect(trustOf(template, 'GitHubApplyRole')).toEqual(
      githubTrust(providerRef(template), ['repo:example-org/iam-users:environment:iam-production']),
    );
  });

  it('accepts both subject formats when the owner and repository ids are set', () => {
    const template = synthWith({ githubOwnerId: '111', githubRepositoryId: '222', environment: 'prod' });

    expect(trustOf(template, 'GitHubPlanRole')).toEqual(
      githubTrust(providerRef(template), [
        'repo:example-org/iam-users:pull_request',
        'repo:example-org/iam-users:ref:refs/heads/main',
        'repo:example-org@111/iam-users@222:pull_request',
        'repo:example-org@111/iam-users@222:ref:refs/heads/main',
      ]),
    );
    expect(trustOf(template, 'GitHubApplyRole')).toEqual(
      githubTrust(providerRef(template), [
        'repo:example-org/iam-users:environment:prod',
        'repo:example-org@111/iam-users@222:environment:prod',
      ]),
    );
  });

  it("uses the account's existing provider by its fixed ARN", () => {
    const template = synthWith({ existingOidcProvider: true });

    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(trustOf(template, 'GitHubApplyRole')).toEqual(
      githubTrust(
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':iam::',
              { Ref: 'AWS::AccountId' },
              ':oidc-provider/token.actions.githubusercontent.com',
            ],
          ],
        },
        ['repo:example-org/iam-users:environment:iam-gitops'],
      ),
    );
  });

  it('keeps sessions to an hour', () => {
    const template = synthWith({});

    for (const prefix of ['GitHubPlanRole', 'GitHubApplyRole']) {
      const id = logicalId(template, 'AWS::IAM::Role', prefix);
      expect(template.toJSON().Resources[id].Properties.MaxSessionDuration).toBe(3600);
    }
  });

  describe('the trust policies (simulated)', () => {
    const template = synthWith({ githubOwnerId: '111', githubRepositoryId: '222' });
    const provider = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
    const trust = (prefix: string) =>
      trustPolicy(template, logicalId(template, 'AWS::IAM::Role', prefix), {
        [logicalId(template, 'AWS::IAM::OIDCProvider', 'GitHubProvider')]: provider,
      });
    const assume = (prefix: string, sub: string, aud = STS_AUDIENCE) =>
      decideTrust(trust(prefix), {
        providerArn: provider,
        roleArn: `arn:aws:iam::111122223333:role/${prefix}`,
        context: { [SUB]: sub, [AUD]: aud },
      });

    it('lets the environment assume the apply role, in both subject formats', () => {
      expect(assume('GitHubApplyRole', 'repo:example-org/iam-users:environment:iam-gitops')).toBe('Allowed');
      expect(assume('GitHubApplyRole', 'repo:example-org@111/iam-users@222:environment:iam-gitops')).toBe(
        'Allowed',
      );
    });

    it('refuses the apply role to the default branch outside the environment, and to pull requests', () => {
      expect(assume('GitHubApplyRole', 'repo:example-org/iam-users:ref:refs/heads/main')).toBe(
        'ImplicitlyDenied',
      );
      expect(assume('GitHubApplyRole', 'repo:example-org/iam-users:pull_request')).toBe('ImplicitlyDenied');
    });

    it('refuses another repository, a look-alike, another environment and another audience', () => {
      expect(assume('GitHubApplyRole', 'repo:attacker/iam-users:environment:iam-gitops')).toBe(
        'ImplicitlyDenied',
      );
      expect(assume('GitHubApplyRole', 'repo:example-org/iam-users-fork:environment:iam-gitops')).toBe(
        'ImplicitlyDenied',
      );
      expect(assume('GitHubApplyRole', 'repo:example-org/iam-users:environment:iam-gitops-test')).toBe(
        'ImplicitlyDenied',
      );
      expect(assume('GitHubApplyRole', 'repo:example-org/iam-users:environment:iam-gitops', 'other')).toBe(
        'ImplicitlyDenied',
      );
    });

    it('lets pull requests and the default branch assume the plan role', () => {
      expect(assume('GitHubPlanRole', 'repo:example-org/iam-users:pull_request')).toBe('Allowed');
      expect(assume('GitHubPlanRole', 'repo:example-org/iam-users:ref:refs/heads/main')).toBe('Allowed');
      expect(assume('GitHubPlanRole', 'repo:example-org/iam-users:ref:refs/heads/feature')).toBe(
        'ImplicitlyDenied',
      );
    });
  });
});
