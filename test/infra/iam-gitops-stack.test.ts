import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { IamGitopsStack, RegionError } from '../../infra/lib/iam-gitops-stack.js';
import type { PolicyStatement } from './support/policy-evaluator.js';
import { resolve } from './support/policy-evaluator.js';
import { SYNTH_TIMEOUT, settingsFrom, synth, TEST_ENVIRONMENT } from './support/synth.js';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function resourceCounts(resources: Resources): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { Type } of Object.values(resources)) counts[Type] = (counts[Type] ?? 0) + 1;
  return counts;
}

/** Every policy document in the template: identity policies and resource policies alike. */
function allStatements(resources: Resources): { where: string; statement: PolicyStatement }[] {
  const found: { where: string; statement: PolicyStatement }[] = [];
  const add = (where: string, document: unknown) => {
    const resolved = resolve(document, TEST_ENVIRONMENT) as { Statement: PolicyStatement[] };
    for (const statement of resolved.Statement) found.push({ where, statement });
  };
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    if ('PolicyDocument' in properties) add(id, properties.PolicyDocument);
    for (const policy of (properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
      add(id, policy.PolicyDocument);
    }
  }
  return found;
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** Reads by IAM's own naming: Get*, List*, Describe*. Everything else counts as a write. */
const isRead = (action: string) => /^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*$/.test(action);

describe('IamGitopsStack', { timeout: SYNTH_TIMEOUT }, () => {
  it('makes exactly the installation: trail, SES identity, pipeline, OIDC provider and roles', () => {
    const { template } = synth();

    expect(resourceCounts(template.toJSON().Resources as Resources)).toEqual({
      'AWS::S3::Bucket': 1,
      'AWS::S3::BucketPolicy': 1,
      'AWS::CloudTrail::Trail': 1,
      'AWS::SES::EmailIdentity': 1,
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
      'AWS::CloudWatch::Alarm': 1,
    });
  });

  it('leaves out what the account already has', () => {
    const { template } = synth({
      existingTrail: true,
      existingOidcProvider: true,
      existingSenderIdentity: true,
    });
    const counts = resourceCounts(template.toJSON().Resources as Resources);

    expect(counts['AWS::CloudTrail::Trail']).toBeUndefined();
    expect(counts['AWS::S3::Bucket']).toBeUndefined();
    expect(counts['AWS::IAM::OIDCProvider']).toBeUndefined();
    expect(counts['AWS::SES::EmailIdentity']).toBeUndefined();
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
    const statements = allStatements(template.toJSON().Resources as Resources);
    const allows = statements.filter(({ statement }) => statement.Effect === 'Allow');

    expect(allows.length).toBeGreaterThan(10);
    for (const { where, statement } of allows) {
      const actions = list(statement.Action);
      expect(statement.NotAction, where).toBeUndefined();
      expect(statement.NotResource, where).toBeUndefined();
      for (const action of actions) expect(action, where).not.toContain('*');
      if (list(statement.Resource).includes('*')) {
        expect(
          actions.filter((action) => !isRead(action)),
          `${where} ${statement.Sid ?? ''}`,
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

  it('synthesizes in us-east-1, where IAM events reach EventBridge', () => {
    const { stack, template } = synth();

    expect(stack.region).toBe('us-east-1');
    template.resourceCountIs('AWS::Events::Rule', 1);
  });

  it('refuses another region, saying why and where to read about forwarding', () => {
    expect(() => synth({}, 'eu-west-1')).toThrow(RegionError);
    expect(() => synth({}, 'eu-west-1')).toThrow(
      /IamGitops must be deployed to us-east-1, got eu-west-1: IAM's CloudTrail events reach EventBridge in us-east-1 only\..*docs\/infrastructure\.md, "Other regions"/,
    );
  });

  it('refuses an environment-agnostic stack, whose region is unknown at synth', () => {
    const app = new App();

    expect(
      () =>
        new IamGitopsStack(app, 'Agnostic', {
          settings: settingsFrom(),
          lambdaCode: lambda.Code.fromInline('export const handler = async () => undefined;'),
        }),
    ).toThrow(/got no region \(environment-agnostic\)/);
  });

  it('outputs what the workflow and the operator need', () => {
    const { template } = synth();

    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'ApplyRoleArn',
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
