// The demo's many-accounts scene: a hub account and two member accounts (prod and staging) served
// by one roster. One pull request plans both accounts in one sticky comment; one merge applies
// both through the chained roles (hub role by GitHub OIDC, then each account's
// iam-gitops/iam-gitops-apply by STS AssumeRole); each member's CreateUser events reach the
// central credential Lambda in the hub, which assumes that member's credentials role and emails
// sign-in details naming the account.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateAccountAliasCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { memberAccounts } from '../src/accounts/target-accounts.js';
import { parseRepoConfig } from '../src/config/load-repo-config.js';
import {
  DEFAULT_MEMBER_ROLES,
  MEMBER_ROLE_PATH,
  REPO_CONFIG_FILE,
} from '../src/config/repo-config-schema.js';
import { LAMBDA_ENV } from '../src/contract.js';
import { startFakeGitHub } from '../test/support/fake-github.js';
import type { FaultProxy } from '../test/support/fault-proxy.js';
import { accountIn, randomAccountId } from '../test/support/moto-account.js';
import { makeRosterDir } from '../test/support/roster-dir.js';
import { type ActionRun, runAction } from '../test/support/run-action.js';
import { cloudTrailFor, snsEnvelope } from './cloudtrail.js';
import { catchOutput, describeOutput } from './lambda-output.js';
import { mailFor, printEmail } from './mail.js';
import { bold, dim, indent, say, step } from './say.js';

const REPOSITORY = 'acme/iam-users';
const HUB_PLAN_ROLE = 'iam-gitops-hub-plan';
const HUB_APPLY_ROLE = 'iam-gitops-hub-apply';
/** Who is in which account: dave in both, erin in prod only. */
const MEMBERS_OF = {
  'dave@example.com': ['prod', 'staging'],
  'erin@example.com': ['prod'],
} as const;
export const ACCOUNT_SCENE_USERS = Object.keys(MEMBERS_OF);

export interface AccountsSceneSettings {
  /** moto with managed policies: the hub and the member accounts live there. */
  readonly motoEndpoint: string;
  /** moto holding SES, where the sender is verified. */
  readonly mailEndpoint: string;
  /** The proxy in front of moto the action calls through; its requests are CloudTrail's source. */
  readonly proxy: FaultProxy;
  readonly iamPath: string;
  readonly sender: string;
}

type LambdaHandler = (
  event: unknown,
  context: { awsRequestId: string; invokedFunctionArn: string },
) => Promise<unknown>;

/** Runs the scene; resolves with every line the central Lambda wrote (to check for passwords). */
export async function accountsScene(settings: AccountsSceneSettings): Promise<string[]> {
  step('Many accounts: a hub and two member accounts (prod, staging) served by one roster');
  const hubId = randomAccountId();
  const [prod, staging] = await Promise.all([
    accountIn(settings.motoEndpoint),
    accountIn(settings.motoEndpoint),
  ]);
  if (!prod || !staging) throw new Error('moto made no member accounts');
  const prodAdmin = new IAMClient(prod.clientConfig);
  const stagingAdmin = new IAMClient(staging.clientConfig);
  await prodAdmin.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-prod' }));
  const github = await startFakeGitHub({ repository: REPOSITORY });
  const roster = await makeRosterDir();
  const lambdaLines: string[] = [];
  try {
    const configText = [
      'accounts:',
      `  prod: { id: "${prod.accountId}" }`,
      `  staging: { id: "${staging.accountId}" }`,
      '',
    ].join('\n');
    await writeFile(join(roster.root, REPO_CONFIG_FILE), configText);
    await roster.write(
      Object.fromEntries(
        Object.entries(MEMBERS_OF).map(([name, accounts]) => [
          `${name}.yaml`,
          { name, accounts: [...accounts], tags: { team: 'platform' } },
        ]),
      ),
    );
    say(
      `   hub ${hubId}; prod ${prod.accountId} (alias acme-prod); staging ${staging.accountId} (no alias).`,
    );
    say(`   ${REPO_CONFIG_FILE}:`);
    say(dim(indent(configText)));
    say('   users/dave@example.com.yaml says accounts: [prod, staging]; erin@example.com.yaml, [prod].');

    const act = (event: 'pull_request' | 'push', role: string): Promise<ActionRun> =>
      runAction({
        event,
        workspace: roster.root,
        githubToken: github.apiToken,
        inputs: { 'role-to-assume': `arn:aws:iam::${hubId}:role/${role}` },
        env: {
          AWS_ENDPOINT_URL: settings.proxy.endpoint,
          GITHUB_API_URL: github.apiUrl,
          ACTIONS_ID_TOKEN_REQUEST_URL: github.tokenRequestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.tokenRequestToken,
        },
      });

    step('One pull request plans both accounts (hub plan role, chained into each iam-gitops-plan)');
    const planned = await act('pull_request', HUB_PLAN_ROLE);
    say(
      `   exit ${planned.code}; one sticky comment on the pull request (${github.comments.length} comment), both accounts in it:`,
    );
    say(dim(indent(github.comments.at(-1)?.body ?? '(none)')));

    step('One merge applies both accounts (hub apply role, chained into each iam-gitops-apply)');
    const beforeApply = settings.proxy.requests.length;
    const applied = await act('push', HUB_APPLY_ROLE);
    say(`   exit ${applied.code}; the job summary:`);
    say(dim(indent(applied.summary)));

    step("Each member's CreateUser events -> the hub's bus -> the central Lambda -> that account's email");
    const parsed = parseRepoConfig(REPO_CONFIG_FILE, configText);
    if (!parsed.ok || parsed.config.accounts === undefined) throw new Error(`${REPO_CONFIG_FILE} is invalid`);
    const members = memberAccounts(parsed.config.accounts);
    const topicArn = `arn:aws:sns:us-east-1:${hubId}:iam-gitops-credentials`;
    const hub = await accountIn(settings.motoEndpoint, hubId);
    // The central Lambda's bundle, configured as the hub's stack configures it; a fresh module
    // (the URL's query), since its settings are read once at cold start.
    Object.assign(process.env, {
      ...hub.env,
      AWS_ENDPOINT_URL_SESV2: settings.mailEndpoint,
      [LAMBDA_ENV.sender]: settings.sender,
      [LAMBDA_ENV.managedPath]: settings.iamPath,
      [LAMBDA_ENV.topicArn]: topicArn,
      [LAMBDA_ENV.applyRoleArn]: `arn:aws:iam::${hubId}:role/${HUB_APPLY_ROLE}`,
      [LAMBDA_ENV.recipientDomains]: 'example.com',
      [LAMBDA_ENV.memberAccounts]: JSON.stringify(members),
    });
    say(`   The central Lambda runs in the hub with ${LAMBDA_ENV.memberAccounts}=${JSON.stringify(members)}`);
    const bundle = pathToFileURL(join(import.meta.dirname, '..', 'lambda', 'dist', 'index.mjs'));
    const { handler } = (await import(`${bundle.href}?central`)) as { handler: LambdaHandler };

    // The action's CreateUser calls, as sent; the same user's call is alike in every account, so
    // each account's share is the users IAM now holds there.
    const createdBodies = new Map<string, string>();
    for (const request of settings.proxy.requests.slice(beforeApply)) {
      if (request.action !== 'CreateUser' || request.status !== 200) continue;
      const userName = new URLSearchParams(request.body).get('UserName');
      if (userName) createdBodies.set(userName, request.body);
    }
    for (const [name, account, admin] of [
      ['prod', prod, prodAdmin],
      ['staging', staging, stagingAdmin],
    ] as const) {
      const { Users } = await admin.send(new ListUsersCommand({ PathPrefix: settings.iamPath }));
      const users = (Users ?? []).map((user) => user.UserName ?? '').sort();
      say(`   ${name} (${account.accountId}): CloudTrail logs CreateUser ${users.join(', ')};`);
      say("   its rule forwards each to the hub's bus; the event keeps the member's account, as AWS's does:");
      for (const userName of users) {
        const body = createdBodies.get(userName);
        if (body === undefined) throw new Error(`no CreateUser call for ${userName} reached IAM`);
        const record = cloudTrailFor(body, account.accountId, {
          role: DEFAULT_MEMBER_ROLES.applyRole,
          path: MEMBER_ROLE_PATH,
        });
        if (record === undefined) throw new Error(`no CloudTrail record for ${userName}`);
        // As AWS delivers it across accounts: `account` stays the sender's (moto would stamp the hub's).
        const event = JSON.stringify({
          version: '0',
          id: randomUUID(),
          'detail-type': record.detailType,
          source: record.source,
          account: account.accountId,
          time: new Date().toISOString(),
          region: 'us-east-1',
          resources: [],
          detail: record.detail,
        });
        const { lines } = await catchOutput(() =>
          handler(snsEnvelope(topicArn, event), {
            awsRequestId: randomUUID(),
            invokedFunctionArn: `arn:aws:lambda:us-east-1:${hubId}:function:iam-gitops-credentials`,
          }),
        );
        lambdaLines.push(...lines);
        for (const line of describeOutput(lines)) say(dim(`     ${line}`));
      }
    }
    for (const user of ACCOUNT_SCENE_USERS) {
      const mails = await mailFor(settings.mailEndpoint, user);
      say(`\n   ${bold(`Email to ${user}`)}: ${mails.length} received, one per account`);
      for (const mail of mails) printEmail(mail, say);
    }
    return lambdaLines;
  } finally {
    prodAdmin.destroy();
    stagingAdmin.destroy();
    await github.close();
    await roster.cleanup();
  }
}
