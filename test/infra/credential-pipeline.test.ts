import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TAG_CREDENTIALS_SENT, TAG_EMAIL, TAG_MANAGED_BY } from '../../src/contract.js';
import { type AuthorizationRequest, evaluate, type PolicyStatement } from './support/policy-evaluator.js';
import { logicalId, roleStatements, SYNTH_TIMEOUT, type Synthesized, synth } from './support/synth.js';

const ACCOUNT = '111122223333';
const managedUser = `arn:aws:iam::${ACCOUNT}:user/iam-gitops/alice@example.com`;
const outsideUser = `arn:aws:iam::${ACCOUNT}:user/alice@example.com`;
const senderIdentity = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/iam@example.com`;

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('CredentialPipeline', { timeout: SYNTH_TIMEOUT }, () => {
  let synthesized: Synthesized;
  let ids: { queue: string; topic: string; fn: string; rule: string; logs: string; role: string };

  beforeAll(() => {
    synthesized = synth();
    const { template } = synthesized;
    ids = {
      queue: logicalId(template, 'AWS::SQS::Queue', 'CredentialsDeadLetterQueue'),
      topic: logicalId(template, 'AWS::SNS::Topic', 'CredentialsTopic'),
      fn: logicalId(template, 'AWS::Lambda::Function', 'CredentialsFunction'),
      rule: logicalId(template, 'AWS::Events::Rule', 'CredentialsRule'),
      logs: logicalId(template, 'AWS::Logs::LogGroup', 'CredentialsLogs'),
      role: logicalId(template, 'AWS::IAM::Role', 'CredentialsRole'),
    };
  }, SYNTH_TIMEOUT);

  describe('the Lambda', () => {
    it('runs the built handler on Node.js 24 (22 or newer), arm64, with source maps', () => {
      synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Role: arnOf(ids.role),
        Environment: {
          Variables: Match.objectEquals({
            SENDER_EMAIL: 'iam@example.com',
            IAM_PATH: '/iam-gitops/',
            TOPIC_ARN: { Ref: ids.topic },
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
        LoggingConfig: { LogGroup: { Ref: ids.logs } },
      });
    });

    it('passes the optional email domain and sign-in URL when they are set', () => {
      const { template } = synth({
        emailDomain: 'example.com',
        signInUrl: 'https://example.awsapps.com/start',
      });

      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            EMAIL_DOMAIN: 'example.com',
            SIGN_IN_URL: 'https://example.awsapps.com/start',
          }),
        },
      });
    });

    it('logs to its own group, kept for 90 days', () => {
      synthesized.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    });
  });

  describe('the dead-letter queue', () => {
    it('receives what the Lambda gives up on after its two retries', () => {
      synthesized.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: ids.fn },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: arnOf(ids.queue) } },
      });
    });

    it('receives what SNS cannot deliver to the Lambda', () => {
      synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: { Ref: ids.topic },
        Endpoint: arnOf(ids.fn),
        RedrivePolicy: { deadLetterTargetArn: arnOf(ids.queue) },
      });
    });

    it('receives what the rule cannot deliver to the topic', () => {
      synthesized.template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          { Arn: { Ref: ids.topic }, DeadLetterConfig: { Arn: arnOf(ids.queue) }, Id: Match.anyValue() },
        ],
      });
    });

    it('lets only this topic and this rule send to it, over TLS, encrypted at rest', () => {
      const { template } = synthesized;

      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: ids.queue }],
        PolicyDocument: {
          Statement: Match.arrayEquals([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnEquals: { 'aws:SourceArn': { Ref: ids.topic } } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnEquals: { 'aws:SourceArn': arnOf(ids.rule) } },
            }),
          ]),
        },
      });
    });

    it('raises an alarm as soon as one message is visible', () => {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it('emails the alarm when an address is configured, and has no action otherwise', () => {
      const { template } = synth({ alarmEmail: 'ops@example.com' });

      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^CredentialsAlarmTopic') }],
      });
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
    });
  });

  describe('the topic', () => {
    it('accepts publications from this rule only', () => {
      synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: ids.topic }],
        PolicyDocument: {
          Statement: Match.arrayEquals([
            {
              Sid: 'EventBridgeRulePublishes',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: ids.topic },
              Condition: { ArnEquals: { 'aws:SourceArn': arnOf(ids.rule) } },
            },
          ]),
        },
      });
    });

    it('may invoke the Lambda, and nothing else may', () => {
      synthesized.template.resourceCountIs('AWS::Lambda::Permission', 1);
      synthesized.template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: ids.topic },
      });
    });
  });

  describe("the Lambda's role (evaluated)", () => {
    let statements: PolicyStatement[];
    beforeAll(() => {
      statements = roleStatements(synthesized.template, ids.role);
    });
    const decide = (request: AuthorizationRequest) => evaluate(statements, request);

    it.each(['iam:GetUser', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile'])(
      'allows %s on a managed user and on no one else',
      (action) => {
        expect(decide({ action, resource: managedUser })).toBe('allow');
        expect(decide({ action, resource: outsideUser })).toBe('implicit-deny');
      },
    );

    it('may tag a managed user with its own marker only', () => {
      const tagging = (keys: string[]) => ({
        action: 'iam:TagUser',
        resource: managedUser,
        context: { 'aws:TagKeys': keys },
      });
      expect(decide(tagging([TAG_CREDENTIALS_SENT]))).toBe('allow');
      expect(decide(tagging([TAG_MANAGED_BY]))).toBe('implicit-deny');
      expect(decide(tagging([TAG_CREDENTIALS_SENT, TAG_EMAIL]))).toBe('implicit-deny');
      expect(decide({ action: 'iam:TagUser', resource: managedUser })).toBe('implicit-deny');
      expect(decide({ ...tagging([TAG_CREDENTIALS_SENT]), resource: outsideUser })).toBe('implicit-deny');
    });

    it('reads the password policy and the account alias', () => {
      expect(decide({ action: 'iam:GetAccountPasswordPolicy', resource: '*' })).toBe('allow');
      expect(decide({ action: 'iam:ListAccountAliases', resource: '*' })).toBe('allow');
    });

    it('sends from the sender identity only, unless SES is in the sandbox', () => {
      const other = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/alice@example.com`;
      expect(decide({ action: 'ses:SendEmail', resource: senderIdentity })).toBe('allow');
      expect(decide({ action: 'ses:SendEmail', resource: other })).toBe('implicit-deny');

      const { template } = synth({ sesSandbox: true });
      const sandboxed = roleStatements(template, logicalId(template, 'AWS::IAM::Role', 'CredentialsRole'));
      expect(evaluate(sandboxed, { action: 'ses:SendEmail', resource: other })).toBe('allow');
      expect(
        evaluate(sandboxed, {
          action: 'ses:SendEmail',
          resource: 'arn:aws:ses:us-east-1:444455556666:identity/x.com',
        }),
      ).toBe('implicit-deny');
    });

    it('writes its own logs and dead letters, and may not attach policies or touch keys', () => {
      expect(decide({ action: 'logs:PutLogEvents', resource: `<${ids.logs}.Arn>` })).toBe('allow');
      expect(decide({ action: 'sqs:SendMessage', resource: `<${ids.queue}.Arn>` })).toBe('allow');
      for (const action of [
        'iam:AttachUserPolicy',
        'iam:CreateAccessKey',
        'iam:DeleteLoginProfile',
        'iam:CreateUser',
      ]) {
        expect(decide({ action, resource: managedUser }), action).toBe('implicit-deny');
      }
    });
  });
});
