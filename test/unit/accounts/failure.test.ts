import { IAMServiceException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { awsAnswerCode, failureMessage } from '../../../src/accounts/failure.js';

const throttled = new IAMServiceException({
  name: 'Throttling',
  $fault: 'client',
  $metadata: { httpStatusCode: 400 },
  message: 'Rate exceeded',
});

describe('awsAnswerCode', () => {
  it("is AWS's code for an error AWS answered", () => {
    expect(awsAnswerCode(throttled)).toBe('Throttling');
  });

  it('is undefined for errors of our own or of the network', () => {
    expect(awsAnswerCode(new Error('socket hang up'))).toBeUndefined();
    expect(awsAnswerCode(new TypeError('x is undefined'))).toBeUndefined();
    expect(awsAnswerCode('a string')).toBeUndefined();
  });
});

describe('failureMessage', () => {
  it("puts AWS's code first", () => {
    expect(failureMessage(throttled)).toBe('Throttling: Rate exceeded');
  });

  it('does not repeat a code the message already names', () => {
    const denied = new IAMServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: {},
      message: 'AccessDenied: not authorized',
    });

    expect(failureMessage(denied)).toBe('AccessDenied: not authorized');
  });

  it('gives the message alone for anything else, Error or not', () => {
    expect(failureMessage(new Error('socket hang up'))).toBe('socket hang up');
    expect(failureMessage({ reason: 'odd' })).toBe('{"reason":"odd"}');
  });
});
