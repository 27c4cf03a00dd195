// The credential pipeline: IAM CreateUser/TagUser -> CloudTrail -> EventBridge rule -> SNS topic
// -> Lambda -> SES. Every hop that can give up on an event (the rule's delivery to SNS, SNS's
// delivery to the Lambda, the Lambda's own retries) hands it to one dead-letter queue, and alarms
// watch that queue and the Lambda's own refusals: a request that got no email is never silent.
// Only the rule may publish to the topic (an explicit Deny for everyone else), and the topic is
// encrypted with a customer managed key whose policy lets only this rule's EventBridge and this
// topic's SNS use it.
// Many accounts (infra/lib/organization): the same pipeline in the hub, on the bus the members
// forward their IAM events to; its Lambda then holds no IAM rights of its own and reaches each
// member's IAM through that member's credentials role (MEMBER_ACCOUNTS).
import { ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { resolveMemberAccount } from '../../src/accounts/target-accounts.js';
import {
  LAMBDA_ENV,
  LAMBDA_METRICS,
  type MemberAccountsValue,
  TAG_CREDENTIALS_SENT,
  TAG_MANAGED_BY,
} from '../../src/contract.js';
import { credentialEventPattern } from './credential-event-pattern.js';
import { userArnPattern } from './iam-arns.js';
import {
  ANY_ACCOUNT_ID,
  environmentBytes,
  GENERATED_NAME_MAX,
  LAMBDA_ENVIRONMENT_MAX_BYTES,
  LambdaEnvironmentError,
  LONGEST_PARTITION,
} from './lambda-environment.js';
import type { Settings } from './settings.js';

export interface CredentialPipelineProps {
  readonly settings: Settings;
  /** The built Lambda (`lambda/dist`, handler `index.handler`); tests pass inline code. */
  readonly code: lambda.Code;
  /** The SES identity ARN the Lambda may send from. */
  readonly senderIdentityArn: string;
  /** The SES configuration set (TLS required) every send names. */
  readonly configurationSet: { readonly name: string; readonly arn: string };
  /**
   * The apply role: the Lambda acts only on events of its sessions (LAMBDA_ENV.applyRoleArn). A
   * role CloudFormation names, at the root path, when it is a token (its ARN's longest length).
   */
  readonly applyRoleArn: string;
  /**
   * Many accounts: the bus the member accounts forward their IAM events to. Default: the
   * account's default bus, where its own CloudTrail events arrive.
   */
  readonly eventBus?: events.IEventBus;
  /**
   * Many accounts: the accounts whose events the Lambda answers (MEMBER_ACCOUNTS). The rule then
   * takes events of these accounts only, and the Lambda's role may only assume each member's
   * credentials role, whose ARN it derives as the Lambda does (resolveMemberAccount).
   */
  readonly memberAccounts?: MemberAccountsValue;
}

/** CloudWatch keeps the Lambda's log lines (no secrets: the logger refuses them) this long. */
export const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

export class CredentialPipeline extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Requests refused by provenance or scope (forged, replayed, out of scope). */
  readonly refusedAlarm: cloudwatch.Alarm;
  /** Users who should get credentials but cannot (no or disallowed recipient). */
  readonly undeliverableAlarm: cloudwatch.Alarm;
  readonly rule: events.Rule;
  readonly logGroup: logs.LogGroup;
  /** Where the alarms go when `alarmEmail` is set. */
  readonly alarmTopic: sns.Topic | undefined;

  constructor(scope: Construct, id: string, props: CredentialPipelineProps) {
    super(scope, id);
    const { settings } = props;
    const stack = Stack.of(this);

    // Named up front: the key policy must name the rule and the topics, and they refer to the key.
    const name = Names.uniqueResourceName(this, { maxLength: 56 });
    const ruleName = `${name}-events`;
    // A rule on another bus than the default one has the bus's name in its ARN.
    const ruleArn = stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: props.eventBus === undefined ? ruleName : `${props.eventBus.eventBusName}/${ruleName}`,
    });
    const topicName = `${name}-events`;
    const topicArn = topicArnOf(stack, topicName);
    const alarmTopicName = `${name}-alarms`;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time for someone to read the event and re-request the credentials.
      retentionPeriod: Duration.days(14),
    });

    this.key = new kms.Key(this, 'TopicKey', {
      description:
        'iam-gitops: encrypts the IAM events on their way to the credential Lambda, and its alarms',
      enableKeyRotation: true,
      // The topics hold messages for minutes; nothing stays encrypted under the key after a destroy.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    for (const statement of topicKeyStatements(stack, {
      ruleArn,
      topicArn,
      alarmTopicArn: topicArnOf(stack, alarmTopicName),
    })) {
      this.key.addToResourcePolicy(statement);
    }

    this.topic = new sns.Topic(this, 'Topic', {
      topicName,
      displayName: 'iam-gitops IAM events',
      masterKey: this.key,
      enforceSSL: true,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const members = props.memberAccounts;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        members === undefined
          ? 'iam-gitops credential Lambda: login profiles and the credentials email for managed users'
          : "iam-gitops central credential Lambda: the credentials email, and the members' credentials roles",
    });
    const resources: LambdaResources = {
      senderIdentityArn: props.senderIdentityArn,
      configurationSetArn: props.configurationSet.arn,
      logGroupArn: this.logGroup.logGroupArn,
    };
    for (const statement of members === undefined
      ? lambdaStatements(stack, settings, resources)
      : centralLambdaStatements(stack, settings, resources, members)) {
      this.role.addToPolicy(statement);
    }

    const recipientDomains = settings.guardrails.recipientDomains;
    const environment: Record<string, string> = {
      [LAMBDA_ENV.sender]: settings.sender.from,
      [LAMBDA_ENV.managedPath]: settings.iamPath,
      [LAMBDA_ENV.topicArn]: this.topic.topicArn,
      [LAMBDA_ENV.applyRoleArn]: props.applyRoleArn,
      [LAMBDA_ENV.configurationSet]: props.configurationSet.name,
      ...(recipientDomains === undefined
        ? {}
        : { [LAMBDA_ENV.recipientDomains]: recipientDomains.join(',') }),
      ...(settings.emailDomain === undefined ? {} : { [LAMBDA_ENV.emailDomain]: settings.emailDomain }),
      ...(settings.signInUrl === undefined ? {} : { [LAMBDA_ENV.signInUrl]: settings.signInUrl }),
      ...(members === undefined ? {} : { [LAMBDA_ENV.memberAccounts]: JSON.stringify(members) }),
      // Stack traces point into lambda/src, not the minified bundle.
      NODE_OPTIONS: '--enable-source-maps',
    };
    assertEnvironmentFits(
      environment,
      {
        [LAMBDA_ENV.topicArn]: `arn:${LONGEST_PARTITION}:sns:${stack.region}:${ANY_ACCOUNT_ID}:${topicName}`
          .length,
        [LAMBDA_ENV.applyRoleArn]:
          `arn:${LONGEST_PARTITION}:iam::${ANY_ACCOUNT_ID}:role/`.length + GENERATED_NAME_MAX,
        [LAMBDA_ENV.configurationSet]: GENERATED_NAME_MAX,
      },
      members,
      settings.configFile,
    );
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
      environment,
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
      ruleName,
      description: `iam-gitops: CreateUser under ${settings.iamPath} and TagUser requesting credentials`,
      ...(props.eventBus === undefined ? {} : { eventBus: props.eventBus }),
      eventPattern: {
        // On the hub's bus, the listed members' events only (the bus policy admits no one else).
        ...(members === undefined ? {} : { account: Object.keys(members) }),
        source: [...pattern.source],
        detailType: [...pattern['detail-type']],
        detail: structuredClone(pattern.detail) as Record<string, unknown>,
      },
    });
    this.rule.addTarget(topicTarget(this.topic, this.deadLetterQueue));
    for (const statement of topicPolicyStatements(topicArn, ruleArn))
      this.topic.addToResourcePolicy(statement);
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeRuleDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      }),
    );

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'iam-gitops: an IAM event was not handled (no credentials email was sent). Read the message in the dead-letter queue, fix the cause, and request the credentials again.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      ...ON_FIRST,
    });
    this.refusedAlarm = new cloudwatch.Alarm(this, 'RefusedAlarm', {
      alarmDescription:
        'iam-gitops: the credential Lambda refused a request (not made by the apply role, replayed, from another account, or out of scope). Someone may be trying to obtain a password: read the Lambda log line with reason.',
      metric: lambdaMetric(LAMBDA_METRICS.refused),
      ...ON_FIRST,
    });
    this.undeliverableAlarm = new cloudwatch.Alarm(this, 'UndeliverableAlarm', {
      alarmDescription:
        "iam-gitops: a managed console user cannot be sent credentials (no email, or one outside the recipient domains). Fix the user's email in the roster; the Lambda log line names the user.",
      metric: lambdaMetric(LAMBDA_METRICS.undeliverable),
      ...ON_FIRST,
    });

    this.alarmTopic = undefined;
    if (settings.alarmEmail !== undefined) {
      this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
        topicName: alarmTopicName,
        displayName: 'iam-gitops alarms',
        masterKey: this.key,
        enforceSSL: true,
      });
      // The topic's own policy replaces SNS's default one (enforceSSL writes it): CloudWatch needs
      // its grant, for this account's alarms only.
      this.alarmTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudWatchAlarmsPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.alarmTopic.topicArn],
          conditions: { ArnLike: { 'aws:SourceArn': alarmArnPattern(stack) } },
        }),
      );
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
      const action = new cloudwatchActions.SnsAction(this.alarmTopic);
      for (const alarm of [this.deadLetterAlarm, this.refusedAlarm, this.undeliverableAlarm])
        alarm.addAlarmAction(action);
    }
  }
}

/** Every alarm here fires on the first occurrence and stays quiet while nothing happens. */
const ON_FIRST = {
  threshold: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  evaluationPeriods: 1,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
} as const;

/** One of the Lambda's own metrics (Powertools, embedded metric format), summed over 5 minutes. */
function lambdaMetric(metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: LAMBDA_METRICS.namespace,
    metricName,
    dimensionsMap: { service: LAMBDA_METRICS.service },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
  });
}

/** Every CloudWatch alarm of this account and region. */
function alarmArnPattern(stack: Stack): string {
  return stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function topicArnOf(stack: Stack, topicName: string): string {
  return stack.formatArn({ service: 'sns', resource: topicName, arnFormat: ArnFormat.NO_RESOURCE_NAME });
}

/**
 * The topic's policy: EventBridge may publish for this rule, and nobody may publish otherwise (an
 * explicit Deny for every principal, this account's administrators included, so that no one but
 * the rule can hand the Lambda a request: each one is a password reset and an email).
 */
export function topicPolicyStatements(topicArn: string, ruleArn: string): iam.PolicyStatement[] {
  const fromThisRule = { ArnEquals: { 'aws:SourceArn': ruleArn } };
  return [
    new iam.PolicyStatement({
      sid: 'EventBridgeRulePublishes',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topicArn],
      conditions: fromThisRule,
    }),
    new iam.PolicyStatement({
      sid: 'NoOtherPublisher',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sns:Publish'],
      resources: [topicArn],
      // A direct Publish carries no aws:SourceArn, so ArnNotEquals is true and it is denied.
      conditions: { ArnNotEquals: { 'aws:SourceArn': ruleArn } },
    }),
  ];
}

/**
 * The key policy beside the account's own administration statement: EventBridge may encrypt for
 * this rule into this topic, SNS may use the key for this topic's deliveries (to the Lambda), and
 * CloudWatch for the alarm topic. Each bound to its source and to the topic's encryption context.
 */
export function topicKeyStatements(
  stack: Stack,
  arns: { readonly ruleArn: string; readonly topicArn: string; readonly alarmTopicArn: string },
): iam.PolicyStatement[] {
  // A service may use the key for one source only, and only to encrypt or read one topic's messages.
  const keyUse = (sid: string, service: string, source: Record<string, unknown>, topicArn: string) =>
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(service)],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { ...source, StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
    });
  return [
    keyUse(
      'EventBridgeRuleEncrypts',
      'events.amazonaws.com',
      { ArnEquals: { 'aws:SourceArn': arns.ruleArn } },
      arns.topicArn,
    ),
    keyUse(
      'SnsDeliversToTheLambda',
      'sns.amazonaws.com',
      { ArnEquals: { 'aws:SourceArn': arns.topicArn } },
      arns.topicArn,
    ),
    keyUse(
      'CloudWatchAlarmsEncrypt',
      'cloudwatch.amazonaws.com',
      { ArnLike: { 'aws:SourceArn': alarmArnPattern(stack) } },
      arns.alarmTopicArn,
    ),
  ];
}

/**
 * The rule's SNS target with a dead-letter queue. Not `targets.SnsTopic`: that one also grants
 * every EventBridge rule anywhere sns:Publish and the key (no source condition); the conditioned
 * grants are made above.
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

/** The resources the Lambda writes to besides IAM: its SES identity and configuration set, its logs. */
export interface LambdaResources {
  readonly senderIdentityArn: string;
  readonly configurationSetArn: string;
  readonly logGroupArn: string;
}

/**
 * What the Lambda may do in IAM (DESIGN.md, Roles): read and set the login profile of, and put its
 * own marker on, users under the path that this repository manages; read the password policy and
 * the account alias. Nothing account-wide that writes. The many-accounts credentials role reuses it.
 */
export function lambdaIamStatements(stack: Stack, settings: Settings): iam.PolicyStatement[] {
  const managedUsers = userArnPattern(stack, settings.iamPath);
  // An untagged user under the path, or another repository's, gets no password from this Lambda.
  const ourUser = { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: settings.repository };
  return [
    new iam.PolicyStatement({
      sid: 'ManagedUsersLoginProfile',
      actions: ['iam:GetUser', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile'],
      resources: [managedUsers],
      conditions: { StringEquals: ourUser },
    }),
    new iam.PolicyStatement({
      sid: 'MarkCredentialsSent',
      actions: ['iam:TagUser'],
      resources: [managedUsers],
      // Its own marker only: the Lambda cannot change a user's scope, email or console flag.
      conditions: {
        StringEquals: ourUser,
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

/**
 * What the Lambda may send: from the sender address only (`ses:FromAddress`, sandbox or not),
 * through its identity and the TLS-requiring configuration set. In the SES sandbox each recipient
 * is a verified identity that SES authorizes the send against too, so `identity/*` is added there.
 */
export function lambdaSendStatements(
  stack: Stack,
  settings: Settings,
  resources: Pick<LambdaResources, 'senderIdentityArn' | 'configurationSetArn'>,
): iam.PolicyStatement[] {
  const sendThrough = [resources.senderIdentityArn, resources.configurationSetArn];
  if (settings.sesSandbox) {
    sendThrough.push(stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }));
  }
  return [
    new iam.PolicyStatement({
      sid: 'SendFromSenderAddress',
      actions: ['ses:SendEmail'],
      resources: sendThrough,
      conditions: { StringEquals: { 'ses:FromAddress': settings.sender.address } },
    }),
  ];
}

/** Everything the Lambda's role holds: IAM, SES, and its own log group. */
export function lambdaStatements(
  stack: Stack,
  settings: Settings,
  resources: LambdaResources,
): iam.PolicyStatement[] {
  return [
    ...lambdaIamStatements(stack, settings),
    ...lambdaSendStatements(stack, settings, resources),
    writeOwnLogs(resources.logGroupArn),
  ];
}

/**
 * The central Lambda's role (many accounts): no IAM right of its own; each member's IAM only
 * through that member's credentials role (which holds lambdaIamStatements there); SES and logs
 * as in one account.
 */
export function centralLambdaStatements(
  stack: Stack,
  settings: Settings,
  resources: LambdaResources,
  members: MemberAccountsValue,
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'AssumeMemberCredentialsRoles',
      actions: ['sts:AssumeRole'],
      resources: Object.entries(members).map(
        ([id, entry]) => resolveMemberAccount(stack.partition, id, entry).credentialsRoleArn,
      ),
    }),
    ...lambdaSendStatements(stack, settings, resources),
    writeOwnLogs(resources.logGroupArn),
  ];
}

function writeOwnLogs(logGroupArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroupArn],
  });
}

/**
 * Refuses (at synth) an environment Lambda would refuse at deploy. MEMBER_ACCOUNTS is what grows:
 * about 20 bytes an account, plus its name.
 */
function assertEnvironmentFits(
  environment: Readonly<Record<string, string>>,
  longest: Readonly<Record<string, number>>,
  members: MemberAccountsValue | undefined,
  configFile: string,
): void {
  const bytes = environmentBytes(environment, longest);
  if (bytes <= LAMBDA_ENVIRONMENT_MAX_BYTES) return;
  const remedy =
    members === undefined
      ? 'shorten the longest settings (recipient domains, sign-in URL, sender)'
      : `${LAMBDA_ENV.memberAccounts} takes ${Buffer.byteLength(environment[LAMBDA_ENV.memberAccounts] ?? '', 'utf8')} of them for ${Object.keys(members).length} accounts: shorten the account names in accounts: of ${configFile} (each name travels in it), or split the accounts between two hubs (docs/organizations.md, "Limits")`;
  throw new LambdaEnvironmentError(
    `the credential Lambda's environment would be ${bytes} bytes, more than the ${LAMBDA_ENVIRONMENT_MAX_BYTES} Lambda allows; ${remedy}`,
  );
}
