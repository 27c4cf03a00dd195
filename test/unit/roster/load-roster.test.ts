import { copyFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../../src/config/load-repo-config.js';
import { type LoadRosterOptions, loadRoster, type RosterResult } from '../../../src/roster/load-roster.js';
import { formatIssue } from '../../../src/roster/roster-issue.js';
import { ROSTER_FIXTURES, type TempRoster, tempRoster } from '../support/roster-fixture.js';

let roster: TempRoster | undefined;

afterEach(async () => {
  await roster?.cleanup();
  roster = undefined;
});

async function fixture(name?: string): Promise<TempRoster> {
  roster = await tempRoster(name);
  return roster;
}

async function load(name: string | undefined, options: Partial<LoadRosterOptions> = {}) {
  const { usersDir } = await fixture(name);
  return loadRoster({ usersDir, displayDir: 'users', ...options });
}

/** The issues of a refused roster as the CLI prints them. */
function printed(result: RosterResult): string[] {
  if (result.ok) throw new Error('expected the roster to be refused');
  return result.issues.map(formatIssue);
}

const N64 = 'n'.repeat(64);
const N65 = 'n'.repeat(65);
const NO_EMAIL =
  'email: console access needs an email address: add `email:`, use an email address as the name, or set console: false';

describe('loadRoster', () => {
  it('loads every user file with defaults resolved and the source kept', async () => {
    const result = await load('valid');

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.fileCount).toBe(4);
    expect(result.roster.users.map(({ source, ...user }) => ({ ...user, file: source.file }))).toEqual([
      {
        name: 'alice@example.com',
        email: 'alice@example.com',
        groups: ['developers', 'oncall'],
        policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        tags: { team: 'platform' },
        console: true,
        permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
        adopt: false,
        file: 'users/alice@example.com.yaml',
      },
      {
        name: 'bob@example.com',
        email: 'robert@example.com',
        groups: ['developers'],
        policies: [],
        tags: {},
        console: true,
        permissionsBoundary: undefined,
        adopt: false,
        file: 'users/bob@example.com.yml',
      },
      {
        name: 'ci-deployer',
        email: undefined,
        groups: ['deployers'],
        policies: [],
        tags: {},
        console: false,
        permissionsBoundary: undefined,
        adopt: false,
        file: 'users/ci-deployer.yaml',
      },
      {
        name: 'dana',
        email: 'dana@example.com',
        groups: [],
        policies: [],
        tags: {},
        console: true,
        permissionsBoundary: undefined,
        adopt: false,
        file: 'users/dana.yaml',
      },
    ]);
    expect(result.roster.users[0]?.source.positions.get('groups.1')).toEqual({ line: 3, column: 22 });
  });

  it('names files by the users directory when no display directory is given', async () => {
    const { usersDir } = await fixture('file-name-mismatch');

    const result = await loadRoster({ usersDir });

    expect(printed(result)).toEqual([
      `${usersDir}/bob@example.com.yaml:2:7: name: must equal the file's name "bob@example.com" (the file is bob@example.com.yaml)`,
    ]);
  });

  it('accepts a name of 64 characters and refuses one of 65', async () => {
    const result = await load('name-length');

    expect(printed(result)).toEqual([`users/${N65}.yaml:1:7: name: must be at most 64 characters`]);
    expect(result.fileCount).toBe(2);
  });

  it('requires the file to be named after the user, *.yml included', async () => {
    const result = await load('file-name-mismatch');

    expect(printed(result)).toEqual([
      `users/bob@example.com.yaml:2:7: name: must equal the file's name "bob@example.com" (the file is bob@example.com.yaml)`,
    ]);
  });

  it('reports a name claimed by two files regardless of case, in both files', async () => {
    const result = await load('duplicates');

    expect(printed(result)).toEqual([
      'users/alice@example.com.yaml:1:7: name: "alice@example.com" is also claimed by users/Alice@Example.com.yaml (IAM user names are unique regardless of case)',
      'users/Alice@Example.com.yaml:2:7: name: "Alice@Example.com" is also claimed by users/alice@example.com.yaml (IAM user names are unique regardless of case)',
    ]);
  });

  it('reports a name claimed twice even when one of the files has other problems', async () => {
    const result = await load('duplicates-with-error');

    expect(printed(result)).toEqual([
      'users/alice@example.com.yaml:1:7: name: "alice@example.com" is also claimed by users/ALICE@example.com.yaml (IAM user names are unique regardless of case)',
      'users/ALICE@example.com.yaml:1:7: name: "ALICE@example.com" is also claimed by users/alice@example.com.yaml (IAM user names are unique regardless of case)',
      'users/ALICE@example.com.yaml:2:9: groups: must be a list, not string',
    ]);
  });

  it('requires an email address for a console user', async () => {
    const result = await load('console-email');

    expect(printed(result)).toEqual([`users/ci-bot.yaml:1:7: ${NO_EMAIL}`]);
  });

  it('lets the emailDomain option stand in for a console user’s missing address', async () => {
    const result = await load('console-email', { emailDomain: 'example.com' });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.roster.users.map((user) => [user.name, user.console, user.email])).toEqual([
      ['ci-bot', true, undefined],
      ['ci-deployer', false, undefined],
      ['erin', true, 'erin@example.com'],
      ['frank@example.com', true, 'frank@example.com'],
    ]);
  });

  it('refuses 10 policies for a console user unless IAMUserChangePassword is one of them', async () => {
    const result = await load('console-policies');

    expect(printed(result)).toEqual([
      'users/ten@example.com.yaml:3:3: policies: at most 9 policies for a console user: IAMUserChangePassword takes the 10th place',
    ]);
  });

  it('reports every problem in every file at once, sorted by file and place', async () => {
    const result = await load('many-broken');

    expect(printed(result)).toEqual([
      'users/bob@example.com.yaml:2:1: consol: unknown field (check the spelling)',
      'users/bob@example.com.yaml:4:3: tags.aws:team: keys starting with "aws:" are reserved by AWS',
      `users/carol.yaml:1:7: name: must equal the file's name "carol" (the file is carol.yaml)`,
      'users/carol.yaml:3:5: policies.0: must be a managed policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)',
      'users/dave@example.com.yaml:3:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
      `users/erin.yml:1:7: ${NO_EMAIL}`,
      'users/frank@example.com.yaml:1:1: is a list; it must be a map of fields (name, email, groups, ...)',
    ]);
    expect(result.fileCount).toBe(6);
  });

  it('refuses hostile files one by one and still reports them all', async () => {
    const { root, usersDir } = await fixture('hostile');
    await writeFile(join(usersDir, 'big.yaml'), `name: big\n#${'x'.repeat(70_000)}\n`);
    await writeFile(join(usersDir, 'binary.yaml'), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x00, 0xff]));
    await writeFile(join(root, 'outside.yaml'), 'name: outside\n');
    await symlink('../outside.yaml', join(usersDir, 'outside.yaml'));

    const result = await loadRoster({ usersDir, displayDir: 'users' });

    expect(printed(result)).toEqual([
      'users/big.yaml:1:1: is 70012 bytes; a user file may be at most 65536',
      'users/binary.yaml:1:1: is not UTF-8 text (binary content)',
      'users/bomb.yaml:1:1: YAML aliases refused: Excessive alias count indicates a resource exhaustion attack',
      'users/empty.yaml:1:1: is empty; it must describe one user',
      'users/list.yaml:1:1: is a list; it must be a map of fields (name, email, groups, ...)',
      'users/multi.yaml:2:1: holds more than one YAML document; use one file per user',
      'users/outside.yaml:1:1: is a symbolic link that leads outside the users directory',
      'users/scalar.yaml:1:1: is a single value; it must be a map of fields (name, email, groups, ...)',
    ]);
    expect(result.fileCount).toBe(9);
  });

  it.each([
    ['an empty directory', undefined],
    ['a directory without user files', 'only-other-files'],
  ])('refuses %s, so that it can never remove everyone', async (_label, name) => {
    const result = await load(name);

    expect(printed(result)).toEqual([
      'users:1:1: holds no user files (*.yaml, *.yml); an empty roster is refused so that it can never remove everyone',
    ]);
  });

  it('refuses a missing users directory with one issue', async () => {
    const { root } = await fixture();

    const result = await loadRoster({ usersDir: join(root, 'userz'), displayDir: 'userz' });

    expect(printed(result)).toEqual(['userz:1:1: users-dir "userz" does not exist']);
  });

  it('refuses a users directory that is a file', async () => {
    const { usersDir } = await fixture('valid');

    const result = await loadRoster({ usersDir: join(usersDir, 'dana.yaml'), displayDir: 'users/dana.yaml' });

    expect(printed(result)).toEqual(['users/dana.yaml:1:1: users-dir "users/dana.yaml" is not a directory']);
  });

  it(`accepts a name of exactly 64 characters as the only file`, async () => {
    const { usersDir } = await fixture('name-length');
    const { rm } = await import('node:fs/promises');
    await rm(join(usersDir, `${N65}.yaml`));

    const result = await loadRoster({ usersDir, displayDir: 'users' });

    expect(result.ok && result.roster.users.map((user) => user.name)).toEqual([N64]);
  });
});

/**
 * A fixture repository, `test/fixtures/rosters/<name>/` with iam-gitops.yaml and users/, loaded as
 * the action loads it: the configuration first, then the roster against it.
 */
async function loadRepository(name: string, options: Partial<LoadRosterOptions> = {}) {
  const root = join(ROSTER_FIXTURES, name);
  const loaded = await loadRepoConfig({
    path: join(root, 'iam-gitops.yaml'),
    displayPath: 'iam-gitops.yaml',
    required: true,
  });
  if (!loaded.ok)
    throw new Error(`the fixture's iam-gitops.yaml must load: ${loaded.issues.map(formatIssue)}`);
  return loadRoster({
    usersDir: join(root, 'users'),
    displayDir: 'users',
    config: loaded.config,
    configSource: loaded.source,
    ...options,
  });
}

describe('loadRoster, guardrails', () => {
  it('reports every value outside the guardrails on its own line and field, naming the guardrail', async () => {
    const result = await loadRepository('guardrails', { emailDomain: 'partner.com' });

    expect(printed(result)).toEqual([
      'users/alice@example.com.yaml:2:22: groups.1: group "admins" is not allowed by guardrails.groups in iam-gitops.yaml (allowed: developers, oncall)',
      'users/alice@example.com.yaml:5:5: policies.1: policy arn:aws:iam::aws:policy/AdministratorAccess is not allowed by guardrails.policies in iam-gitops.yaml (allowed: arn:aws:iam::aws:policy/ReadOnlyAccess, and IAMUserChangePassword for console users)',
      'users/alice@example.com.yaml:7:22: permissionsBoundary: arn:aws:iam::123456789012:policy/loose-boundary is not guardrails.permissionsBoundary in iam-gitops.yaml (iam-gitops-boundary); leave the field out: every managed user gets that boundary',
      'users/bob@other.org.yaml:1:7: name: bob@other.org is outside the allowed domains: credentials are emailed only inside guardrails.recipientDomains in iam-gitops.yaml (example.com; exact, lower case)',
      'users/carol@example.com.yaml:2:8: email: carol@Example.com is outside the allowed domains: credentials are emailed only inside guardrails.recipientDomains in iam-gitops.yaml (example.com; exact, lower case)',
      'users/ci-bot.yaml:4:5: policies.0: policy arn:aws:iam::aws:policy/IAMUserChangePassword is not allowed by guardrails.policies in iam-gitops.yaml (allowed: arn:aws:iam::aws:policy/ReadOnlyAccess)',
      'users/dana.yaml:1:7: name: dana@partner.com is outside the allowed domains: credentials are emailed only inside guardrails.recipientDomains in iam-gitops.yaml (example.com; exact, lower case)',
      'users/frank@partner.com.yaml:1:7: name: frank@partner.com is outside the allowed domains: the iam-gitops:email tag may name only addresses inside guardrails.recipientDomains in iam-gitops.yaml (example.com; exact, lower case)',
    ]);
    expect(result.fileCount).toBe(7);
  });

  it('accepts a file inside the guardrails, its boundary the guardrail name in an account, with no warning', async () => {
    const { usersDir } = await fixture();
    await copyFile(
      join(ROSTER_FIXTURES, 'guardrails', 'users', 'erin@example.com.yaml'),
      join(usersDir, 'erin@example.com.yaml'),
    );

    const result = await loadRepository('guardrails', { usersDir });

    expect(result).toMatchObject({ ok: true, warnings: [] });
    expect(result.ok && result.roster.users.map((user) => user.name)).toEqual(['erin@example.com']);
  });

  it("allows anything with '*', warning at the list's line in the configuration", async () => {
    const result = await loadRepository('guardrails-any');

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.roster.users.map((user) => [user.name, user.groups, user.policies])).toEqual([
      ['admin@example.com', ['admins'], ['arn:aws:iam::aws:policy/AdministratorAccess']],
    ]);
    expect(result.warnings.map(formatIssue)).toEqual([
      "iam-gitops.yaml:3:12: guardrails.groups: '*' allows any IAM group: a user file may name any, and the apply role may add users to any; list the allowed ones to restrict it",
      "iam-gitops.yaml:4:14: guardrails.policies: '*' allows any managed policy: a user file may name any, and the apply role may attach any; list the allowed ones to restrict it",
    ]);
  });

  it('checks nothing without a configuration, or with one that has no guardrails', async () => {
    const usersDir = join(ROSTER_FIXTURES, 'guardrails-any', 'users');

    const without = await loadRoster({ usersDir, displayDir: 'users' });
    const empty = await loadRoster({ usersDir, displayDir: 'users', config: {} });

    expect(without).toMatchObject({ ok: true, warnings: [] });
    expect(empty).toMatchObject({ ok: true, warnings: [] });
  });
});

describe('loadRoster, accounts', () => {
  it('refuses an unknown account at its entry, and a user in no account at its name', async () => {
    const result = await loadRepository('accounts');

    expect(printed(result)).toEqual([
      'users/bob@example.com.yaml:4:5: accounts.1: unknown account "staging" (accounts in iam-gitops.yaml: prod, dev)',
      'users/carol@example.com.yaml:1:7: name: is in no account: add accounts: (one or more of prod, dev), or set defaultAccounts in iam-gitops.yaml',
    ]);
  });

  it("places each user in its file's accounts, else in defaultAccounts", async () => {
    const result = await loadRepository('accounts-defaults');

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.roster.users.map((user) => [user.name, user.accounts])).toEqual([
      ['alice@example.com', ['prod', 'dev']],
      ['carol@example.com', ['dev']],
      ['dave@example.com', ['prod']],
    ]);
  });

  it('refuses accounts: in a user file when the configuration lists none', async () => {
    const usersDir = join(ROSTER_FIXTURES, 'accounts-defaults', 'users');

    const result = await loadRoster({
      usersDir,
      displayDir: 'users',
      config: { guardrails: { groups: ['*'], policies: ['*'] } },
    });

    expect(printed(result)).toEqual([
      'users/alice@example.com.yaml:2:11: accounts: names accounts, but iam-gitops.yaml has no accounts: (one account); add accounts: there, or remove this field',
      'users/dave@example.com.yaml:2:11: accounts: names accounts, but iam-gitops.yaml has no accounts: (one account); add accounts: there, or remove this field',
    ]);
  });

  it('leaves the accounts out in one account', async () => {
    const result = await load('valid');

    expect(result.ok && result.roster.users.map((user) => 'accounts' in user)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
