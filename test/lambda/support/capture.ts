// Test probes: log lines kept in memory, and every password the code under test hands to IAM,
// so a test can assert that no log line ever contains one.
import type { IAMClient } from '@aws-sdk/client-iam';
import { expect } from 'vitest';
import { createLogger, type Log } from '../../../lambda/src/logger.js';

export interface LogCapture {
  readonly lines: string[];
  readonly log: Log;
  /** The parsed lines, for assertions on fields. */
  readonly entries: () => Record<string, unknown>[];
}

export function captureLog(): LogCapture {
  const lines: string[] = [];
  return {
    lines,
    log: createLogger({ write: (line) => lines.push(line) }),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/**
 * Records each distinct Password the client sends (CreateLoginProfile, UpdateLoginProfile; a
 * redelivery's failed create and its update carry the same one).
 */
export function capturePasswords(iam: IAMClient): string[] {
  const passwords: string[] = [];
  iam.middlewareStack.add(
    (next) => async (args) => {
      const password = (args.input as { Password?: unknown }).Password;
      if (typeof password === 'string' && !passwords.includes(password)) passwords.push(password);
      return next(args);
    },
    { step: 'initialize', name: 'capturePasswords' },
  );
  return passwords;
}

// Assertions on text that holds a password compare to a boolean, so that a failing test reports
// which check failed without printing the password it was looking at.

export function expectSame(actual: string | undefined, expected: string | undefined, what: string): void {
  expect(actual !== undefined && actual === expected, `${what}: not the same`).toBe(true);
}

export function expectDifferent(actual: string | undefined, other: string | undefined, what: string): void {
  expect(actual !== undefined && actual !== other, `${what}: the same`).toBe(true);
}

export function expectIncludes(text: string | undefined, fragment: string): void {
  expect(text?.includes(fragment) === true, `does not contain ${JSON.stringify(fragment)}`).toBe(true);
}

export function expectNoPasswordIn(lines: readonly string[], passwords: readonly string[]): void {
  for (const password of passwords) {
    // A count, not the lines: a failing test must not print the password either.
    const leaking = lines.filter((line) => line.includes(password)).length;
    expect(leaking, 'log lines that contain a generated password').toBe(0);
  }
}
