import { describe, expect, it } from 'vitest';
import { readSettings, SETTING_KEYS, type SettingKey, SettingsError } from '../../infra/lib/settings.js';

const read = (context: Partial<Record<SettingKey, unknown>>) => readSettings((key) => context[key]);

function problemsOf(context: Partial<Record<SettingKey, unknown>>): readonly string[] {
  try {
    read(context);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

const minimal = { repository: 'example-org/iam-users', senderEmail: 'iam@example.com' };

describe('readSettings', () => {
  it('fills the defaults around the two required settings', () => {
    expect(read(minimal)).toEqual({
      repository: 'example-org/iam-users',
      branch: 'main',
      iamPath: '/iam-gitops/',
      groupPath: '/',
      sender: {
        from: 'iam@example.com',
        address: 'iam@example.com',
        identity: { kind: 'email', name: 'iam@example.com' },
      },
      existingTrail: false,
      existingOidcProvider: false,
      existingSenderIdentity: false,
      sesSandbox: false,
      allowAdoption: false,
    });
  });

  it('reads every optional setting, treating empty strings as unset', () => {
    const settings = read({
      ...minimal,
      branch: 'trunk',
      environment: 'iam-production',
      githubOwnerId: 123456,
      githubRepositoryId: '456789',
      iamPath: 'people',
      groupPath: '/iam-gitops/',
      senderEmail: 'IT team <it@mail.example.com>',
      senderDomain: 'example.com',
      emailDomain: '@example.com',
      signInUrl: 'https://example.awsapps.com/start',
      existingTrail: true,
      existingOidcProvider: 'true',
      existingSenderIdentity: false,
      sesSandbox: 'false',
      allowAdoption: true,
      alarmEmail: 'ops@example.com',
    });

    expect(settings).toEqual({
      repository: 'example-org/iam-users',
      branch: 'trunk',
      environment: 'iam-production',
      githubIds: { owner: '123456', repository: '456789' },
      iamPath: '/people/',
      groupPath: '/iam-gitops/',
      sender: {
        from: 'IT team <it@mail.example.com>',
        address: 'it@mail.example.com',
        identity: { kind: 'domain', name: 'example.com' },
      },
      emailDomain: 'example.com',
      signInUrl: 'https://example.awsapps.com/start',
      existingTrail: true,
      existingOidcProvider: true,
      existingSenderIdentity: false,
      sesSandbox: false,
      allowAdoption: true,
      alarmEmail: 'ops@example.com',
    });
    expect(read({ ...minimal, environment: '', emailDomain: '  ', alarmEmail: null })).toEqual(read(minimal));
  });

  it('derives the From address from a sender domain alone', () => {
    expect(read({ repository: 'o/r', senderDomain: 'Example.com' }).sender).toEqual({
      from: 'iam-gitops@Example.com',
      address: 'iam-gitops@Example.com',
      identity: { kind: 'domain', name: 'example.com' },
    });
  });

  it('reports every problem at once, each under its key', () => {
    const problems = problemsOf({
      repository: 'not a repository',
      branch: 'refs/heads/main',
      iamPath: '/bad path/',
      existingTrail: 'yes',
      githubOwnerId: '12ab',
      signInUrl: 'http://example.com',
    });

    expect(problems).toEqual([
      'repository: "not a repository" is not OWNER/REPO',
      'branch: "refs/heads/main" is not a branch name (give the name only, without refs/heads/)',
      'githubOwnerId: expected the numeric owner id',
      'githubRepositoryId: set both githubOwnerId and githubRepositoryId, or neither',
      'iamPath: "/bad path/" is not an IAM path such as /iam-gitops/',
      'senderEmail: required: set senderEmail (an address to verify) or senderDomain (a domain to verify with DKIM)',
      'signInUrl: expected an https:// URL',
      'existingTrail: expected true or false, got "yes"',
    ]);
  });

  it('names the file and the flag in the error message', () => {
    expect(() => read({})).toThrow(/CDK context in cdk.json or -c key=value[\s\S]*- repository: required/);
  });

  it('refuses the root path, which would put every user of the account in scope', () => {
    expect(problemsOf({ ...minimal, iamPath: '/' })).toEqual([
      'iamPath: must not be "/": every user of the account would be in scope',
    ]);
  });

  it('refuses a sender outside the sender domain', () => {
    expect(problemsOf({ ...minimal, senderEmail: 'iam@example.org', senderDomain: 'example.com' })).toEqual([
      'senderEmail: iam@example.org is not an address of senderDomain example.com',
    ]);
  });

  it('refuses malformed addresses, domains and header injection', () => {
    expect(problemsOf({ ...minimal, senderEmail: 'not-an-address' })).toEqual([
      'senderEmail: "not-an-address" is not an address such as iam@example.com or "IT <iam@example.com>"',
    ]);
    expect(problemsOf({ ...minimal, senderEmail: 'iam@example.com\nBcc: x@evil.test' })).toEqual([
      'senderEmail: must be on one line',
    ]);
    expect(problemsOf({ ...minimal, emailDomain: 'example' })).toEqual([
      'emailDomain: "example" is not a domain such as example.com',
    ]);
    expect(problemsOf({ ...minimal, alarmEmail: 'ops' })).toEqual([
      'alarmEmail: "ops" is not an email address',
    ]);
  });

  it('refuses environment names that cannot appear in an OIDC subject', () => {
    expect(problemsOf({ ...minimal, environment: 'prod:*' })).toEqual([
      'environment: "prod:*" is not a GitHub environment name',
    ]);
  });

  it('refuses values of the wrong type rather than guessing', () => {
    expect(problemsOf({ ...minimal, branch: ['main'], sesSandbox: 1 })).toEqual([
      'branch: expected a string, got ["main"]',
      'sesSandbox: expected true or false, got 1',
    ]);
  });

  it('lists each key it reads exactly once', () => {
    expect(new Set(SETTING_KEYS).size).toBe(SETTING_KEYS.length);
  });
});
