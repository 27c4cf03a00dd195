// The Lambda entry point (handler `index.handler`). Configuration, the logger, the metrics, the SDK
// clients and the per-container caches are made once, at cold start: a missing environment
// variable fails the cold start, naming the variable.
import { IAMClient } from '@aws-sdk/client-iam';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { USER_AGENT_PRODUCT } from '../../src/contract.js';
import { retrySettings } from '../../src/iam/iam-client.js';
import { sleep } from '../../src/util/retry.js';
import { VERSION } from '../../src/version.js';
import { AccountFacts } from './account-facts.js';
import { accountIdFromFunctionArn } from './arn.js';
import { readConfig } from './config.js';
import { handleSnsEvent, type RecordReport } from './handle-event.js';
import { createLogger, logTo } from './logger.js';
import { memberIamClients } from './member-clients.js';
import { OutcomeMetrics } from './metrics.js';

const config = readConfig(process.env);
const logger = createLogger();
const metrics = new OutcomeMetrics();

const clientSettings = {
  // CloudTrail's userAgent field then names the caller: iam-gitops-lambda/<version>.
  customUserAgent: [[`${USER_AGENT_PRODUCT}-lambda`, VERSION]] as [string, string][],
  // IAM and SES both throttle: the SDK retries them itself, in adaptive mode, which also slows the
  // client down before it is throttled (AWS_MAX_ATTEMPTS and AWS_RETRY_MODE override, as usual).
  ...retrySettings(),
};

// IAM is global, and its endpoint is in us-east-1 (aws partition); SES sends from the region the
// function runs in, where the sender identity is verified.
const iamSettings = { ...clientSettings, region: 'us-east-1' };
const iam = new IAMClient(iamSettings);
const ses = new SESv2Client(clientSettings);
const memberIam =
  config.memberAccounts === undefined
    ? undefined
    : memberIamClients({ sts: new STSClient(clientSettings), clientConfig: iamSettings });
const facts = new AccountFacts();

/** What the handler reads of the invocation context. */
export type InvocationContext = Pick<Context, 'awsRequestId' | 'invokedFunctionArn'> & Partial<Context>;

export async function handler(event: unknown, context: InvocationContext): Promise<RecordReport[]> {
  // The request id and the cold start flag go on every log line of this invocation.
  logger.addContext(context as Context);
  const ownAccountId = accountIdFromFunctionArn(context.invokedFunctionArn);
  try {
    if (ownAccountId === undefined) {
      throw new Error("the invocation context's invokedFunctionArn names no account");
    }
    return await handleSnsEvent(event, {
      iam,
      ses,
      config,
      ownAccountId,
      ...(memberIam === undefined ? {} : { memberIam }),
      facts,
      metrics,
      log: logTo(logger),
      sleep,
      now: Date.now,
    });
  } finally {
    metrics.flush();
  }
}
