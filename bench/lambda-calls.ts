// The credential Lambda's AWS calls per event, measured on the built bundle
// (lambda/dist/index.mjs) as Lambda runs it: configured only by its environment, called with an
// SNS-shaped event and a Lambda context, its calls counted where they leave the process (a proxy in
// front of moto), so whatever the handler does inside (caches included) is what is counted.
// Three events in one container: a cold CreateUser, then a warm CreateUser for another user, then
// a warm re-send. Run as a child process (its logs and module-scope settings stay out of the bench):
//   tsx bench/lambda-calls.ts <moto endpoint> <result file>
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateUserCommand, IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { cloudTrailFor, snsEnvelope } from '../demo/cloudtrail.js';
import {
  LAMBDA_ENV,
  TAG_CONSOLE,
  TAG_CREDENTIALS_REQUESTED,
  TAG_EMAIL,
  TAG_MANAGED_BY,
} from '../src/contract.js';
import { startFaultProxy } from '../test/support/fault-proxy.js';
import { accountIn } from '../test/support/moto-account.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MANAGED_PATH = '/iam-gitops/';
const SENDER = 'iam@example.com';
const APPLY_ROLE = 'iam-gitops-apply';

export interface LambdaEventCalls {
  /** Calls by operation, in the order made. */
  readonly calls: readonly string[];
  /** Whether the event ended in an email (a refused event would make fewer calls and prove nothing). */
  readonly delivered: boolean;
  /** What the handler reported, for a refused event. */
  readonly outcome: string;
}

export interface LambdaCalls {
  readonly cold: LambdaEventCalls;
  readonly warm: LambdaEventCalls;
  readonly warmResend: LambdaEventCalls;
}

/** SES v2 speaks REST: name its one call the way its API does. */
function operationOf(action: string): string {
  return /^POST \/v2\/email\/outbound-emails/.test(action) ? 'SendEmail' : action;
}

function formOf(
  action: 'CreateUser' | 'TagUser',
  user: string,
  tags: { Key: string; Value: string }[],
): string {
  const form = new URLSearchParams({ Action: action, UserName: user });
  if (action === 'CreateUser') form.set('Path', MANAGED_PATH);
  tags.forEach((tag, index) => {
    form.set(`Tags.member.${index + 1}.Key`, tag.Key);
    form.set(`Tags.member.${index + 1}.Value`, tag.Value);
  });
  return form.toString();
}

function eventFor(form: string, accountId: string, topicArn: string) {
  const record = cloudTrailFor(form, accountId, APPLY_ROLE);
  if (!record) throw new Error('not an event the Lambda acts on');
  const envelope = snsEnvelope(
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
  // The role whose sessions the Lambda acts for: as the record names it, else the apply role.
  const identity = record.detail.userIdentity as
    | { sessionContext?: { sessionIssuer?: { arn?: string } } }
    | undefined;
  const issuer =
    identity?.sessionContext?.sessionIssuer?.arn ?? `arn:aws:iam::${accountId}:role/${APPLY_ROLE}`;
  return { envelope, issuer };
}

async function main(endpoint: string, resultFile: string): Promise<void> {
  const account = await accountIn(endpoint);
  const admin = new IAMClient(account.clientConfig);
  await new SESv2Client(account.clientConfig).send(new CreateEmailIdentityCommand({ EmailIdentity: SENDER }));
  const users = ['bench-first@example.com', 'bench-second@example.com'];
  const tagsFor = (user: string) => [
    { Key: TAG_MANAGED_BY, Value: 'bench/iam-users' },
    { Key: TAG_CONSOLE, Value: 'true' },
    { Key: TAG_EMAIL, Value: user },
  ];
  for (const user of users) {
    await admin.send(new CreateUserCommand({ UserName: user, Path: MANAGED_PATH, Tags: tagsFor(user) }));
  }
  const topicArn = `arn:aws:sns:us-east-1:${account.accountId}:iam-gitops-credentials`;
  const [first, second] = users as [string, string];
  const cold = eventFor(formOf('CreateUser', first, tagsFor(first)), account.accountId, topicArn);
  const warm = eventFor(formOf('CreateUser', second, tagsFor(second)), account.accountId, topicArn);
  const request = { Key: TAG_CREDENTIALS_REQUESTED, Value: `${new Date().toISOString()} run 1` };
  const resend = eventFor(formOf('TagUser', first, [request]), account.accountId, topicArn);

  const proxy = await startFaultProxy(endpoint);
  Object.assign(process.env, account.env, {
    AWS_ENDPOINT_URL: proxy.endpoint,
    [LAMBDA_ENV.sender]: SENDER,
    [LAMBDA_ENV.managedPath]: MANAGED_PATH,
    [LAMBDA_ENV.topicArn]: topicArn,
    [LAMBDA_ENV.applyRoleArn]: cold.issuer,
  });
  const bundle = pathToFileURL(join(root, 'lambda', 'dist', 'index.mjs')).href;
  const { handler } = (await import(bundle)) as {
    handler: (event: unknown, context: Record<string, unknown>) => Promise<unknown>;
  };
  const context = (requestId: string) => ({
    awsRequestId: requestId,
    functionName: 'iam-gitops-credentials',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${account.accountId}:function:iam-gitops-credentials`,
    getRemainingTimeInMillis: () => 30_000,
  });
  const invoke = async (envelope: unknown, requestId: string): Promise<LambdaEventCalls> => {
    const before = proxy.requests.length;
    let outcome: string;
    try {
      outcome = JSON.stringify(await handler(envelope, context(requestId)));
    } catch (error) {
      outcome = `threw: ${error instanceof Error ? error.message : String(error)}`;
    }
    const calls = proxy.requests.slice(before).map((r) => operationOf(r.action));
    return { calls, delivered: calls.includes('SendEmail'), outcome };
  };

  const result: LambdaCalls = {
    cold: await invoke(cold.envelope, 'bench-cold'),
    warm: await invoke(warm.envelope, 'bench-warm'),
    warmResend: await (async () => {
      // A re-send is honoured only when IAM holds the request it answers: tag as the action would.
      await admin.send(new TagUserCommand({ UserName: first, Tags: [request] }));
      return invoke(resend.envelope, 'bench-resend');
    })(),
  };
  await proxy.close();
  writeFileSync(resultFile, JSON.stringify(result));
}

const [endpoint, resultFile] = process.argv.slice(2);
if (endpoint === undefined || resultFile === undefined) {
  process.stderr.write('usage: tsx bench/lambda-calls.ts <moto endpoint> <result file>\n');
  process.exit(2);
}
await main(endpoint, resultFile);
