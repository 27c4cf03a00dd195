// Decides, from one SNS record alone, whether it asks for credentials and whether its provenance
// allows an answer. Everything here comes from the event, which is only a hint for scope:
// deliver-credentials re-checks the user with GetUser.
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
import {
  checkProvenance,
  type EventAccount,
  type ProvenanceSettings,
  type RefusalByProvenance,
} from './provenance.js';

interface RequestBase {
  /** The CloudTrail record's eventID: the same in every redelivery of the same API call. */
  readonly eventId: string;
  readonly userName: string;
  /** The account the call was made in, and through which role the Lambda acts there. */
  readonly account: EventAccount;
  /** userIdentity.arn: the session that made the call, for the log. */
  readonly principal?: string;
}

/** What the Lambda was asked to do: deliver credentials to `userName`, answering `eventId`. */
export type CredentialRequest =
  | (RequestBase & { readonly eventName: 'CreateUser' })
  | (RequestBase & {
      readonly eventName: 'TagUser';
      /** The credentials-requested value the call set: honoured only while the user still has it. */
      readonly requestedValue: string;
    });

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
  /** The account the event says it came from. */
  readonly accountId?: string;
  readonly principal?: string;
}

export type Classification =
  | { readonly kind: 'request'; readonly request: CredentialRequest }
  | ({ readonly kind: 'ignored'; readonly reason: IgnoreReason } & RecordIdentity)
  | ({ readonly kind: 'refused'; readonly reason: RefusalByProvenance } & RecordIdentity)
  | ({ readonly kind: 'malformed'; readonly problem: string } & RecordIdentity);

export interface ClassifySettings extends ProvenanceSettings {
  readonly topicArn: string;
  readonly managedPath: string;
}

export function classifyRecord(raw: unknown, settings: ClassifySettings): Classification {
  const sns = parseSnsRecord(raw);
  if (!sns.ok) return { kind: 'malformed', problem: sns.problem };
  if (sns.value.Sns.TopicArn !== settings.topicArn) return { kind: 'ignored', reason: 'other-topic' };

  const eventBridge = parseEventBridgeEvent(sns.value.Sns.Message);
  if (!eventBridge.ok) return { kind: 'malformed', problem: eventBridge.problem };
  const { 'detail-type': detailType, source, account: eventAccount } = eventBridge.value;
  if (detailType !== DETAIL_TYPE_API_CALL || source !== SOURCE_IAM) {
    return { kind: 'ignored', reason: 'not-iam-api-call' };
  }

  const trail = parseCloudTrailRecord(eventBridge.value.detail);
  if (!trail.ok) return { kind: 'malformed', problem: trail.problem };
  const {
    eventID: eventId,
    eventName,
    eventSource,
    errorCode,
    requestParameters,
    userIdentity,
  } = trail.value;
  const principal = userIdentity?.arn;
  const identity = {
    eventId,
    eventName,
    accountId: eventAccount,
    ...(principal === undefined ? {} : { principal }),
  };
  if (eventSource !== EVENT_SOURCE_IAM) return { kind: 'ignored', reason: 'not-iam-api-call', ...identity };
  if (eventName !== 'CreateUser' && eventName !== 'TagUser') {
    return { kind: 'ignored', reason: 'other-event', ...identity };
  }
  if (errorCode !== undefined) return { kind: 'ignored', reason: 'failed-call', ...identity };

  let userName: string;
  let requestedValue: string | undefined;
  if (eventName === 'CreateUser') {
    const parameters = parseCreateUserParameters(requestParameters);
    if (!parameters.ok) return { kind: 'malformed', problem: parameters.problem, ...identity };
    userName = parameters.value.userName;
    const { path = '/' } = parameters.value;
    if (!path.startsWith(settings.managedPath)) {
      return { kind: 'ignored', reason: 'outside-path', ...identity, userName };
    }
  } else {
    const parameters = parseTagUserParameters(requestParameters);
    if (!parameters.ok) return { kind: 'malformed', problem: parameters.problem, ...identity };
    userName = parameters.value.userName;
    const { tags } = parameters.value;
    requestedValue = tags.find((tag) => tag.key === TAG_CREDENTIALS_REQUESTED)?.value;
    if (requestedValue === undefined) {
      // The Lambda's own TagUser comes back through CloudTrail too; answering it would loop forever.
      const reason = tags.some((tag) => tag.key === TAG_CREDENTIALS_SENT)
        ? 'own-marker'
        : 'not-a-credentials-request';
      return { kind: 'ignored', reason, ...identity, userName };
    }
  }

  // A request: acted on only for the apply role of the account it was made in.
  const provenance = checkProvenance(
    { eventAccount, recipientAccountId: trail.value.recipientAccountId, userIdentity },
    settings,
  );
  if (!provenance.ok) return { kind: 'refused', reason: provenance.reason, ...identity, userName };

  const base = {
    eventId,
    userName,
    account: provenance.account,
    ...(principal === undefined ? {} : { principal }),
  };
  return {
    kind: 'request',
    request:
      requestedValue === undefined
        ? { ...base, eventName: 'CreateUser' }
        : { ...base, eventName: 'TagUser', requestedValue },
  };
}
