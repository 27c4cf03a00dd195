// Test probes: everything the Lambda writes (Powertools' log lines and EMF metric lines, on stdout
// and stderr as in Lambda), and every password the code under test hands to IAM, so a test can
// assert that no line ever contains one.
import type { IAMClient } from '@aws-sdk/client-iam';
import { expect, vi } from 'vitest';
import { createLogger, type Log, logTo } from '../../../lambda/src/logger.js';

export type Json = Record<string, unknown>;

/** One embedded-metric-format line, as CloudWatch reads it. */
export interface EmfLine extends Json {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
}

export interface OutputCapture {
  /** Every line written to stdout or stderr since the capture began. */
  readonly lines: string[];
  /** The log lines, parsed (every JSON line but the metric lines). */
  readonly entries: () => Json[];
  /** The EMF metric lines, parsed. */
  readonly emf: () => EmfLine[];
}

/**
 * Captures stdout and stderr, where Powertools writes (its Logger puts warnings and errors on
 * stderr, as Lambda's console does; Metrics puts EMF on stdout). vi.restoreAllMocks() ends it.
 */
export function captureOutput(): OutputCapture {
  const lines: string[] = [];
  const keep = (chunk: unknown): boolean => {
    for (const line of String(chunk).split('\n')) if (line !== '') lines.push(line);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  const parsed = () => lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Json);
  return {
    lines,
    entries: () => parsed().filter((entry) => !('_aws' in entry)),
    emf: () => parsed().filter((entry): entry is EmfLine => '_aws' in entry),
  };
}

export interface LogCapture extends OutputCapture {
  /** The flow's Log, written by a fresh Powertools Logger into this capture. */
  readonly log: Log;
}

export function captureLog(): LogCapture {
  const output = captureOutput();
  return { ...output, log: logTo(createLogger()) };
}

/** Each metric's values summed over the EMF lines, as CloudWatch's Sum would: `{ CredentialsSent: 1 }`. */
export function metricSums(lines: readonly EmfLine[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of lines) {
    for (const directive of line._aws.CloudWatchMetrics) {
      for (const { Name } of directive.Metrics) {
        const value = line[Name];
        const values = Array.isArray(value) ? value : [value];
        sums[Name] = (sums[Name] ?? 0) + values.reduce((sum: number, item) => sum + Number(item), 0);
      }
    }
  }
  return sums;
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
