import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../lambda/src/classify-record.js';
import { addressed, type EventFixture, loadEvent, withEventBridge } from './support/events.js';

const settings = {
  topicArn: 'arn:aws:sns:us-east-1:111122223333:iam-gitops-credentials',
  managedPath: '/iam-gitops/',
};

function classify(event: SNSEvent) {
  return classifyRecord(event.Records[0], settings);
}

function fixture(name: EventFixture) {
  return classify(loadEvent(name));
}

describe('classifyRecord', () => {
  it('asks for credentials on CreateUser under the managed path', () => {
    expect(fixture('create-user')).toEqual({
      kind: 'request',
      request: {
        eventId: 'b7d52b7e-1c4f-4e6a-9a0e-3f2c8d1e5a90',
        eventName: 'CreateUser',
        userName: 'alice@example.com',
      },
    });
  });

  it('takes a deeper path under the managed one as managed', () => {
    const event = addressed('create-user', { path: '/iam-gitops/contractors/' });
    expect(classify(event).kind).toBe('request');
  });

  it('asks for credentials on TagUser that sets credentials-requested', () => {
    expect(fixture('tag-user-credentials-requested')).toEqual({
      kind: 'request',
      request: {
        eventId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
        eventName: 'TagUser',
        userName: 'alice@example.com',
      },
    });
  });

  it.each<[EventFixture, string]>([
    ['create-user-default-path', 'outside-path'],
    ['create-user-failed', 'failed-call'],
    ['tag-user-credentials-sent', 'own-marker'],
    ['tag-user-other-tags', 'not-a-credentials-request'],
    ['attach-user-policy', 'other-event'],
  ])('ignores %s (%s)', (name, reason) => {
    expect(fixture(name)).toMatchObject({ kind: 'ignored', reason });
  });

  it('keeps what it knows of an ignored record for the log', () => {
    expect(fixture('tag-user-credentials-sent')).toEqual({
      kind: 'ignored',
      reason: 'own-marker',
      eventId: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f7a',
      eventName: 'TagUser',
      userName: 'alice@example.com',
    });
  });

  it('ignores a record from another topic before reading its message', () => {
    const event = addressed('create-user', { topicArn: 'arn:aws:sns:us-east-1:111122223333:other' });
    expect(classify(event)).toEqual({ kind: 'ignored', reason: 'other-topic' });
  });

  it('ignores EventBridge events that are not IAM API calls', () => {
    const signIn = withEventBridge(loadEvent('create-user'), (eventBridge) => {
      eventBridge['detail-type'] = 'AWS Console Sign In via CloudTrail';
      eventBridge.source = 'aws.signin';
    });
    const otherService = withEventBridge(loadEvent('create-user'), (eventBridge) => {
      (eventBridge.detail as Record<string, unknown>).eventSource = 'sts.amazonaws.com';
    });

    expect(classify(signIn)).toEqual({ kind: 'ignored', reason: 'not-iam-api-call' });
    expect(classify(otherService)).toMatchObject({ kind: 'ignored', reason: 'not-iam-api-call' });
  });

  it('calls a record malformed at the layer that is broken', () => {
    const notJson = structuredClone(loadEvent('create-user'));
    const [record] = notJson.Records;
    if (record) record.Sns.Message = 'not json';
    const noUserName = withEventBridge(loadEvent('tag-user-credentials-requested'), (eventBridge) => {
      (eventBridge.detail as Record<string, unknown>).requestParameters = { tags: [] };
    });

    expect(classifyRecord({ Sns: {} }, settings)).toEqual({
      kind: 'malformed',
      problem:
        'SNS record: EventSource: invalid_value; Sns.MessageId: invalid_type; Sns.TopicArn: invalid_type; Sns.Message: invalid_type',
    });
    expect(classify(notJson)).toEqual({ kind: 'malformed', problem: 'SNS message: not JSON' });
    expect(classify(noUserName)).toEqual({
      kind: 'malformed',
      problem: 'TagUser requestParameters: userName: invalid_type',
      eventId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
      eventName: 'TagUser',
    });
  });
});
