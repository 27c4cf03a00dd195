// One Lambda invocation: every SNS record is classified and, if it asks for credentials and its
// provenance allows, answered, with one log line and at most one metric per record (user, event
// id, account, principal, outcome, duration). Ignored, refused and malformed records are logged and
// done with; a failed record fails the invocation, after the other records ran, so that AWS
// retries it (the records already answered are then duplicates, and send nothing).
import type { IAMClient } from '@aws-sdk/client-iam';
import { type ClassifySettings, classifyRecord, type RecordIdentity } from './classify-record.js';
import type { Config } from './config.js';
import { type DeliveryDependencies, deliverCredentials } from './deliver-credentials.js';
import { parseSnsEvent } from './envelope.js';
import { errorMessage, errorName } from './errors.js';
import { type Log, type LogFields, type LogLevel, withFields } from './logger.js';
import type { MemberIam } from './member-clients.js';
import type { MetricOutcome, OutcomeMetrics } from './metrics.js';
import type { EventAccount } from './provenance.js';

export interface HandlerDependencies extends Omit<DeliveryDependencies, 'config' | 'iam'> {
  readonly config: Config;
  /** The account the function runs in (from the invocation context's function ARN). */
  readonly ownAccountId: string;
  /** Acts in the own account. */
  readonly iam: IAMClient;
  /** Acts in a member account (the central Lambda); needed only with MEMBER_ACCOUNTS. */
  readonly memberIam?: MemberIam;
  /** Counted here, written once per invocation by the caller. */
  readonly metrics: OutcomeMetrics;
  /** Milliseconds, for each record's duration. */
  readonly now: () => number;
}

export type RecordOutcome = 'sent' | 'ignored' | 'refused' | 'undeliverable' | 'malformed' | 'failed';

/** What happened to one record: logged, and returned so tests and manual runs can read it. */
export interface RecordReport {
  readonly outcome: RecordOutcome;
  readonly reason?: string;
  readonly eventId?: string;
  readonly eventName?: string;
  readonly user?: string;
  /** The account the event came from (and, when answered, was answered in). */
  readonly account?: string;
  /** The session that made the call (userIdentity.arn). */
  readonly principal?: string;
}

export class DeliveryFailedError extends Error {
  override readonly name = 'DeliveryFailedError';
}

const LEVELS: Readonly<Record<RecordOutcome, LogLevel>> = {
  sent: 'info',
  ignored: 'info',
  refused: 'warn',
  malformed: 'warn',
  undeliverable: 'error',
  failed: 'error',
};

/**
 * The metric each outcome counts in. A malformed record is counted as refused: should AWS change
 * an envelope, every event would be malformed, and that must not pass as quietly as noise.
 */
const METRICS: Readonly<Record<RecordOutcome, MetricOutcome | undefined>> = {
  sent: 'sent',
  ignored: undefined,
  refused: 'refused',
  malformed: 'refused',
  undeliverable: 'undeliverable',
  failed: 'failed',
};

export async function handleSnsEvent(event: unknown, deps: HandlerDependencies): Promise<RecordReport[]> {
  const records = parseSnsEvent(event);
  if (!records.ok) {
    const report: RecordReport = { outcome: 'malformed', reason: records.problem };
    deps.log('warn', 'not an SNS event: nothing to do', { ...report });
    deps.metrics.count('refused', { reason: 'malformed' });
    return [report];
  }

  const settings: ClassifySettings = {
    topicArn: deps.config.topicArn,
    managedPath: deps.config.managedPath,
    ownAccountId: deps.ownAccountId,
    applyRoleArn: deps.config.applyRoleArn,
    memberAccounts: deps.config.memberAccounts,
  };
  const reports: RecordReport[] = [];
  const failures: unknown[] = [];
  for (const [index, record] of records.value.entries()) {
    const started = deps.now();
    const log = withFields(deps.log, { record: index });
    const { report, details, error } = await handleRecord(record, settings, { ...deps, log });
    if (error !== undefined) failures.push(error);
    const message = report.reason === undefined ? report.outcome : `${report.outcome}: ${report.reason}`;
    log(LEVELS[report.outcome], message, { ...report, ...details, durationMs: deps.now() - started });
    const metric = METRICS[report.outcome];
    if (metric !== undefined) {
      deps.metrics.count(metric, {
        reason: report.outcome === 'malformed' ? 'malformed' : report.reason,
        account: report.account,
      });
    }
    reports.push(report);
  }

  if (failures.length > 0) {
    throw new DeliveryFailedError(
      `${failures.length} of ${reports.length} records failed (${failures.map(errorName).join(', ')}); AWS retries the invocation`,
      { cause: failures[0] },
    );
  }
  return reports;
}

interface Handled {
  readonly report: RecordReport;
  readonly details?: LogFields;
  readonly error?: unknown;
}

function known(identity: RecordIdentity): Omit<RecordReport, 'outcome'> {
  const { eventId, eventName, userName, accountId, principal } = identity;
  return {
    ...(eventId === undefined ? {} : { eventId }),
    ...(eventName === undefined ? {} : { eventName }),
    ...(userName === undefined ? {} : { user: userName }),
    ...(accountId === undefined ? {} : { account: accountId }),
    ...(principal === undefined ? {} : { principal }),
  };
}

async function handleRecord(
  raw: unknown,
  settings: ClassifySettings,
  deps: HandlerDependencies,
): Promise<Handled> {
  const classification = classifyRecord(raw, settings);
  if (classification.kind !== 'request') {
    const reason = classification.kind === 'malformed' ? classification.problem : classification.reason;
    return { report: { outcome: classification.kind, reason, ...known(classification) } };
  }

  const { request } = classification;
  const ids = known({
    eventId: request.eventId,
    eventName: request.eventName,
    userName: request.userName,
    accountId: request.account.id,
    ...(request.principal === undefined ? {} : { principal: request.principal }),
  });
  const log: Log = withFields(deps.log, ids);
  try {
    const iam = iamFor(request.account, deps);
    const delivered = await deliverCredentials(request, { ...deps, iam, log });
    if (delivered.outcome === 'sent') {
      const { loginProfile, recipientSource, marked } = delivered;
      return { report: { outcome: 'sent', ...ids }, details: { loginProfile, recipientSource, marked } };
    }
    const detail = delivered.outcome === 'undeliverable' ? delivered.detail : undefined;
    return {
      report: { outcome: delivered.outcome, reason: delivered.reason, ...ids },
      ...(detail === undefined ? {} : { details: { detail } }),
    };
  } catch (error) {
    return {
      report: { outcome: 'failed', reason: errorName(error), ...ids },
      details: { detail: errorMessage(error) },
      error,
    };
  }
}

function iamFor(account: EventAccount, deps: HandlerDependencies): IAMClient {
  if (account.kind === 'own') return deps.iam;
  if (deps.memberIam === undefined) throw new Error('a member account event, but no member IAM clients');
  return deps.memberIam(account.member);
}
