// Loads the SNS -> EventBridge -> CloudTrail fixtures and re-addresses them for one test: its
// account, topic, user and event id, rewritten inside the nested JSON as AWS would have them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SNSEvent } from 'aws-lambda';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'events');

export type EventFixture =
  | 'create-user'
  | 'create-user-default-path'
  | 'create-user-failed'
  | 'tag-user-credentials-requested'
  | 'tag-user-credentials-sent'
  | 'tag-user-other-tags'
  | 'attach-user-policy';

export function loadEvent(name: EventFixture): SNSEvent {
  return JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as SNSEvent;
}

type Json = Record<string, unknown>;

export interface EventAddress {
  readonly accountId?: string;
  readonly topicArn?: string;
  readonly userName?: string;
  readonly eventId?: string;
  /** CreateUser's path parameter. */
  readonly path?: string;
}

/** The fixture's EventBridge event, parsed out of the SNS message. */
export function eventBridgeOf(event: SNSEvent, index = 0): Json {
  const record = event.Records[index];
  if (record === undefined) throw new Error(`the event has no record ${index}`);
  return JSON.parse(record.Sns.Message) as Json;
}

/** The CloudTrail record inside the fixture's EventBridge event. */
export function cloudTrailOf(event: SNSEvent, index = 0): Json {
  return eventBridgeOf(event, index).detail as Json;
}

/** A copy of the event whose record's EventBridge event has been changed by `change`. */
export function withEventBridge(event: SNSEvent, change: (eventBridge: Json) => void, index = 0): SNSEvent {
  const copy = structuredClone(event);
  const record = copy.Records[index];
  if (record === undefined) throw new Error(`the event has no record ${index}`);
  const eventBridge = JSON.parse(record.Sns.Message) as Json;
  change(eventBridge);
  record.Sns.Message = JSON.stringify(eventBridge);
  return copy;
}

export function addressed(name: EventFixture, address: EventAddress): SNSEvent {
  const fixture = loadEvent(name);
  const { accountId, topicArn, userName, eventId, path } = address;
  const event = withEventBridge(fixture, (eventBridge) => {
    const detail = eventBridge.detail as Json;
    const request = detail.requestParameters as Json;
    const user = (detail.responseElements as Json | null)?.user as Json | undefined;
    if (accountId !== undefined) {
      eventBridge.account = accountId;
      detail.recipientAccountId = accountId;
      if (user !== undefined) user.arn = String(user.arn).replace(/::\d{12}:/, `::${accountId}:`);
    }
    if (userName !== undefined) {
      request.userName = userName;
      if (user !== undefined) {
        user.userName = userName;
        user.arn = String(user.arn).replace(/[^/]+$/, userName);
      }
    }
    if (path !== undefined) {
      request.path = path;
      if (user !== undefined) user.path = path;
    }
    if (eventId !== undefined) detail.eventID = eventId;
  });
  for (const record of event.Records) {
    if (topicArn !== undefined) {
      record.EventSubscriptionArn = record.EventSubscriptionArn.replace(record.Sns.TopicArn, topicArn);
      record.Sns.TopicArn = topicArn;
    }
  }
  return event;
}
