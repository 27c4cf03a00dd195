// The rule's pattern, exactly as synthesized, run through moto's EventBridge (its TestEventPattern
// is a stub, so the events go through PutEvents into a rule whose target is an SQS queue, and the
// queue says which ones matched).
//
// One gap in moto 5.2.5: its matcher does not descend into arrays of objects (events/models.py,
// EventPattern._flatten_dict stops at lists), while EventBridge's engine does: "the array structure
// is crushed out of the rule pattern, and any contained objects are treated as if they are the
// value of the parent field" (aws/event-ruler README, "JSON Array Matching"). CloudTrail logs
// TagUser's tags as such an array. So each event is handed to moto crushed the way EventBridge
// reads it (`crushArrays`), and a canary test shows that moto misses the raw array; when that
// canary fails, moto has closed the gap and the crushing can go.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshAccount } from '../support/aws.js';
import { crushArrays } from '../support/crush-arrays.js';
import { synth } from './support/synth.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail');

/** Which CloudTrail-shaped events (test/fixtures/cloudtrail) the Lambda must receive. */
const EXPECTED: Record<string, boolean> = {
  'create-user-managed-path.json': true,
  'tag-user-credentials-requested.json': true,
  'tag-user-credentials-requested-among-others.json': true,
  'delete-user.json': false,
  'create-user-other-path.json': false,
  // The pattern matches the managed path exactly (the action creates users at it, not below it).
  'create-user-sub-path.json': false,
  // CloudTrail omits the path when the caller passed none: such a user is at "/", out of scope.
  'create-user-no-path.json': false,
  'create-user-failed.json': false,
  'tag-user-credentials-requested-failed.json': false,
  // The Lambda's own marker must not trigger the Lambda again.
  'tag-user-credentials-sent.json': false,
  'tag-user-managed-tags.json': false,
};

interface CloudTrailEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly resources: string[];
  readonly detail: { readonly eventID: string };
}

function loadEvent(file: string): CloudTrailEvent {
  return JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as CloudTrailEvent;
}

/** The EventPattern of the stack's one rule, as CloudFormation would hand it to EventBridge. */
function synthesizedPattern(): string {
  const rules = Object.values(synth().template.findResources('AWS::Events::Rule'));
  expect(rules).toHaveLength(1);
  const pattern: unknown = rules[0]?.Properties?.EventPattern;
  const text = JSON.stringify(pattern);
  // No tokens left: the pattern is literal JSON that EventBridge takes as is.
  expect(text).not.toMatch(/Fn::|"Ref"|\$\{Token/);
  return text;
}

async function receiveAll(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((m) => m.Body ?? ''));
  }
}

async function putEvent(events: EventBridgeClient, event: CloudTrailEvent, detail: unknown): Promise<void> {
  const answer = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: event.source,
          DetailType: event['detail-type'],
          Resources: event.resources,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  expect(answer.FailedEntryCount ?? 0).toBe(0);
}

interface Harness {
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

/** A fresh account with the synthesized rule and an SQS queue as its target. */
async function ruleWithQueue(): Promise<Harness> {
  const account = await freshAccount();
  const events = new EventBridgeClient(account.clientConfig);
  const sqs = new SQSClient(account.clientConfig);
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'matched' }));
  const queueUrl = queue.QueueUrl ?? '';
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await events.send(new PutRuleCommand({ Name: 'credentials', EventPattern: synthesizedPattern() }));
  await events.send(
    new PutTargetsCommand({
      Rule: 'credentials',
      Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn ?? '' }],
    }),
  );
  return { events, sqs, queueUrl };
}

describe('crushArrays', () => {
  it('turns an array of objects into one object of value lists, recursively, and leaves the rest', () => {
    expect(
      crushArrays({
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
        names: ['x', 'y'],
        empty: [],
        nested: { items: [{ ids: ['i-1'] }, { ids: ['i-2'] }] },
      }),
    ).toEqual({
      tags: { key: ['a', 'b'], value: ['1', '2'] },
      names: ['x', 'y'],
      empty: [],
      nested: { items: { ids: ['i-1', 'i-2'] } },
    });
  });
});

describe('the credential rule', () => {
  let matchedIds: Set<string>;
  let deliveries: number;

  beforeAll(async () => {
    const { events, sqs, queueUrl } = await ruleWithQueue();

    for (const file of Object.keys(EXPECTED)) {
      const event = loadEvent(file);
      await putEvent(events, event, crushArrays(event.detail));
    }
    const bodies = await receiveAll(sqs, queueUrl);
    deliveries = bodies.length;
    matchedIds = new Set(bodies.map((body) => (JSON.parse(body) as CloudTrailEvent).detail.eventID));
  });

  it('has an expectation for every fixture', () => {
    expect(readdirSync(fixtures).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s: delivered %s', (file, delivered) => {
    expect(matchedIds.has(loadEvent(file).detail.eventID)).toBe(delivered);
  });

  it('delivers each matching event once', () => {
    const wanted = Object.values(EXPECTED).filter(Boolean).length;
    expect(matchedIds.size).toBe(wanted);
    expect(deliveries).toBe(wanted);
  });
});

describe('moto (canary)', () => {
  it('still misses a field inside an array of objects unless the event is crushed', async () => {
    const { events, sqs, queueUrl } = await ruleWithQueue();
    const event = loadEvent('tag-user-credentials-requested.json');

    await putEvent(events, event, event.detail);

    expect(await receiveAll(sqs, queueUrl)).toEqual([]);
  });
});
