// The hub stack as the app builds it for an organisation of two members, and the whole chain of
// trust across accounts as IAM decides it: GitHub -> hub role -> member role, and the central
// Lambda -> member credentials role; the member side comes from the template the StackSet
// deploys, with the parameters the StackSet passes.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { credentialEventPattern } from '../../../infra/lib/credential-event-pattern.js';
import { IamGitopsStack, RegionError } from '../../../infra/lib/iam-gitops-stack.js';
import { IamGitopsHubStack } from '../../../infra/lib/organization/hub-stack.js';
import { MEMBER_PARAMETERS } from '../../../infra/lib/organization/member-stack.js';
import { LAMBDA_ENV } from '../../../src/contract.js';
import {
  type CfnEnvironment,
  type CfnTemplate,
  logicalIdOf,
  type PolicyDocument,
  resolveCfn,
  roleIdentityPolicies,
  roleTrustPolicy,
} from './support/cfn-resolve.js';
import { nagFindings } from './support/nag.js';
import {
  DEV_ACCOUNT,
  HUB_ACCOUNT,
  OTHER_ACCOUNT,
  organizationFrom,
  PROD_ACCOUNT,
  SYNTH_TIMEOUT,
  type SynthesizedHub,
  settingsFrom,
  synthHub,
  TWO_ACCOUNTS_CONFIG,
} from './support/organization.js';
import { decide, decideUnsafe } from './support/simulate.js';

type Resources = CfnTemplate['Resources'];

let synthesized: SynthesizedHub;
let hub: CfnEnvironment;
let single: CfnTemplate;

beforeAll(async () => {
  synthesized = await synthHub();
  hub = { accountId: HUB_ACCOUNT, region: 'us-east-1', template: synthesized.hub };
  const stack = new IamGitopsStack(new App(), 'IamGitops', {
    env: { region: 'us-east-1' },
    settings: settingsFrom(),
    lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
  });
  single = Template.fromStack(stack).toJSON() as CfnTemplate;
}, SYNTH_TIMEOUT);

const id = (type: string, prefix: string) => logicalIdOf(synthesized.hub, type, prefix);
const resources = (): Resources => synthesized.hub.Resources;
const statementsOf = (roleId: string) =>
  roleIdentityPolicies(hub, roleId).flatMap((policy) => policy.Statement);
const roleArnOf = (roleId: string) => resolveCfn({ 'Fn::GetAtt': [roleId, 'Arn'] }, hub) as string;
const sessionOf = (roleId: string) => `arn:aws:sts::${HUB_ACCOUNT}:assumed-role/${roleId}/session`;

/** The member template in `account`, with the parameters the hub's StackSet passes (and overrides). */
function memberIn(account: string): CfnEnvironment {
  const properties = resources()[id('AWS::CloudFormation::StackSet', 'MembersStackSet')]?.Properties as {
    Parameters: { ParameterKey: string; ParameterValue: unknown }[];
    StackInstancesGroup: {
      DeploymentTargets: { Accounts?: string[]; AccountFilterType?: string };
      ParameterOverrides?: { ParameterKey: string; ParameterValue: string }[];
    }[];
  };
  const parameters: Record<string, string> = {};
  for (const { ParameterKey, ParameterValue } of properties.Parameters) {
    parameters[ParameterKey] = String(resolveCfn(ParameterValue, hub));
  }
  for (const group of properties.StackInstancesGroup) {
    const targets = group.DeploymentTargets;
    if (targets.AccountFilterType === 'INTERSECTION' && targets.Accounts?.includes(account)) {
      for (const { ParameterKey, ParameterValue } of group.ParameterOverrides ?? []) {
        parameters[ParameterKey] = ParameterValue;
      }
    }
  }
  return { accountId: account, region: 'us-east-1', template: synthesized.member, parameters };
}

function memberRole(account: string, prefix: string): { arn: string; trust: PolicyDocument } {
  const env = memberIn(account);
  const roleId = logicalIdOf(env.template, 'AWS::IAM::Role', prefix);
  return {
    arn: resolveCfn({ 'Fn::GetAtt': [roleId, 'Arn'] }, env) as string,
    trust: roleTrustPolicy(env, roleId),
  };
}

describe('IamGitopsHubStack', { timeout: SYNTH_TIMEOUT }, () => {
  it('makes the hub: SES, the bus, the pipeline, the GitHub roles, the StackSet; no trail', () => {
    const counts: Record<string, number> = {};
    for (const { Type } of Object.values(resources())) counts[Type] = (counts[Type] ?? 0) + 1;

    expect(counts).toEqual({
      'AWS::SES::EmailIdentity': 1,
      'AWS::Events::EventBus': 1,
      'AWS::Events::EventBusPolicy': 1,
      'AWS::Events::Rule': 1,
      'AWS::SQS::Queue': 1,
      'AWS::SQS::QueuePolicy': 1,
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::SNS::Subscription': 1,
      'AWS::Logs::LogGroup': 1,
      'AWS::IAM::Role': 3,
      'AWS::IAM::Policy': 3,
      'AWS::IAM::OIDCProvider': 1,
      'AWS::Lambda::Function': 1,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::Lambda::Permission': 1,
      'AWS::CloudWatch::Alarm': 1,
      'AWS::CloudFormation::StackSet': 1,
    });
  });

  it('trusts GitHub exactly as the single-account roles do', () => {
    const trustOf = (template: CfnTemplate, prefix: string) =>
      template.Resources[logicalIdOf(template, 'AWS::IAM::Role', prefix)]?.Properties
        ?.AssumeRolePolicyDocument;

    expect(trustOf(synthesized.hub, 'GitHubPlanRole')).toEqual(trustOf(single, 'GitHubPlanRole'));
    expect(trustOf(synthesized.hub, 'GitHubApplyRole')).toEqual(trustOf(single, 'GitHubApplyRole'));
  });

  it("lets the hub roles do nothing but assume the members' plan or apply roles", () => {
    expect(statementsOf(id('AWS::IAM::Role', 'GitHubPlanRole'))).toEqual([
      {
        Sid: 'AssumeMemberPlanRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: [
          `arn:aws:iam::${PROD_ACCOUNT}:role/iam-gitops/iam-gitops-plan`,
          `arn:aws:iam::${DEV_ACCOUNT}:role/iam-gitops/iam-gitops-plan`,
        ],
      },
    ]);
    expect(statementsOf(id('AWS::IAM::Role', 'GitHubApplyRole'))).toEqual([
      {
        Sid: 'AssumeMemberApplyRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: [
          `arn:aws:iam::${PROD_ACCOUNT}:role/iam-gitops/iam-gitops-apply`,
          `arn:aws:iam::${DEV_ACCOUNT}:role/iam-gitops/dev-apply`,
        ],
      },
    ]);
  });

  it('gives the Lambda its member accounts, and no IAM right but assuming their credentials roles', () => {
    const fn = resources()[id('AWS::Lambda::Function', 'CredentialsFunction')]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    const actions = statementsOf(id('AWS::IAM::Role', 'CredentialsRole')).flatMap((s) => [s.Action].flat());

    expect(JSON.parse(String(fn.Environment.Variables[LAMBDA_ENV.memberAccounts]))).toEqual([
      {
        id: PROD_ACCOUNT,
        name: 'prod',
        applyRoleArn: `arn:aws:iam::${PROD_ACCOUNT}:role/iam-gitops/iam-gitops-apply`,
        credentialsRoleArn: `arn:aws:iam::${PROD_ACCOUNT}:role/iam-gitops/iam-gitops-credentials`,
      },
      {
        id: DEV_ACCOUNT,
        name: 'dev',
        applyRoleArn: `arn:aws:iam::${DEV_ACCOUNT}:role/iam-gitops/dev-apply`,
        credentialsRoleArn: `arn:aws:iam::${DEV_ACCOUNT}:role/iam-gitops/iam-gitops-credentials`,
      },
    ]);
    expect(actions.filter((action) => String(action).startsWith('iam:'))).toEqual([]);
    expect(statementsOf(id('AWS::IAM::Role', 'CredentialsRole'))[0]).toEqual({
      Sid: 'AssumeMemberCredentialsRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: [
        `arn:aws:iam::${PROD_ACCOUNT}:role/iam-gitops/iam-gitops-credentials`,
        `arn:aws:iam::${DEV_ACCOUNT}:role/iam-gitops/iam-gitops-credentials`,
      ],
    });
  });

  it('matches the credential events of the member accounts on the hub bus, to the topic', () => {
    const rule = resources()[id('AWS::Events::Rule', 'CredentialsRule')]?.Properties;

    expect(rule?.EventBusName).toEqual({ Ref: id('AWS::Events::EventBus', 'EventsBus') });
    expect(rule?.EventPattern).toEqual({
      account: [PROD_ACCOUNT, DEV_ACCOUNT],
      ...credentialEventPattern('/iam-gitops/'),
    });
    expect(rule?.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: id('AWS::SNS::Topic', 'CredentialsTopic') } }),
    ]);
  });

  it('deploys the member template with the hub roles, the Lambda role and the bus as parameters', () => {
    const properties = resources()[id('AWS::CloudFormation::StackSet', 'MembersStackSet')]?.Properties;

    expect(properties?.TemplateBody).toBe(JSON.stringify(synthesized.stack.memberTemplate));
    expect(properties?.Parameters).toEqual([
      {
        ParameterKey: MEMBER_PARAMETERS.hubPlanRoleArn,
        ParameterValue: { 'Fn::GetAtt': [id('AWS::IAM::Role', 'GitHubPlanRole'), 'Arn'] },
      },
      {
        ParameterKey: MEMBER_PARAMETERS.hubApplyRoleArn,
        ParameterValue: { 'Fn::GetAtt': [id('AWS::IAM::Role', 'GitHubApplyRole'), 'Arn'] },
      },
      {
        ParameterKey: MEMBER_PARAMETERS.credentialLambdaRoleArn,
        ParameterValue: { 'Fn::GetAtt': [id('AWS::IAM::Role', 'CredentialsRole'), 'Arn'] },
      },
      {
        ParameterKey: MEMBER_PARAMETERS.centralEventBusArn,
        ParameterValue: { 'Fn::GetAtt': [id('AWS::Events::EventBus', 'EventsBus'), 'Arn'] },
      },
    ]);
    expect(properties?.PermissionModel).toBe('SERVICE_MANAGED');
  });

  it('outputs what the workflow and the operator need', () => {
    expect(Object.keys(synthesized.template.toJSON().Outputs).sort()).toEqual([
      'ApplyRoleArn',
      'CredentialFunctionName',
      'DeadLetterQueueUrl',
      'EventBusArn',
      'IamPath',
      'PlanRoleArn',
      'SenderIdentity',
      'StackSetName',
    ]);
  });

  it("passes cdk-nag (AwsSolutions) in the hub's own parts: bus, StackSet, GitHub roles", async () => {
    const organization = await organizationFrom(TWO_ACCOUNTS_CONFIG, {});
    const findings = nagFindings(
      (app) =>
        new IamGitopsHubStack(app, 'IamGitopsHub', {
          env: { region: 'us-east-1' },
          settings: settingsFrom(),
          organization,
          lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
        }),
    );

    // The credential pipeline and the SES sender are the single-account constructs, checked with
    // the single-account stack.
    const shared = /^IamGitopsHub\/(Credentials|Sender)\//;
    expect(findings.filter((finding) => !shared.test(finding.path))).toEqual([]);
  });

  it('must be deployed to us-east-1', async () => {
    await expect(synthHub(undefined, {}, 'eu-west-1')).rejects.toThrow(RegionError);
  });
});

const ADMIN: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

describe('the chain of trust across accounts (IAM simulator)', () => {
  interface Case {
    readonly who: string;
    readonly principalRole?: string;
    readonly principal?: string;
    readonly account: string;
    readonly role: string;
    readonly decision: 'Allowed' | 'ImplicitlyDenied';
  }
  const CASES: readonly Case[] = [
    {
      who: 'hub plan role',
      principalRole: 'GitHubPlanRole',
      account: PROD_ACCOUNT,
      role: 'PlanRole',
      decision: 'Allowed',
    },
    {
      who: 'hub plan role',
      principalRole: 'GitHubPlanRole',
      account: DEV_ACCOUNT,
      role: 'PlanRole',
      decision: 'Allowed',
    },
    {
      who: 'hub plan role',
      principalRole: 'GitHubPlanRole',
      account: PROD_ACCOUNT,
      role: 'ApplyRole',
      decision: 'ImplicitlyDenied',
    },
    {
      who: 'hub plan role',
      principalRole: 'GitHubPlanRole',
      account: PROD_ACCOUNT,
      role: 'CredentialsRole',
      decision: 'ImplicitlyDenied',
    },
    // The same template in an account the roster does not list: its trust would admit the hub
    // role, the hub role's own policy does not reach it.
    {
      who: 'hub plan role',
      principalRole: 'GitHubPlanRole',
      account: OTHER_ACCOUNT,
      role: 'PlanRole',
      decision: 'ImplicitlyDenied',
    },
    {
      who: 'hub apply role',
      principalRole: 'GitHubApplyRole',
      account: PROD_ACCOUNT,
      role: 'ApplyRole',
      decision: 'Allowed',
    },
    {
      who: 'hub apply role',
      principalRole: 'GitHubApplyRole',
      account: DEV_ACCOUNT,
      role: 'ApplyRole',
      decision: 'Allowed',
    },
    {
      who: 'hub apply role',
      principalRole: 'GitHubApplyRole',
      account: DEV_ACCOUNT,
      role: 'PlanRole',
      decision: 'ImplicitlyDenied',
    },
    {
      who: 'hub apply role',
      principalRole: 'GitHubApplyRole',
      account: DEV_ACCOUNT,
      role: 'CredentialsRole',
      decision: 'ImplicitlyDenied',
    },
    {
      who: 'central Lambda',
      principalRole: 'CredentialsRole',
      account: DEV_ACCOUNT,
      role: 'CredentialsRole',
      decision: 'Allowed',
    },
    {
      who: 'central Lambda',
      principalRole: 'CredentialsRole',
      account: PROD_ACCOUNT,
      role: 'CredentialsRole',
      decision: 'Allowed',
    },
    {
      who: 'central Lambda',
      principalRole: 'CredentialsRole',
      account: PROD_ACCOUNT,
      role: 'ApplyRole',
      decision: 'ImplicitlyDenied',
    },
    {
      who: 'an administrator of the hub',
      principal: `arn:aws:iam::${HUB_ACCOUNT}:role/Administrator`,
      account: PROD_ACCOUNT,
      role: 'ApplyRole',
      decision: 'ImplicitlyDenied',
    },
    {
      who: 'an administrator of the hub',
      principal: `arn:aws:iam::${HUB_ACCOUNT}:role/Administrator`,
      account: PROD_ACCOUNT,
      role: 'CredentialsRole',
      decision: 'ImplicitlyDenied',
    },
  ];

  it.each(CASES)(
    '$who -> $role of $account: $decision',
    async ({ principalRole, principal, account, role, decision }) => {
      const target = memberRole(account, role);
      const principalId = principalRole === undefined ? undefined : id('AWS::IAM::Role', principalRole);
      const principalArn = principalId === undefined ? (principal as string) : roleArnOf(principalId);

      expect(
        await decide({
          principal: principalId === undefined ? principalArn : sessionOf(principalId),
          action: 'sts:AssumeRole',
          resource: target.arn,
          resourceAccount: account,
          identityPolicies: principalId === undefined ? [ADMIN] : roleIdentityPolicies(hub, principalId),
          trustPolicy: target.trust,
          context: { 'aws:PrincipalArn': principalArn },
        }),
      ).toBe(decision);
    },
  );

  const GITHUB = 'token.actions.githubusercontent.com';
  it.each([
    ['GitHubPlanRole', 'repo:example-org/iam-users:pull_request', 'Allowed'],
    ['GitHubPlanRole', 'repo:example-org/iam-users:ref:refs/heads/main', 'Allowed'],
    ['GitHubPlanRole', 'repo:example-org/other-repo:pull_request', 'ImplicitlyDenied'],
    ['GitHubApplyRole', 'repo:example-org/iam-users:ref:refs/heads/main', 'Allowed'],
    ['GitHubApplyRole', 'repo:example-org/iam-users:pull_request', 'ImplicitlyDenied'],
    ['GitHubApplyRole', 'repo:example-org/iam-users:ref:refs/heads/feature', 'ImplicitlyDenied'],
  ])('GitHub token for %s with sub %s: %s', (prefix, sub, decision) => {
    const roleId = id('AWS::IAM::Role', prefix);
    const provider = resolveCfn({ Ref: id('AWS::IAM::OIDCProvider', 'GitHubProvider') }, hub) as string;

    expect(
      decideUnsafe({
        principal: provider,
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: roleArnOf(roleId),
        resourceAccount: HUB_ACCOUNT,
        trustPolicy: roleTrustPolicy(hub, roleId),
        context: { [`${GITHUB}:aud`]: 'sts.amazonaws.com', [`${GITHUB}:sub`]: sub },
      }),
    ).toBe(decision);
  });
});
