// The Lambda entry point (handler `index.handler`). Configuration and SDK clients are made once,
// at cold start: a missing environment variable fails the cold start, naming the variable.
import { IAMClient } from '@aws-sdk/client-iam';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { USER_AGENT_PRODUCT } from '../../src/contract.js';
import { sleep } from '../../src/util/retry.js';
import { VERSION } from '../../src/version.js';
import { readConfig } from './config.js';
import { handleSnsEvent, type RecordReport } from './handle-event.js';
import { createLogger } from './logger.js';

const config = readConfig(process.env);

const clientSettings = {
  // CloudTrail's userAgent field then names the caller: iam-gitops-lambda/<version>.
  customUserAgent: [[`${USER_AGENT_PRODUCT}-lambda`, VERSION]] as [string, string][],
  // IAM and SES both throttle; adaptive mode also slows the client down before it is throttled.
  retryMode: 'adaptive',
} as const;

// IAM is global, and its endpoint is in us-east-1 (aws partition); SES sends from the region the
// function runs in, where the sender identity is verified.
const iam = new IAMClient({ ...clientSettings, region: 'us-east-1' });
const ses = new SESv2Client(clientSettings);

export async function handler(
  event: unknown,
  context?: Pick<Context, 'awsRequestId'>,
): Promise<RecordReport[]> {
  const log = createLogger(
    context?.awsRequestId === undefined ? {} : { fields: { requestId: context.awsRequestId } },
  );
  return handleSnsEvent(event, { iam, ses, config, log, sleep, now: Date.now });
}
