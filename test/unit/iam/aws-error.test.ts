import { NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { awsErrorCode, isAwsError } from '../../../src/iam/aws-error.js';

describe('awsErrorCode', () => {
  it('reads the SDK v3 class name without its Exception suffix', () => {
    expect(awsErrorCode(new NoSuchEntityException({ message: 'x', $metadata: {} }))).toBe('NoSuchEntity');
  });

  it('prefers a Code property, as query-protocol errors carry', () => {
    expect(awsErrorCode({ Code: 'Throttling', name: 'Error' })).toBe('Throttling');
  });

  it('uses a name without a suffix as it is', () => {
    expect(awsErrorCode({ name: 'EntityAlreadyExists' })).toBe('EntityAlreadyExists');
  });

  it('is undefined for values that are not errors', () => {
    expect(awsErrorCode('NoSuchEntity')).toBeUndefined();
    expect(awsErrorCode(null)).toBeUndefined();
    expect(awsErrorCode({})).toBeUndefined();
  });
});

describe('isAwsError', () => {
  it('matches a code with or without the Exception suffix, either way round', () => {
    const sdkError = new NoSuchEntityException({ message: 'x', $metadata: {} });

    expect(isAwsError(sdkError, 'NoSuchEntity')).toBe(true);
    expect(isAwsError(sdkError, 'NoSuchEntityException')).toBe(true);
    expect(isAwsError({ Code: 'NoSuchEntity' }, 'NoSuchEntityException')).toBe(true);
    expect(isAwsError(sdkError, 'EntityAlreadyExists', 'NoSuchEntity')).toBe(true);
  });

  it('does not match other codes or non-errors', () => {
    expect(isAwsError(new NoSuchEntityException({ message: 'x', $metadata: {} }), 'NoSuchEntityX')).toBe(
      false,
    );
    expect(isAwsError(new Error('NoSuchEntity'), 'NoSuchEntity')).toBe(false);
    expect(isAwsError(undefined, 'NoSuchEntity')).toBe(false);
  });
});
