import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { IamGitopsStack, RegionError } from '../../infra/lib/iam-gitops-stack.js';
import {
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_CREDENTIALS_SENT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import {
  type Decision,
  decideIdentity,
  decideKeyPolicy,
  decideTrust,
  decideWithResourcePolicy,
} from './support/iam-simulator.js';
import {
  type ConfigFixture,
  logicalId,
  resourcesOf,
  SYNTH_TIMEOUT,
  settingsFrom,
  synth,
  type TestContext,
  withApp,
} from './support/synth.js';
import {
  inlinePolicySize,
  type PolicyDocument,
  resolve,
  resourcePolicy,
  rolePolicies,
  trustPolicy,
} from './support/template-policies.js';

type Resources = ReturnType<typeof resourcesOf>;

function resourceCounts(resources: Resources): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { Type } of Object.values(resources)) counts[Type] = (counts[Type] ?? 0) + 1;
  return counts;
}

/** Every policy document in the template: identity, resource and key policies alike. */
function allStatements(resources: Resources): { where: string; statement: Record<string, unknown> }[] {
  const found: { where: string; statement: Record<string, unknown> }[] = [];
  const add = (where: string, document: unknown) => {
    for (const statement of (resolve(document) as PolicyDocument).Statement) found.push({ where, statement });
  };
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    if ('PolicyDocument' in properties) add(id, properties.PolicyDocument);
    if ('KeyPolicy' in properties) add(id, properties.KeyPolicy);
    for (const policy of (properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
      add(id, policy.PolicyDocument);
    }
  }
  return found;
}

const list = (value: unknown): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : (value as string[]);

/** Reads by IAM's own naming: Get*, List*, Describe*. Everything else counts as a write. */
const isRead = (action: string) => /^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*$/.test(action);

describe('IamGitopsStack', { timeout: SYNTH_TIMEOUT }, () => {
  it('makes exactly the installation: trail, SES identity and TLS set, pipeline, key, OIDC provider and roles', () => {
    const { template } = synth();

    expect(resourceCounts(resourcesOf(template))).toEqual({
      'AWS::S3::Bucket': 1,
      'AWS::S3::BucketPolicy': 1,
      'AWS::CloudTrail::Trail': 1,
      'AWS::SES::EmailIdentity': 1,
      'AWS::SES::ConfigurationSet': 1,
      'AWS::KMS::Key': 1,
      'AWS::SQS::Queue': 1,
      'AWS::SQS::QueuePolicy': 1,
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::SNS::Subscription': 1,
      'AWS::Logs::LogGroup': 1,
      // The Lambda's role, the plan role and the apply role; each with one inline policy.
      'AWS::IAM::Role': 3,
      'AWS::IAM::Policy': 3,
      'AWS::IAM::OIDCProvider': 1,
      'AWS::Lambda::Function': 1,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::Lambda::Permission': 1,
      'AWS::Events::Rule': 1,
      // The dead-letter queue, the Lambda's refusals and its undeliverable users.
      'AWS::CloudWatch::Alarm': 3,
    });
  });

  it('leaves out what the account already has', () => {
    const { template } = synth({
      existingTrail: true,
      existingOidcProvider: true,
      existingSenderIdentity: true,
    });
    const counts = resourceCounts(resourcesOf(template));

    expect(counts['AWS::CloudTrail::Trail']).toBeUndefined();
    expect(counts['AWS::S3::Bucket']).toBeUndefined();
    expect(counts['AWS::IAM::OIDCProvider']).toBeUndefined();
    expect(counts['AWS::SES::EmailIdentity']).toBeUndefined();
    expect(counts['AWS::SES::ConfigurationSet']).toBe(1);
    expect(counts['AWS::Events::Rule']).toBe(1);
    expect(counts['AWS::IAM::Role']).toBe(3);
    expect(Object.keys(template.findOutputs('TrailArn'))).toEqual([]);
  });

  it('grants no wildcard action and no Resource "*" to any write action, in any policy', () => {
    const { template } = synth({
      senderDomain: 'example.com',
      alarmEmail: 'ops@example.com',
      allowAdoption: true,
    });
    const statements = allStatements(resourcesOf(template));
    const allows = statements.filter(({ statement }) => statement.Effect === 'Allow');

    expect(allows.length).toBeGreaterThan(10);
    for (const { where, statement } of allows) {
      const actions = list(statement.Action);
      expect(statement.NotAction, where).toBeUndefined();
      expect(statement.NotResource, where).toBeUndefined();
      if (where.startsWith('CredentialsTopicKey')) {
        // The key policy: the account's own administration (KMS's default statement), and services
        // acting for this stack's rule, topic and alarms only (AWS documents GenerateDataKey* there).
        const account = 'arn:aws:iam::111122223333:root';
        if ((statement.Principal as { AWS?: string }).AWS === account) continue;
        expect(JSON.stringify(statement.Condition), where).toContain('aws:SourceArn');
        expect(JSON.stringify(statement.Condition), where).toContain(
          'kms:EncryptionContext:aws:sns:topicArn',
        );
        continue;
      }
      for (const action of actions) expect(action, where).not.toMatch(/\*$|:\*/);
      if (
        list(statement.Resource).includes('*') &&
        !list(statement.Action).some((a) => a.startsWith('kms:'))
      ) {
        expect(
          actions.filter((action) => !isRead(action)),
          `${where} ${String(statement.Sid ?? '')}`,
        ).toEqual([]);
      }
    }
  });

  it('attaches no managed policy to any role (AWSLambdaBasicExecutionRole writes logs on "*")', () => {
    const { template } = synth();

    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  it("keeps each role's inline policy well under IAM's 10,240-character limit", () => {
    const { template } = synth({ allowAdoption: true, sesSandbox: true });
    const documents = Object.values(template.findResources('AWS::IAM::Policy')).map(
      (policy) => resolve(policy.Properties.PolicyDocument) as PolicyDocument,
    );

    expect(documents).toHaveLength(3);
    for (const document of documents) expect(inlinePolicySize([document])).toBeLessThan(7_000);
  });

  it('synthesizes in us-east-1, where IAM events reach EventBridge', () => {
    const { stack, template } = synth();

    expect(stack.region).toBe('us-east-1');
    template.resourceCountIs('AWS::Events::Rule', 1);
  });

  it('refuses another region, saying why and where to read about forwarding', () => {
    expect(() => synth({}, { region: 'eu-west-1' })).toThrow(RegionError);
    expect(() => synth({}, { region: 'eu-west-1' })).toThrow(
      /IamGitops must be deployed to us-east-1, got eu-west-1: IAM's CloudTrail events reach EventBridge in us-east-1 only\..*docs\/infrastructure\.md, "Other regions"/,
    );
  });

  it('refuses an environment-agnostic stack, whose region is unknown at synth', () => {
    expect(() =>
      withApp(
        (app) =>
          new IamGitopsStack(app, 'Agnostic', {
            settings: settingsFrom(),
            lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
          }),
      ),
    ).toThrow(/got no region \(environment-agnostic\)/);
  });

  it('outputs what the workflow and the operator need', () => {
    const { template } = synth();

    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'ApplyRoleArn',
      'ConfigurationSetName',
      'CredentialFunctionName',
      'DeadLetterQueueUrl',
      'IamPath',
      'PlanRoleArn',
      'SenderIdentity',
      'TopicArn',
      'TrailArn',
    ]);
    template.hasOutput('PlanRoleArn', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GitHubPlanRole'), 'Arn'] },
    });
    template.hasOutput('ApplyRoleArn', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GitHubApplyRole'), 'Arn'] },
    });
    template.hasOutput('TopicArn', { Value: { Ref: Match.stringLikeRegexp('^CredentialsTopic') } });
    template.hasOutput('IamPath', { Value: '/iam-gitops/' });
  });
});

describe('cdk-nag AwsSolutions over the stack', { timeout: SYNTH_TIMEOUT }, () => {
  const cases: { name: string; context: TestContext; config: ConfigFixture }[] = [
    { name: 'the defaults, every guardrail set', context: {}, config: 'guarded' },
    {
      name: 'every option on, the guardrails opted out',
      context: {
        senderDomain: 'example.com',
        alarmEmail: 'ops@example.com',
        allowAdoption: true,
        sesSandbox: true,
        groupPath: '/iam-gitops/',
      },
      config: 'open',
    },
    {
      name: 'what the account has already',
      context: { existingTrail: true, existingOidcProvider: true, existingSenderIdentity: true },
      config: 'boundary-arn',
    },
  ];

  it.each(cases)('finds nothing unacknowledged: $name', ({ context, config }) => {
    const { stack } = synth(context, { config });

    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives a reason for every acknowledgement', () => {
    const { stack } = synth({ allowAdoption: true, sesSandbox: true });
    const acknowledged = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>));

    expect(acknowledged.length).toBeGreaterThanOrEqual(10);
    for (const [id, value] of acknowledged) {
      expect(id).toMatch(/AwsSolutions-(IAM5\[Resource::.+\]|SQS3|S1)$/);
      expect(JSON.stringify(value), id).toMatch(/.{40,}/);
    }
  });
});

// The guarantees of DESIGN.md ("Guardrails", "Provenance") as IAM decides them over the synthesized
// template (the guarded fixture: groups developers and oncall, ReadOnlyAccess and ViewOnlyAccess,
// the boundary iam-gitops-boundary, recipients in example.com and corp.example.org), each Deny
// beside its positive control. Decided by @cloud-copilot/iam-simulate (test/infra/support).
describe('the synthesized policies, as IAM decides them', { timeout: SYNTH_TIMEOUT }, () => {
  const { template } = synth({ githubOwnerId: '111', githubRepositoryId: '222' });
  const ACCOUNT = '111122223333';
  const REPOSITORY = 'example-org/iam-users';
  const id = (type: string, prefix: string) => logicalId(template, type, prefix);
  const topicName = resourcesOf(template)[id('AWS::SNS::Topic', 'CredentialsTopic')]?.Properties
    ?.TopicName as string;
  const ruleName = resourcesOf(template)[id('AWS::Events::Rule', 'CredentialsRule')]?.Properties
    ?.Name as string;
  const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:${topicName}`;
  const ruleArn = `arn:aws:events:us-east-1:${ACCOUNT}:rule/${ruleName}`;
  const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
  const physical = {
    [id('AWS::SNS::Topic', 'CredentialsTopic')]: topicArn,
    [id('AWS::SES::ConfigurationSet', 'SenderConfigurationSet')]: 'tls',
    [id('AWS::IAM::OIDCProvider', 'GitHubProvider')]: providerArn,
  };
  const policiesOf = (prefix: string) => rolePolicies(template, id('AWS::IAM::Role', prefix), physical);
  const apply = policiesOf('GitHubApplyRole');
  const plan = policiesOf('GitHubPlanRole');
  const credentials = policiesOf('CredentialsRole');
  const topicPolicy = resourcePolicy(
    template,
    id('AWS::SNS::TopicPolicy', 'CredentialsTopicPolicy'),
    'PolicyDocument',
    physical,
  );
  const keyPolicy = resourcePolicy(
    template,
    id('AWS::KMS::Key', 'CredentialsTopicKey'),
    'KeyPolicy',
    physical,
  );
  const trust = (prefix: string) => trustPolicy(template, id('AWS::IAM::Role', prefix), physical);

  const userArn = (path = '/iam-gitops/') => `arn:aws:iam::${ACCOUNT}:user${path}alice@example.com`;
  const group = (path: string) => `arn:aws:iam::${ACCOUNT}:group${path}`;
  const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/iam-gitops-boundary`;
  const ours = { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: REPOSITORY };
  const foreign = { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: 'someone-else/roster' };
  const tags = (values: Record<string, string>) => ({
    'aws:TagKeys': Object.keys(values),
    ...Object.fromEntries(Object.entries(values).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
  });
  const newUserTags = (values: Record<string, string> = {}) =>
    tags({
      [TAG_MANAGED_BY]: REPOSITORY,
      [TAG_EMAIL]: 'alice@example.com',
      [TAG_CONSOLE]: 'true',
      ...values,
    });
  const policy = (name: string) => ({ 'iam:PolicyARN': `arn:aws:iam::aws:policy/${name}` });
  const allowAllPublish: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }],
  };
  const overTls = { 'aws:SecureTransport': 'true' };
  const github = (sub: string) => ({
    'token.actions.githubusercontent.com:sub': sub,
    'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
  });

  interface Row {
    readonly why: string;
    readonly expected: Decision;
    readonly decide: () => Promise<Decision> | Decision;
  }
  const byApply =
    (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    () =>
      decideIdentity(apply, { action, resource, context });
  const byPlan =
    (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    () =>
      decideIdentity(plan, { action, resource, context });
  const byLambda =
    (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    () =>
      decideIdentity(credentials, { action, resource, context });
  const publish =
    (principal: string, context: Record<string, string>, identity: PolicyDocument[] = []) =>
    () =>
      decideWithResourcePolicy(
        topicPolicy,
        { principal, action: 'sns:Publish', resource: topicArn, context },
        identity,
      );
  const encrypt =
    (sourceArn: string, topic = topicArn) =>
    () =>
      decideKeyPolicy(keyPolicy, {
        principal: 'events.amazonaws.com',
        action: 'kms:GenerateDataKey',
        resource: keyArn,
        context: { 'aws:SourceArn': sourceArn, 'kms:EncryptionContext:aws:sns:topicArn': topic },
      });
  const assume = (prefix: string, sub: string) => () =>
    decideTrust(trust(prefix), {
      providerArn,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${prefix}`,
      context: github(sub),
    });

  const ROWS: Row[] = [
    // Managed policies: only the guardrail's, and IAMUserChangePassword.
    {
      why: 'apply: attach AdministratorAccess',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:AttachUserPolicy', userArn(), { ...ours, ...policy('AdministratorAccess') }),
    },
    {
      why: 'apply: attach ReadOnlyAccess (listed)',
      expected: 'Allowed',
      decide: byApply('iam:AttachUserPolicy', userArn(), { ...ours, ...policy('ReadOnlyAccess') }),
    },
    {
      why: 'apply: attach IAMUserChangePassword (always allowed)',
      expected: 'Allowed',
      decide: byApply('iam:AttachUserPolicy', userArn(), { ...ours, ...policy('IAMUserChangePassword') }),
    },
    {
      why: 'apply: attach a customer policy of the account',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:AttachUserPolicy', userArn(), {
        ...ours,
        'iam:PolicyARN': `arn:aws:iam::${ACCOUNT}:policy/admin`,
      }),
    },
    {
      why: 'apply: detach a policy outside the list',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:DetachUserPolicy', userArn(), { ...ours, ...policy('AdministratorAccess') }),
    },
    {
      why: 'apply: detach ViewOnlyAccess (listed, with a path)',
      expected: 'Allowed',
      decide: byApply('iam:DetachUserPolicy', userArn(), {
        ...ours,
        'iam:PolicyARN': 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      }),
    },
    // Groups: only the listed ones.
    {
      why: 'apply: add to Administrators',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:AddUserToGroup', group('/Administrators')),
    },
    {
      why: 'apply: add to developers (listed)',
      expected: 'Allowed',
      decide: byApply('iam:AddUserToGroup', group('/developers')),
    },
    {
      why: 'apply: remove from a group not listed',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:RemoveUserFromGroup', group('/admins')),
    },
    {
      why: 'apply: remove from oncall (listed, at a path)',
      expected: 'Allowed',
      decide: byApply('iam:RemoveUserFromGroup', group('/teams/oncall')),
    },
    // The boundary: set on creation, never removed, never replaced by another.
    {
      why: 'apply: CreateUser without a boundary',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:CreateUser', userArn(), newUserTags()),
    },
    {
      why: 'apply: CreateUser with another boundary',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:CreateUser', userArn(), {
        ...newUserTags(),
        'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/wide-open`,
      }),
    },
    {
      why: 'apply: CreateUser with the boundary and the tags',
      expected: 'Allowed',
      decide: byApply('iam:CreateUser', userArn(), { ...newUserTags(), 'iam:PermissionsBoundary': BOUNDARY }),
    },
    {
      why: 'apply: the new user’s tags (authorized as TagUser on a user with none)',
      expected: 'Allowed',
      decide: byApply('iam:TagUser', userArn(), newUserTags()),
    },
    {
      why: 'apply: CreateUser without the managed-by tag',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:CreateUser', userArn(), {
        ...tags({ [TAG_EMAIL]: 'alice@example.com' }),
        'iam:PermissionsBoundary': BOUNDARY,
      }),
    },
    {
      why: 'apply: CreateUser managed by another repository',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:CreateUser', userArn(), {
        ...newUserTags({ [TAG_MANAGED_BY]: 'someone-else/roster' }),
        'iam:PermissionsBoundary': BOUNDARY,
      }),
    },
    {
      why: 'apply: CreateUser outside the path',
      expected: 'ImplicitlyDenied',
      decide: byApply('iam:CreateUser', userArn('/'), {
        ...newUserTags(),
        'iam:PermissionsBoundary': BOUNDARY,
      }),
    },
    {
      why: 'apply: PutUserPermissionsBoundary to another policy',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:PutUserPermissionsBoundary', userArn(), {
        ...ours,
        'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/wide-open`,
      }),
    },
    {
      why: 'apply: PutUserPermissionsBoundary to the guardrail’s (restore)',
      expected: 'Allowed',
      decide: byApply('iam:PutUserPermissionsBoundary', userArn(), {
        ...ours,
        'iam:PermissionsBoundary': BOUNDARY,
      }),
    },
    {
      why: 'apply: DeleteUserPermissionsBoundary of its own user',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:DeleteUserPermissionsBoundary', userArn(), {
        ...ours,
        'iam:PermissionsBoundary': BOUNDARY,
      }),
    },
    // The email tag: inside the recipient domains, exactly and in lower case.
    {
      why: 'apply: email tag outside the domains',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:TagUser', userArn(), { ...ours, ...tags({ [TAG_EMAIL]: 'attacker@evil.test' }) }),
    },
    {
      why: 'apply: email tag inside the domains',
      expected: 'Allowed',
      decide: byApply('iam:TagUser', userArn(), {
        ...ours,
        ...tags({ [TAG_EMAIL]: 'alice@corp.example.org' }),
      }),
    },
    {
      why: 'apply: email tag in a look-alike domain',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:TagUser', userArn(), {
        ...ours,
        ...tags({ [TAG_EMAIL]: 'alice@evil-example.com' }),
      }),
    },
    {
      why: 'apply: email tag with the domain in upper case',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:TagUser', userArn(), { ...ours, ...tags({ [TAG_EMAIL]: 'alice@EXAMPLE.COM' }) }),
    },
    {
      why: 'apply: CreateUser with an email outside the domains',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:CreateUser', userArn(), {
        ...newUserTags({ [TAG_EMAIL]: 'attacker@evil.test' }),
        'iam:PermissionsBoundary': BOUNDARY,
      }),
    },
    // Existing users: this repository's only; a missing tag is a Deny.
    {
      why: 'apply: delete an untagged user under the path',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:DeleteUser', userArn()),
    },
    {
      why: 'apply: delete its own user',
      expected: 'Allowed',
      decide: byApply('iam:DeleteUser', userArn(), ours),
    },
    {
      why: 'apply: attach a listed policy to an untagged user',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:AttachUserPolicy', userArn(), policy('ReadOnlyAccess')),
    },
    {
      why: 'apply: delete the login profile of another repository’s user',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:DeleteLoginProfile', userArn(), foreign),
    },
    {
      why: 'apply: delete the login profile of its own user',
      expected: 'Allowed',
      decide: byApply('iam:DeleteLoginProfile', userArn(), ours),
    },
    {
      why: 'apply: request credentials for an untagged user',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:TagUser', userArn(), tags({ [TAG_CREDENTIALS_REQUESTED]: 'now run 1' })),
    },
    {
      why: 'apply: request credentials for another repository’s user',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:TagUser', userArn(), {
        ...foreign,
        ...tags({ [TAG_CREDENTIALS_REQUESTED]: 'now run 1' }),
      }),
    },
    {
      why: 'apply: request credentials for its own user',
      expected: 'Allowed',
      decide: byApply('iam:TagUser', userArn(), {
        ...ours,
        ...tags({ [TAG_CREDENTIALS_REQUESTED]: 'now run 1' }),
      }),
    },
    {
      why: 'apply: forge the Lambda’s credentials-sent marker',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:TagUser', userArn(), { ...ours, ...tags({ [TAG_CREDENTIALS_SENT]: 'event-1' }) }),
    },
    {
      why: 'apply: remove the managed-by tag',
      expected: 'ExplicitlyDenied',
      decide: byApply('iam:UntagUser', userArn(), { ...ours, 'aws:TagKeys': [TAG_MANAGED_BY] }),
    },
    {
      why: 'apply: remove a roster tag',
      expected: 'Allowed',
      decide: byApply('iam:UntagUser', userArn(), { ...ours, 'aws:TagKeys': ['team'] }),
    },
    {
      why: 'apply: set a password',
      expected: 'ImplicitlyDenied',
      decide: byApply('iam:CreateLoginProfile', userArn(), ours),
    },
    {
      why: 'apply: create an access key',
      expected: 'ImplicitlyDenied',
      decide: byApply('iam:CreateAccessKey', userArn(), ours),
    },
    // The plan role reads only.
    {
      why: 'plan: read the account',
      expected: 'Allowed',
      decide: byPlan('iam:GetAccountAuthorizationDetails', '*'),
    },
    {
      why: 'plan: create a user',
      expected: 'ImplicitlyDenied',
      decide: byPlan('iam:CreateUser', userArn(), { ...newUserTags(), 'iam:PermissionsBoundary': BOUNDARY }),
    },
    {
      why: 'plan: attach a listed policy',
      expected: 'ImplicitlyDenied',
      decide: byPlan('iam:AttachUserPolicy', userArn(), { ...ours, ...policy('ReadOnlyAccess') }),
    },
    // The Lambda: passwords for this repository's users only, mail from the sender only.
    {
      why: 'lambda: password for its repository’s user',
      expected: 'Allowed',
      decide: byLambda('iam:CreateLoginProfile', userArn(), ours),
    },
    {
      why: 'lambda: password for an untagged user under the path',
      expected: 'ImplicitlyDenied',
      decide: byLambda('iam:CreateLoginProfile', userArn()),
    },
    {
      why: 'lambda: new password for another repository’s user',
      expected: 'ImplicitlyDenied',
      decide: byLambda('iam:UpdateLoginProfile', userArn(), foreign),
    },
    {
      why: 'lambda: password for a user outside the path',
      expected: 'ImplicitlyDenied',
      decide: byLambda('iam:CreateLoginProfile', userArn('/'), ours),
    },
    {
      why: 'lambda: mark credentials sent',
      expected: 'Allowed',
      decide: byLambda('iam:TagUser', userArn(), { ...ours, 'aws:TagKeys': [TAG_CREDENTIALS_SENT] }),
    },
    {
      why: 'lambda: request credentials itself',
      expected: 'ImplicitlyDenied',
      decide: byLambda('iam:TagUser', userArn(), { ...ours, 'aws:TagKeys': [TAG_CREDENTIALS_REQUESTED] }),
    },
    {
      why: 'lambda: send from the sender address',
      expected: 'Allowed',
      decide: byLambda('ses:SendEmail', `arn:aws:ses:us-east-1:${ACCOUNT}:identity/iam@example.com`, {
        'ses:FromAddress': 'iam@example.com',
      }),
    },
    {
      why: 'lambda: send from another address of the identity',
      expected: 'ImplicitlyDenied',
      decide: byLambda('ses:SendEmail', `arn:aws:ses:us-east-1:${ACCOUNT}:identity/iam@example.com`, {
        'ses:FromAddress': 'ceo@example.com',
      }),
    },
    // The topic: the rule, and no one else, publishes.
    {
      why: 'topic: the rule publishes',
      expected: 'Allowed',
      decide: publish('events.amazonaws.com', { ...overTls, 'aws:SourceArn': ruleArn }),
    },
    {
      why: 'topic: another rule publishes',
      expected: 'ExplicitlyDenied',
      decide: publish('events.amazonaws.com', {
        ...overTls,
        'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/forged`,
      }),
    },
    {
      why: 'topic: a role of the account allowed sns:Publish on *',
      expected: 'ExplicitlyDenied',
      decide: publish(`arn:aws:sts::${ACCOUNT}:assumed-role/admin/mallory`, overTls, [allowAllPublish]),
    },
    {
      why: 'topic: the account root',
      expected: 'ExplicitlyDenied',
      decide: publish(`arn:aws:iam::${ACCOUNT}:root`, overTls, [allowAllPublish]),
    },
    {
      why: 'topic: another account',
      expected: 'ExplicitlyDenied',
      decide: publish('arn:aws:iam::444455556666:root', overTls, [allowAllPublish]),
    },
    {
      why: 'topic: the rule, without TLS',
      expected: 'ExplicitlyDenied',
      decide: publish('events.amazonaws.com', { 'aws:SecureTransport': 'false', 'aws:SourceArn': ruleArn }),
    },
    // The key: EventBridge encrypts for this rule into this topic only.
    { why: 'key: EventBridge for the rule into the topic', expected: 'Allowed', decide: encrypt(ruleArn) },
    {
      why: 'key: EventBridge for another rule',
      expected: 'ImplicitlyDenied',
      decide: encrypt(`arn:aws:events:us-east-1:${ACCOUNT}:rule/forged`),
    },
    {
      why: 'key: EventBridge for the rule into another topic',
      expected: 'ImplicitlyDenied',
      decide: encrypt(ruleArn, `arn:aws:sns:us-east-1:${ACCOUNT}:other`),
    },
    // The trust policies: this repository's environment applies, its pull requests plan.
    {
      why: 'trust: apply from the iam-gitops environment',
      expected: 'Allowed',
      decide: assume('GitHubApplyRole', `repo:${REPOSITORY}:environment:iam-gitops`),
    },
    {
      why: 'trust: apply from the environment, immutable subject',
      expected: 'Allowed',
      decide: assume('GitHubApplyRole', 'repo:example-org@111/iam-users@222:environment:iam-gitops'),
    },
    {
      why: 'trust: apply from another repository’s iam-gitops environment',
      expected: 'ImplicitlyDenied',
      decide: assume('GitHubApplyRole', 'repo:attacker/iam-users:environment:iam-gitops'),
    },
    {
      why: 'trust: apply from the default branch outside the environment',
      expected: 'ImplicitlyDenied',
      decide: assume('GitHubApplyRole', `repo:${REPOSITORY}:ref:refs/heads/main`),
    },
    {
      why: 'trust: apply from a pull request',
      expected: 'ImplicitlyDenied',
      decide: assume('GitHubApplyRole', `repo:${REPOSITORY}:pull_request`),
    },
    {
      why: 'trust: plan from a pull request',
      expected: 'Allowed',
      decide: assume('GitHubPlanRole', `repo:${REPOSITORY}:pull_request`),
    },
    {
      why: 'trust: plan from another repository’s pull request',
      expected: 'ImplicitlyDenied',
      decide: assume('GitHubPlanRole', 'repo:attacker/iam-users:pull_request'),
    },
  ];

  it('has at least 40 requests, each Deny beside an Allow on the same subject', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
    const subjects = new Set(ROWS.map((row) => row.why.split(':')[0]));
    for (const subject of subjects) {
      const decisions = ROWS.filter((row) => row.why.startsWith(`${subject}:`)).map((row) => row.expected);
      expect(decisions, subject).toContain('Allowed');
      expect(
        decisions.some((decision) => decision !== 'Allowed'),
        subject,
      ).toBe(true);
    }
  });

  it.each(ROWS)('$why: $expected', async ({ expected, decide }) => {
    expect(await decide()).toBe(expected);
  });
});
