import { Lazy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { environmentBytes } from '../../infra/lib/lambda-environment.js';

describe('environmentBytes', () => {
  it('counts the variables as JSON: names, values, quotes, colons, commas and braces', () => {
    expect(environmentBytes({ A: 'x', BB: 'yy' }, {})).toBe('{"A":"x","BB":"yy"}'.length);
    expect(environmentBytes({}, {})).toBe(2);
  });

  it('counts bytes, not characters', () => {
    expect(environmentBytes({ NAME: 'é' }, {})).toBe('{"NAME":""}'.length + 2);
  });

  it('counts a value filled in at deploy at its longest', () => {
    const token = Lazy.string({ produce: () => 'short' });

    expect(environmentBytes({ ARN: token }, { ARN: 100 })).toBe('{"ARN":""}'.length + 100);
  });

  it('refuses to guess the size of a deploy-time value it has no bound for', () => {
    const token = Lazy.string({ produce: () => 'short' });

    expect(() => environmentBytes({ ARN: token }, {})).toThrow(
      'no upper bound for the deploy-time value of ARN',
    );
  });
});
