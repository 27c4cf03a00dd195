// Loads the SNS -> EventBridge -> CloudTrail fixtures and re-addresses them for one test: its
// account, topic, user, event id and re-send value, rewritten inside the nested JSON as AWS would
// have them. The fixtures' apply role is `role/iam-gitops-apply` in their account (APPLY_ROLE).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SNSEvent } from 'aws-lambda';
import { TAG_CREDENTIALS_REQUESTED } from '../../../src/contract.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'events');

export type EventFixture =
  | 'create-user'
  | 'create-user-default-path'
  | 'create-user-failed'
  | 'tag-user-credentials-requested'
  /** A re-send by someone else: an IAM user with iam:TagUser (forged). */
  | 'tag-user-credentials-requested-by-user'
  /** A re-send by a session of another role (an SSO administrator; forged). */
  | 'tag-user-credentials-requested-by-other-role'
  | 'tag-user-credentials-sent'
  | 'tag-user-other-tags'
  | 'attach-user-policy';

export function loadEvent(name: EventFixture): SNSEvent {
  return JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as SNSEvent;
}

type Json = Record<string, unknown>;

export interface EventAddress {
  /** The account, everywhere the event names it: EventBridge, recipientAccountId, userIdentity. */
  readonly accountId?: string;
  readonly topicArn?: string;
  readonly userName?: string;
  readonly eventId?: string;
  /** CreateUser's path parameter. */
  readonly path?: string;
  /** TagUser's credentials-requested value. */
  readonly requestedValue?: string;
  /** The role whose session made the call (sessionIssuer.arn), when not the fixture's own. */
  readonly issuerArn?: string;
}

/** `value` with every occurrence of account `from` inside its strings made `to`. */
function reAccount<T>(value: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll(from, to)) as T;
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
  const { accountId, topicArn, userName, eventId, path, requestedValue, issuerArn } = address;
  const event = withEventBridge(fixture, (eventBridge) => {
    const detail = eventBridge.detail as Json;
    const request = detail.requestParameters as Json;
    const user = (detail.responseElements as Json | null)?.user as Json | undefined;
    if (accountId !== undefined) {
      detail.userIdentity = reAccount(detail.userIdentity, String(eventBridge.account), accountId);
      eventBridge.account = accountId;
      detail.recipientAccountId = accountId;
      if (user !== undefined) user.arn = String(user.arn).replace(/::\d{12}:/, `::${accountId}:`);
    }
    if (requestedValue !== undefined) {
      for (const tag of request.tags as Json[]) {
        if (tag.key === TAG_CREDENTIALS_REQUESTED) tag.value = requestedValue;
      }
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
    if (issuerArn !== undefined) {
      ((detail.userIdentity as Json).sessionContext as { sessionIssuer: Json }).sessionIssuer.arn = issuerArn;
    }
  });
  for (const record of event.Records) {
    if (topicArn !== undefined) {
      record.EventSubscriptionArn = record.EventSubscriptionArn.replace(record.Sns.TopicArn, topicArn);
      record.Sns.TopicArn = topicArn;
    }
  }
  return event;
}

/** The role the fixtures' own calls come from, in `accountId`: what APPLY_ROLE_ARN names. */
export function applyRoleIn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/iam-gitops-apply`;
}

/** A copy of the event whose CloudTrail record has been changed by `change`. */
export function withCloudTrail(event: SNSEvent, change: (detail: Json) => void, index = 0): SNSEvent {
  return withEventBridge(event, (eventBridge) => change(eventBridge.detail as Json), index);
}
