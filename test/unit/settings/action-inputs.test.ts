// readInputs with the real @actions/core reading INPUT_* variables, as the runner sets them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readInputs } from '../../../src/settings/action-inputs.js';

const input = (name: string, value: string) => vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);

beforeEach(() => {
  vi.stubEnv('GITHUB_REPOSITORY', 'acme/iam-users');
  vi.stubEnv('GITHUB_WORKSPACE', '/work/checkout');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('readInputs', () => {
  it('follows the event, with credentials from the environment, when nothing is set', () => {
    const settings = readInputs();

    expect(settings).toMatchObject({
      command: 'auto',
      aws: { roleToAssume: undefined, roleSessionName: 'iam-gitops', roleDurationSeconds: 3600 },
      githubToken: '',
      user: undefined,
      failOnDrift: false,
      comment: true,
    });
  });

  it('reads the GitHub-side inputs', () => {
    input('command', 'resend');
    input('role-to-assume', 'arn:aws:iam::123456789012:role/path/iam-gitops-apply');
    input('role-session-name', 'run-42');
    input('role-duration-seconds', '900');
    input('github-token', 'ghs_x');
    input('user', 'alice@example.com');
    input('fail-on-drift', 'TRUE');
    input('comment', 'false');

    expect(readInputs()).toMatchObject({
      command: 'resend',
      aws: {
        roleToAssume: 'arn:aws:iam::123456789012:role/path/iam-gitops-apply',
        roleSessionName: 'run-42',
        roleDurationSeconds: 900,
      },
      githubToken: 'ghs_x',
      user: 'alice@example.com',
      failOnDrift: true,
      comment: false,
    });
  });

  it.each([
    [
      'command',
      'deploy',
      'input command must be one of auto, validate, plan, apply, resend, drift (got "deploy")',
    ],
    ['role-to-assume', 'iam-gitops-apply', 'input role-to-assume must be an IAM role ARN'],
    [
      'role-to-assume',
      'arn:aws:iam::123456789012:user/alice',
      'input role-to-assume must be an IAM role ARN',
    ],
    [
      'role-session-name',
      'a b',
      'input role-session-name must be 2-64 letters, digits or +=,.@_- (got "a b")',
    ],
    ['role-duration-seconds', '899', 'input role-duration-seconds must be a whole number from 900 to 43200'],
    ['role-duration-seconds', '1h', 'input role-duration-seconds must be a whole number from 900 to 43200'],
    ['fail-on-drift', 'yes', 'fail-on-drift'],
    ['comment', 'off', 'comment'],
  ])('refuses %s = %s', (name, value, message) => {
    input(name, value);

    expect(() => readInputs()).toThrow(message);
  });
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
