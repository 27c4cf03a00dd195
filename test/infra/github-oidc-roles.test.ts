import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { subjects } from '../../infra/lib/github-oidc-roles.js';
import { evaluate } from './support/policy-evaluator.js';
import { logicalId, roleStatements, SYNTH_TIMEOUT, synth, type TestContext } from './support/synth.js';

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

  it('trusts pull requests and the default branch for plan, the default branch only for apply', () => {
    const template = synthWith({ branch: 'trunk' });

    expect(trustOf(template, 'GitHubPlanRole')).toEqual(
      githubTrust(providerRef(template), [
        'repo:example-org/iam-users:pull_request',
        'repo:example-org/iam-users:ref:refs/heads/trunk',
      ]),
    );
    expect(trustOf(template, 'GitHubApplyRole')).toEqual(
      githubTrust(providerRef(template), ['repo:example-org/iam-users:ref:refs/heads/trunk']),
    );
  });

  it('trusts only the environment for apply when one is configured', () => {
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
        ['repo:example-org/iam-users:ref:refs/heads/main'],
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

  describe('the plan role (evaluated)', () => {
    const template = synthWith({});
    const statements = roleStatements(template, logicalId(template, 'AWS::IAM::Role', 'GitHubPlanRole'));
    const managedUser = 'arn:aws:iam::111122223333:user/iam-gitops/alice@example.com';

    it('reads what the core reads', () => {
      expect(evaluate(statements, { action: 'iam:GetAccountAuthorizationDetails', resource: '*' })).toBe(
        'allow',
      );
      expect(
        evaluate(statements, { action: 'iam:GetPolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
      ).toBe('allow');
      expect(evaluate(statements, { action: 'iam:GetUser', resource: managedUser })).toBe('allow');
    });

    it("reads what the drift report reads: the user listing and managed users' login profiles", () => {
      expect(evaluate(statements, { action: 'iam:ListUsers', resource: '*' })).toBe('allow');
      expect(evaluate(statements, { action: 'iam:GetLoginProfile', resource: managedUser })).toBe('allow');
      expect(
        evaluate(statements, {
          action: 'iam:GetLoginProfile',
          resource: 'arn:aws:iam::111122223333:user/admin',
        }),
      ).toBe('implicit-deny');
    });

    it('writes nothing', () => {
      for (const action of [
        'iam:CreateUser',
        'iam:TagUser',
        'iam:DeleteUser',
        'iam:AddUserToGroup',
        'iam:PassRole',
      ]) {
        expect(evaluate(statements, { action, resource: managedUser }), action).toBe('implicit-deny');
      }
    });
  });
});
