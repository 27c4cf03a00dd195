import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type ClassifySettings, classifyRecord } from '../../lambda/src/classify-record.js';
import { TAG_CREDENTIALS_REQUESTED } from '../../src/contract.js';
import {
  addressed,
  applyRoleIn,
  type EventFixture,
  loadEvent,
  withCloudTrail,
  withEventBridge,
} from './support/events.js';

const ACCOUNT = '111122223333';
const settings: ClassifySettings = {
  topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:iam-gitops-credentials`,
  managedPath: '/iam-gitops/',
  ownAccountId: ACCOUNT,
  applyRoleArn: applyRoleIn(ACCOUNT),
};
const APPLY_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/iam-gitops-apply/GitHubActions`;

function classify(event: SNSEvent, with_: ClassifySettings = settings) {
  return classifyRecord(event.Records[0], with_);
}

function fixture(name: EventFixture) {
  return classify(loadEvent(name));
}

describe('classifyRecord', () => {
  it('asks for credentials on CreateUser under the managed path, by the apply role', () => {
    expect(fixture('create-user')).toEqual({
      kind: 'request',
      request: {
        eventId: 'b7d52b7e-1c4f-4e6a-9a0e-3f2c8d1e5a90',
        eventName: 'CreateUser',
        userName: 'alice@example.com',
        account: { kind: 'own', id: ACCOUNT },
        principal: APPLY_SESSION,
      },
    });
  });

  it('takes a deeper path under the managed one as managed', () => {
    const event = addressed('create-user', { path: '/iam-gitops/contractors/' });
    expect(classify(event).kind).toBe('request');
  });

  it('asks for credentials on TagUser that sets credentials-requested, keeping the value it set', () => {
    expect(fixture('tag-user-credentials-requested')).toEqual({
      kind: 'request',
      request: {
        eventId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
        eventName: 'TagUser',
        userName: 'alice@example.com',
        requestedValue: '2025-04-02T09:15:31Z run 14230984512',
        account: { kind: 'own', id: ACCOUNT },
        principal: APPLY_SESSION,
      },
    });
  });

  it('finds the request among other tags of the same call', () => {
    const event = withCloudTrail(loadEvent('tag-user-credentials-requested'), (detail) => {
      (detail.requestParameters as { tags: unknown[] }).tags = [
        { key: 'team', value: 'platform' },
        { key: TAG_CREDENTIALS_REQUESTED, value: 'v-2' },
      ];
    });
    expect(classify(event)).toMatchObject({ kind: 'request', request: { requestedValue: 'v-2' } });
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
      accountId: ACCOUNT,
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/iam-gitops-credentials-role/iam-gitops-credentials`,
    });
  });

  it('ignores a record from another topic before reading its message', () => {
    const event = addressed('create-user', { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:other` });
    expect(classify(event)).toEqual({ kind: 'ignored', reason: 'other-topic' });
  });

  it('ignores EventBridge events that are not IAM API calls', () => {
    const signIn = withEventBridge(loadEvent('create-user'), (eventBridge) => {
      eventBridge['detail-type'] = 'AWS Console Sign In via CloudTrail';
      eventBridge.source = 'aws.signin';
    });
    const otherService = withCloudTrail(loadEvent('create-user'), (detail) => {
      detail.eventSource = 'sts.amazonaws.com';
    });

    expect(classify(signIn)).toEqual({ kind: 'ignored', reason: 'not-iam-api-call' });
    expect(classify(otherService)).toMatchObject({ kind: 'ignored', reason: 'not-iam-api-call' });
  });

  it('calls a record malformed at the layer that is broken', () => {
    const notJson = structuredClone(loadEvent('create-user'));
    const [record] = notJson.Records;
    if (record) record.Sns.Message = 'not json';
    const noUserName = withCloudTrail(loadEvent('tag-user-credentials-requested'), (detail) => {
      detail.requestParameters = { tags: [] };
    });
    const oddIdentity = withCloudTrail(loadEvent('create-user'), (detail) => {
      detail.userIdentity = { type: 42 };
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
      accountId: ACCOUNT,
      principal: APPLY_SESSION,
    });
    expect(classify(oddIdentity)).toEqual({
      kind: 'malformed',
      problem: 'CloudTrail record: userIdentity.type: invalid_type',
    });
  });
});

describe('classifyRecord, provenance', () => {
  it('refuses a re-send made by an IAM user, naming the principal', () => {
    expect(fixture('tag-user-credentials-requested-by-user')).toEqual({
      kind: 'refused',
      reason: 'not-apply-role',
      eventId: 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70',
      eventName: 'TagUser',
      userName: 'alice@example.com',
      accountId: ACCOUNT,
      principal: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    });
  });

  it('refuses a re-send made by a session of another role', () => {
    expect(fixture('tag-user-credentials-requested-by-other-role')).toMatchObject({
      kind: 'refused',
      reason: 'not-apply-role',
    });
  });

  it('refuses a CreateUser by another principal', () => {
    const forged = withCloudTrail(loadEvent('create-user'), (detail) => {
      detail.userIdentity = {
        type: 'IAMUser',
        arn: `arn:aws:iam::${ACCOUNT}:user/mallory`,
        accountId: ACCOUNT,
      };
    });
    expect(classify(forged)).toMatchObject({ kind: 'refused', reason: 'not-apply-role' });
  });

  it("refuses another account's event, even from that account's apply role", () => {
    const elsewhere = addressed('create-user', { accountId: '999988887777' });
    expect(classify(elsewhere)).toMatchObject({
      kind: 'refused',
      reason: 'other-account',
      accountId: '999988887777',
    });
    // The positive control: the same event for a Lambda in that account is a request.
    expect(
      classify(elsewhere, {
        ...settings,
        ownAccountId: '999988887777',
        applyRoleArn: applyRoleIn('999988887777'),
      }),
    ).toMatchObject({ kind: 'request', request: { account: { kind: 'own', id: '999988887777' } } });
  });

  it('refuses an event whose EventBridge and CloudTrail accounts differ', () => {
    const mixed = withCloudTrail(loadEvent('create-user'), (detail) => {
      detail.recipientAccountId = '999988887777';
    });
    expect(classify(mixed)).toMatchObject({ kind: 'refused', reason: 'other-account' });
  });

  it("answers a member account's apply role through that member (the central Lambda)", () => {
    const member = {
      id: '444455556666',
      name: 'prod',
      applyRoleArn: applyRoleIn('444455556666'),
      credentialsRoleArn: 'arn:aws:iam::444455556666:role/iam-gitops/iam-gitops-credentials',
    };
    const event = addressed('tag-user-credentials-requested', { accountId: member.id });

    expect(classify(event, { ...settings, memberAccounts: [member] })).toMatchObject({
      kind: 'request',
      request: { account: { kind: 'member', id: member.id, member } },
    });
    expect(classify(event)).toMatchObject({ kind: 'refused', reason: 'other-account' });
  });

  it('decides provenance only for requests: the own marker and other calls stay ignored', () => {
    const byOther = withCloudTrail(loadEvent('tag-user-other-tags'), (detail) => {
      detail.userIdentity = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/mallory` };
    });
    expect(classify(byOther)).toMatchObject({ kind: 'ignored', reason: 'not-a-credentials-request' });
  });
});
