// The credential pipeline: IAM CreateUser/TagUser -> CloudTrail -> EventBridge rule -> SNS topic
// -> Lambda -> SES. Every hop that can give up on an event (the rule's delivery to SNS, SNS's
// delivery to the Lambda, the Lambda's own retries) hands it to one dead-letter queue, and one
// alarm watches that queue: a request that got no email is never silent.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_ENV, type MemberAccount, TAG_CREDENTIALS_SENT } from '../../src/contract.js';
import { credentialEventPattern } from './credential-event-pattern.js';
import { userArnPattern } from './iam-arns.js';
import type { Settings } from './settings.js';

export interface CredentialPipelineProps {
  readonly settings: Settings;
  /** The built Lambda (`lambda/dist`, handler `index.handler`); tests pass inline code. */
  readonly code: lambda.Code;
  /** The SES identity ARN the Lambda may send from. */
  readonly senderIdentityArn: string;
  /**
   * Many accounts (infra/lib/organization): the bus the member accounts forward their IAM events
   * to. Default: the account's default bus, where its own CloudTrail events arrive.
   */
  readonly eventBus?: events.IEventBus;
  /**
   * Many accounts: the accounts whose events the Lambda answers (MEMBER_ACCOUNTS). The Lambda then
   * holds no IAM rights of its own: it may only assume each member's credentials role, and the
   * rule takes events of these accounts only.
   */
  readonly memberAccounts?: readonly MemberAccount[];
}

/** CloudWatch keeps the Lambda's log lines (no secrets: the logger refuses them) this long. */
export const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

export class CredentialPipeline extends Construct {
  readonly topic: sns.Topic;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly rule: events.Rule;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: CredentialPipelineProps) {
    super(scope, id);
    const { settings } = props;
    const stack = Stack.of(this);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time for someone to read the event and re-request the credentials.
      retentionPeriod: Duration.days(14),
    });

    // No KMS key: EventBridge can publish to an encrypted topic only with a customer managed key,
    // and the messages hold CloudTrail records (user names, tags), never a password.
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'iam-gitops IAM events' });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'iam-gitops credential Lambda: login profiles and the credentials email for managed users',
    });
    const iamAccess =
      props.memberAccounts === undefined
        ? credentialIamStatements(stack, settings)
        : [assumeCredentialsRoles(props.memberAccounts)];
    for (const statement of lambdaStatements(
      stack,
      settings,
      props.senderIdentityArn,
      this.logGroup,
      iamAccess,
    )) {
      this.role.addToPolicy(statement);
    }

    this.function = new lambda.Function(this, 'Function', {
      description: 'iam-gitops: creates the console password of a new managed user and emails it (SES)',
      code: props.code,
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // The Lambda waits out IAM's eventual consistency and SES throttling with backoff (tens of seconds at most).
      timeout: Duration.minutes(1),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        [LAMBDA_ENV.sender]: settings.sender.from,
        [LAMBDA_ENV.managedPath]: settings.iamPath,
        [LAMBDA_ENV.topicArn]: this.topic.topicArn,
        ...(settings.emailDomain === undefined ? {} : { [LAMBDA_ENV.emailDomain]: settings.emailDomain }),
        ...(settings.signInUrl === undefined ? {} : { [LAMBDA_ENV.signInUrl]: settings.signInUrl }),
        ...(props.memberAccounts === undefined
          ? {}
          : { [LAMBDA_ENV.memberAccounts]: JSON.stringify(props.memberAccounts) }),
        // Stack traces point into lambda/src, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      // SNS invokes asynchronously: Lambda retries a failed invocation twice, then hands the event
      // (with the error) to the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });

    // SNS's own delivery failures (the function throttled or unreachable) go to the same queue.
    this.topic.addSubscription(
      new subscriptions.LambdaSubscription(this.function, { deadLetterQueue: this.deadLetterQueue }),
    );

    const pattern = credentialEventPattern(settings.iamPath);
    this.rule = new events.Rule(this, 'Rule', {
      description: `iam-gitops: CreateUser under ${settings.iamPath} and TagUser requesting credentials`,
      ...(props.eventBus === undefined ? {} : { eventBus: props.eventBus }),
      eventPattern: {
        ...(props.memberAccounts === undefined ? {} : { account: props.memberAccounts.map((m) => m.id) }),
        source: [...pattern.source],
        detailType: [...pattern['detail-type']],
        detail: structuredClone(pattern.detail) as Record<string, unknown>,
      },
    });
    this.rule.addTarget(topicTarget(this.topic, this.deadLetterQueue));
    // Only this rule may publish: without the condition any EventBridge rule, in any account, that
    // names the topic could feed the Lambda forged requests (each one a password reset and an email).
    const fromThisRule = { ArnEquals: { 'aws:SourceArn': this.rule.ruleArn } };
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeRulePublishes',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisRule,
      }),
    );
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeRuleDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: fromThisRule,
      }),
    );

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'iam-gitops: an IAM event was not handled (no credentials email was sent). Read the message in the dead-letter queue, fix the cause, and request the credentials again.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (settings.alarmEmail !== undefined) {
      const alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'iam-gitops alarms' });
      alarmTopic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
      this.deadLetterAlarm.addAlarmAction(new cloudwatchActions.SnsAction(alarmTopic));
    }
  }
}

/**
 * The rule's SNS target with a dead-letter queue. Not `targets.SnsTopic`: that one also grants
 * every EventBridge rule anywhere sns:Publish (no source condition); the conditioned grants are
 * added by the construct above.
 */
function topicTarget(topic: sns.ITopic, deadLetterQueue: sqs.IQueue): events.IRuleTarget {
  return {
    bind: () => ({
      arn: topic.topicArn,
      deadLetterConfig: { arn: deadLetterQueue.queueArn },
      targetResource: topic,
    }),
  };
}

/**
 * What the Lambda does in IAM, on the managed users of `stack`'s account (DESIGN.md, Roles): nothing
 * account-wide that writes. With many accounts, each member's credentials role holds these.
 */
export function credentialIamStatements(stack: Stack, settings: Settings): iam.PolicyStatement[] {
  const managedUsers = userArnPattern(stack, settings.iamPath);
  return [
    new iam.PolicyStatement({
      sid: 'ManagedUsersLoginProfile',
      actions: ['iam:GetUser', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile'],
      resources: [managedUsers],
    }),
    new iam.PolicyStatement({
      sid: 'MarkCredentialsSent',
      actions: ['iam:TagUser'],
      resources: [managedUsers],
      // Its own marker only: the Lambda cannot change a user's scope, email or console flag.
      conditions: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_CREDENTIALS_SENT] },
        Null: { 'aws:TagKeys': 'false' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AccountReads',
      // These two take no resource ARN: '*' is the only form IAM accepts. Both only read.
      actions: ['iam:GetAccountPasswordPolicy', 'iam:ListAccountAliases'],
      resources: ['*'],
    }),
  ];
}

/** The central Lambda reaches each member account's IAM through that account's credentials role only. */
function assumeCredentialsRoles(memberAccounts: readonly MemberAccount[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AssumeMemberCredentialsRoles',
    actions: ['sts:AssumeRole'],
    resources: memberAccounts.map((member) => member.credentialsRoleArn),
  });
}

/** Exactly what the Lambda calls: `iamAccess`, the email from one identity, its own logs. */
function lambdaStatements(
  stack: Stack,
  settings: Settings,
  senderIdentityArn: string,
  logGroup: logs.ILogGroup,
  iamAccess: readonly iam.PolicyStatement[],
): iam.PolicyStatement[] {
  const sendFrom = [senderIdentityArn];
  // In the SES sandbox each recipient is a verified identity that SES authorizes the send against too.
  if (settings.sesSandbox)
    sendFrom.push(stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }));
  return [
    ...iamAccess,
    new iam.PolicyStatement({
      sid: 'SendFromSenderIdentity',
      actions: ['ses:SendEmail'],
      resources: sendFrom,
    }),
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  ];
}
