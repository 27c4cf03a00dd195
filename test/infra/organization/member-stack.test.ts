// The member template: what the StackSet creates in every member account. Its permissions must be
// the single-account ones (built by the same functions), and its trust must admit the hub's roles
// and nothing else, as IAM decides it (the IAM simulator, not a hand-written evaluator).
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { credentialEventPattern } from '../../../infra/lib/credential-event-pattern.js';
import { IamGitopsStack } from '../../../infra/lib/iam-gitops-stack.js';
import {
  FORWARD_RULE_NAME,
  MEMBER_PARAMETERS,
  MemberStack,
} from '../../../infra/lib/organization/member-stack.js';
import { synthesizeMemberTemplate } from '../../../infra/lib/organization/member-template.js';
import {
  type CfnEnvironment,
  type CfnTemplate,
  logicalIdOf,
  type PolicyDocument,
  roleIdentityPolicies,
  roleTrustPolicy,
} from './support/cfn-resolve.js';
import { nagFindings } from './support/nag.js';
import {
  HUB_ACCOUNT,
  OTHER_ACCOUNT,
  PROD_ACCOUNT,
  SYNTH_TIMEOUT,
  settingsFrom,
} from './support/organization.js';
import { decide } from './support/simulate.js';

const HUB_PLAN_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/IamGitopsHub-GitHubPlanRole`;
const HUB_APPLY_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/IamGitopsHub-GitHubApplyRole`;
const HUB_LAMBDA_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/IamGitopsHub-CredentialsRole`;
const HUB_BUS = `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/IamGitopsHub-Bus`;

const session = (roleArn: string) => {
  const [, , , , account, resource] = roleArn.split(':') as string[];
  return `arn:aws:sts::${account}:assumed-role/${resource?.split('/').at(-1)}/session`;
};

const ADMIN: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};
const mayAssume = (roleArn: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }],
});

let member: CfnTemplate;
let memberIn: CfnEnvironment;
let single: CfnEnvironment;

beforeAll(() => {
  member = synthesizeMemberTemplate(settingsFrom()).template as unknown as CfnTemplate;
  memberIn = {
    accountId: PROD_ACCOUNT,
    region: 'us-east-1',
    template: member,
    parameters: {
      [MEMBER_PARAMETERS.hubPlanRoleArn]: HUB_PLAN_ROLE,
      [MEMBER_PARAMETERS.hubApplyRoleArn]: HUB_APPLY_ROLE,
      [MEMBER_PARAMETERS.credentialLambdaRoleArn]: HUB_LAMBDA_ROLE,
      [MEMBER_PARAMETERS.centralEventBusArn]: HUB_BUS,
    },
  };
  // The single-account stack in the same account, for "the same permissions".
  const stack = new IamGitopsStack(new App(), 'IamGitops', {
    env: { region: 'us-east-1' },
    settings: settingsFrom(),
    lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
  });
  single = {
    accountId: PROD_ACCOUNT,
    region: 'us-east-1',
    template: Template.fromStack(stack).toJSON() as CfnTemplate,
  };
}, SYNTH_TIMEOUT);

const roleId = (prefix: string) => logicalIdOf(member, 'AWS::IAM::Role', prefix);
const memberRoleArn = (name: string) => `arn:aws:iam::${PROD_ACCOUNT}:role/iam-gitops/${name}`;
const statementsOf = (env: CfnEnvironment, id: string) =>
  roleIdentityPolicies(env, id).flatMap((p) => p.Statement);

describe('MemberStack', () => {
  it('holds the three roles, the forwarding rule and its role, nothing else', () => {
    const types = Object.values(member.Resources).map((resource) => resource.Type);

    expect(types.sort()).toEqual([
      'AWS::Events::Rule',
      'AWS::IAM::Policy',
      'AWS::IAM::Policy',
      'AWS::IAM::Policy',
      'AWS::IAM::Policy',
      'AWS::IAM::Role',
      'AWS::IAM::Role',
      'AWS::IAM::Role',
      'AWS::IAM::Role',
    ]);
  });

  it('takes the hub ARNs as parameters and defaults the role names to DEFAULT_MEMBER_ROLES', () => {
    expect(member.Parameters).toEqual({
      HubPlanRoleArn: { Type: 'String', AllowedPattern: '.+', Description: expect.any(String) },
      HubApplyRoleArn: { Type: 'String', AllowedPattern: '.+', Description: expect.any(String) },
      CredentialLambdaRoleArn: { Type: 'String', AllowedPattern: '.+', Description: expect.any(String) },
      CentralEventBusArn: { Type: 'String', AllowedPattern: '.+', Description: expect.any(String) },
      PlanRoleName: { Type: 'String', Default: 'iam-gitops-plan', Description: expect.any(String) },
      ApplyRoleName: { Type: 'String', Default: 'iam-gitops-apply', Description: expect.any(String) },
      CredentialsRoleName: {
        Type: 'String',
        Default: 'iam-gitops-credentials',
        Description: expect.any(String),
      },
    });
  });

  it.each([
    ['PlanRole', MEMBER_PARAMETERS.planRoleName, MEMBER_PARAMETERS.hubPlanRoleArn],
    ['ApplyRole', MEMBER_PARAMETERS.applyRoleName, MEMBER_PARAMETERS.hubApplyRoleArn],
    ['CredentialsRole', MEMBER_PARAMETERS.credentialsRoleName, MEMBER_PARAMETERS.credentialLambdaRoleArn],
  ])(
    '%s: named by %s, under /iam-gitops/, one-hour sessions, trusting exactly %s',
    (prefix, name, trusted) => {
      const role = member.Resources[roleId(prefix)]?.Properties;

      expect(role).toMatchObject({ RoleName: { Ref: name }, Path: '/iam-gitops/', MaxSessionDuration: 3600 });
      expect(role?.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { Ref: trusted } } }],
      });
    },
  );

  it('gives the plan and apply roles exactly the single-account plan and apply permissions', () => {
    expect(statementsOf(memberIn, roleId('PlanRole'))).toEqual(
      statementsOf(single, logicalIdOf(single.template, 'AWS::IAM::Role', 'GitHubPlanRole')),
    );
    expect(statementsOf(memberIn, roleId('ApplyRole'))).toEqual(
      statementsOf(single, logicalIdOf(single.template, 'AWS::IAM::Role', 'GitHubApplyRole')),
    );
  });

  it("gives the credentials role exactly the single-account Lambda's IAM permissions", () => {
    const lambdaRole = logicalIdOf(single.template, 'AWS::IAM::Role', 'CredentialsRole');
    const lambdaIam = statementsOf(single, lambdaRole).filter((statement) =>
      [statement.Action].flat().every((action) => String(action).startsWith('iam:')),
    );

    expect(lambdaIam.map((statement) => statement.Sid)).toEqual([
      'ManagedUsersLoginProfile',
      'MarkCredentialsSent',
      'AccountReads',
    ]);
    expect(statementsOf(memberIn, roleId('CredentialsRole'))).toEqual(lambdaIam);
  });

  it('forwards the credential events (the same pattern) to the hub bus, through its own role', () => {
    const rule = member.Resources[logicalIdOf(member, 'AWS::Events::Rule', 'ForwardRule')]?.Properties;

    expect(rule?.Name).toBe(FORWARD_RULE_NAME);
    expect(rule?.EventBusName).toBeUndefined();
    expect(rule?.EventPattern).toEqual(credentialEventPattern('/iam-gitops/'));
    expect(rule?.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { Ref: MEMBER_PARAMETERS.centralEventBusArn },
        RoleArn: { 'Fn::GetAtt': [roleId('ForwardRole'), 'Arn'] },
      },
    ]);
    expect(statementsOf(memberIn, roleId('ForwardRole'))).toEqual([
      { Sid: 'PutEventsToTheHubBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: HUB_BUS },
    ]);
  });

  it('passes cdk-nag (AwsSolutions): the shared wildcards acknowledged one by one, with reasons', () => {
    expect(nagFindings((app) => new MemberStack(app, 'Member', { settings: settingsFrom() }))).toEqual([]);
  });

  it('still reports a wildcard it was not told about (cdk-nag)', () => {
    const findings = nagFindings((app) => {
      const stack = new MemberStack(app, 'Member', { settings: settingsFrom() });
      stack.planRole.addToPolicy(
        new iam.PolicyStatement({ actions: ['iam:GetRole'], resources: ['arn:aws:iam::*:role/*'] }),
      );
    });

    expect(findings).toEqual([
      {
        rule: 'AwsSolutions-IAM5[Resource::arn:aws:iam::*:role/*]',
        path: 'Member/PlanRole/DefaultPolicy/Resource',
      },
    ]);
  });

  it('is a stack of its own App, in us-east-1', () => {
    const stack = new MemberStack(new App(), 'Member', { settings: settingsFrom() });

    expect(stack.region).toBe('us-east-1');
  });
});

interface TrustCase {
  readonly who: string;
  readonly principal: string;
  readonly identity: PolicyDocument;
  readonly decision: 'Allowed' | 'ImplicitlyDenied';
}

/** Who may assume each member role: the positive control first, then everyone who must not. */
const TRUST: Record<string, { readonly name: string; readonly cases: readonly TrustCase[] }> = {
  PlanRole: {
    name: 'iam-gitops-plan',
    cases: [
      {
        who: 'a session of the hub plan role',
        principal: session(HUB_PLAN_ROLE),
        identity: mayAssume(memberRoleArn('iam-gitops-plan')),
        decision: 'Allowed',
      },
      {
        who: 'a session of the hub apply role',
        principal: session(HUB_APPLY_ROLE),
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: "the hub's credential Lambda",
        principal: session(HUB_LAMBDA_ROLE),
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'an administrator of the hub account',
        principal: `arn:aws:iam::${HUB_ACCOUNT}:role/Admin`,
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'an administrator of the member account itself',
        principal: `arn:aws:iam::${PROD_ACCOUNT}:role/Admin`,
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'a role of the same name in another account',
        principal: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/IamGitopsHub-GitHubPlanRole/session`,
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
    ],
  },
  ApplyRole: {
    name: 'iam-gitops-apply',
    cases: [
      {
        who: 'a session of the hub apply role',
        principal: session(HUB_APPLY_ROLE),
        identity: mayAssume(memberRoleArn('iam-gitops-apply')),
        decision: 'Allowed',
      },
      {
        who: 'a session of the hub plan role',
        principal: session(HUB_PLAN_ROLE),
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: "the hub's credential Lambda",
        principal: session(HUB_LAMBDA_ROLE),
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'a user of the hub account',
        principal: `arn:aws:iam::${HUB_ACCOUNT}:user/alice`,
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'the member account root',
        principal: `arn:aws:iam::${PROD_ACCOUNT}:root`,
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'another account',
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`,
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
    ],
  },
  CredentialsRole: {
    name: 'iam-gitops-credentials',
    cases: [
      {
        who: "the central credential Lambda's role",
        principal: session(HUB_LAMBDA_ROLE),
        identity: mayAssume(memberRoleArn('iam-gitops-credentials')),
        decision: 'Allowed',
      },
      {
        who: 'a session of the hub apply role',
        principal: session(HUB_APPLY_ROLE),
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'a session of the hub plan role',
        principal: session(HUB_PLAN_ROLE),
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'the member apply role',
        principal: `arn:aws:sts::${PROD_ACCOUNT}:assumed-role/iam-gitops-apply/session`,
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
      {
        who: 'another account',
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`,
        identity: ADMIN,
        decision: 'ImplicitlyDenied',
      },
    ],
  },
};

describe('who may assume the member roles (IAM simulator)', () => {
  for (const [prefix, { name, cases }] of Object.entries(TRUST)) {
    it.each(cases)(`${name}: $who -> $decision`, async ({ principal, identity, decision }) => {
      expect(
        await decide({
          principal,
          action: 'sts:AssumeRole',
          resource: memberRoleArn(name),
          resourceAccount: PROD_ACCOUNT,
          identityPolicies: [identity],
          trustPolicy: roleTrustPolicy(memberIn, roleId(prefix)),
          context: {
            'aws:PrincipalArn': principal.replace(
              /:sts::(\d+):assumed-role\/([^/]+)\/.*/,
              ':iam::$1:role/$2',
            ),
          },
        }),
      ).toBe(decision);
    });
  }
});

describe('who may hand EventBridge the forwarding role (IAM simulator)', () => {
  const forwardRuleArn = (account: string, name = FORWARD_RULE_NAME) =>
    `arn:aws:events:us-east-1:${account}:rule/${name}`;

  it.each([
    ["this account's forwarding rule", 'Allowed', PROD_ACCOUNT, forwardRuleArn(PROD_ACCOUNT)],
    [
      'another rule of this account',
      'ImplicitlyDenied',
      PROD_ACCOUNT,
      forwardRuleArn(PROD_ACCOUNT, 'other-rule'),
    ],
    [
      "another account's rule of the same name",
      'ImplicitlyDenied',
      OTHER_ACCOUNT,
      forwardRuleArn(OTHER_ACCOUNT),
    ],
  ])('events.amazonaws.com for %s -> %s', async (_, decision, sourceAccount, sourceArn) => {
    const forwardRole = roleId('ForwardRole');

    expect(
      await decide({
        principal: 'events.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${PROD_ACCOUNT}:role/${forwardRole}`,
        resourceAccount: PROD_ACCOUNT,
        trustPolicy: roleTrustPolicy(memberIn, forwardRole),
        context: { 'aws:SourceAccount': sourceAccount, 'aws:SourceArn': sourceArn },
      }),
    ).toBe(decision);
  });
});
