import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  customerPolicyArn,
  githubOidcProviderArn,
  groupArnPattern,
  mfaArnPattern,
  namedGroupArns,
  userArnPattern,
} from '../../infra/lib/iam-arns.js';
import { withApp } from './support/synth.js';
import { resolve } from './support/template-policies.js';

const stack = withApp((app) => new Stack(app, 'Arns', { env: { region: 'us-east-1' } }));
const text = (arn: string) => resolve(stack.resolve(arn));

describe('IAM ARN patterns', () => {
  it('put the path into user and group patterns, without a region', () => {
    expect(text(userArnPattern(stack, '/iam-gitops/'))).toBe('arn:aws:iam::111122223333:user/iam-gitops/*');
    expect(text(userArnPattern(stack, '/a/b/'))).toBe('arn:aws:iam::111122223333:user/a/b/*');
    expect(text(groupArnPattern(stack, '/'))).toBe('arn:aws:iam::111122223333:group/*');
    expect(text(groupArnPattern(stack, '/iam-gitops/'))).toBe('arn:aws:iam::111122223333:group/iam-gitops/*');
  });

  it('name MFA devices and the GitHub OIDC provider', () => {
    expect(text(mfaArnPattern(stack))).toBe('arn:aws:iam::111122223333:mfa/*');
    expect(text(githubOidcProviderArn(stack))).toBe(
      'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
    );
  });

  it('name groups by name at any path under a path, and nothing that only ends alike', () => {
    expect(namedGroupArns(stack, '/', ['developers']).map(text)).toEqual([
      'arn:aws:iam::111122223333:group/developers',
      'arn:aws:iam::111122223333:group/*/developers',
    ]);
    expect(namedGroupArns(stack, '/teams/', ['oncall']).map(text)).toEqual([
      'arn:aws:iam::111122223333:group/teams/oncall',
      'arn:aws:iam::111122223333:group/teams/*/oncall',
    ]);
  });

  it('name a customer managed policy by name in this account, or keep its ARN', () => {
    expect(text(customerPolicyArn(stack, 'iam-gitops-boundary'))).toBe(
      'arn:aws:iam::111122223333:policy/iam-gitops-boundary',
    );
    expect(customerPolicyArn(stack, 'arn:aws:iam::444455556666:policy/b/people')).toBe(
      'arn:aws:iam::444455556666:policy/b/people',
    );
  });
});
