import { describe, expect, it } from 'vitest';
import { accountIdFromArn, signInFor } from '../../lambda/src/sign-in-url.js';

describe('accountIdFromArn', () => {
  it('reads the account of an IAM ARN in any partition', () => {
    expect(accountIdFromArn('arn:aws:iam::111122223333:user/iam-gitops/alice@example.com')).toBe(
      '111122223333',
    );
    expect(accountIdFromArn('arn:aws-us-gov:iam::444455556666:user/bob')).toBe('444455556666');
    expect(accountIdFromArn('arn:aws:sns:us-east-1:111122223333:topic')).toBeUndefined();
  });
});

describe('signInFor', () => {
  it("uses the alias in AWS's account sign-in URL", () => {
    expect(signInFor({ accountId: '111122223333', alias: 'acme-prod', override: undefined })).toEqual({
      url: 'https://acme-prod.signin.aws.amazon.com/console',
      account: 'acme-prod',
    });
  });

  it('uses the account id when there is no alias', () => {
    expect(signInFor({ accountId: '111122223333', alias: undefined, override: undefined })).toEqual({
      url: 'https://111122223333.signin.aws.amazon.com/console',
      account: '111122223333',
    });
  });

  it('takes the configured URL as it is', () => {
    expect(
      signInFor({ accountId: '111122223333', alias: undefined, override: 'https://corp.awsapps.com/start' }),
    ).toEqual({ url: 'https://corp.awsapps.com/start', account: '111122223333' });
  });
});
