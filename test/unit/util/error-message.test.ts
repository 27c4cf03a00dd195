import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../../src/util/error-message.js';

describe('errorMessage', () => {
  it("is an Error's message, or its name when the message is empty", () => {
    expect(errorMessage(new Error('went wrong'))).toBe('went wrong');
    expect(errorMessage(new TypeError(''))).toBe('TypeError');
  });

  it('is a thrown string itself', () => {
    expect(errorMessage('plain text')).toBe('plain text');
  });

  it('is JSON for other values, and their String when JSON cannot say', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;

    expect(errorMessage({ code: 42 })).toBe('{"code":42}');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(10n)).toBe('10');
    expect(errorMessage(circular)).toBe('[object Object]');
  });
});
