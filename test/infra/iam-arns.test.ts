import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  githubOidcProviderArn,
  groupArnPattern,
  mfaArnPattern,
  userArnPattern,
} from '../../infra/lib/iam-arns.js';
import { resolve } from './support/policy-evaluator.js';
import { TEST_ENVIRONMENT } from './support/synth.js';

const stack = new Stack(new App(), 'Arns', { env: { region: 'us-east-1' } });
const text = (arn: string) => resolve(stack.resolve(arn), TEST_ENVIRONMENT);

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
});
