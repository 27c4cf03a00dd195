import { describe, expect, it } from 'vitest';
import { parseCliFlags, UsageError } from '../../../src/settings/cli-flags.js';

const CWD = '/home/me/iam-users';

describe('parseCliFlags', () => {
  it('reads a command with the defaults the action has, paths from the current directory', () => {
    expect(parseCliFlags(['plan'], { GITHUB_REPOSITORY: 'acme/iam-users' }, CWD)).toEqual({
      kind: 'run',
      command: 'plan',
      user: undefined,
      settings: {
        usersDir: '/home/me/iam-users/users',
        displayDir: 'users',
        config: {
          path: '/home/me/iam-users/iam-gitops.yaml',
          displayPath: 'iam-gitops.yaml',
          required: false,
        },
        iamPath: '/iam-gitops/',
        repository: 'acme/iam-users',
        region: 'us-east-1',
        emailDomain: undefined,
        onRemove: 'disable',
        maxRemovals: 3,
        inviteExpiryDays: 14,
        expireInvites: false,
        failOnDrift: false,
        json: false,
      },
    });
  });

  it('reads every flag', () => {
    const request = parseCliFlags(
      [
        'drift',
        '--users-dir',
        '/srv/roster/users',
        '--config',
        '../iam-gitops.yaml',
        '--iam-path',
        'team',
        '--repository',
        'acme/roster',
        '--region',
        'eu-west-1',
        '--email-domain',
        'example.com',
        '--on-remove',
        'delete',
        '--max-removals',
        '0',
        '--invite-expiry-days',
        '30',
        '--expire-invites',
        '--fail-on-drift',
        '--json',
      ],
      {},
      CWD,
    );

    expect(request).toMatchObject({
      command: 'drift',
      settings: {
        usersDir: '/srv/roster/users',
        displayDir: '/srv/roster/users',
        config: { path: '/home/me/iam-gitops.yaml', displayPath: '../iam-gitops.yaml', required: true },
        iamPath: '/team/',
        repository: 'acme/roster',
        region: 'eu-west-1',
        emailDomain: 'example.com',
        onRemove: 'delete',
        maxRemovals: 0,
        inviteExpiryDays: 30,
        expireInvites: true,
        failOnDrift: true,
        json: true,
      },
    });
  });

  it('takes resend USER', () => {
    expect(parseCliFlags(['resend', 'alice@example.com', '--repository', 'acme/r'], {}, CWD)).toMatchObject({
      command: 'resend',
      user: 'alice@example.com',
    });
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const region = (env: NodeJS.ProcessEnv) => {
      const request = parseCliFlags(['validate'], env, CWD);
      return request.kind === 'run' ? request.settings.region : undefined;
    };

    expect(region({ AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-3' })).toBe('eu-west-2');
    expect(region({ AWS_DEFAULT_REGION: 'eu-west-3' })).toBe('eu-west-3');
  });

  it('validates without a repository: validate reads no AWS', () => {
    expect(parseCliFlags(['validate'], {}, CWD)).toMatchObject({ kind: 'run', settings: { repository: '' } });
  });

  it.each(['plan', 'apply', 'drift', 'invites'])('needs a repository for %s', (command) => {
    expect(() => parseCliFlags([command], {}, CWD)).toThrow(
      new UsageError(
        '--repository OWNER/REPO (or GITHUB_REPOSITORY) is required: it scopes which users are managed',
      ),
    );
  });

  it('answers --help and --version before anything else', () => {
    expect(parseCliFlags(['plan', '--max-removals', 'x', '--help'], {}, CWD)).toEqual({ kind: 'help' });
    expect(parseCliFlags(['-v'], {}, CWD)).toEqual({ kind: 'version' });
  });

  it.each([
    [['validate', '--max-removals=-1'], '--max-removals must be a whole number from 0 to 5000 (got "-1")'],
    [
      ['validate', '--max-removals', '1e3'],
      '--max-removals must be a whole number from 0 to 5000 (got "1e3")',
    ],
    [
      ['validate', '--region', 'US-EAST-1'],
      '--region must be an AWS region such as us-east-1 (got "US-EAST-1")',
    ],
    [['validate', '--users-dir', ''], '--users-dir must not be empty (got "")'],
    [['validate', '--on-remove', 'purge'], '--on-remove must be one of disable, delete (got "purge")'],
    [['validate', '--expire-invites=true'], "Option '--expire-invites' does not take an argument"],
    [['resend', 'alice', 'bob'], 'resend needs one USER: the IAM user to re-send sign-in details to'],
    [['validate', 'extra'], 'expected one command (got "validate extra")'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliFlags(argv, { GITHUB_REPOSITORY: 'acme/r' }, CWD)).toThrow(new UsageError(message));
  });
});

describe('parseCliFlags, many accounts', () => {
  const env = { GITHUB_REPOSITORY: 'acme/iam-users' };

  it('reads --max-parallel-accounts within its bounds, for every command', () => {
    const request = parseCliFlags(['apply', '--max-parallel-accounts', '8'], env, CWD);

    expect(request).toMatchObject({ kind: 'run', command: 'apply', settings: { maxParallelAccounts: 8 } });
    expect(() => parseCliFlags(['plan', '--max-parallel-accounts', '0'], env, CWD)).toThrow(
      new UsageError('--max-parallel-accounts must be a whole number from 1 to 32 (got "0")'),
    );
    expect(() => parseCliFlags(['plan', '--max-parallel-accounts', '33'], env, CWD)).toThrow(UsageError);
  });

  it('takes --account for resend only, and only an account name', () => {
    expect(parseCliFlags(['resend', 'alice@example.com', '--account', 'prod'], env, CWD)).toMatchObject({
      command: 'resend',
      user: 'alice@example.com',
      account: 'prod',
    });
    expect(() => parseCliFlags(['plan', '--account', 'prod'], env, CWD)).toThrow(
      new UsageError('--account is for resend only (plan works in every account)'),
    );
    expect(() => parseCliFlags(['resend', 'alice@example.com', '--account', 'no good'], env, CWD)).toThrow(
      /^--account must be an account name/,
    );
  });
});
