// The hub stack as the app builds it for an organisation of two members, and the whole chain of
// trust across accounts as IAM decides it: GitHub -> hub role -> member role, and the central
// Lambda -> member credentials role; the member side comes from the template the StackSet
// deploys, with the parameters the StackSet passes. The pipeline is the single-account one
// (credential-pipeline.test.ts); here, what the hub changes in it.
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { credentialEventPattern } from '../../../infra/lib/credential-event-pattern.js';
import { RegionError } from '../../../infra/lib/iam-gitops-stack.js';
import { MEMBER_PARAMETERS } from '../../../infra/lib/organization/member-stack.js';
import { LAMBDA_ENV } from '../../../src/contract.js';
import { decideAssumeRole, decideTrust, decideWithResourcePolicy } from '../support/iam-simulator.js';
import { logicalId, synth } from '../support/synth.js';
import {
  type CfnTemplate,
  type PolicyDocument,
  resolveIn,
  resourcePolicy,
  roleArn,
  rolePolicies,
  trustPolicy,
} from '../support/template-policies.js';
import {
  accountEnvironment,
  DEV_ACCOUNT,
  HUB,
  HUB_ACCOUNT,
  memberParameters,
  OTHER_ACCOUNT,
  PROD_ACCOUNT,
  SYNTH_TIMEOUT,
  type SynthesizedHub,
  synthHub,
} from './support/organization.js';

let synthesized: SynthesizedHub;
let hub: CfnTemplate;
let single: CfnTemplate;

beforeAll(() => {
  synthesized = synthHub();
  hub = synthesized.template.toJSON() as CfnTemplate;
  single = synth().template.toJSON() as CfnTemplate;
}, SYNTH_TIMEOUT);

const id = (type: string, prefix: string) => logicalId(hub, type, prefix);
const resources = () => hub.Resources;
const statementsOf = (roleId: string) =>
  rolePolicies(hub, roleId, {}, HUB).flatMap((policy) => policy.Statement);
const roleArnOf = (roleId: string) => roleArn(hub, roleId, {}, HUB);
const sessionOf = (roleId: string) => `arn:aws:sts::${HUB_ACCOUNT}:assumed-role/${roleId}/session`;

/** A role of the member template as the StackSet deploys it in `account`. */
function memberRole(account: string, prefix: string): { arn: string; trust: PolicyDocument } {
  const parameters = memberParameters(synthesized, account);
  const env = accountEnvironment(account);
  const roleId = logicalId(synthesized.member, 'AWS::IAM::Role', prefix);
  return {
    arn: roleArn(synthesized.member, roleId, parameters, env),
    trust: trustPolicy(synthesized.member, roleId, parameters, env),
  };
}

describe('IamGitopsHubStack', { timeout: SYNTH_TIMEOUT }, () => {
  it('makes the hub: SES, the bus, the pipeline, the GitHub roles, the StackSet; no trail', () => {
    const counts: Record<string, number> = {};
    for (const { Type } of Object.values(resources())) counts[Type] = (counts[Type] ?? 0) + 1;

    expect(counts).toEqual({
      'AWS::SES::EmailIdentity': 1,
      'AWS::SES::ConfigurationSet': 1,
      'AWS::Events::EventBus': 1,
      'AWS::Events::EventBusPolicy': 1,
      'AWS::Events::Rule': 1,
      'AWS::SQS::Queue': 1,
      'AWS::SQS::QueuePolicy': 1,
      'AWS::KMS::Key': 1,
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
      // Dead letters, refusals, undeliverable users: the single-account alarms.
      'AWS::CloudWatch::Alarm': 3,
      'AWS::CloudFormation::StackSet': 1,
    });
  });

  it('trusts GitHub exactly as the single-account roles do', () => {
    const trustOf = (template: CfnTemplate, prefix: string) =>
      template.Resources[logicalId(template, 'AWS::IAM::Role', prefix)]?.Properties?.AssumeRolePolicyDocument;

    expect(trustOf(hub, 'GitHubPlanRole')).toEqual(trustOf(single, 'GitHubPlanRole'));
    expect(trustOf(hub, 'GitHubApplyRole')).toEqual(trustOf(single, 'GitHubApplyRole'));
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

    // Compact: names by id, a role name only where it is not the default; the Lambda derives ARNs.
    expect(fn.Environment.Variables[LAMBDA_ENV.memberAccounts]).toBe(
      `{"${PROD_ACCOUNT}":"prod","${DEV_ACCOUNT}":{"name":"dev","applyRole":"dev-apply"}}`,
    );
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

  it('sets APPLY_ROLE_ARN to the hub apply role, which makes no IAM call in the hub', () => {
    const fn = resources()[id('AWS::Lambda::Function', 'CredentialsFunction')]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    const applyRole = id('AWS::IAM::Role', 'GitHubApplyRole');

    expect(fn.Environment.Variables[LAMBDA_ENV.applyRoleArn]).toEqual({ 'Fn::GetAtt': [applyRole, 'Arn'] });
    expect(statementsOf(applyRole).flatMap((s) => [s.Action].flat())).toEqual(['sts:AssumeRole']);
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
      'ConfigurationSetName',
      'CredentialFunctionName',
      'DeadLetterQueueUrl',
      'EventBusArn',
      'IamPath',
      'PlanRoleArn',
      'SenderIdentity',
      'StackSetName',
      'TopicArn',
    ]);
  });

  it.each([
    ['the defaults', {}],
    [
      'the SES sandbox off, alarms emailed, adoption on',
      { sesSandbox: false, alarmEmail: 'ops@example.com', allowAdoption: true },
    ],
  ])('leaves cdk-nag (AwsSolutions) nothing unacknowledged: %s', (_, context) => {
    const { stack } = synthHub(context);

    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it.each([
    ['SES out of the sandbox', {}, ['AwsSolutions-SQS3']],
    [
      'SES in the sandbox',
      { sesSandbox: true },
      [
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:us-east-1:<AWS::AccountId>:identity/*]',
        'AwsSolutions-SQS3',
      ],
    ],
  ])(
    'acknowledges only what the hub has, each with its reason, and no IAM wildcard: %s',
    (_, context, expected) => {
      const { stack } = synthHub(context);
      const acknowledged = stack.node
        .findAll()
        .flatMap((construct) => construct.node.metadata)
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>));

      expect(acknowledged.map(([rule]) => rule.replace(/^Annotation::/, '')).sort()).toEqual(expected);
      for (const [rule, value] of acknowledged) expect(JSON.stringify(value), rule).toMatch(/.{40,}/);
    },
  );

  it('must be deployed to us-east-1', () => {
    expect(() => synthHub({}, { region: 'eu-west-1' })).toThrow(RegionError);
  });
});

// The single-account topic policy and key policy, bound to the rule on the hub's bus: a rule on a
// bus other than the default one has that bus's name in its ARN, which is what EventBridge sends
// as aws:SourceArn.
describe('the hub topic, as IAM decides it', { timeout: SYNTH_TIMEOUT }, () => {
  const physical = () => ({
    [id('AWS::KMS::Key', 'CredentialsTopicKey')]:
      `arn:aws:kms:us-east-1:${HUB_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  });
  const topicArn = () => String(resolveIn(hub, { Ref: id('AWS::SNS::Topic', 'CredentialsTopic') }, {}, HUB));
  const ruleArn = () =>
    String(resolveIn(hub, { 'Fn::GetAtt': [id('AWS::Events::Rule', 'CredentialsRule'), 'Arn'] }, {}, HUB));
  const publish = (sourceArn: string) =>
    decideWithResourcePolicy(
      resourcePolicy(
        hub,
        id('AWS::SNS::TopicPolicy', 'CredentialsTopicPolicy'),
        'PolicyDocument',
        physical(),
        HUB,
      ),
      {
        principal: 'events.amazonaws.com',
        action: 'sns:Publish',
        resource: topicArn(),
        resourceAccount: HUB_ACCOUNT,
        context: {
          'aws:SourceArn': sourceArn,
          'aws:SourceAccount': HUB_ACCOUNT,
          'aws:SecureTransport': 'true',
        },
      },
    );

  it('takes the publications of the rule on the hub bus', async () => {
    expect(ruleArn()).toMatch(new RegExp(`^arn:aws:events:us-east-1:${HUB_ACCOUNT}:rule/[^/]+/[^/]+$`));
    expect(await publish(ruleArn())).toBe('Allowed');
  });

  it('refuses a rule of the same name on the default bus', async () => {
    const onDefaultBus = ruleArn().replace(/rule\/[^/]+\//, 'rule/');

    expect(await publish(onDefaultBus)).toBe('ExplicitlyDenied');
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
        await decideAssumeRole(
          target.trust,
          {
            principal: principalId === undefined ? principalArn : sessionOf(principalId),
            resource: target.arn,
            resourceAccount: account,
            context: { 'aws:PrincipalArn': principalArn },
          },
          principalId === undefined ? [ADMIN] : rolePolicies(hub, principalId, {}, HUB),
        ),
      ).toBe(decision);
    },
  );

  const GITHUB = 'token.actions.githubusercontent.com';
  it.each([
    ['GitHubPlanRole', 'repo:example-org/iam-users:pull_request', 'Allowed'],
    ['GitHubPlanRole', 'repo:example-org/iam-users:ref:refs/heads/main', 'Allowed'],
    ['GitHubPlanRole', 'repo:example-org/other-repo:pull_request', 'ImplicitlyDenied'],
    ['GitHubApplyRole', 'repo:example-org/iam-users:environment:iam-gitops', 'Allowed'],
    ['GitHubApplyRole', 'repo:example-org/iam-users:ref:refs/heads/main', 'ImplicitlyDenied'],
    ['GitHubApplyRole', 'repo:example-org/iam-users:pull_request', 'ImplicitlyDenied'],
    ['GitHubApplyRole', 'repo:example-org/iam-users:ref:refs/heads/feature', 'ImplicitlyDenied'],
  ])('GitHub token for %s with sub %s: %s', (prefix, sub, decision) => {
    const roleId = id('AWS::IAM::Role', prefix);
    const provider = String(resolveIn(hub, { Ref: id('AWS::IAM::OIDCProvider', 'GitHubProvider') }, {}, HUB));

    expect(
      decideTrust(trustPolicy(hub, roleId, {}, HUB), {
        providerArn: provider,
        roleArn: roleArnOf(roleId),
        resourceAccount: HUB_ACCOUNT,
        context: { [`${GITHUB}:aud`]: 'sts.amazonaws.com', [`${GITHUB}:sub`]: sub },
      }),
    ).toBe(decision);
  });
});
