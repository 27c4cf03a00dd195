import { NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { errorMessage, errorName, isNamed } from '../../lambda/src/errors.js';

const metadata = { $metadata: {} };

describe('errorName', () => {
  it('names an SDK error by its class, and anything else by its type', () => {
    expect(errorName(new NoSuchEntityException({ message: 'gone', ...metadata }))).toBe(
      'NoSuchEntityException',
    );
    expect(errorName(new TypeError('x'))).toBe('TypeError');
    expect(errorName('plain string')).toBe('string');
    expect(errorName(undefined)).toBe('undefined');
  });
});

describe('errorMessage', () => {
  it('reads Errors, strings and other values', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('text')).toBe('text');
    expect(errorMessage({ code: 42 })).toBe('{"code":42}');
    expect(errorMessage(undefined)).toBe('undefined');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorMessage(circular)).toBe('[object Object]');
  });
});

describe('isNamed', () => {
  it('matches any of the names, and only Errors', () => {
    const error = new NoSuchEntityException({ message: 'gone', ...metadata });
    expect(isNamed(error, 'EntityAlreadyExistsException', 'NoSuchEntityException')).toBe(true);
    expect(isNamed(error, 'EntityAlreadyExistsException')).toBe(false);
    expect(isNamed({ name: 'NoSuchEntityException' }, 'NoSuchEntityException')).toBe(false);
  });
});
