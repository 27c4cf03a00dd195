// readInputs with the real @actions/core reading INPUT_* variables, as the runner sets them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readInputs } from '../../../src/settings/action-inputs.js';

const input = (name: string, value: string) => vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);

beforeEach(() => {
  vi.stubEnv('GITHUB_REPOSITORY', 'acme/iam-users');
  vi.stubEnv('GITHUB_WORKSPACE', '/work/checkout');
  vi.stubEnv('AWS_REGION', '');
  vi.stubEnv('AWS_DEFAULT_REGION', '');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('readInputs', () => {
  it('follows the event, with credentials from the environment, when nothing is set', () => {
    const settings = readInputs();

    expect(settings).toEqual({
      command: 'auto',
      usersDir: '/work/checkout/users',
      displayDir: 'users',
      config: { path: '/work/checkout/iam-gitops.yaml', displayPath: 'iam-gitops.yaml', required: false },
      iamPath: '/iam-gitops/',
      repository: 'acme/iam-users',
      region: 'us-east-1',
      emailDomain: undefined,
      aws: { roleToAssume: undefined, roleSessionName: 'iam-gitops', roleDurationSeconds: 3600 },
      githubToken: '',
      user: undefined,
      failOnDrift: false,
      comment: true,
      onRemove: 'disable',
      maxRemovals: 3,
      inviteExpiryDays: 14,
      expireInvites: false,
    });
  });

  it('reads the roster and configuration paths inside the checkout', () => {
    input('users-dir', './iam/users/');
    input('config', 'iam/iam-gitops.yaml');

    expect(readInputs()).toMatchObject({
      usersDir: '/work/checkout/iam/users',
      displayDir: 'iam/users',
      config: {
        path: '/work/checkout/iam/iam-gitops.yaml',
        displayPath: 'iam/iam-gitops.yaml',
        required: true,
      },
    });
  });

  it('takes the region from the environment when the input is empty', () => {
    input('aws-region', '');
    vi.stubEnv('AWS_REGION', 'eu-central-1');

    expect(readInputs().region).toBe('eu-central-1');
  });

  it('reports every invalid input at once, one line each', () => {
    input('users-dir', '../elsewhere');
    input('config', '/etc/iam-gitops.yaml');
    input('iam-path', '/has space/');
    input('email-domain', 'exa_mple.com');
    input('aws-region', 'moon');

    expect(() => readInputs()).toThrow(
      [
        'input users-dir must be a path inside the repository, relative to its root (got "../elsewhere")',
        'input config must be a path inside the repository, relative to its root (got "/etc/iam-gitops.yaml")',
        'input iam-path must be an IAM path such as /iam-gitops/ (got "/has space/")',
        'input aws-region must be an AWS region such as us-east-1 (got "moon")',
        'input email-domain must be a domain such as example.com (got "exa_mple.com")',
      ].join('\n'),
    );
  });

  it('needs a repository, from the input or GITHUB_REPOSITORY', () => {
    vi.stubEnv('GITHUB_REPOSITORY', '');

    expect(() => readInputs()).toThrow('input repository (by default GITHUB_REPOSITORY) is required');
  });

  it('never quotes the github-token back, whatever else is wrong', () => {
    input('github-token', 'ghs_secret0000000000');
    input('comment', 'maybe');

    expect(() => readInputs()).toThrow('input comment must be true or false (got "maybe")');
    try {
      readInputs();
    } catch (error) {
      expect(String(error)).not.toContain('ghs_secret');
    }
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
    ['fail-on-drift', 'yes', 'input fail-on-drift must be true or false (got "yes")'],
    ['comment', 'off', 'input comment must be true or false (got "off")'],
    ['repository', 'acme', 'input repository must be OWNER/REPO (got "acme")'],
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
    ['max-removals', '5001', 'input max-removals must be a whole number from 0 to 5000 (got "5001")'],
    ['expire-invites', 'yes', 'input expire-invites must be true or false (got "yes")'],
  ])('refuses %s: %s', (name, value, message) => {
    input(name, value);

    expect(() => readInputs()).toThrow(message);
  });
});

describe('readInputs, many accounts', () => {
  it('reads max-parallel-accounts and account; an unset bound is left to the runner', () => {
    expect(readInputs()).toMatchObject({ maxParallelAccounts: undefined, account: undefined });

    input('max-parallel-accounts', '2');
    input('account', 'prod');

    expect(readInputs()).toMatchObject({ maxParallelAccounts: 2, account: 'prod' });
  });

  it('bounds max-parallel-accounts', () => {
    input('max-parallel-accounts', '100');

    expect(() => readInputs()).toThrow(
      'input max-parallel-accounts must be a whole number from 1 to 32 (got "100")',
    );
  });
});
