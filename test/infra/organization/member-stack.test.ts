// The member template: what the StackSet creates in every member account. Its permissions must be
// the single-account ones (built by the same functions from the same Settings, guardrails
// included), and its trust must admit the hub's roles and nothing else, as IAM decides it (the
// IAM simulator, not a hand-written evaluator).
import type { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { credentialEventPattern } from '../../../infra/lib/credential-event-pattern.js';
import {
  FORWARD_RULE_NAME,
  MEMBER_PARAMETERS,
  MemberStack,
} from '../../../infra/lib/organization/member-stack.js';
import { synthesizeMemberTemplate } from '../../../infra/lib/organization/member-template.js';
import { TAG_EMAIL, TAG_MANAGED_BY } from '../../../src/contract.js';
import { type Decision, decideAssumeRole, decideIdentity } from '../support/iam-simulator.js';
import { logicalId, synth, withApp } from '../support/synth.js';
import {
  type CfnTemplate,
  type PolicyDocument,
  rolePolicies,
  trustPolicy,
} from '../support/template-policies.js';
import {
  accountEnvironment,
  HUB_ACCOUNT,
  hubSettingsFrom,
  OTHER_ACCOUNT,
  PROD_ACCOUNT,
  SYNTH_TIMEOUT,
} from './support/organization.js';

const HUB_PLAN_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/IamGitopsHub-GitHubPlanRole`;
const HUB_APPLY_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/IamGitopsHub-GitHubApplyRole`;
const HUB_LAMBDA_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/IamGitopsHub-CredentialsRole`;
const HUB_BUS = `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/IamGitopsHub-Bus`;
/** The parameters the hub's StackSet passes. */
const PARAMETERS = {
  [MEMBER_PARAMETERS.hubPlanRoleArn]: HUB_PLAN_ROLE,
  [MEMBER_PARAMETERS.hubApplyRoleArn]: HUB_APPLY_ROLE,
  [MEMBER_PARAMETERS.credentialLambdaRoleArn]: HUB_LAMBDA_ROLE,
  [MEMBER_PARAMETERS.centralEventBusArn]: HUB_BUS,
};
const PROD = accountEnvironment(PROD_ACCOUNT);

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
let single: CfnTemplate;

beforeAll(() => {
  member = synthesizeMemberTemplate(hubSettingsFrom()).template as unknown as CfnTemplate;
  // The single-account stack with the same guardrails, deployed in the same account.
  single = synth({}, { config: 'guarded' }).template.toJSON() as CfnTemplate;
}, SYNTH_TIMEOUT);

const roleId = (prefix: string) => logicalId(member, 'AWS::IAM::Role', prefix);
const memberRoleArn = (name: string) => `arn:aws:iam::${PROD_ACCOUNT}:role/iam-gitops/${name}`;
const memberPolicies = (prefix: string) => rolePolicies(member, roleId(prefix), PARAMETERS, PROD);
const memberTrust = (prefix: string) => trustPolicy(member, roleId(prefix), PARAMETERS, PROD);
const statementsOf = (documents: PolicyDocument[]) => documents.flatMap((p) => p.Statement);
const singleStatements = (prefix: string) =>
  statementsOf(rolePolicies(single, logicalId(single, 'AWS::IAM::Role', prefix), {}, PROD));

/** cdk-nag's AwsSolutions findings over a member stack, as `rule at path`. */
function nagFindings(change: (stack: MemberStack) => void = () => undefined): string[] {
  return withApp((app) => {
    const stack = new MemberStack(app, 'Member', { settings: hubSettingsFrom() });
    change(stack);
    return new AwsSolutionsChecks()
      .validateScope(stack)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
  });
}

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

  it('gives the plan and apply roles exactly the single-account plan and apply permissions, guardrails included', () => {
    expect(statementsOf(memberPolicies('PlanRole'))).toEqual(singleStatements('GitHubPlanRole'));
    expect(statementsOf(memberPolicies('ApplyRole'))).toEqual(singleStatements('GitHubApplyRole'));
    expect(statementsOf(memberPolicies('ApplyRole')).map((statement) => statement.Sid)).toContain(
      'OnlyGuardrailPolicies',
    );
  });

  it("gives the credentials role exactly the single-account Lambda's IAM permissions", () => {
    const lambdaIam = singleStatements('CredentialsRole').filter((statement) =>
      [statement.Action].flat().every((action) => String(action).startsWith('iam:')),
    );

    expect(lambdaIam.map((statement) => statement.Sid)).toEqual([
      'ManagedUsersLoginProfile',
      'MarkCredentialsSent',
      'AccountReads',
    ]);
    expect(statementsOf(memberPolicies('CredentialsRole'))).toEqual(lambdaIam);
  });

  it('forwards the credential events (the same pattern) to the hub bus, through its own role', () => {
    const rule = member.Resources[logicalId(member, 'AWS::Events::Rule', 'ForwardRule')]?.Properties;

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
    expect(statementsOf(memberPolicies('ForwardRole'))).toEqual([
      { Sid: 'PutEventsToTheHubBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: HUB_BUS },
    ]);
  });

  it('passes cdk-nag (AwsSolutions): the wildcards of the single-account roles acknowledged one by one, with reasons', () => {
    expect(nagFindings()).toEqual([]);
  });

  it('still reports a wildcard it was not told about (cdk-nag)', () => {
    const findings = nagFindings((stack) =>
      stack.planRole.addToPolicy(
        new iam.PolicyStatement({ actions: ['iam:GetRole'], resources: ['arn:aws:iam::*:role/*'] }),
      ),
    );

    expect(findings).toEqual([
      'AwsSolutions-IAM5[Resource::arn:aws:iam::*:role/*] at Member/PlanRole/DefaultPolicy/Resource',
    ]);
  });

  it('is a stack of its own App, in us-east-1', () => {
    const stack = withApp((app: App) => new MemberStack(app, 'Member', { settings: hubSettingsFrom() }));

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
        await decideAssumeRole(
          memberTrust(prefix),
          {
            principal,
            resource: memberRoleArn(name),
            resourceAccount: PROD_ACCOUNT,
            context: {
              'aws:PrincipalArn': principal.replace(
                /:sts::(\d+):assumed-role\/([^/]+)\/.*/,
                ':iam::$1:role/$2',
              ),
            },
          },
          [identity],
        ),
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
      await decideAssumeRole(memberTrust('ForwardRole'), {
        principal: 'events.amazonaws.com',
        resource: `arn:aws:iam::${PROD_ACCOUNT}:role/${forwardRole}`,
        resourceAccount: PROD_ACCOUNT,
        context: { 'aws:SourceAccount': sourceAccount, 'aws:SourceArn': sourceArn },
      }),
    ).toBe(decision);
  });
});

// The guardrails of iam-gitops.yaml hold in every member as in one account: the member apply role
// and credentials role under the same IAM conditions (the accounts fixture: groups developers and
// oncall, ReadOnlyAccess and ViewOnlyAccess, the boundary iam-gitops-boundary, recipients in
// example.com and corp.example.org, this repository's managed-by tag), each Deny beside its control.
describe('the member roles enforce the guardrails (IAM simulator)', () => {
  const REPOSITORY = 'example-org/iam-users';
  const user = memberRoleArn('x').replace(':role/iam-gitops/x', ':user/iam-gitops/alice@example.com');
  const ours = { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: REPOSITORY };
  const theirs = { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: 'example-org/other-roster' };
  const boundary = `arn:aws:iam::${PROD_ACCOUNT}:policy/iam-gitops-boundary`;
  const stamp = {
    [`aws:RequestTag/${TAG_MANAGED_BY}`]: REPOSITORY,
    'aws:TagKeys': [TAG_MANAGED_BY, TAG_EMAIL],
  };
  const cases: {
    readonly why: string;
    readonly role: string;
    readonly action: string;
    readonly context?: Record<string, string | string[]>;
    readonly decision: Decision;
  }[] = [
    {
      why: 'attach an allowed policy to our user',
      role: 'ApplyRole',
      action: 'iam:AttachUserPolicy',
      context: { ...ours, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      decision: 'Allowed',
    },
    {
      why: 'attach AdministratorAccess to our user',
      role: 'ApplyRole',
      action: 'iam:AttachUserPolicy',
      context: { ...ours, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
      decision: 'ExplicitlyDenied',
    },
    {
      why: "attach an allowed policy to another roster's user",
      role: 'ApplyRole',
      action: 'iam:AttachUserPolicy',
      context: { ...theirs, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      decision: 'ExplicitlyDenied',
    },
    {
      why: 'create a user with the boundary, stamped by this repository, email inside the domains',
      role: 'ApplyRole',
      action: 'iam:CreateUser',
      context: {
        ...stamp,
        'iam:PermissionsBoundary': boundary,
        [`aws:RequestTag/${TAG_EMAIL}`]: 'alice@example.com',
      },
      decision: 'Allowed',
    },
    {
      why: 'create a user without the boundary',
      role: 'ApplyRole',
      action: 'iam:CreateUser',
      context: { ...stamp, [`aws:RequestTag/${TAG_EMAIL}`]: 'alice@example.com' },
      decision: 'ExplicitlyDenied',
    },
    {
      why: 'create a user whose email is outside the domains',
      role: 'ApplyRole',
      action: 'iam:CreateUser',
      context: {
        ...stamp,
        'iam:PermissionsBoundary': boundary,
        [`aws:RequestTag/${TAG_EMAIL}`]: 'mallory@evil.example',
      },
      decision: 'ExplicitlyDenied',
    },
    {
      why: 'remove the boundary of our user',
      role: 'ApplyRole',
      action: 'iam:DeleteUserPermissionsBoundary',
      context: ours,
      decision: 'ExplicitlyDenied',
    },
    {
      why: "the central Lambda sets our user's login profile",
      role: 'CredentialsRole',
      action: 'iam:CreateLoginProfile',
      context: ours,
      decision: 'Allowed',
    },
    {
      why: "the central Lambda sets another roster's user's login profile",
      role: 'CredentialsRole',
      action: 'iam:CreateLoginProfile',
      context: theirs,
      decision: 'ImplicitlyDenied',
    },
    {
      why: 'the central Lambda sets the login profile of an untagged user under the path',
      role: 'CredentialsRole',
      action: 'iam:UpdateLoginProfile',
      decision: 'ImplicitlyDenied',
    },
    {
      why: 'the plan role writes',
      role: 'PlanRole',
      action: 'iam:CreateLoginProfile',
      context: ours,
      decision: 'ImplicitlyDenied',
    },
  ];

  it.each(cases)('$role: $why -> $decision', async ({ role, action, context, decision }) => {
    expect(
      await decideIdentity(memberPolicies(role), {
        principal: `arn:aws:sts::${PROD_ACCOUNT}:assumed-role/${role}/session`,
        action,
        resource: user,
        resourceAccount: PROD_ACCOUNT,
        ...(context === undefined ? {} : { context }),
      }),
    ).toBe(decision);
  });
});
