// The Lambda's logs as Powertools writes them, read back from stdout and stderr.
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type LogFields, logTo, withFields } from '../../lambda/src/logger.js';
import { LAMBDA_METRICS } from '../../src/contract.js';
import { captureOutput } from './support/capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const context = {
  awsRequestId: 'request-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:iam-gitops-credentials',
  functionName: 'iam-gitops-credentials',
} as Context;

describe('createLogger', () => {
  it('writes one JSON line per call: level, message, time, service and the fields', () => {
    const output = captureOutput();
    const log = logTo(createLogger());

    log('info', 'sent', { user: 'alice@example.com', durationMs: 12, marked: true, skipped: undefined });

    expect(output.lines).toHaveLength(1);
    expect(output.entries()).toEqual([
      {
        level: 'INFO',
        message: 'sent',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        service: LAMBDA_METRICS.service,
        sampling_rate: 0,
        user: 'alice@example.com',
        durationMs: 12,
        marked: true,
      },
    ]);
  });

  it('adds the request id and the cold start flag from the invocation context', () => {
    // What Lambda sets for an on-demand function; the cold start flag is true only for such.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const output = captureOutput();
    const logger = createLogger();
    const log = logTo(logger);

    logger.addContext(context);
    log('info', 'first');
    logger.addContext({ ...context, awsRequestId: 'request-2' });
    log('info', 'second');

    expect(output.entries().map((entry) => [entry.function_request_id, entry.cold_start])).toEqual([
      ['request-1', true],
      ['request-2', false],
    ]);
    expect(output.entries()[0]).toMatchObject({ function_name: 'iam-gitops-credentials' });
  });

  it("takes its level from Lambda's advanced logging controls (AWS_LAMBDA_LOG_LEVEL)", () => {
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'WARN');
    const output = captureOutput();
    const log = logTo(createLogger());

    log('info', 'quiet');
    log('warn', 'refused');
    log('error', 'failed');

    expect(output.entries().map((entry) => [entry.level, entry.message])).toEqual([
      ['WARN', 'refused'],
      ['ERROR', 'failed'],
    ]);
  });

  it('drops a field named like a secret, whatever the types said', () => {
    const output = captureOutput();
    const log = logTo(createLogger());
    const sneaky = { Password: 'hunter2', newPassword: 'hunter3', clientSecret: 's' } as unknown as LogFields;

    log('warn', 'careful', sneaky);

    expect(output.lines.join('\n')).not.toMatch(/hunter|clientSecret/);
    expect(output.entries()[0]).toMatchObject({ level: 'WARN', message: 'careful' });
  });

  it('refuses a password field at compile time, and drops it at run time', () => {
    const output = captureOutput();
    const log = logTo(createLogger());

    // @ts-expect-error the type has no room for a password
    log('info', 'x', { password: 'hunter2' });

    expect(output.lines.join('\n')).not.toContain('hunter2');
  });

  it('leaves out a value that is not a scalar, so an object can never be logged whole', () => {
    const output = captureOutput();
    const log = logTo(createLogger());
    const event = { detail: { tags: ['do-not-log'] } } as unknown as LogFields[string];

    log('info', 'x', { event, user: 'alice' });

    expect(output.lines.join('\n')).not.toContain('do-not-log');
    expect(output.entries()[0]).toMatchObject({ user: 'alice' });
  });
});

describe('withFields', () => {
  it('adds fields to every line, letting the line override them', () => {
    const output = captureOutput();
    const log = withFields(logTo(createLogger()), { eventId: 'e-1', user: 'alice' });

    log('info', 'x', { user: 'bob' });

    expect(output.entries()[0]).toMatchObject({ message: 'x', eventId: 'e-1', user: 'bob' });
  });
});
