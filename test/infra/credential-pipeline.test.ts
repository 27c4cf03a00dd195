import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import { beforeAll, describe, expect, it } from 'vitest';
import { CredentialPipeline } from '../../infra/lib/credential-pipeline.js';
import { LAMBDA_ENVIRONMENT_MAX_BYTES, LambdaEnvironmentError } from '../../infra/lib/lambda-environment.js';
import {
  LAMBDA_ENV,
  LAMBDA_METRICS,
  type MemberAccountsValue,
  TAG_CREDENTIALS_SENT,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { type Decision, decideIdentity, type SimulatedRequest } from './support/iam-simulator.js';
import {
  logicalId,
  SYNTH_TIMEOUT,
  type Synthesized,
  settingsFrom,
  synth,
  type TestContext,
  withApp,
} from './support/synth.js';
import { type PolicyDocument, rolePolicies, TEST_ENVIRONMENT } from './support/template-policies.js';

const ACCOUNT = TEST_ENVIRONMENT.accountId;
const REPOSITORY = 'example-org/iam-users';
const managedUser = `arn:aws:iam::${ACCOUNT}:user/iam-gitops/alice@example.com`;
const outsideUser = `arn:aws:iam::${ACCOUNT}:user/alice@example.com`;
const senderIdentity = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/iam@example.com`;
const CONFIGURATION_SET_NAME = 'iam-gitops-tls';
const configurationSet = `arn:aws:ses:us-east-1:${ACCOUNT}:configuration-set/${CONFIGURATION_SET_NAME}`;
const ours = { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: REPOSITORY };
const fromSender = { 'ses:FromAddress': 'iam@example.com' };

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** The Lambda role's policies, with the configuration set's Ref resolved to a name. */
function lambdaRole(context: TestContext = {}) {
  const { template } = synth(context);
  const physical = {
    [logicalId(template, 'AWS::SES::ConfigurationSet', 'SenderConfigurationSet')]: CONFIGURATION_SET_NAME,
  };
  const policies = rolePolicies(template, logicalId(template, 'AWS::IAM::Role', 'CredentialsRole'), physical);
  return (request: Omit<SimulatedRequest, 'principal'>): Promise<Decision> =>
    decideIdentity(policies, request);
}

describe('CredentialPipeline', { timeout: SYNTH_TIMEOUT }, () => {
  let synthesized: Synthesized;
  let ids: {
    queue: string;
    topic: string;
    fn: string;
    rule: string;
    logs: string;
    role: string;
    key: string;
    applyRole: string;
    configurationSet: string;
  };

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
      key: logicalId(template, 'AWS::KMS::Key', 'CredentialsTopicKey'),
      applyRole: logicalId(template, 'AWS::IAM::Role', 'GitHubApplyRole'),
      configurationSet: logicalId(template, 'AWS::SES::ConfigurationSet', 'SenderConfigurationSet'),
    };
  }, SYNTH_TIMEOUT);

  describe('the Lambda', () => {
    it('runs the built handler on Node.js 24, arm64, with its provenance and guardrail settings', () => {
      synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Role: arnOf(ids.role),
        Environment: {
          Variables: Match.objectEquals({
            [LAMBDA_ENV.sender]: 'iam@example.com',
            [LAMBDA_ENV.managedPath]: '/iam-gitops/',
            [LAMBDA_ENV.topicArn]: { Ref: ids.topic },
            // The apply role's ARN as CloudFormation gives it: path included.
            [LAMBDA_ENV.applyRoleArn]: arnOf(ids.applyRole),
            [LAMBDA_ENV.recipientDomains]: 'example.com,corp.example.org',
            [LAMBDA_ENV.configurationSet]: { Ref: ids.configurationSet },
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
        LoggingConfig: { LogGroup: { Ref: ids.logs } },
      });
    });

    it('passes no recipient domains when the guardrails name none, and the optional settings when set', () => {
      const { template } = synth(
        { emailDomain: 'example.com', signInUrl: 'https://example.awsapps.com/start' },
        { config: 'open' },
      );

      const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
      const variables = fn?.Properties?.Environment?.Variables as Record<string, unknown>;
      expect(variables[LAMBDA_ENV.recipientDomains]).toBeUndefined();
      expect(variables[LAMBDA_ENV.emailDomain]).toBe('example.com');
      expect(variables[LAMBDA_ENV.signInUrl]).toBe('https://example.awsapps.com/start');
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
      const ruleName = synthesized.template.toJSON().Resources[ids.rule].Properties.Name as string;
      synthesized.template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
      synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
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
              Condition: {
                ArnEquals: {
                  'aws:SourceArn': Match.objectLike({
                    'Fn::Join': ['', Match.arrayWith([`:rule/${ruleName}`])],
                  }),
                },
              },
            }),
          ]),
        },
      });
    });
  });

  describe('the alarms', () => {
    it('watch the queue from its first message', () => {
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

    it.each([LAMBDA_METRICS.refused, LAMBDA_METRICS.undeliverable])(
      "watch the Lambda's %s metric from its first count",
      (metricName) => {
        synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: LAMBDA_METRICS.namespace,
          MetricName: metricName,
          Dimensions: [{ Name: 'service', Value: LAMBDA_METRICS.service }],
          Statistic: 'Sum',
          Period: 300,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
        });
      },
    );

    it('are all emailed when an address is configured, through an encrypted topic, and have no action otherwise', () => {
      const { template } = synth({ alarmEmail: 'ops@example.com' });
      const alarmTopic = logicalId(template, 'AWS::SNS::Topic', 'CredentialsAlarmTopic');

      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
      });
      template.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: Match.objectLike({
          'Fn::GetAtt': [Match.stringLikeRegexp('^CredentialsTopicKey'), 'Arn'],
        }),
        TopicName: Match.stringLikeRegexp('-alarms$'),
      });
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(3);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: alarmTopic }]);
      for (const alarm of Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(alarm.Properties.AlarmActions).toBeUndefined();
      }
    });
  });

  describe('the topic', () => {
    it('is encrypted with the rotated customer managed key', () => {
      synthesized.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(ids.key) });
      synthesized.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
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

  describe("the Lambda's role (simulated)", () => {
    let decide: ReturnType<typeof lambdaRole>;
    let sandboxed: ReturnType<typeof lambdaRole>;
    beforeAll(() => {
      decide = lambdaRole();
      sandboxed = lambdaRole({ sesSandbox: true });
    }, SYNTH_TIMEOUT);

    it.each(['iam:GetUser', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile'])(
      'allows %s on a user of this repository under the path, and on no one else',
      async (action) => {
        expect(await decide({ action, resource: managedUser, context: ours })).toBe('Allowed');
        expect(await decide({ action, resource: managedUser })).toBe('ImplicitlyDenied');
        expect(
          await decide({
            action,
            resource: managedUser,
            context: { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: 'someone-else/roster' },
          }),
        ).toBe('ImplicitlyDenied');
        expect(await decide({ action, resource: outsideUser, context: ours })).toBe('ImplicitlyDenied');
      },
    );

    it('may tag a user of this repository with its own marker only', async () => {
      const tagging = (keys: string[], context: Record<string, string> = ours) => ({
        action: 'iam:TagUser',
        resource: managedUser,
        context: { ...context, 'aws:TagKeys': keys },
      });
      expect(await decide(tagging([TAG_CREDENTIALS_SENT]))).toBe('Allowed');
      expect(await decide(tagging([TAG_MANAGED_BY]))).toBe('ImplicitlyDenied');
      expect(await decide(tagging([TAG_CREDENTIALS_SENT, TAG_EMAIL]))).toBe('ImplicitlyDenied');
      expect(await decide(tagging([TAG_CREDENTIALS_SENT], {}))).toBe('ImplicitlyDenied');
      expect(await decide({ action: 'iam:TagUser', resource: managedUser, context: ours })).toBe(
        'ImplicitlyDenied',
      );
      expect(await decide({ ...tagging([TAG_CREDENTIALS_SENT]), resource: outsideUser })).toBe(
        'ImplicitlyDenied',
      );
    });

    it('reads the password policy and the account alias', async () => {
      expect(await decide({ action: 'iam:GetAccountPasswordPolicy', resource: '*' })).toBe('Allowed');
      expect(await decide({ action: 'iam:ListAccountAliases', resource: '*' })).toBe('Allowed');
    });

    it('sends from the sender address only, through its identity and its configuration set', async () => {
      for (const resource of [senderIdentity, configurationSet]) {
        expect(await decide({ action: 'ses:SendEmail', resource, context: fromSender })).toBe('Allowed');
        expect(
          await decide({
            action: 'ses:SendEmail',
            resource,
            context: { 'ses:FromAddress': 'ceo@example.com' },
          }),
        ).toBe('ImplicitlyDenied');
      }
      const other = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/alice@example.com`;
      expect(await decide({ action: 'ses:SendEmail', resource: other, context: fromSender })).toBe(
        'ImplicitlyDenied',
      );
    });

    it("in the SES sandbox, sends to this account's verified recipients, still from the sender address only", async () => {
      const recipient = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/alice@example.com`;
      expect(await sandboxed({ action: 'ses:SendEmail', resource: recipient, context: fromSender })).toBe(
        'Allowed',
      );
      expect(
        await sandboxed({
          action: 'ses:SendEmail',
          resource: recipient,
          context: { 'ses:FromAddress': 'alice@example.com' },
        }),
      ).toBe('ImplicitlyDenied');
      expect(
        await sandboxed({
          action: 'ses:SendEmail',
          resource: 'arn:aws:ses:us-east-1:444455556666:identity/x.com',
          context: fromSender,
        }),
      ).toBe('ImplicitlyDenied');
    });

    it('writes its own logs and dead letters, and may not attach policies or touch keys', async () => {
      const { template } = synthesized;
      const policies: PolicyDocument[] = rolePolicies(template, ids.role, {
        [`${ids.logs}.Arn`]: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:credentials:*`,
        [`${ids.queue}.Arn`]: `arn:aws:sqs:us-east-1:${ACCOUNT}:dead-letters`,
      });
      expect(
        await decideIdentity(policies, {
          action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:credentials:log-stream:1`,
        }),
      ).toBe('Allowed');
      expect(
        await decideIdentity(policies, {
          action: 'sqs:SendMessage',
          resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:dead-letters`,
        }),
      ).toBe('Allowed');
      for (const action of [
        'iam:AttachUserPolicy',
        'iam:CreateAccessKey',
        'iam:DeleteLoginProfile',
        'iam:CreateUser',
      ]) {
        expect(await decide({ action, resource: managedUser, context: ours }), action).toBe(
          'ImplicitlyDenied',
        );
      }
    });
  });
});

// Many accounts: MEMBER_ACCOUNTS grows with the accounts, and Lambda refuses a function whose
// environment exceeds 4 KB only at deploy time. The pipeline refuses it at synth, counting the
// values CloudFormation fills in at their longest.
describe('CredentialPipeline with member accounts: the environment within 4 KB', {
  timeout: SYNTH_TIMEOUT,
}, () => {
  const settings = settingsFrom();

  /** A hub-like pipeline (deploy-time apply role ARN and configuration set) for `members`. */
  function pipelineFor(members: MemberAccountsValue): Record<string, unknown> {
    return withApp((app) => {
      const stack = new Stack(app, 'Hub', { env: { region: 'us-east-1' } });
      const configurationSet = new ses.ConfigurationSet(stack, 'Set');
      const pipeline = new CredentialPipeline(stack, 'Credentials', {
        settings,
        code: lambda.Code.fromInline('export const handler = async () => undefined;'),
        senderIdentityArn: 'arn:aws:ses:us-east-1:111122223333:identity/iam@example.com',
        configurationSet: {
          name: configurationSet.configurationSetName,
          arn: 'arn:aws:ses:us-east-1:111122223333:configuration-set/x',
        },
        applyRoleArn: new iam.Role(stack, 'Apply', { assumedBy: new iam.AccountRootPrincipal() }).roleArn,
        eventBus: new events.EventBus(stack, 'Bus') as events.IEventBus,
        memberAccounts: members,
      });
      return stack.resolve((pipeline.function.node.defaultChild as lambda.CfnFunction).environment) as Record<
        string,
        unknown
      >;
    });
  }
  /** `count` accounts named account-0000, account-0001, ... (12 letters), then `last` if given. */
  const accounts = (count: number, last?: string): MemberAccountsValue => ({
    ...Object.fromEntries(
      Array.from({ length: count }, (_, index) => [
        String(100_000_000_000 + index),
        `account-${String(index).padStart(4, '0')}`,
      ]),
    ),
    ...(last === undefined ? {} : { '999999999999': last }),
  });
  const refusal = (members: MemberAccountsValue): string => {
    try {
      pipelineFor(members);
    } catch (error) {
      expect(error).toBeInstanceOf(LambdaEnvironmentError);
      return (error as Error).message;
    }
    throw new Error('the pipeline was not refused');
  };
  const bytesIn = (message: string) => Number(/would be (\d+) bytes/.exec(message)?.[1]);

  it('holds a hundred accounts with 12-letter names', () => {
    const environment = pipelineFor(accounts(100)) as { variables: Record<string, string> };

    expect(Object.keys(JSON.parse(environment.variables[LAMBDA_ENV.memberAccounts] ?? '{}'))).toHaveLength(
      100,
    );
  });

  it(`refuses the first byte over ${LAMBDA_ENVIRONMENT_MAX_BYTES}, and takes exactly ${LAMBDA_ENVIRONMENT_MAX_BYTES}`, () => {
    // Grow to the first count that no longer fits with a 64-letter last name, then shorten that name
    // to land exactly on the limit and one byte over it.
    const longName = 'x'.repeat(64);
    let count = 100;
    while (!threw(() => pipelineFor(accounts(count, longName)))) count += 1;
    const over = bytesIn(refusal(accounts(count, longName))) - LAMBDA_ENVIRONMENT_MAX_BYTES;
    expect(over).toBeGreaterThan(0);
    expect(over).toBeLessThan(64);

    const atLimit = accounts(count, 'x'.repeat(64 - over));
    const oneOver = accounts(count, 'x'.repeat(64 - over + 1));

    expect(() => pipelineFor(atLimit)).not.toThrow();
    expect(refusal(oneOver)).toBe(
      `the credential Lambda's environment would be ${LAMBDA_ENVIRONMENT_MAX_BYTES + 1} bytes, more than the ${LAMBDA_ENVIRONMENT_MAX_BYTES} Lambda allows; ` +
        `${LAMBDA_ENV.memberAccounts} takes ${JSON.stringify(oneOver).length} of them for ${count + 1} accounts: ` +
        'shorten the account names in accounts: of guarded.yaml (each name travels in it), or split the accounts between two hubs (docs/organizations.md, "Limits")',
    );
  });
});

function threw(act: () => unknown): boolean {
  try {
    act();
    return false;
  } catch (error) {
    if (error instanceof LambdaEnvironmentError) return true;
    throw error;
  }
}
