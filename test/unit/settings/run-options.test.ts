import { describe, expect, it } from 'vitest';
import { configLocation, runOptions, runSettings, settingErrors } from '../../../src/settings/run-options.js';
import * as z from '../../../src/util/zod.js';

describe('runOptions', () => {
  it('gives each shared setting its default', () => {
    const defaults = z.object(runOptions).parse({ repository: 'acme/iam-users' });

    expect(defaults).toEqual({
      'iam-path': '/iam-gitops/',
      repository: 'acme/iam-users',
      'on-remove': 'disable',
      'max-removals': 3,
      'invite-expiry-days': 14,
      region: 'us-east-1',
    });
  });

  it('bounds the numbers as IAM does: at most 5,000 users in an account', () => {
    const maxRemovals = runOptions['max-removals'];

    expect(maxRemovals.parse('5000')).toBe(5000);
    expect(maxRemovals.safeParse('5001').success).toBe(false);
  });
});

describe('configLocation', () => {
  it('is iam-gitops.yaml at the root by default, and optional', () => {
    expect(configLocation(undefined, '/repo')).toEqual({
      path: '/repo/iam-gitops.yaml',
      displayPath: 'iam-gitops.yaml',
      required: false,
    });
  });

  it('is required where it was named', () => {
    expect(configLocation('iam/config.yaml', '/repo')).toEqual({
      path: '/repo/iam/config.yaml',
      displayPath: 'iam/config.yaml',
      required: true,
    });
  });
});

describe('runSettings', () => {
  it('resolves paths against the root and names them as given', () => {
    const settings = runSettings(
      {
        'users-dir': 'people',
        'iam-path': '/x/',
        repository: 'a/b',
        'on-remove': 'delete',
        'max-removals': 1,
        'invite-expiry-days': 2,
        'expire-invites': true,
        'fail-on-drift': true,
        region: 'eu-west-1',
      },
      '/repo',
    );

    expect(settings).toEqual({
      usersDir: '/repo/people',
      displayDir: 'people',
      config: { path: '/repo/iam-gitops.yaml', displayPath: 'iam-gitops.yaml', required: false },
      iamPath: '/x/',
      repository: 'a/b',
      emailDomain: undefined,
      onRemove: 'delete',
      maxRemovals: 1,
      inviteExpiryDays: 2,
      expireInvites: true,
      failOnDrift: true,
      region: 'eu-west-1',
    });
  });
});

describe('settingErrors', () => {
  const schema = z.object({ a: runOptions['max-removals'], b: runOptions.repository, c: z.boolean() });

  it('names each setting once, with its rule and the value it got', () => {
    const raw = { a: 'x', b: undefined, c: 'yes' };
    const result = schema.safeParse(raw);

    expect(result.success).toBe(false);
    expect(settingErrors(result.error as z.core.$ZodError, raw, (key) => `--${key}`)).toEqual([
      '--a must be a whole number from 0 to 5000 (got "x")',
      '--b is required',
      '--c Invalid input: expected boolean, received string (got "yes")',
    ]);
  });
});
