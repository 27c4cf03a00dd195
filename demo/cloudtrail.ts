// moto emits no CloudTrail events, so the demo plays CloudTrail: it turns the IAM calls the action
// really made (recorded by the proxy in front of moto) into the records CloudTrail would log, in
// the shape EventBridge delivers them ("AWS API Call via CloudTrail").
import { randomUUID } from 'node:crypto';

export interface CloudTrailEvent {
  readonly source: 'aws.iam';
  readonly detailType: 'AWS API Call via CloudTrail';
  readonly detail: Record<string, unknown>;
}

/** `Tags.member.1.Key=...&Tags.member.1.Value=...` -> [{ key, value }], as CloudTrail logs tags. */
function tagsOf(form: URLSearchParams): { key: string; value: string }[] {
  const tags: { key: string; value: string }[] = [];
  for (let index = 1; form.has(`Tags.member.${index}.Key`); index++) {
    tags.push({
      key: form.get(`Tags.member.${index}.Key`) ?? '',
      value: form.get(`Tags.member.${index}.Value`) ?? '',
    });
  }
  return tags;
}

/**
 * Who made the call: a session of a role (by name, in the account; or by name and path, as the
 * StackSet's member roles under /iam-gitops/) or an IAM user (by name).
 */
export type Caller = string | { readonly role: string; readonly path: string } | { readonly user: string };

/** CloudTrail's userIdentity for the caller: for a role session, the role itself is the session issuer. */
function userIdentityOf(caller: Caller, accountId: string): Record<string, unknown> {
  if (typeof caller !== 'string' && 'user' in caller) {
    return {
      type: 'IAMUser',
      arn: `arn:aws:iam::${accountId}:user/${caller.user}`,
      accountId,
      userName: caller.user,
    };
  }
  const role = typeof caller === 'string' ? { role: caller, path: '/' } : caller;
  // The session's ARN names the role without its path; the issuer's ARN has the path.
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${accountId}:assumed-role/${role.role}/GitHubActions`,
    accountId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        arn: `arn:aws:iam::${accountId}:role${role.path}${role.role}`,
        accountId,
        userName: role.role,
      },
    },
  };
}

/** The CloudTrail record for one IAM query-protocol request body, or undefined for other calls. */
export function cloudTrailFor(body: string, accountId: string, caller: Caller): CloudTrailEvent | undefined {
  const form = new URLSearchParams(body);
  const eventName = form.get('Action');
  const userName = form.get('UserName') ?? '';
  let requestParameters: Record<string, unknown>;
  if (eventName === 'CreateUser') {
    requestParameters = { userName, path: form.get('Path') ?? '/', tags: tagsOf(form) };
  } else if (eventName === 'TagUser') {
    requestParameters = { userName, tags: tagsOf(form) };
  } else {
    return undefined;
  }
  return {
    source: 'aws.iam',
    detailType: 'AWS API Call via CloudTrail',
    detail: {
      eventVersion: '1.11',
      userIdentity: userIdentityOf(caller, accountId),
      eventTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      eventSource: 'iam.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: '20.42.11.25',
      userAgent: 'iam-gitops (demo)',
      requestParameters,
      responseElements: null,
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
      eventCategory: 'Management',
    },
  };
}

/** What SNS hands the Lambda for one EventBridge event published to the topic. */
export function snsEnvelope(topicArn: string, eventBridgeEvent: string): Record<string, unknown> {
  const messageId = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: null,
          Message: eventBridgeEvent,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem',
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}
