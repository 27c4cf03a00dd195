// The credential Lambda's AWS calls per event: the handler in-process against moto, with its IAM and
// SES clients counted, for a new user (CreateUser) and a re-send (TagUser).
import { randomUUID } from 'node:crypto';
import { CreateUserCommand, IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { cloudTrailFor, snsEnvelope } from '../demo/cloudtrail.js';
import { AccountFacts } from '../lambda/src/account-facts.js';
import { handleSnsEvent } from '../lambda/src/handle-event.js';
import { OutcomeMetrics } from '../lambda/src/metrics.js';
import { TAG_CONSOLE, TAG_CREDENTIALS_REQUESTED, TAG_EMAIL, TAG_MANAGED_BY } from '../src/contract.js';
import { sleep } from '../src/util/retry.js';
import { accountIn } from '../test/support/moto-account.js';
import { countCalls } from './call-counter.js';

export interface LambdaCalls {
  readonly createUser: Record<string, number>;
  readonly resend: Record<string, number>;
}

function eventFor(form: Record<string, string>, accountId: string, topicArn: string): unknown {
  const record = cloudTrailFor(new URLSearchParams(form).toString(), accountId, 'iam-gitops-apply');
  if (!record) throw new Error('not an event the Lambda acts on');
  return snsEnvelope(
    topicArn,
    JSON.stringify({
      version: '0',
      id: randomUUID(),
      'detail-type': record.detailType,
      source: record.source,
      account: accountId,
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: record.detail,
    }),
  );
}

export async function lambdaCallsPerEvent(endpoint: string): Promise<LambdaCalls> {
  const account = await accountIn(endpoint);
  const iam = new IAMClient(account.clientConfig);
  const ses = new SESv2Client(account.clientConfig);
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'iam@example.com' }));
  const topicArn = `arn:aws:sns:us-east-1:${account.accountId}:iam-gitops-credentials`;
  const user = 'bench-user@example.com';
  const tags = [
    { Key: TAG_MANAGED_BY, Value: 'bench/iam-users' },
    { Key: TAG_CONSOLE, Value: 'true' },
    { Key: TAG_EMAIL, Value: user },
  ];
  await iam.send(new CreateUserCommand({ UserName: user, Path: '/iam-gitops/', Tags: tags }));
  // One container: the first event is cold (it reads the password policy and alias), the second warm.
  const deps = {
    iam,
    ses,
    config: {
      senderEmail: 'iam@example.com',
      managedPath: '/iam-gitops/',
      topicArn,
      applyRoleArn: `arn:aws:iam::${account.accountId}:role/iam-gitops-apply`,
    },
    ownAccountId: account.accountId,
    facts: new AccountFacts(),
    metrics: new OutcomeMetrics(),
    log: () => undefined,
    sleep,
    now: Date.now,
  };
  const iamCalls = countCalls(iam);
  const sesCalls = countCalls(ses);
  const both = () => ({ ...iamCalls.byOperation(), ...sesCalls.byOperation() });
  const form: Record<string, string> = { Action: 'CreateUser', UserName: user, Path: '/iam-gitops/' };
  tags.forEach((tag, index) => {
    form[`Tags.member.${index + 1}.Key`] = tag.Key;
    form[`Tags.member.${index + 1}.Value`] = tag.Value;
  });
  await handleSnsEvent(eventFor(form, account.accountId, topicArn), deps);
  const createUser = both();
  // The action's re-send: the tag, then its CloudTrail event (the Lambda honours only the current value).
  const requested = `${new Date().toISOString()} run 1`;
  await iam.send(
    new TagUserCommand({ UserName: user, Tags: [{ Key: TAG_CREDENTIALS_REQUESTED, Value: requested }] }),
  );
  iamCalls.reset();
  sesCalls.reset();
  await handleSnsEvent(
    eventFor(
      {
        Action: 'TagUser',
        UserName: user,
        'Tags.member.1.Key': TAG_CREDENTIALS_REQUESTED,
        'Tags.member.1.Value': requested,
      },
      account.accountId,
      topicArn,
    ),
    deps,
  );
  return { createUser, resend: both() };
}
