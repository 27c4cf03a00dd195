import { describe, expect, it, vi } from 'vitest';
import { createLogger, type LogFields, withFields } from '../../lambda/src/logger.js';

const at = new Date('2025-03-10T14:22:07.000Z');

describe('createLogger', () => {
  it('writes one JSON line per call, with time, level, message and the fields', () => {
    const lines: string[] = [];
    const log = createLogger({
      write: (line) => lines.push(line),
      now: () => at,
      fields: { requestId: 'r-1' },
    });

    log('info', 'sent', { user: 'alice@example.com', durationMs: 12, marked: true, skipped: undefined });

    expect(lines).toEqual([
      '{"time":"2025-03-10T14:22:07.000Z","level":"info","message":"sent","requestId":"r-1","user":"alice@example.com","durationMs":12,"marked":true}',
    ]);
  });

  it('drops a field named like a secret, whatever the types said', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line), now: () => at });
    const sneaky = { Password: 'hunter2', newPassword: 'hunter3', clientSecret: 's' } as unknown as LogFields;

    log('warn', 'careful', sneaky);

    expect(lines).toEqual(['{"time":"2025-03-10T14:22:07.000Z","level":"warn","message":"careful"}']);
  });

  it('refuses a password field at compile time, and drops it at run time', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line), now: () => at });

    // @ts-expect-error the type has no room for a password
    log('info', 'x', { password: 'hunter2' });

    expect(lines).toEqual(['{"time":"2025-03-10T14:22:07.000Z","level":"info","message":"x"}']);
  });

  it('writes to stdout unless told otherwise', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      createLogger({ now: () => at })('error', 'boom');
      expect(write).toHaveBeenCalledWith(
        '{"time":"2025-03-10T14:22:07.000Z","level":"error","message":"boom"}\n',
      );
    } finally {
      write.mockRestore();
    }
  });
});

describe('withFields', () => {
  it('adds fields to every line, letting the line override them', () => {
    const lines: string[] = [];
    const log = withFields(createLogger({ write: (line) => lines.push(line), now: () => at }), {
      eventId: 'e-1',
      user: 'alice',
    });

    log('info', 'x', { user: 'bob' });

    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '2025-03-10T14:22:07.000Z',
      level: 'info',
      message: 'x',
      eventId: 'e-1',
      user: 'bob',
    });
  });
});
