import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MemberStackSet, stackInstancesGroups } from '../../../infra/lib/organization/member-stack-set.js';
import type {
  MemberAccountSettings,
  OrganizationSettings,
} from '../../../infra/lib/organization/organization-settings.js';
import { DEFAULT_MEMBER_ROLES } from '../../../src/config/repo-config-schema.js';
import { withApp } from '../support/synth.js';
import { DEV_ACCOUNT, OTHER_ACCOUNT, PROD_ACCOUNT, SYNTH_TIMEOUT } from './support/organization.js';

const PROD: MemberAccountSettings = { name: 'prod', id: PROD_ACCOUNT, roleNames: DEFAULT_MEMBER_ROLES };
const DEV: MemberAccountSettings = {
  name: 'dev',
  id: DEV_ACCOUNT,
  roleNames: { ...DEFAULT_MEMBER_ROLES, applyRole: 'dev-apply' },
};
const SANDBOX: MemberAccountSettings = {
  name: 'sandbox',
  id: OTHER_ACCOUNT,
  roleNames: DEFAULT_MEMBER_ROLES,
};

const serviceManaged = (accounts: MemberAccountSettings[]): OrganizationSettings => ({
  accounts,
  stackSet: {
    model: 'service-managed',
    organizationalUnits: ['ou-abcd-12345678', 'ou-abcd-87654321'],
    callAs: 'SELF',
  },
});
const selfManaged = (accounts: MemberAccountSettings[]): OrganizationSettings => ({
  accounts,
  stackSet: { model: 'self-managed' },
});

const OUS = ['ou-abcd-12345678', 'ou-abcd-87654321'];

describe('stackInstancesGroups', () => {
  it('service-managed: the OUs, in us-east-1, when every account keeps the default names', () => {
    expect(stackInstancesGroups(serviceManaged([PROD, SANDBOX]))).toEqual([
      { regions: ['us-east-1'], deploymentTargets: { organizationalUnitIds: OUS } },
    ]);
  });

  it('service-managed: accounts with their own names are left out of the OUs and picked out again with overrides', () => {
    expect(stackInstancesGroups(serviceManaged([DEV, PROD]))).toEqual([
      {
        regions: ['us-east-1'],
        deploymentTargets: {
          organizationalUnitIds: OUS,
          accounts: [DEV_ACCOUNT],
          accountFilterType: 'DIFFERENCE',
        },
      },
      {
        regions: ['us-east-1'],
        deploymentTargets: {
          organizationalUnitIds: OUS,
          accounts: [DEV_ACCOUNT],
          accountFilterType: 'INTERSECTION',
        },
        parameterOverrides: [{ parameterKey: 'ApplyRoleName', parameterValue: 'dev-apply' }],
      },
    ]);
  });

  it('self-managed: the listed accounts, grouped by role names, the default names first', () => {
    const renamed: MemberAccountSettings = {
      name: 'legacy',
      id: '444444444444',
      roleNames: { planRole: 'p', applyRole: 'a', credentialsRole: 'c' },
    };

    expect(stackInstancesGroups(selfManaged([DEV, PROD, renamed, SANDBOX]))).toEqual([
      { regions: ['us-east-1'], deploymentTargets: { accounts: [PROD_ACCOUNT, OTHER_ACCOUNT] } },
      {
        regions: ['us-east-1'],
        deploymentTargets: { accounts: [DEV_ACCOUNT] },
        parameterOverrides: [{ parameterKey: 'ApplyRoleName', parameterValue: 'dev-apply' }],
      },
      {
        regions: ['us-east-1'],
        deploymentTargets: { accounts: ['444444444444'] },
        parameterOverrides: [
          { parameterKey: 'PlanRoleName', parameterValue: 'p' },
          { parameterKey: 'ApplyRoleName', parameterValue: 'a' },
          { parameterKey: 'CredentialsRoleName', parameterValue: 'c' },
        ],
      },
    ]);
  });
});

function stackSetOf(organization: OrganizationSettings) {
  const stackSets = withApp((app) => {
    const stack = new Stack(app, 'IamGitopsHub', { env: { region: 'us-east-1' } });
    new MemberStackSet(stack, 'Members', {
      organization,
      templateBody: '{"Resources":{}}',
      hub: {
        hubPlanRoleArn: 'arn:aws:iam::999988887777:role/plan',
        hubApplyRoleArn: 'arn:aws:iam::999988887777:role/apply',
        credentialLambdaRoleArn: 'arn:aws:iam::999988887777:role/lambda',
        centralEventBusArn: 'arn:aws:events:us-east-1:999988887777:event-bus/central',
      },
    });
    return Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet');
  });
  expect(Object.keys(stackSets)).toHaveLength(1);
  return Object.values(stackSets)[0]?.Properties as Record<string, unknown>;
}

const COMMON = {
  StackSetName: 'IamGitopsHub-members',
  Description: expect.any(String),
  TemplateBody: '{"Resources":{}}',
  Capabilities: ['CAPABILITY_NAMED_IAM'],
  Parameters: [
    { ParameterKey: 'HubPlanRoleArn', ParameterValue: 'arn:aws:iam::999988887777:role/plan' },
    { ParameterKey: 'HubApplyRoleArn', ParameterValue: 'arn:aws:iam::999988887777:role/apply' },
    { ParameterKey: 'CredentialLambdaRoleArn', ParameterValue: 'arn:aws:iam::999988887777:role/lambda' },
    {
      ParameterKey: 'CentralEventBusArn',
      ParameterValue: 'arn:aws:events:us-east-1:999988887777:event-bus/central',
    },
  ],
  OperationPreferences: {
    ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
    MaxConcurrentPercentage: 100,
    FailureToleranceCount: 0,
    RegionConcurrencyType: 'PARALLEL',
  },
};

describe('MemberStackSet', { timeout: SYNTH_TIMEOUT }, () => {
  it('service-managed: trusted access, automatic deployment to the OUs, called as configured', () => {
    expect(stackSetOf(serviceManaged([PROD]))).toEqual({
      ...COMMON,
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [{ Regions: ['us-east-1'], DeploymentTargets: { OrganizationalUnitIds: OUS } }],
    });
  });

  it('self-managed: the listed accounts, with the administration and execution roles when given', () => {
    const organization: OrganizationSettings = {
      ...selfManaged([PROD, SANDBOX]),
      stackSet: {
        model: 'self-managed',
        administrationRoleArn: 'arn:aws:iam::999988887777:role/Admin',
        executionRoleName: 'Execution',
      },
    };

    expect(stackSetOf(organization)).toEqual({
      ...COMMON,
      PermissionModel: 'SELF_MANAGED',
      AdministrationRoleARN: 'arn:aws:iam::999988887777:role/Admin',
      ExecutionRoleName: 'Execution',
      StackInstancesGroup: [
        { Regions: ['us-east-1'], DeploymentTargets: { Accounts: [PROD_ACCOUNT, OTHER_ACCOUNT] } },
      ],
    });
    expect(stackSetOf(selfManaged([PROD]))).toEqual({
      ...COMMON,
      PermissionModel: 'SELF_MANAGED',
      StackInstancesGroup: [{ Regions: ['us-east-1'], DeploymentTargets: { Accounts: [PROD_ACCOUNT] } }],
    });
  });
});
