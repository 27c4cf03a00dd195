// An organisation to synthesize, through the same helpers as the single-account tests
// (test/infra/support): the settings of the `accounts` fixture (two members; dev's apply role has
// its own name), the organisation the app reads from them, the hub stack synthesized as the app
// builds it, and each member account's view of the template the StackSet deploys there.
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IamGitopsHubStack } from '../../../../infra/lib/organization/hub-stack.js';
import {
  type OrganizationSettingKey,
  type OrganizationSettings,
  readOrganizationSettings,
} from '../../../../infra/lib/organization/organization-settings.js';
import { readSettings, type Settings } from '../../../../infra/lib/settings.js';
import { parseRepoConfig } from '../../../../src/config/load-repo-config.js';
import { BASE_CONTEXT, settingsFrom, type TestContext, withApp } from '../../support/synth.js';
import { type CfnTemplate, type Environment, resolveIn } from '../../support/template-policies.js';

export { SYNTH_TIMEOUT } from '../../support/synth.js';

export const HUB_ACCOUNT = '999988887777';
/** The members of the `accounts` fixture. */
export const PROD_ACCOUNT = '111111111111';
export const DEV_ACCOUNT = '222222222222';
/** An account of no concern to the installation. */
export const OTHER_ACCOUNT = '333333333333';

/** The StackSet's targets: the service-managed default needs an OU. */
export const ORGANIZATION_CONTEXT = { organizationalUnits: 'ou-abcd-12345678' } as const;

export type Context = TestContext & Partial<Record<OrganizationSettingKey, unknown>>;

/** The settings of the `accounts` fixture with `context`, read as the app reads them. */
export function hubSettingsFrom(context: Context = {}): Settings {
  return settingsFrom(context, 'accounts');
}

/** The settings of an iam-gitops.yaml given as text (accounts made up by a test). */
export function hubSettingsFromText(configText: string, context: Context = {}): Settings {
  const merged: Context = { ...BASE_CONTEXT, ...context };
  return readSettings(
    (key) => merged[key],
    parseRepoConfig('iam-gitops.yaml', configText),
    'iam-gitops.yaml',
  );
}

/** The organisation the app reads from `settings` and the StackSet context. */
export function organizationFrom(settings: Settings, context: Context = {}): OrganizationSettings {
  const merged: Context = { ...ORGANIZATION_CONTEXT, ...context };
  const organization = readOrganizationSettings((key) => merged[key], settings);
  if (organization === undefined) throw new Error(`${settings.configFile} lists no accounts`);
  return organization;
}

/** A deployment of a template in `accountId` (us-east-1, the aws partition). */
export function accountEnvironment(accountId: string): Environment {
  return { partition: 'aws', accountId, region: 'us-east-1' };
}

export const HUB = accountEnvironment(HUB_ACCOUNT);

export interface SynthesizedHub {
  readonly stack: IamGitopsHubStack;
  readonly template: Template;
  /** The member template the StackSet deploys. */
  readonly member: CfnTemplate;
}

/**
 * The hub stack as the app builds it, synthesized in an output folder removed afterwards: the
 * `accounts` fixture's settings unless `options.settings` gives others.
 */
export function synthHub(
  context: Context = {},
  options: { readonly region?: string; readonly settings?: Settings } = {},
): SynthesizedHub {
  const settings = options.settings ?? hubSettingsFrom(context);
  const region = options.region ?? 'us-east-1';
  const organization = organizationFrom(settings, context);
  return withApp((app) => {
    const stack = new IamGitopsHubStack(app, 'IamGitopsHub', {
      env: { region },
      settings,
      organization,
      lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
    });
    return {
      stack,
      template: Template.fromStack(stack),
      member: stack.memberTemplate as unknown as CfnTemplate,
    };
  });
}

type StackSetProperties = {
  Parameters: { ParameterKey: string; ParameterValue: unknown }[];
  StackInstancesGroup: {
    DeploymentTargets: { Accounts?: string[]; AccountFilterType?: string };
    ParameterOverrides?: { ParameterKey: string; ParameterValue: string }[];
  }[];
};

/**
 * The member template's parameter values in `account`: those the hub's StackSet passes, resolved
 * in the hub, and the role names it overrides for that account.
 */
export function memberParameters(hub: SynthesizedHub, account: string): Record<string, string> {
  const [properties] = Object.values(hub.template.findResources('AWS::CloudFormation::StackSet')).map(
    (resource) => resource.Properties as StackSetProperties,
  );
  if (properties === undefined) throw new Error('the hub has no StackSet');
  const parameters: Record<string, string> = {};
  for (const { ParameterKey, ParameterValue } of properties.Parameters) {
    parameters[ParameterKey] = String(resolveIn(hub.template, ParameterValue, {}, HUB));
  }
  for (const group of properties.StackInstancesGroup) {
    const targets = group.DeploymentTargets;
    const inGroup =
      targets.AccountFilterType === 'INTERSECTION' ||
      (targets.AccountFilterType === undefined && targets.Accounts !== undefined)
        ? targets.Accounts?.includes(account)
        : false;
    if (inGroup) {
      for (const { ParameterKey, ParameterValue } of group.ParameterOverrides ?? []) {
        parameters[ParameterKey] = ParameterValue;
      }
    }
  }
  return parameters;
}
