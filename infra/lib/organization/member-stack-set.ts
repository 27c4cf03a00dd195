// The CloudFormation StackSet that puts the member template in every member account, in us-east-1
// (where IAM's CloudTrail events reach EventBridge). Service-managed (Organizations trusted
// access) deploys to the OUs and follows accounts that join them later; self-managed deploys to
// the listed accounts through the user's StackSet administration and execution roles. Accounts
// whose role names differ from the defaults get them as parameter overrides.
import { Stack } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import { DEFAULT_MEMBER_ROLES } from '../../../src/config/repo-config-schema.js';
import { REQUIRED_REGION } from '../iam-gitops-stack.js';
import { MEMBER_PARAMETERS } from './member-stack.js';
import type {
  MemberAccountSettings,
  MemberRoleNames,
  OrganizationSettings,
} from './organization-settings.js';

/** The hub's side of the member template's parameters (tokens of the hub stack). */
export interface HubArns {
  readonly hubPlanRoleArn: string;
  readonly hubApplyRoleArn: string;
  readonly credentialLambdaRoleArn: string;
  readonly centralEventBusArn: string;
}

export interface MemberStackSetProps {
  readonly organization: OrganizationSettings;
  /** The member template (member-template.ts). */
  readonly templateBody: string;
  readonly hub: HubArns;
}

export class MemberStackSet extends Construct {
  readonly stackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: MemberStackSetProps) {
    super(scope, id);
    const { organization, hub } = props;
    const { stackSet } = organization;

    const groups = stackInstancesGroups(organization);
    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName: `${Stack.of(this).stackName}-members`,
      description:
        'iam-gitops member accounts: plan, apply and credentials roles, and the IAM event forwarding rule',
      templateBody: props.templateBody,
      // The template names its roles (iam-gitops-plan, ...).
      capabilities: ['CAPABILITY_NAMED_IAM'],
      parameters: [
        { parameterKey: MEMBER_PARAMETERS.hubPlanRoleArn, parameterValue: hub.hubPlanRoleArn },
        { parameterKey: MEMBER_PARAMETERS.hubApplyRoleArn, parameterValue: hub.hubApplyRoleArn },
        {
          parameterKey: MEMBER_PARAMETERS.credentialLambdaRoleArn,
          parameterValue: hub.credentialLambdaRoleArn,
        },
        { parameterKey: MEMBER_PARAMETERS.centralEventBusArn, parameterValue: hub.centralEventBusArn },
      ],
      operationPreferences: {
        // Every account at once (a deploy is a few roles and a rule), stopping at the first failure.
        concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        maxConcurrentPercentage: 100,
        failureToleranceCount: 0,
        regionConcurrencyType: 'PARALLEL',
      },
      stackInstancesGroup: groups,
      ...(stackSet.model === 'service-managed'
        ? {
            permissionModel: 'SERVICE_MANAGED',
            callAs: stackSet.callAs,
            // A member that joins an OU later gets its roles; one that leaves loses them.
            autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
          }
        : {
            permissionModel: 'SELF_MANAGED',
            ...(stackSet.administrationRoleArn === undefined
              ? {}
              : { administrationRoleArn: stackSet.administrationRoleArn }),
            ...(stackSet.executionRoleName === undefined
              ? {}
              : { executionRoleName: stackSet.executionRoleName }),
          }),
    });
  }
}

const DEFAULT_NAMES: MemberRoleNames = DEFAULT_MEMBER_ROLES;

function sameNames(a: MemberRoleNames, b: MemberRoleNames): boolean {
  return a.planRole === b.planRole && a.applyRole === b.applyRole && a.credentialsRole === b.credentialsRole;
}

/** The accounts grouped by role names, the default names first; in the order of `accounts:`. */
function byRoleNames(
  accounts: readonly MemberAccountSettings[],
): { names: MemberRoleNames; ids: string[] }[] {
  const groups: { names: MemberRoleNames; ids: string[] }[] = [];
  for (const account of accounts) {
    const group = groups.find((g) => sameNames(g.names, account.roleNames));
    if (group === undefined) groups.push({ names: account.roleNames, ids: [account.id] });
    else group.ids.push(account.id);
  }
  return groups.sort(
    (a, b) => Number(sameNames(b.names, DEFAULT_NAMES)) - Number(sameNames(a.names, DEFAULT_NAMES)),
  );
}

/** Parameter overrides for the names that differ from the template's defaults. */
function nameOverrides(names: MemberRoleNames): cloudformation.CfnStackSet.ParameterProperty[] {
  const overrides: cloudformation.CfnStackSet.ParameterProperty[] = [];
  const add = (key: string, value: string, fallback: string) => {
    if (value !== fallback) overrides.push({ parameterKey: key, parameterValue: value });
  };
  add(MEMBER_PARAMETERS.planRoleName, names.planRole, DEFAULT_NAMES.planRole);
  add(MEMBER_PARAMETERS.applyRoleName, names.applyRole, DEFAULT_NAMES.applyRole);
  add(MEMBER_PARAMETERS.credentialsRoleName, names.credentialsRole, DEFAULT_NAMES.credentialsRole);
  return overrides;
}

/** Where the stack instances go: one group per set of role names. */
export function stackInstancesGroups(
  organization: OrganizationSettings,
): cloudformation.CfnStackSet.StackInstancesProperty[] {
  const regions = [REQUIRED_REGION];
  const groups = byRoleNames(organization.accounts);
  const { stackSet } = organization;
  if (stackSet.model === 'self-managed') {
    return groups.map(({ names, ids }) =>
      withOverrides({ regions, deploymentTargets: { accounts: ids } }, names),
    );
  }
  const organizationalUnitIds = [...stackSet.organizationalUnits];
  const renamed = groups.filter(({ names }) => !sameNames(names, DEFAULT_NAMES));
  const renamedIds = renamed.flatMap(({ ids }) => ids);
  // Every account of the OUs with the default names, except those that have their own names...
  const everyone: cloudformation.CfnStackSet.StackInstancesProperty = {
    regions,
    deploymentTargets:
      renamedIds.length === 0
        ? { organizationalUnitIds }
        : { organizationalUnitIds, accounts: renamedIds, accountFilterType: 'DIFFERENCE' },
  };
  // ...which get them as overrides, each group picked out of the same OUs.
  return [
    everyone,
    ...renamed.map(({ names, ids }) =>
      withOverrides(
        {
          regions,
          deploymentTargets: { organizationalUnitIds, accounts: ids, accountFilterType: 'INTERSECTION' },
        },
        names,
      ),
    ),
  ];
}

function withOverrides(
  group: cloudformation.CfnStackSet.StackInstancesProperty,
  names: MemberRoleNames,
): cloudformation.CfnStackSet.StackInstancesProperty {
  const overrides = nameOverrides(names);
  return overrides.length === 0 ? group : { ...group, parameterOverrides: overrides };
}
