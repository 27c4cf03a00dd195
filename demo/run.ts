// npm run demo: the whole product on this machine, against moto, with the real built artifacts:
// the action's dist/index.js as the runner runs it, the infrastructure's own event pattern, and the
// Lambda's bundle lambda/dist/index.mjs. It says at each step what happened in AWS terms. Its last
// scene (demo/accounts-scene.ts) serves a hub and two member accounts from one roster.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListGroupsForUserCommand,
  TagUserCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { credentialEventPattern } from '../infra/lib/credential-event-pattern.js';
import { LAMBDA_ENV, TAG_CREDENTIALS_REQUESTED, TAG_DISABLED_AT } from '../src/contract.js';
import { crushArrays } from '../test/support/crush-arrays.js';
import { type FakeGitHub, startFakeGitHub } from '../test/support/fake-github.js';
import { type FaultProxy, startFaultProxy } from '../test/support/fault-proxy.js';
import { passwordInHtml } from '../test/support/mailbox.js';
import { accountIn } from '../test/support/moto-account.js';
import { type MotoServer, startMoto } from '../test/support/moto-server.js';
import { makeRosterDir, type RosterDir } from '../test/support/roster-dir.js';
import { type ActionRun, runAction, workflowCommands } from '../test/support/run-action.js';
import { ACCOUNT_SCENE_USERS, accountsScene } from './accounts-scene.js';
import { type Caller, type CloudTrailEvent, cloudTrailFor, snsEnvelope } from './cloudtrail.js';
import { catchOutput, describeOutput } from './lambda-output.js';
import { mailFor, printEmail } from './mail.js';
import { bold, dim, indent, say, step } from './say.js';

const IAM_PATH = '/iam-gitops/';
const SENDER = 'iam@example.com';
const REPOSITORY = 'acme/iam-users';
/** The role the action applies with (GitHub OIDC); the Lambda acts only for its sessions. */
const APPLY_ROLE = 'iam-gitops-apply';
const USERS = ['alice@example.com', 'bob@example.com', 'carol@example.com'];

/** moto 5.2 answers ListServiceSpecificCredentials with 404; AWS answers an empty list for these users. */
const NO_SERVICE_CREDENTIALS =
  '<ListServiceSpecificCredentialsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListServiceSpecificCredentialsResult><ServiceSpecificCredentials/></ListServiceSpecificCredentialsResult><ResponseMetadata><RequestId>demo</RequestId></ResponseMetadata></ListServiceSpecificCredentialsResponse>';

interface Stage {
  moto: MotoServer;
  mailMoto: MotoServer;
  proxy: FaultProxy;
  github: FakeGitHub;
  roster: RosterDir;
  accountId: string;
  admin: IAMClient;
  queueUrl: string;
  events: EventBridgeClient;
  sqs: SQSClient;
  topicArn: string;
  handler: LambdaHandler;
  /** An IAM user of the account with iam:TagUser, whose calls go through the proxy (and so into CloudTrail). */
  mallory: IAMClient;
  /** Every line the Lambda wrote, to prove that none carries a password. */
  lambdaLines: string[];
}

type LambdaHandler = (
  event: unknown,
  context: { awsRequestId: string; invokedFunctionArn: string },
) => Promise<unknown>;

async function prepare(): Promise<Stage> {
  step('Start AWS (moto, an AWS API emulator) and prepare an account');
  const [moto, mailMoto] = await Promise.all([startMoto(), startMoto({ managedPolicies: false })]);
  const account = await accountIn(moto.endpoint);
  const admin = new IAMClient(account.clientConfig);
  for (const group of ['developers', 'oncall'])
    await admin.send(new CreateGroupCommand({ GroupName: group }));
  await admin.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-demo' }));
  await admin.send(
    new UpdateAccountPasswordPolicyCommand({
      MinimumPasswordLength: 16,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      RequireNumbers: true,
      RequireSymbols: true,
    }),
  );
  // SES lives on a second moto without AWS managed policies, where reading sent mail is fast.
  // That server does not know the account's keys, so every caller lands in its default account.
  await new SESv2Client({
    endpoint: mailMoto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  }).send(new CreateEmailIdentityCommand({ EmailIdentity: SENDER }));
  say(`   account ${account.accountId} (alias acme-demo): groups developers and oncall, a strict password`);
  say(`   policy (16+ characters, every class), SES sender ${SENDER} verified.`);

  // The infrastructure's rule, with its own pattern; moto delivers matches to an SQS target.
  const events = new EventBridgeClient(account.clientConfig);
  const sqs = new SQSClient(account.clientConfig);
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'iam-gitops-credential-events' }));
  const queueUrl = queue.QueueUrl ?? '';
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await events.send(
    new PutRuleCommand({
      Name: 'iam-gitops-credentials',
      EventPattern: JSON.stringify(credentialEventPattern(IAM_PATH)),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'iam-gitops-credentials',
      Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn ?? '' }],
    }),
  );
  say(
    '   EventBridge rule iam-gitops-credentials with the pattern from infra/lib/credential-event-pattern.ts.',
  );

  // The Lambda's bundle, configured as the infrastructure configures it.
  const topicArn = `arn:aws:sns:us-east-1:${account.accountId}:iam-gitops-credentials`;
  Object.assign(process.env, {
    ...account.env,
    AWS_ENDPOINT_URL_SESV2: mailMoto.endpoint,
    [LAMBDA_ENV.sender]: SENDER,
    [LAMBDA_ENV.managedPath]: IAM_PATH,
    [LAMBDA_ENV.topicArn]: topicArn,
    [LAMBDA_ENV.applyRoleArn]: `arn:aws:iam::${account.accountId}:role/${APPLY_ROLE}`,
    [LAMBDA_ENV.recipientDomains]: 'example.com',
  });
  const lambda = (await import(join(import.meta.dirname, '..', 'lambda', 'dist', 'index.mjs'))) as {
    handler: LambdaHandler;
  };
  say(`   The credential Lambda acts only for sessions of role/${APPLY_ROLE}, and mails only @example.com.`);

  const proxy = await startFaultProxy(moto.endpoint);
  // Mallory administers the account by hand: an IAM user outside the managed path, with her own keys.
  await admin.send(new CreateUserCommand({ UserName: 'mallory' }));
  const { AccessKey: key } = await admin.send(new CreateAccessKeyCommand({ UserName: 'mallory' }));
  const mallory = new IAMClient({
    ...account.clientConfig,
    endpoint: proxy.endpoint,
    credentials: { accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' },
  });
  proxy.setRule((request) =>
    request.action === 'ListServiceSpecificCredentials'
      ? { kind: 'respond', status: 200, body: NO_SERVICE_CREDENTIALS }
      : undefined,
  );
  const github = await startFakeGitHub({ repository: REPOSITORY });
  const roster = await makeRosterDir();
  return {
    moto,
    mailMoto,
    proxy,
    github,
    roster,
    accountId: account.accountId,
    admin,
    queueUrl,
    events,
    sqs,
    topicArn,
    handler: lambda.handler,
    mallory,
    lambdaLines: [],
  };
}

async function act(
  stage: Stage,
  event: 'pull_request' | 'push' | 'workflow_dispatch',
  inputs: Record<string, string>,
  payloadPatch?: Record<string, unknown>,
): Promise<ActionRun> {
  const role = event === 'pull_request' ? 'iam-gitops-plan' : 'iam-gitops-apply';
  return runAction({
    event,
    workspace: stage.roster.root,
    githubToken: stage.github.apiToken,
    inputs: { 'role-to-assume': `arn:aws:iam::${stage.accountId}:role/${role}`, ...inputs },
    ...(payloadPatch ? { payloadPatch } : {}),
    env: {
      AWS_ENDPOINT_URL: stage.proxy.endpoint,
      GITHUB_API_URL: stage.github.apiUrl,
      ACTIONS_ID_TOKEN_REQUEST_URL: stage.github.tokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: stage.github.tokenRequestToken,
    },
  });
}

/** One invocation of the Lambda, as SNS makes it; what it wrote is told, indented. */
async function invokeLambda(stage: Stage, event: unknown): Promise<void> {
  const { lines } = await catchOutput(() =>
    stage.handler(event, {
      awsRequestId: randomUUID(),
      invokedFunctionArn: `arn:aws:lambda:us-east-1:${stage.accountId}:function:iam-gitops-credentials`,
    }),
  );
  stage.lambdaLines.push(...lines);
  for (const line of describeOutput(lines)) say(dim(`     ${line}`));
}

/**
 * CloudTrail -> EventBridge rule -> (SNS) -> the Lambda, for the IAM calls made since `since`,
 * by `caller` (the action's apply role unless said otherwise).
 */
async function deliverEvents(stage: Stage, since: number, caller: Caller = APPLY_ROLE): Promise<void> {
  const trail: CloudTrailEvent[] = stage.proxy.requests
    .slice(since)
    .filter((request) => request.status === 200)
    .flatMap((request) => cloudTrailFor(request.body, stage.accountId, caller) ?? []);
  const byId = new Map(trail.map((record) => [String(record.detail.eventID), record]));
  // moto's matcher needs arrays of objects flattened the way EventBridge reads them.
  await stage.events.send(
    new PutEventsCommand({
      Entries: trail.map((record) => ({
        Source: record.source,
        DetailType: record.detailType,
        Detail: JSON.stringify(crushArrays(record.detail)),
      })),
    }),
  );
  const received = await stage.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: stage.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  const matched = (received.Messages ?? []).map(
    (message) => JSON.parse(message.Body ?? '{}') as { id: string; detail: { eventID: string } },
  );
  say(
    `   CloudTrail logged ${trail.length} call${trail.length === 1 ? '' : 's'} (${trail.map((r) => `${r.detail.eventName} ${(r.detail.requestParameters as { userName: string }).userName}`).join(', ')});`,
  );
  say(
    `   the EventBridge rule matched ${matched.length} and published ${matched.length === 1 ? 'it' : 'them'} to SNS, which invokes the Lambda:`,
  );
  for (const eventBridgeEvent of matched) {
    const record = byId.get(eventBridgeEvent.detail.eventID);
    if (!record) continue;
    // The Lambda gets the event as AWS delivers it (tags as an array), not moto's flattened copy.
    const original = JSON.stringify({
      version: '0',
      id: eventBridgeEvent.id,
      'detail-type': record.detailType,
      source: record.source,
      account: stage.accountId,
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: record.detail,
    });
    await invokeLambda(stage, snsEnvelope(stage.topicArn, original));
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  say(bold('iam-gitops demo: GitOps for AWS IAM users, end to end on this machine'));
  const stage = await prepare();
  try {
    step('A pull request adds alice and bob, and a broken file for carol');
    await stage.roster.write({
      'alice@example.com.yaml': {
        name: 'alice@example.com',
        groups: ['developers'],
        tags: { team: 'platform' },
      },
      'bob@example.com.yaml': {
        name: 'bob@example.com',
        groups: ['developers', 'oncall'],
        tags: { team: 'payments' },
      },
      'carol@example.com.yaml': 'name: carol@example.com\ngroups: developers\ntags:\n  aws:team: sre\n',
    });
    const broken = await act(stage, 'pull_request', {});
    say(
      `   The action validated every file before any AWS call and failed the check (exit ${broken.code}), annotating:`,
    );
    for (const annotation of workflowCommands(broken.stdout, 'error')) {
      const where = annotation.properties;
      if (where.file) say(`     ${where.file}:${where.line}:${where.col}  ${annotation.message}`);
    }

    step("The author fixes carol's file; the action plans against IAM (plan role, via GitHub OIDC)");
    await stage.roster.write({
      'carol@example.com.yaml': { name: 'carol@example.com', groups: ['developers'], tags: { team: 'sre' } },
    });
    const planned = await act(stage, 'pull_request', {});
    const comment = stage.github.comments.at(-1);
    say(
      `   One sticky comment on the pull request (${stage.github.comments.length} comment, edited in place):`,
    );
    say(dim(indent(comment?.body ?? '(none)')));
    say(`   changes-count output: ${planned.outputs['changes-count']}`);

    step('The merge to main applies the plan (apply role, via GitHub OIDC)');
    const beforeApply = stage.proxy.requests.length;
    const applied = await act(stage, 'push', {});
    say(`   exit ${applied.code}; the job summary:`);
    say(dim(indent(applied.summary)));

    step('IAM CreateUser -> CloudTrail -> EventBridge -> SNS -> the credential Lambda -> SES');
    await deliverEvents(stage, beforeApply);
    for (const user of USERS) {
      const mails = await mailFor(stage.mailMoto.endpoint, user);
      say(
        `\n   ${bold(`Email to ${user}`)} (${mails.length} received; the password is masked here, the real email carries it):`,
      );
      const last = mails.at(-1);
      if (last) printEmail(last, say);
    }

    step("Mallory, who may tag users, asks for alice's password herself (a forged re-send)");
    const beforeForgery = stage.proxy.requests.length;
    await stage.mallory.send(
      new TagUserCommand({
        UserName: 'alice@example.com',
        Tags: [{ Key: TAG_CREDENTIALS_REQUESTED, Value: `${new Date().toISOString()} by hand` }],
      }),
    );
    say(
      '   IAM lets her tag alice iam-gitops:credentials-requested; CloudTrail records that user/mallory did.',
    );
    await deliverEvents(stage, beforeForgery, { user: 'mallory' });
    say(
      `   Refused: not a session of the apply role. alice still has ${(await mailFor(stage.mailMoto.endpoint, 'alice@example.com')).length} email, and no new password;`,
    );
    say('   the RequestsRefused metric is what the alarm watches.');

    step('Alice lost her email: a workflow_dispatch re-sends her credentials');
    const beforeResend = stage.proxy.requests.length;
    const resent = await act(stage, 'workflow_dispatch', {}, { inputs: { user: 'alice@example.com' } });
    say(
      `   exit ${resent.code}: the action tagged alice iam-gitops:credentials-requested (it never sees a password).`,
    );
    await deliverEvents(stage, beforeResend);
    say(
      `   alice now has ${(await mailFor(stage.mailMoto.endpoint, 'alice@example.com')).length} emails; only the newest password works.`,
    );

    step('Bob leaves: his file is removed, and the merge offboards him (on-remove: disable)');
    await stage.roster.remove('bob@example.com.yaml');
    const offboarded = await act(stage, 'push', {});
    say(`   exit ${offboarded.code}; the job summary:`);
    say(dim(indent(offboarded.summary)));
    const bob = await stage.admin.send(new GetUserCommand({ UserName: 'bob@example.com' }));
    const groups = await stage.admin.send(new ListGroupsForUserCommand({ UserName: 'bob@example.com' }));
    const profile = await stage.admin.send(new GetLoginProfileCommand({ UserName: 'bob@example.com' })).then(
      () => 'still there',
      () => 'deleted',
    );
    const disabledAt = bob.User?.Tags?.find((tag) => tag.Key === TAG_DISABLED_AT)?.Value;
    say(
      `   In IAM: bob's login profile ${profile}, groups [${(groups.Groups ?? []).map((g) => g.GroupName).join(', ')}],`,
    );
    say(
      `   tagged ${TAG_DISABLED_AT}=${disabledAt}; the user stays for audit and comes back if the file does.`,
    );

    stage.lambdaLines.push(
      ...(await accountsScene({
        motoEndpoint: stage.moto.endpoint,
        mailEndpoint: stage.mailMoto.endpoint,
        proxy: stage.proxy,
        iamPath: IAM_PATH,
        sender: SENDER,
      })),
    );

    const everyone = [...USERS, ...ACCOUNT_SCENE_USERS];
    const passwords = (await Promise.all(everyone.map((user) => mailFor(stage.mailMoto.endpoint, user))))
      .flat()
      .map((mail) => passwordInHtml(mail.body));
    const leaking = stage.lambdaLines.filter((line) => passwords.some((password) => line.includes(password)));
    say(
      `\n   The Lambda wrote ${stage.lambdaLines.length} log and metric lines; ${leaking.length === 0 ? 'none carries' : `${leaking.length} carry`} any of the ${passwords.length} passwords it emailed.`,
    );
    if (leaking.length > 0) throw new Error('a password reached the Lambda log');

    say(
      `\n${bold('Done')} in ${((Date.now() - started) / 1000).toFixed(1)} s. Everything ran against moto on this machine; nothing left running.`,
    );
  } finally {
    await stage.github.close();
    await stage.proxy.close();
    await stage.roster.cleanup();
    await Promise.all([stage.moto.stop(), stage.mailMoto.stop()]);
    await rm(join(import.meta.dirname, '..', '.tmp', 'demo'), { recursive: true, force: true });
  }
}

await main();
