// The evaluator the infrastructure tests rely on, checked against the IAM User Guide's rules.
import { describe, expect, it } from 'vitest';
import { evaluate, type PolicyStatement, resolve } from './policy-evaluator.js';

const allow = (extra: Partial<PolicyStatement>): PolicyStatement => ({
  Effect: 'Allow',
  Action: 'iam:TagUser',
  Resource: 'arn:aws:iam::1:user/p/*',
  ...extra,
});

describe('evaluate', () => {
  it('allows on a matching Allow, with wildcards; actions ignore case, resources do not', () => {
    expect(evaluate([allow({})], { action: 'IAM:taguser', resource: 'arn:aws:iam::1:user/p/a' })).toBe(
      'allow',
    );
    expect(evaluate([allow({})], { action: 'iam:TagUser', resource: 'arn:aws:iam::1:user/P/a' })).toBe(
      'implicit-deny',
    );
    expect(
      evaluate([allow({ Action: 'iam:Tag?ser' })], {
        action: 'iam:TagUser',
        resource: 'arn:aws:iam::1:user/p/a',
      }),
    ).toBe('allow');
  });

  it('lets an explicit Deny win over any Allow', () => {
    const statements = [allow({}), { ...allow({}), Effect: 'Deny' as const }];
    expect(evaluate(statements, { action: 'iam:TagUser', resource: 'arn:aws:iam::1:user/p/a' })).toBe(
      'explicit-deny',
    );
  });

  it('treats a missing key as false, except for negated operators, IfExists and ForAllValues', () => {
    const request = { action: 'iam:TagUser', resource: 'arn:aws:iam::1:user/p/a' };
    const withCondition = (Condition: NonNullable<PolicyStatement['Condition']>) =>
      evaluate([allow({ Condition })], request);

    expect(withCondition({ StringEquals: { 'aws:RequestTag/a': 'x' } })).toBe('implicit-deny');
    expect(withCondition({ StringNotEquals: { 'aws:RequestTag/a': 'x' } })).toBe('allow');
    expect(withCondition({ StringEqualsIfExists: { 'aws:RequestTag/a': 'x' } })).toBe('allow');
    expect(withCondition({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } })).toBe('allow');
    expect(withCondition({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } })).toBe('implicit-deny');
    expect(withCondition({ Null: { 'aws:TagKeys': 'true' } })).toBe('allow');
    expect(withCondition({ Null: { 'aws:TagKeys': 'false' } })).toBe('implicit-deny');
  });

  it('ANDs operators and keys, ORs values, and reads keys without regard to case', () => {
    const statement = allow({
      Condition: {
        StringEquals: { 'aws:RequestTag/team': ['a', 'b'], 'aws:RequestTag/env': 'prod' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] },
      },
    });
    const request = (context: Record<string, string | string[]>) => ({
      action: 'iam:TagUser',
      resource: 'arn:aws:iam::1:user/p/a',
      context,
    });

    expect(
      evaluate(
        [statement],
        request({ 'AWS:RequestTag/team': 'b', 'aws:RequestTag/env': 'prod', 'aws:TagKeys': ['team', 'env'] }),
      ),
    ).toBe('allow');
    expect(
      evaluate(
        [statement],
        request({ 'aws:RequestTag/team': 'c', 'aws:RequestTag/env': 'prod', 'aws:TagKeys': ['team', 'env'] }),
      ),
    ).toBe('implicit-deny');
    expect(
      evaluate(
        [statement],
        request({
          'aws:RequestTag/team': 'a',
          'aws:RequestTag/env': 'prod',
          'aws:TagKeys': ['team', 'env', 'x'],
        }),
      ),
    ).toBe('implicit-deny');
  });

  it('throws on an operator it does not model, so no test passes by a skipped condition', () => {
    const statement = allow({ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } });
    expect(() =>
      evaluate([statement], { action: 'iam:TagUser', resource: 'arn:aws:iam::1:user/p/a' }),
    ).toThrow(/does not know the condition operator NumericLessThan/);
  });
});

describe('resolve', () => {
  it('fills pseudo parameters, joins, and marks references to resources', () => {
    expect(
      resolve(
        {
          Resource: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':user/*'],
            ],
          },
          Other: [{ 'Fn::GetAtt': ['Queue', 'Arn'] }, { Ref: 'Topic' }],
        },
        { partition: 'aws', accountId: '111122223333', region: 'us-east-1' },
      ),
    ).toEqual({ Resource: 'arn:aws:iam::111122223333:user/*', Other: ['<Queue.Arn>', '<Topic>'] });
  });
});
