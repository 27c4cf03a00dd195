import { describe, expect, it } from 'vitest';
import { accountIdFromArn, accountIdFromFunctionArn, isSameRole, parseArn } from '../../lambda/src/arn.js';

describe('parseArn', () => {
  it('splits an ARN into its parts', () => {
    expect(parseArn('arn:aws:lambda:us-east-1:111122223333:function:credentials:live')).toEqual({
      partition: 'aws',
      service: 'lambda',
      region: 'us-east-1',
      account: '111122223333',
      resource: 'function:credentials:live',
    });
    expect(parseArn('arn:aws:iam::aws:policy/ReadOnlyAccess')).toMatchObject({ account: 'aws', region: '' });
    expect(parseArn('not-an-arn')).toBeUndefined();
  });
});

describe('accountIdFromArn', () => {
  it('reads the account of an IAM ARN in any partition', () => {
    expect(accountIdFromArn('arn:aws:iam::111122223333:user/iam-gitops/alice@example.com')).toBe(
      '111122223333',
    );
    expect(accountIdFromArn('arn:aws-us-gov:iam::444455556666:user/bob')).toBe('444455556666');
    expect(accountIdFromArn('arn:aws:sns:us-east-1:111122223333:topic')).toBeUndefined();
  });
});

describe('accountIdFromFunctionArn', () => {
  it('reads the account of a function ARN, with or without a qualifier', () => {
    expect(accountIdFromFunctionArn('arn:aws:lambda:us-east-1:111122223333:function:credentials')).toBe(
      '111122223333',
    );
    expect(accountIdFromFunctionArn('arn:aws:lambda:eu-west-1:444455556666:function:credentials:7')).toBe(
      '444455556666',
    );
  });

  it.each([undefined, '', 'credentials', 'arn:aws:sns:us-east-1:111122223333:function:x'])(
    'finds none in %j',
    (arn) => {
      expect(accountIdFromFunctionArn(arn)).toBeUndefined();
    },
  );
});

describe('isSameRole', () => {
  const role = 'arn:aws:iam::111122223333:role/iam-gitops/iam-gitops-apply';

  it('matches the same role, and its name in another case (IAM role names are unique regardless of case)', () => {
    expect(isSameRole(role, role)).toBe(true);
    expect(isSameRole(role, 'arn:aws:iam::111122223333:role/iam-gitops/IAM-GitOps-Apply')).toBe(true);
  });

  it.each([
    ['another account', 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-apply'],
    ['another path', 'arn:aws:iam::111122223333:role/iam-gitops-apply'],
    ['a path in another case', 'arn:aws:iam::111122223333:role/IAM-GITOPS/iam-gitops-apply'],
    ['another partition', 'arn:aws-cn:iam::111122223333:role/iam-gitops/iam-gitops-apply'],
    ['another role', 'arn:aws:iam::111122223333:role/iam-gitops/iam-gitops-plan'],
    ['a user of that name', 'arn:aws:iam::111122223333:user/iam-gitops/iam-gitops-apply'],
    ['its session ARN', 'arn:aws:sts::111122223333:assumed-role/iam-gitops-apply/GitHubActions'],
    ['a name that only starts the same', 'arn:aws:iam::111122223333:role/iam-gitops/iam-gitops-apply2'],
    ['nothing', ''],
  ])('tells apart %s', (_what, other) => {
    expect(isSameRole(role, other)).toBe(false);
    expect(isSameRole(other, role)).toBe(false);
  });
});
