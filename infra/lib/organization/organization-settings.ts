// Many accounts (DESIGN.md, "Many accounts"): which member accounts the hub serves, from
// `accounts:` of the iam-gitops.yaml the settings already hold (the file the action reads too,
// CDK context `config`), and how the StackSet reaches them, read from CDK context. Every problem
// is reported at once, as settings.ts does for the single-account settings; without `accounts:`
// there is no organisation and the app builds the single-account stack exactly as before.
import { DEFAULT_MEMBER_ROLES } from '../../../src/config/repo-config-schema.js';
import { ROLE_ARN_PATTERN, ROLE_NAME_PATTERN } from '../../../src/settings/fields.js';
import { type Settings, SettingsError } from '../settings.js';

/** The roles a member account holds, by name (under MEMBER_ROLE_PATH). */
export interface MemberRoleNames {
  readonly planRole: string;
  readonly applyRole: string;
  readonly credentialsRole: string;
}

export interface MemberAccountSettings {
  /** The name in `accounts:`: how user files, the PR comment and the email refer to it. */
  readonly name: string;
  readonly id: string;
  readonly roleNames: MemberRoleNames;
}

/** How CloudFormation StackSets reaches the member accounts. */
export type StackSetDeployment =
  | {
      /**
       * Organizations trusted access: StackSets creates its own roles in the members and deploys to
       * every account of the OUs, now and whenever an account joins one (automatic deployment).
       */
      readonly model: 'service-managed';
      readonly organizationalUnits: readonly string[];
      /** SELF from the management account, DELEGATED_ADMIN from a delegated administrator. */
      readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
    }
  | {
      /** No trusted access: the roles StackSets uses are the user's, and the accounts are listed. */
      readonly model: 'self-managed';
      /** Default: AWSCloudFormationStackSetAdministrationRole of the hub account. */
      readonly administrationRoleArn?: string;
      /** Default: AWSCloudFormationStackSetExecutionRole. */
      readonly executionRoleName?: string;
    };

export interface OrganizationSettings {
  /** In the order of `accounts:`. */
  readonly accounts: readonly MemberAccountSettings[];
  readonly stackSet: StackSetDeployment;
}

/** Context keys this module reads; `-c key=value` overrides cdk.json. */
export const ORGANIZATION_SETTING_KEYS = [
  'stackSetModel',
  'organizationalUnits',
  'stackSetCallAs',
  'stackSetAdministrationRoleArn',
  'stackSetExecutionRoleName',
] as const;

export type OrganizationSettingKey = (typeof ORGANIZATION_SETTING_KEYS)[number];

export const STACK_SET_MODELS = ['service-managed', 'self-managed'] as const;
const CALL_AS = ['SELF', 'DELEGATED_ADMIN'] as const;

/** An OU id or the organisation's root id, as StackSets' DeploymentTargets takes them. */
export const ORGANIZATIONAL_UNIT_PATTERN = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

type Context = (key: OrganizationSettingKey) => unknown;

/**
 * Reads the organisation from the settings' iam-gitops.yaml and the StackSet settings from
 * context. Undefined without `accounts:`; throws SettingsError with every problem otherwise.
 */
export function readOrganizationSettings(
  context: Context,
  settings: Pick<Settings, 'repoConfig' | 'configFile'>,
): OrganizationSettings | undefined {
  const problems: string[] = [];
  const text = (key: OrganizationSettingKey): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      problems.push(`${key}: expected a string, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value.trim() === '' ? undefined : value.trim();
  };

  const { configFile, repoConfig: config } = settings;
  if (config.accounts === undefined) {
    // StackSet settings without accounts are a half-done migration, not something to ignore.
    const stray = ORGANIZATION_SETTING_KEYS.filter((key) => list(context(key)).length > 0);
    if (stray.length > 0) {
      throw new SettingsError(
        stray.map(
          (key) => `${key}: set, but ${configFile} lists no accounts (leave it empty for one account)`,
        ),
      );
    }
    return undefined;
  }

  const accounts = Object.entries(config.accounts).map(
    ([name, entry]): MemberAccountSettings => ({
      name,
      id: entry.id,
      roleNames: {
        planRole: entry.planRole ?? DEFAULT_MEMBER_ROLES.planRole,
        applyRole: entry.applyRole ?? DEFAULT_MEMBER_ROLES.applyRole,
        credentialsRole: entry.credentialsRole ?? DEFAULT_MEMBER_ROLES.credentialsRole,
      },
    }),
  );

  const model = text('stackSetModel') ?? 'service-managed';
  if (!(STACK_SET_MODELS as readonly string[]).includes(model)) {
    problems.push(`stackSetModel: expected ${STACK_SET_MODELS.join(' or ')}, got ${JSON.stringify(model)}`);
  }
  // Undefined when the value was of the wrong type (already a problem).
  const organizationalUnits = readList(context('organizationalUnits'), 'organizationalUnits', problems);
  const callAs = text('stackSetCallAs');
  const administrationRoleArn = text('stackSetAdministrationRoleArn');
  const executionRoleName = text('stackSetExecutionRoleName');
  const onlyFor = (key: OrganizationSettingKey, other: string) =>
    problems.push(`${key}: applies to stackSetModel ${other} only`);

  let stackSet: StackSetDeployment | undefined;
  if (model === 'service-managed') {
    if (organizationalUnits?.length === 0) {
      problems.push(
        'organizationalUnits: required with stackSetModel service-managed: the OU ids (ou-...) or the root id (r-...) that hold the member accounts',
      );
    }
    for (const ou of organizationalUnits ?? []) {
      if (!ORGANIZATIONAL_UNIT_PATTERN.test(ou)) {
        problems.push(
          `organizationalUnits: ${JSON.stringify(ou)} is not an OU id (ou-...) or root id (r-...)`,
        );
      }
    }
    if (callAs !== undefined && !(CALL_AS as readonly string[]).includes(callAs)) {
      problems.push(`stackSetCallAs: expected ${CALL_AS.join(' or ')}, got ${JSON.stringify(callAs)}`);
    }
    if (administrationRoleArn !== undefined) onlyFor('stackSetAdministrationRoleArn', 'self-managed');
    if (executionRoleName !== undefined) onlyFor('stackSetExecutionRoleName', 'self-managed');
    stackSet = {
      model,
      organizationalUnits: organizationalUnits ?? [],
      callAs: (callAs ?? 'SELF') as (typeof CALL_AS)[number],
    };
  } else if (model === 'self-managed') {
    if ((organizationalUnits ?? []).length > 0) onlyFor('organizationalUnits', 'service-managed');
    if (callAs !== undefined) onlyFor('stackSetCallAs', 'service-managed');
    if (administrationRoleArn !== undefined && !ROLE_ARN_PATTERN.test(administrationRoleArn)) {
      problems.push(
        `stackSetAdministrationRoleArn: ${JSON.stringify(administrationRoleArn)} is not a role ARN`,
      );
    }
    if (executionRoleName !== undefined && !ROLE_NAME_PATTERN.test(executionRoleName)) {
      problems.push(`stackSetExecutionRoleName: ${JSON.stringify(executionRoleName)} is not a role name`);
    }
    stackSet = {
      model,
      ...(administrationRoleArn === undefined ? {} : { administrationRoleArn }),
      ...(executionRoleName === undefined ? {} : { executionRoleName }),
    };
  }

  if (problems.length > 0 || stackSet === undefined) throw new SettingsError(problems);
  return { accounts, stackSet };
}

/** A list from cdk.json (a JSON array) or from `-c key=a,b` (a comma-separated string). */
function list(value: unknown): string[] {
  if (Array.isArray(value))
    return value
      .map(String)
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  return [];
}

function readList(value: unknown, key: OrganizationSettingKey, problems: string[]): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (
    typeof value !== 'string' &&
    !(Array.isArray(value) && value.every((item) => typeof item === 'string'))
  ) {
    problems.push(
      `${key}: expected a list of strings or a comma-separated string, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  const items = list(value);
  if (new Set(items).size !== items.length) problems.push(`${key}: must not repeat`);
  return items;
}
