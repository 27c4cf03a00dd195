import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ENVIRONMENT,
  loadSettings,
  readSettings,
  SETTING_KEYS,
  type SettingKey,
  SettingsError,
} from '../../infra/lib/settings.js';
import { parseRepoConfig } from '../../src/config/load-repo-config.js';
import { configFixturePath } from './support/synth.js';

const GUARDRAILS =
  'guardrails:\n  groups: [developers]\n  policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n';
const GUARDED = parseRepoConfig('iam-gitops.yaml', GUARDRAILS);

const read = (context: Partial<Record<SettingKey, unknown>>, config = GUARDED) =>
  readSettings((key) => context[key], config, 'iam-gitops.yaml');

function problemsOf(context: Partial<Record<SettingKey, unknown>>, config = GUARDED): readonly string[] {
  try {
    read(context, config);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

const minimal = { repository: 'example-org/iam-users', senderEmail: 'iam@example.com' };

describe('readSettings', () => {
  it('fills the defaults around the two required settings and the guardrails', () => {
    expect(read(minimal)).toEqual({
      repository: 'example-org/iam-users',
      branch: 'main',
      environment: 'iam-gitops',
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
      guardrails: { groups: ['developers'], policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      repoConfig: {
        guardrails: { groups: ['developers'], policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      },
      configFile: 'iam-gitops.yaml',
    });
    expect(DEFAULT_ENVIRONMENT).toBe('iam-gitops');
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

    expect(settings).toMatchObject({
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

  it('reports every problem at once, each under its key, with the shared rules', () => {
    const problems = problemsOf({
      repository: 'not a repository',
      branch: 'refs/heads/main',
      iamPath: '/bad path/',
      existingTrail: 'yes',
      githubOwnerId: '12ab',
      signInUrl: 'http://example.com',
    });

    expect(problems).toEqual([
      'repository: must be OWNER/REPO (got "not a repository")',
      'branch: "refs/heads/main" is not a branch name (give the name only, without refs/heads/)',
      'githubOwnerId: expected the numeric owner id',
      'githubRepositoryId: set both githubOwnerId and githubRepositoryId, or neither',
      'iamPath: must be an IAM path such as /iam-gitops/ (got "/bad path/")',
      'senderEmail: required: set senderEmail (an address to verify) or senderDomain (a domain to verify with DKIM)',
      'signInUrl: expected an https:// URL',
      'existingTrail: expected true or false, got "yes"',
    ]);
  });

  it('names the context and the configuration file in the error message', () => {
    expect(() => read({})).toThrow(
      /CDK context in cdk.json or -c key=value; guardrails in iam-gitops.yaml[\s\S]*- repository: required/,
    );
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

  it('refuses malformed addresses and domains by the one email and domain rule, and header injection', () => {
    expect(problemsOf({ ...minimal, senderEmail: 'not-an-address' })).toEqual([
      'senderEmail: "not-an-address" is not an address such as iam@example.com or "IT <iam@example.com>"',
    ]);
    // The address the first version accepted and the Lambda refused.
    expect(problemsOf({ ...minimal, senderEmail: 'alice@exa_mple.com' })).toHaveLength(1);
    expect(problemsOf({ ...minimal, senderEmail: 'iam@example.com\nBcc: x@evil.test' })).toEqual([
      'senderEmail: must be on one line',
    ]);
    expect(problemsOf({ ...minimal, emailDomain: 'example' })).toEqual([
      'emailDomain: must be a domain such as example.com (got "example")',
    ]);
    expect(problemsOf({ ...minimal, emailDomain: 'Example.com' })).toEqual([
      'emailDomain: must be written in lower case (got "Example.com")',
    ]);
    expect(problemsOf({ ...minimal, alarmEmail: 'ops' })).toEqual([
      'alarmEmail: must be an email address (got "ops")',
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
    expect(problemsOf({ ...minimal, repository: { owner: 'o' } })).toEqual([
      'repository: expected a string, got {"owner":"o"}',
    ]);
  });

  it('refuses an email domain outside the recipient domains: such users could never be emailed', () => {
    const config = parseRepoConfig('iam-gitops.yaml', `${GUARDRAILS}  recipientDomains: [example.com]\n`);

    expect(problemsOf({ ...minimal, emailDomain: 'example.org' }, config)).toEqual([
      'emailDomain: example.org is not one of guardrails.recipientDomains in iam-gitops.yaml (example.com): users without an email would never get one',
    ]);
  });

  it('refuses to synthesize without a guardrails block, naming the file and the keys to set', () => {
    const config = parseRepoConfig('config/iam-gitops.yaml', 'accounts:\n  prod: { id: "111111111111" }\n');

    expect(problemsOf(minimal, config)).toEqual([
      "config/iam-gitops.yaml:1:1: guardrails: required by the infrastructure, which enforces it in IAM: set guardrails.groups and guardrails.policies (['*'] allows any, a conscious opt-out); see docs/infrastructure.md",
    ]);
  });

  it('reports configuration errors as FILE:LINE:COL: field: message, beside the context problems', () => {
    const config = parseRepoConfig('iam-gitops.yaml', 'guardrails:\n  groups: [developers]\n');

    expect(problemsOf({ senderEmail: 'iam@example.com' }, config)).toEqual([
      'repository: required: the roster repository as OWNER/REPO',
      'iam-gitops.yaml:2:3: guardrails.policies: is required (a array)',
    ]);
  });

  it('lists each key it reads exactly once', () => {
    expect(new Set(SETTING_KEYS).size).toBe(SETTING_KEYS.length);
  });
});

describe('loadSettings', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const context = (values: Partial<Record<SettingKey, unknown>>) => (key: SettingKey) =>
    ({ ...minimal, ...values })[key];

  it('reads iam-gitops.yaml from the working directory by default', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'iam-gitops-settings-'));
    dirs.push(cwd);
    writeFileSync(join(cwd, 'iam-gitops.yaml'), GUARDRAILS);

    const settings = await loadSettings(context({}), cwd);

    expect(settings.configFile).toBe('iam-gitops.yaml');
    expect(settings.guardrails.groups).toEqual(['developers']);
  });

  it('reads the file the config context names, relative to the working directory', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const given = relative(root, configFixturePath('guarded'));

    const settings = await loadSettings(context({ config: given }), root);

    expect(settings.configFile).toBe(given);
    expect(settings.guardrails.recipientDomains).toEqual(['example.com', 'corp.example.org']);
  });

  it('says what a missing file must hold', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'iam-gitops-settings-'));
    dirs.push(cwd);

    await expect(loadSettings(context({}), cwd)).rejects.toThrow(
      "iam-gitops.yaml:1:1: does not exist: the infrastructure needs the roster repository's configuration with a guardrails block (guardrails.groups, guardrails.policies); create it, or point -c config=PATH at it",
    );
  });
});
