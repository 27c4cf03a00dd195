// The offboarding inputs (on-remove, max-removals, invite-expiry-days, expire-invites) and their
// CLI flags: defaults that keep every caller safe, and typos refused before any AWS call.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliIo, EXIT_FAILURE, runCli } from '../../src/cli.js';
import { readInputs } from '../../src/inputs.js';

const input = (name: string, value: string) => vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);

beforeEach(() => {
  vi.stubEnv('GITHUB_REPOSITORY', 'acme/iam-users');
  vi.stubEnv('GITHUB_WORKSPACE', '/work/checkout');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('readInputs, offboarding', () => {
  it('disables, allows 3 removals, and reports invitations after 14 days without expiring them, by default', () => {
    expect(readInputs()).toMatchObject({
      onRemove: 'disable',
      maxRemovals: 3,
      inviteExpiryDays: 14,
      expireInvites: false,
    });
  });

  it('reads what is set', () => {
    input('on-remove', 'delete');
    input('max-removals', '0');
    input('invite-expiry-days', '30');
    input('expire-invites', 'true');

    expect(readInputs()).toMatchObject({
      onRemove: 'delete',
      maxRemovals: 0,
      inviteExpiryDays: 30,
      expireInvites: true,
    });
  });

  it.each([
    ['on-remove', 'remove', 'input on-remove must be one of disable, delete (got "remove")'],
    ['max-removals', 'three', 'input max-removals must be a whole number from 0 to 5000 (got "three")'],
    ['max-removals', '-1', 'input max-removals must be a whole number from 0 to 5000 (got "-1")'],
    ['invite-expiry-days', '0', 'input invite-expiry-days must be a whole number from 1 to 3650 (got "0")'],
    ['expire-invites', 'yes', 'expire-invites'],
  ])('refuses %s: %s', (name, value, message) => {
    input(name, value);

    expect(() => readInputs()).toThrow(message);
  });
});

describe('runCli, offboarding flags', () => {
  function captureIo(): CliIo & { stderr: string[] } {
    const stderr: string[] = [];
    return { stderr, out: () => {}, err: (text) => stderr.push(text), env: {} };
  }

  it.each([
    [['--on-remove', 'purge'], '--on-remove must be one of disable, delete (got "purge")'],
    [['--max-removals', 'many'], '--max-removals must be a whole number of at least 0 (got "many")'],
  ])('refuses %j before any AWS call', async (flags, message) => {
    const io = captureIo();

    const code = await runCli(['plan', '--repository', 'acme/iam-users', ...flags], io);

    expect(code).toBe(EXIT_FAILURE);
    expect(io.stderr.join('\n')).toContain(message);
  });
});
