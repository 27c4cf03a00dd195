import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type OrganizationSettingKey,
  readOrganizationSettings,
} from '../../../infra/lib/organization/organization-settings.js';
import { SettingsError } from '../../../infra/lib/settings.js';
import { parseRepoConfig } from '../../../src/config/load-repo-config.js';
import { configFixturePath } from '../support/synth.js';
import { DEV_ACCOUNT, PROD_ACCOUNT } from './support/organization.js';

const TWO_ACCOUNTS_CONFIG = readFileSync(configFixturePath('accounts'), 'utf8');
const ONE_ACCOUNT_CONFIG = readFileSync(configFixturePath('guarded'), 'utf8');

/** Reads the organisation of `configText` (as the settings hold it) with `context`. */
function read(configText: string, context: Partial<Record<OrganizationSettingKey, unknown>> = {}) {
  const parsed = parseRepoConfig('iam-gitops.yaml', configText);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return readOrganizationSettings((key) => context[key], {
    repoConfig: parsed.config,
    configFile: 'iam-gitops.yaml',
  });
}

function problemsOf(act: () => unknown): readonly string[] {
  let error: unknown;
  try {
    act();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(SettingsError);
  return (error as SettingsError).problems;
}

describe('readOrganizationSettings', () => {
  it('is undefined without accounts: one account, as before', () => {
    expect(read(ONE_ACCOUNT_CONFIG)).toBeUndefined();
  });

  it('reads the accounts in order, with the default role names unless the file names others', () => {
    const organization = read(TWO_ACCOUNTS_CONFIG, { organizationalUnits: 'ou-abcd-12345678' });

    expect(organization).toEqual({
      accounts: [
        {
          name: 'prod',
          id: PROD_ACCOUNT,
          roleNames: {
            planRole: 'iam-gitops-plan',
            applyRole: 'iam-gitops-apply',
            credentialsRole: 'iam-gitops-credentials',
          },
        },
        {
          name: 'dev',
          id: DEV_ACCOUNT,
          roleNames: {
            planRole: 'iam-gitops-plan',
            applyRole: 'dev-apply',
            credentialsRole: 'iam-gitops-credentials',
          },
        },
      ],
      stackSet: { model: 'service-managed', organizationalUnits: ['ou-abcd-12345678'], callAs: 'SELF' },
    });
  });

  it('takes the OUs as a JSON list (cdk.json) or a comma-separated string (-c), and DELEGATED_ADMIN', () => {
    const fromList = read(TWO_ACCOUNTS_CONFIG, {
      organizationalUnits: ['ou-abcd-12345678', 'r-abcd'],
      stackSetCallAs: 'DELEGATED_ADMIN',
    });
    const fromString = read(TWO_ACCOUNTS_CONFIG, {
      organizationalUnits: ' ou-abcd-12345678 , r-abcd ',
      stackSetCallAs: 'DELEGATED_ADMIN',
    });

    const expected = {
      model: 'service-managed',
      organizationalUnits: ['ou-abcd-12345678', 'r-abcd'],
      callAs: 'DELEGATED_ADMIN',
    };
    expect(fromList?.stackSet).toEqual(expected);
    expect(fromString?.stackSet).toEqual(expected);
  });

  it('reads the self-managed model with its optional roles', () => {
    const plain = read(TWO_ACCOUNTS_CONFIG, { stackSetModel: 'self-managed' });
    const named = read(TWO_ACCOUNTS_CONFIG, {
      stackSetModel: 'self-managed',
      stackSetAdministrationRoleArn: 'arn:aws:iam::999988887777:role/StackSetAdmin',
      stackSetExecutionRoleName: 'StackSetExecution',
    });

    expect(plain?.stackSet).toEqual({ model: 'self-managed' });
    expect(named?.stackSet).toEqual({
      model: 'self-managed',
      administrationRoleArn: 'arn:aws:iam::999988887777:role/StackSetAdmin',
      executionRoleName: 'StackSetExecution',
    });
  });

  it('reports every StackSet problem at once', () => {
    const problems = problemsOf(() =>
      read(TWO_ACCOUNTS_CONFIG, {
        organizationalUnits: 'ou-abcd-12345678,ou-bad,ou-abcd-12345678',
        stackSetCallAs: 'ME',
        stackSetExecutionRoleName: 'Execution',
      }),
    );

    expect(problems).toEqual([
      'organizationalUnits: must not repeat',
      'organizationalUnits: "ou-bad" is not an OU id (ou-...) or root id (r-...)',
      'stackSetCallAs: expected SELF or DELEGATED_ADMIN, got "ME"',
      'stackSetExecutionRoleName: applies to stackSetModel self-managed only',
    ]);
  });

  it('needs the OUs for the service-managed model', () => {
    const problems = problemsOf(() => read(TWO_ACCOUNTS_CONFIG));

    expect(problems).toEqual([
      'organizationalUnits: required with stackSetModel service-managed: the OU ids (ou-...) or the root id (r-...) that hold the member accounts',
    ]);
  });

  it('refuses an unknown model, and service-managed settings with the self-managed one', () => {
    const unknown = problemsOf(() => read(TWO_ACCOUNTS_CONFIG, { stackSetModel: 'managed' }));
    const mixed = problemsOf(() =>
      read(TWO_ACCOUNTS_CONFIG, {
        stackSetModel: 'self-managed',
        organizationalUnits: 'ou-abcd-12345678',
        stackSetCallAs: 'SELF',
        stackSetAdministrationRoleArn: 'StackSetAdmin',
        stackSetExecutionRoleName: 'no spaces',
      }),
    );

    expect(unknown).toEqual(['stackSetModel: expected service-managed or self-managed, got "managed"']);
    expect(mixed).toEqual([
      'organizationalUnits: applies to stackSetModel service-managed only',
      'stackSetCallAs: applies to stackSetModel service-managed only',
      'stackSetAdministrationRoleArn: "StackSetAdmin" is not a role ARN',
      'stackSetExecutionRoleName: "no spaces" is not a role name',
    ]);
  });

  it('refuses StackSet settings when the file lists no accounts, but not empty placeholders', () => {
    const problems = problemsOf(() =>
      read(ONE_ACCOUNT_CONFIG, { organizationalUnits: ['ou-abcd-12345678'], stackSetModel: 'self-managed' }),
    );
    const placeholders = read(ONE_ACCOUNT_CONFIG, { organizationalUnits: [], stackSetModel: '' });

    expect(problems).toEqual([
      'stackSetModel: set, but iam-gitops.yaml lists no accounts (leave it empty for one account)',
      'organizationalUnits: set, but iam-gitops.yaml lists no accounts (leave it empty for one account)',
    ]);
    expect(placeholders).toBeUndefined();
  });

  it('refuses values of the wrong type', () => {
    const problems = problemsOf(() =>
      read(TWO_ACCOUNTS_CONFIG, { organizationalUnits: 7, stackSetModel: 3 }),
    );

    expect(problems).toEqual([
      'stackSetModel: expected a string, got 3',
      'organizationalUnits: expected a list of strings or a comma-separated string, got 7',
    ]);
  });
});
