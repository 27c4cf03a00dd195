// Decides, from one SNS record alone, whether it asks for credentials. Everything here comes from
// the event, which is only a hint: deliver-credentials re-checks scope with GetUser.
import { TAG_CREDENTIALS_REQUESTED, TAG_CREDENTIALS_SENT } from '../../src/contract.js';
import {
  DETAIL_TYPE_API_CALL,
  EVENT_SOURCE_IAM,
  parseCloudTrailRecord,
  parseCreateUserParameters,
  parseEventBridgeEvent,
  parseSnsRecord,
  parseTagUserParameters,
  SOURCE_IAM,
} from './envelope.js';

/** What the Lambda was asked to do: deliver credentials to `userName`, answering `eventId`. */
export interface CredentialRequest {
  /** The CloudTrail record's eventID: the same in every redelivery of the same API call. */
  readonly eventId: string;
  readonly eventName: 'CreateUser' | 'TagUser';
  readonly userName: string;
}

export type IgnoreReason =
  /** Delivered through another SNS topic than TOPIC_ARN. */
  | 'other-topic'
  /** Not an IAM API call recorded by CloudTrail. */
  | 'not-iam-api-call'
  /** An IAM call other than CreateUser and TagUser. */
  | 'other-event'
  /** The call failed (the record has an errorCode): there is no user, or no tag, to act on. */
  | 'failed-call'
  /** CreateUser outside the managed path. */
  | 'outside-path'
  /** TagUser that sets only the Lambda's own credentials-sent marker. */
  | 'own-marker'
  /** TagUser that does not set credentials-requested. */
  | 'not-a-credentials-request';

/** What is known of the record for the log line, as far as parsing got. */
export interface RecordIdentity {
  readonly eventId?: string;
  readonly eventName?: string;
  readonly userName?: string;
}

export type Classification =
  | { readonly kind: 'request'; readonly request: CredentialRequest }
  | ({ readonly kind: 'ignored'; readonly reason: IgnoreReason } & RecordIdentity)
  | ({ readonly kind: 'malformed'; readonly problem: string } & RecordIdentity);

export interface ClassifySettings {
  readonly topicArn: string;
  readonly managedPath: string;
}

export function classifyRecord(raw: unknown, settings: ClassifySettings): Classification {
  const sns = parseSnsRecord(raw);
  if (!sns.ok) return { kind: 'malformed', problem: sns.problem };
  if (sns.value.Sns.TopicArn !== settings.topicArn) return { kind: 'ignored', reason: 'other-topic' };

  const eventBridge = parseEventBridgeEvent(sns.value.Sns.Message);
  if (!eventBridge.ok) return { kind: 'malformed', problem: eventBridge.problem };
  const { 'detail-type': detailType, source } = eventBridge.value;
  if (detailType !== DETAIL_TYPE_API_CALL || source !== SOURCE_IAM) {
    return { kind: 'ignored', reason: 'not-iam-api-call' };
  }

  const trail = parseCloudTrailRecord(eventBridge.value.detail);
  if (!trail.ok) return { kind: 'malformed', problem: trail.problem };
  const { eventID: eventId, eventName, eventSource, errorCode, requestParameters } = trail.value;
  const identity = { eventId, eventName };
  if (eventSource !== EVENT_SOURCE_IAM) return { kind: 'ignored', reason: 'not-iam-api-call', ...identity };
  if (eventName !== 'CreateUser' && eventName !== 'TagUser') {
    return { kind: 'ignored', reason: 'other-event', ...identity };
  }
  if (errorCode !== undefined) return { kind: 'ignored', reason: 'failed-call', ...identity };

  if (eventName === 'CreateUser') {
    const parameters = parseCreateUserParameters(requestParameters);
    if (!parameters.ok) return { kind: 'malformed', problem: parameters.problem, ...identity };
    const { userName, path = '/' } = parameters.value;
    if (!path.startsWith(settings.managedPath)) {
      return { kind: 'ignored', reason: 'outside-path', ...identity, userName };
    }
    return { kind: 'request', request: { eventId, eventName, userName } };
  }

  const parameters = parseTagUserParameters(requestParameters);
  if (!parameters.ok) return { kind: 'malformed', problem: parameters.problem, ...identity };
  const { userName, tags } = parameters.value;
  const keys = new Set(tags.map((tag) => tag.key));
  if (keys.has(TAG_CREDENTIALS_REQUESTED))
    return { kind: 'request', request: { eventId, eventName, userName } };
  // The Lambda's own TagUser comes back through CloudTrail too; answering it would loop forever.
  if (keys.has(TAG_CREDENTIALS_SENT)) return { kind: 'ignored', reason: 'own-marker', ...identity, userName };
  return { kind: 'ignored', reason: 'not-a-credentials-request', ...identity, userName };
}
