import { afterEach, describe, expect, it } from 'vitest';
import {
  type OrganizationSettingKey,
  readOrganizationSettings,
} from '../../../infra/lib/organization/organization-settings.js';
import { SettingsError } from '../../../infra/lib/settings.js';
import { configDirectory, DEV_ACCOUNT, PROD_ACCOUNT, TWO_ACCOUNTS_CONFIG } from './support/organization.js';

const ONE_ACCOUNT_CONFIG = `guardrails:
  groups: [developers]
  policies: ['*']
`;

const made: (() => void)[] = [];
afterEach(() => {
  for (const remove of made.splice(0)) remove();
});

/** Reads the organisation of `configText` (written to a fresh directory) with `context`. */
function read(
  configText: string | undefined,
  context: Partial<Record<OrganizationSettingKey, unknown>> = {},
) {
  const config = configDirectory(configText ?? '');
  made.push(config.remove);
  if (configText === undefined) config.remove();
  return readOrganizationSettings((key) => context[key], config.dir);
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SettingsError);
  return (error as SettingsError).problems;
}

describe('readOrganizationSettings', () => {
  it('is undefined without accounts: one account, as before', async () => {
    expect(await read(ONE_ACCOUNT_CONFIG)).toBeUndefined();
  });

  it('is undefined when the default file does not exist', async () => {
    expect(await read(undefined)).toBeUndefined();
  });

  it('reads the accounts in order, with the default role names unless the file names others', async () => {
    const organization = await read(TWO_ACCOUNTS_CONFIG, { organizationalUnits: 'ou-abcd-12345678' });

    expect(organization).toEqual({
      configFile: 'iam-gitops.yaml',
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

  it('takes the OUs as a JSON list (cdk.json) or a comma-separated string (-c), and DELEGATED_ADMIN', async () => {
    const fromList = await read(TWO_ACCOUNTS_CONFIG, {
      organizationalUnits: ['ou-abcd-12345678', 'r-abcd'],
      stackSetCallAs: 'DELEGATED_ADMIN',
    });
    const fromString = await read(TWO_ACCOUNTS_CONFIG, {
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

  it('reads the self-managed model with its optional roles', async () => {
    const plain = await read(TWO_ACCOUNTS_CONFIG, { stackSetModel: 'self-managed' });
    const named = await read(TWO_ACCOUNTS_CONFIG, {
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

  it('reads the file that context `config` names, relative to the directory given', async () => {
    const config = configDirectory(TWO_ACCOUNTS_CONFIG);
    made.push(config.remove);

    const organization = await readOrganizationSettings(
      (key) => ({ config: 'iam-gitops.yaml', stackSetModel: 'self-managed' })[key as 'config'],
      config.dir,
    );

    expect(organization?.accounts.map((account) => account.name)).toEqual(['prod', 'dev']);
  });

  it('refuses a named configuration file that does not exist', async () => {
    const problems = await problemsOf(read(undefined, { config: 'elsewhere.yaml' }));

    expect(problems).toEqual(['elsewhere.yaml:1:1: does not exist']);
  });

  it('reports a broken configuration at its file, line and column', async () => {
    const broken = `guardrails: { groups: ['*'], policies: ['*'] }
accounts:
  prod: { id: "111111111111" }
  dev: { id: "111111111111" }
`;
    const problems = await problemsOf(read(broken, { organizationalUnits: 'ou-abcd-12345678' }));

    expect(problems).toEqual(['iam-gitops.yaml:4:14: accounts.dev.id: 111111111111 is also account prod']);
  });

  it('reports every StackSet problem at once', async () => {
    const problems = await problemsOf(
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

  it('needs the OUs for the service-managed model', async () => {
    const problems = await problemsOf(read(TWO_ACCOUNTS_CONFIG));

    expect(problems).toEqual([
      'organizationalUnits: required with stackSetModel service-managed: the OU ids (ou-...) or the root id (r-...) that hold the member accounts',
    ]);
  });

  it('refuses an unknown model, and service-managed settings with the self-managed one', async () => {
    const unknown = await problemsOf(read(TWO_ACCOUNTS_CONFIG, { stackSetModel: 'managed' }));
    const mixed = await problemsOf(
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

  it('refuses StackSet settings when the file lists no accounts, but not empty placeholders', async () => {
    const problems = await problemsOf(
      read(ONE_ACCOUNT_CONFIG, { organizationalUnits: ['ou-abcd-12345678'], stackSetModel: 'self-managed' }),
    );
    const placeholders = await read(ONE_ACCOUNT_CONFIG, { organizationalUnits: [], stackSetModel: '' });

    expect(problems).toEqual([
      'stackSetModel: set, but iam-gitops.yaml lists no accounts (leave it empty for one account)',
      'organizationalUnits: set, but iam-gitops.yaml lists no accounts (leave it empty for one account)',
    ]);
    expect(placeholders).toBeUndefined();
  });

  it('refuses values of the wrong type', async () => {
    const problems = await problemsOf(
      read(TWO_ACCOUNTS_CONFIG, { organizationalUnits: 7, stackSetModel: 3 }),
    );

    expect(problems).toEqual([
      'stackSetModel: expected a string, got 3',
      'organizationalUnits: expected a list of strings or a comma-separated string, got 7',
    ]);
  });
});
