import { describe, expect, it } from 'vitest';
import type { RepoConfig } from '../../../src/config/repo-config-schema.js';
import { resolveAccounts, rosterForAccount } from '../../../src/roster/accounts.js';
import { desiredUser } from '../support/factories.js';

const ACCOUNTS: RepoConfig = {
  accounts: { prod: { id: '111111111111' }, dev: { id: '222222222222' }, sandbox: { id: '333333333333' } },
};
const WITH_DEFAULTS: RepoConfig = { ...ACCOUNTS, defaultAccounts: ['dev'] };

describe('resolveAccounts', () => {
  it('has no accounts and no issue in one account', () => {
    expect(resolveAccounts(undefined, {}, 'iam-gitops.yaml')).toEqual({ accounts: undefined, issues: [] });
  });

  it('refuses a file naming accounts when the configuration lists none', () => {
    expect(resolveAccounts(['prod'], {}, 'iam-gitops.yaml')).toEqual({
      accounts: undefined,
      issues: [
        {
          field: 'accounts',
          message:
            'names accounts, but iam-gitops.yaml has no accounts: (one account); add accounts: there, or remove this field',
        },
      ],
    });
  });

  it("takes the file's accounts, each of which must be listed", () => {
    expect(resolveAccounts(['prod', 'dev'], WITH_DEFAULTS, 'iam-gitops.yaml')).toEqual({
      accounts: ['prod', 'dev'],
      issues: [],
    });
    expect(resolveAccounts(['prod', 'Dev', 'toString'], ACCOUNTS, 'iam-gitops.yaml').issues).toEqual([
      {
        field: 'accounts.1',
        message: 'unknown account "Dev" (accounts in iam-gitops.yaml: prod, dev, sandbox)',
      },
      {
        field: 'accounts.2',
        message: 'unknown account "toString" (accounts in iam-gitops.yaml: prod, dev, sandbox)',
      },
    ]);
  });

  it('falls back to defaultAccounts, and refuses a user in no account', () => {
    expect(resolveAccounts(undefined, WITH_DEFAULTS, 'iam-gitops.yaml')).toEqual({
      accounts: ['dev'],
      issues: [],
    });
    expect(resolveAccounts(undefined, ACCOUNTS, 'iam-gitops.yaml')).toEqual({
      accounts: [],
      issues: [
        {
          field: 'name',
          message:
            'is in no account: add accounts: (one or more of prod, dev, sandbox), or set defaultAccounts in iam-gitops.yaml',
        },
      ],
    });
  });
});

describe('rosterForAccount', () => {
  const alice = desiredUser('alice@example.com', { accounts: ['prod', 'dev'] });
  const carol = desiredUser('carol@example.com', { accounts: ['dev'] });
  const dave = desiredUser('dave@example.com', { accounts: ['prod'] });
  const roster = { users: [alice, carol, dave] };

  it('is the users whose accounts include the one asked for, in roster order', () => {
    expect(rosterForAccount(roster, WITH_DEFAULTS, 'prod').users).toEqual([alice, dave]);
    expect(rosterForAccount(roster, WITH_DEFAULTS, 'dev').users).toEqual([alice, carol]);
    expect(rosterForAccount(roster, WITH_DEFAULTS, 'sandbox').users).toEqual([]);
  });

  it('refuses an account the configuration does not list', () => {
    expect(() => rosterForAccount(roster, WITH_DEFAULTS, 'staging')).toThrow(
      '"staging" is not an account of the configuration',
    );
    expect(() => rosterForAccount(roster, {}, 'prod')).toThrow(
      '"prod" is not an account of the configuration',
    );
  });
});
