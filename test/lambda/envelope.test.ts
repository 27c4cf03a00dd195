import { describe, expect, it } from 'vitest';
import {
  DETAIL_TYPE_API_CALL,
  parseCloudTrailRecord,
  parseCreateUserParameters,
  parseEventBridgeEvent,
  parseSnsEvent,
  parseSnsRecord,
  parseTagUserParameters,
} from '../../lambda/src/envelope.js';
import { cloudTrailOf, loadEvent } from './support/events.js';

describe('parseSnsEvent', () => {
  it('returns the records of a Lambda SNS event', () => {
    const event = loadEvent('create-user');
    expect(parseSnsEvent(event)).toEqual({ ok: true, value: event.Records });
  });

  it('names the problem with something else', () => {
    expect(parseSnsEvent({ detail: {} })).toEqual({ ok: false, problem: 'SNS event: Records: invalid_type' });
    expect(parseSnsEvent(null)).toEqual({ ok: false, problem: 'SNS event: (root): invalid_type' });
  });
});

describe('parseSnsRecord', () => {
  it('reads the topic, message id and message of a real record', () => {
    const [record] = loadEvent('create-user').Records;
    const parsed = parseSnsRecord(record);

    expect(parsed.ok && parsed.value.Sns.TopicArn).toBe(
      'arn:aws:sns:us-east-1:111122223333:iam-gitops-credentials',
    );
    expect(parsed.ok && parsed.value.Sns.MessageId).toBe('95df01b4-ee98-5cb9-9903-4c221d41eb5e');
  });

  it('refuses a record from another event source', () => {
    const [record] = loadEvent('create-user').Records;
    expect(parseSnsRecord({ ...record, EventSource: 'aws:sqs' })).toEqual({
      ok: false,
      problem: 'SNS record: EventSource: invalid_value',
    });
  });
});

describe('parseEventBridgeEvent', () => {
  it('reads the envelope AWS puts around a CloudTrail record', () => {
    const [record] = loadEvent('create-user').Records;
    const parsed = parseEventBridgeEvent(record?.Sns.Message ?? '');

    expect(parsed.ok && parsed.value['detail-type']).toBe(DETAIL_TYPE_API_CALL);
    expect(parsed.ok && parsed.value.source).toBe('aws.iam');
    expect(parsed.ok && parsed.value.id).toBe('e4a1f0c2-7b3d-5e8f-a9c1-2d3e4f5a6b7c');
  });

  it('reports a message that is not JSON without quoting it', () => {
    expect(parseEventBridgeEvent('{"secret": tru')).toEqual({ ok: false, problem: 'SNS message: not JSON' });
  });

  it('lists the missing fields by path', () => {
    expect(parseEventBridgeEvent('{"id":"x","source":42}')).toEqual({
      ok: false,
      problem:
        'EventBridge event: detail-type: invalid_type; source: invalid_type; account: invalid_type; region: invalid_type; time: invalid_type; detail: invalid_type',
    });
  });
});

describe('parseCloudTrailRecord', () => {
  it('reads the fields every record has', () => {
    const parsed = parseCloudTrailRecord(cloudTrailOf(loadEvent('create-user')));

    expect(parsed.ok && parsed.value.eventID).toBe('b7d52b7e-1c4f-4e6a-9a0e-3f2c8d1e5a90');
    expect(parsed.ok && parsed.value.eventName).toBe('CreateUser');
    expect(parsed.ok && parsed.value.eventSource).toBe('iam.amazonaws.com');
    expect(parsed.ok && parsed.value.errorCode).toBeUndefined();
  });

  it('reads the errorCode of a failed call', () => {
    const parsed = parseCloudTrailRecord(cloudTrailOf(loadEvent('create-user-failed')));
    expect(parsed.ok && parsed.value.errorCode).toBe('EntityAlreadyExists');
  });

  it('names the fields that are wrong, never their values', () => {
    const parsed = parseCloudTrailRecord({ eventID: 'x', eventName: 'secret-value', eventSource: 7 });
    expect(parsed).toEqual({ ok: false, problem: 'CloudTrail record: eventSource: invalid_type' });
  });
});

describe('parseCreateUserParameters', () => {
  it('reads the user name, path and the lowerCamel tags CloudTrail logs', () => {
    const parsed = parseCreateUserParameters(cloudTrailOf(loadEvent('create-user')).requestParameters);

    expect(parsed).toEqual({
      ok: true,
      value: {
        userName: 'alice@example.com',
        path: '/iam-gitops/',
        tags: [
          { key: 'iam-gitops:managed-by', value: 'acme/aws-users' },
          { key: 'iam-gitops:console', value: 'true' },
          { key: 'iam-gitops:email', value: 'alice@example.com' },
          { key: 'team', value: 'platform' },
        ],
      },
    });
  });

  it('leaves the path out when the caller took the default', () => {
    const parsed = parseCreateUserParameters(
      cloudTrailOf(loadEvent('create-user-default-path')).requestParameters,
    );
    expect(parsed.ok && parsed.value.path).toBeUndefined();
  });

  it('needs a user name', () => {
    expect(parseCreateUserParameters({ path: '/iam-gitops/' })).toEqual({
      ok: false,
      problem: 'CreateUser requestParameters: userName: invalid_type',
    });
  });
});

describe('parseTagUserParameters', () => {
  it('reads the user and the tags being set', () => {
    const parsed = parseTagUserParameters(
      cloudTrailOf(loadEvent('tag-user-credentials-requested')).requestParameters,
    );

    expect(parsed).toEqual({
      ok: true,
      value: {
        userName: 'alice@example.com',
        tags: [{ key: 'iam-gitops:credentials-requested', value: '2025-04-02T09:15:31Z run 14230984512' }],
      },
    });
  });

  it('takes a tag without a value as the empty string, as IAM stores it', () => {
    const parsed = parseTagUserParameters({ userName: 'a', tags: [{ key: 'k' }] });
    expect(parsed.ok && parsed.value.tags).toEqual([{ key: 'k', value: '' }]);
  });

  it('needs the tags', () => {
    expect(parseTagUserParameters({ userName: 'a' })).toEqual({
      ok: false,
      problem: 'TagUser requestParameters: tags: invalid_type',
    });
  });
});
