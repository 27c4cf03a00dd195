import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allowsAny,
  loadRepoConfig,
  locateConfigField,
  MAX_REPO_CONFIG_BYTES,
  parseRepoConfig,
  type RepoConfigResult,
} from '../../../src/config/load-repo-config.js';
import { formatIssue } from '../../../src/roster/roster-issue.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'config');

async function parseFixture(name: string): Promise<RepoConfigResult> {
  return parseRepoConfig('iam-gitops.yaml', await readFile(join(FIXTURES, name), 'utf8'));
}

function printed(result: RepoConfigResult): string[] {
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.issues.map(formatIssue);
}

describe('parseRepoConfig', () => {
  it('reads guardrails, accounts and defaultAccounts, and keeps where each field is', async () => {
    const result = await parseFixture('full.yaml');

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toEqual({
      guardrails: {
        groups: ['developers', 'readonly'],
        policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        permissionsBoundary: 'iam-gitops-boundary',
        recipientDomains: ['example.com'],
      },
      accounts: { prod: { id: '111111111111' }, dev: { id: '222222222222', planRole: 'custom-plan' } },
      defaultAccounts: ['dev'],
    });
    expect(result.source?.file).toBe('iam-gitops.yaml');
    expect(result.source?.positions.get('guardrails.permissionsBoundary')).toEqual({ line: 5, column: 24 });
  });

  it('refuses a repeated account id, names that differ only in case, and unknown default accounts', async () => {
    const result = await parseFixture('accounts-broken.yaml');

    expect(printed(result)).toEqual([
      'iam-gitops.yaml:4:14: accounts.dev.id: 111111111111 is also account prod',
      'iam-gitops.yaml:3:9: accounts.Prod: differs from prod only in case',
      'iam-gitops.yaml:5:24: defaultAccounts.1: unknown account "staging" (accounts: prod, Prod, dev)',
    ]);
  });

  it('refuses defaultAccounts without accounts', async () => {
    expect(printed(await parseFixture('defaults-without-accounts.yaml'))).toEqual([
      'iam-gitops.yaml:4:18: defaultAccounts: needs accounts: to name the accounts it refers to',
    ]);
  });

  it("reports every schema problem on its line: '*' with others, a policy name, an upper-case domain, an unknown field, an unquoted id", async () => {
    expect(printed(await parseFixture('schema-errors.yaml'))).toEqual([
      "iam-gitops.yaml:2:11: guardrails.groups: '*' allows any group: give it alone, or list the groups",
      'iam-gitops.yaml:3:14: guardrails.policies.0: must be a managed policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)',
      'iam-gitops.yaml:4:22: guardrails.recipientDomains.0: must be written in lower case',
      'iam-gitops.yaml:5:3: guardrails.colour: unknown field (check the spelling)',
      'iam-gitops.yaml:7:15: accounts.prod.id: must be a string, not number',
    ]);
  });
});

describe('loadRepoConfig', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'iam-gitops-config-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const load = (name: string, required: boolean) =>
    loadRepoConfig({ path: join(root, name), displayPath: name, required });

  it('is an empty configuration, with no source, when an optional file is missing', async () => {
    expect(await load('iam-gitops.yaml', false)).toEqual({ ok: true, config: {}, source: undefined });
  });

  it('refuses a missing file that was asked for, a directory, a huge file and a binary one', async () => {
    await mkdir(join(root, 'dir.yaml'));
    await writeFile(join(root, 'big.yaml'), `# ${'x'.repeat(MAX_REPO_CONFIG_BYTES)}\n`);
    await writeFile(join(root, 'binary.yaml'), Buffer.from([0x67, 0x3a, 0x00]));

    const results = await Promise.all([
      load('iam-gitops.yaml', true),
      load('dir.yaml', false),
      load('big.yaml', false),
      load('binary.yaml', false),
    ]);

    expect(results.flatMap(printed)).toEqual([
      'iam-gitops.yaml:1:1: does not exist',
      'dir.yaml:1:1: is a directory, not a file',
      `big.yaml:1:1: is larger than ${MAX_REPO_CONFIG_BYTES} bytes`,
      'binary.yaml:1:1: is not a text file',
    ]);
  });

  it('reads and parses the file, naming it as displayed', async () => {
    await writeFile(join(root, 'iam-gitops.yaml'), await readFile(join(FIXTURES, 'full.yaml')));

    const result = await loadRepoConfig({
      path: join(root, 'iam-gitops.yaml'),
      displayPath: 'config/iam-gitops.yaml',
      required: true,
    });

    expect(result.ok && result.source?.file).toBe('config/iam-gitops.yaml');
  });
});

describe('allowsAny', () => {
  it("is true only for ['*']", () => {
    expect(allowsAny(['*'])).toBe(true);
    expect(allowsAny(['developers'])).toBe(false);
    expect(allowsAny([])).toBe(false);
  });
});

describe('locateConfigField', () => {
  it('is the line of the field in the file it was read from', async () => {
    const result = await parseFixture('full.yaml');
    if (!result.ok) throw new Error('full.yaml must parse');

    expect(locateConfigField(result.source, 'guardrails.permissionsBoundary')).toEqual({
      file: 'iam-gitops.yaml',
      field: 'guardrails.permissionsBoundary',
      line: 5,
      column: 24,
    });
  });

  it('is line 1 of iam-gitops.yaml for a configuration given without its source', () => {
    expect(locateConfigField(undefined, 'guardrails.permissionsBoundary')).toEqual({
      file: 'iam-gitops.yaml',
      field: 'guardrails.permissionsBoundary',
      line: 1,
      column: 1,
    });
  });
});
