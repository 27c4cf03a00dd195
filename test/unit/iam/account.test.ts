import { describe, expect, it } from 'vitest';
import { accountOfArn, policyArnIn } from '../../../src/iam/account.js';

describe('accountOfArn', () => {
  it.each([
    ['arn:aws:iam::123456789012:user/iam-gitops/alice', { partition: 'aws', id: '123456789012' }],
    ['arn:aws-cn:iam::210987654321:group/developers', { partition: 'aws-cn', id: '210987654321' }],
    [
      'arn:aws-us-gov:sts::111111111111:assumed-role/iam-gitops-apply/run-1',
      { partition: 'aws-us-gov', id: '111111111111' },
    ],
  ])('%s names its account', (arn, account) => {
    expect(accountOfArn(arn)).toEqual(account);
  });

  it.each([
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws:s3:::bucket',
    'not-an-arn',
    'arn:aws:iam::12345678901:user/short',
  ])('%s names none', (arn) => {
    expect(accountOfArn(arn)).toBeUndefined();
  });
});

describe('policyArnIn', () => {
  const account = { partition: 'aws-cn', id: '210987654321' };

  it('keeps an ARN as it is, whatever the account', () => {
    const arn = 'arn:aws:iam::123456789012:policy/boundaries/iam-gitops-boundary';

    expect(policyArnIn(arn, account)).toBe(arn);
    expect(policyArnIn(arn, undefined)).toBe(arn);
  });

  it('makes a name the customer managed policy of that name in the account', () => {
    expect(policyArnIn('iam-gitops-boundary', account)).toBe(
      'arn:aws-cn:iam::210987654321:policy/iam-gitops-boundary',
    );
  });

  it('cannot make a name an ARN without the account', () => {
    expect(policyArnIn('iam-gitops-boundary', undefined)).toBeUndefined();
  });
});
