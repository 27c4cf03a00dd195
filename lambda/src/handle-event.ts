// One Lambda invocation: every SNS record is classified and, if it asks for credentials, answered,
// with one log line per record (user, event id, outcome, duration). Ignored and malformed records
// are logged and done with; a failed record fails the invocation, after the other records ran, so
// that AWS retries it (the records already answered are then duplicates, and send nothing).
import { type ClassifySettings, classifyRecord } from './classify-record.js';
import { type DeliveryDependencies, deliverCredentials } from './deliver-credentials.js';
import { parseSnsEvent } from './envelope.js';
import { errorMessage, errorName } from './errors.js';
import { type Log, type LogFields, type LogLevel, withFields } from './logger.js';

export interface HandlerDependencies extends DeliveryDependencies {
  /** Milliseconds, for each record's duration. */
  readonly now: () => number;
}

export type RecordOutcome = 'sent' | 'ignored' | 'malformed' | 'no-recipient' | 'failed';

/** What happened to one record: logged, and returned so tests and manual runs can read it. */
export interface RecordReport {
  readonly outcome: RecordOutcome;
  readonly reason?: string;
  readonly eventId?: string;
  readonly eventName?: string;
  readonly user?: string;
}

export class DeliveryFailedError extends Error {
  override readonly name = 'DeliveryFailedError';
}

const LEVELS: Readonly<Record<RecordOutcome, LogLevel>> = {
  sent: 'info',
  ignored: 'info',
  malformed: 'warn',
  'no-recipient': 'error',
  failed: 'error',
};

export async function handleSnsEvent(event: unknown, deps: HandlerDependencies): Promise<RecordReport[]> {
  const records = parseSnsEvent(event);
  if (!records.ok) {
    deps.log('warn', 'not an SNS event: nothing to do', { outcome: 'malformed', reason: records.problem });
    return [{ outcome: 'malformed', reason: records.problem }];
  }

  const settings: ClassifySettings = { topicArn: deps.config.topicArn, managedPath: deps.config.managedPath };
  const reports: RecordReport[] = [];
  const failures: unknown[] = [];
  for (const [index, record] of records.value.entries()) {
    const started = deps.now();
    const log = withFields(deps.log, { record: index });
    const { report, details, error } = await handleRecord(record, settings, { ...deps, log });
    if (error !== undefined) failures.push(error);
    const message = report.reason === undefined ? report.outcome : `${report.outcome}: ${report.reason}`;
    log(LEVELS[report.outcome], message, { ...report, ...details, durationMs: deps.now() - started });
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

async function handleRecord(
  raw: unknown,
  settings: ClassifySettings,
  deps: HandlerDependencies,
): Promise<Handled> {
  const classification = classifyRecord(raw, settings);
  if (classification.kind !== 'request') {
    const { eventId, eventName, userName } = classification;
    const reason = classification.kind === 'malformed' ? classification.problem : classification.reason;
    return {
      report: {
        outcome: classification.kind,
        reason,
        ...(eventId === undefined ? {} : { eventId }),
        ...(eventName === undefined ? {} : { eventName }),
        ...(userName === undefined ? {} : { user: userName }),
      },
    };
  }

  const { request } = classification;
  const ids = { eventId: request.eventId, eventName: request.eventName, user: request.userName };
  const log: Log = withFields(deps.log, ids);
  try {
    const delivered = await deliverCredentials(request, { ...deps, log });
    if (delivered.outcome === 'sent') {
      const { loginProfile, recipientSource, marked } = delivered;
      return { report: { outcome: 'sent', ...ids }, details: { loginProfile, recipientSource, marked } };
    }
    return { report: { outcome: delivered.outcome, reason: delivered.reason, ...ids } };
  } catch (error) {
    return {
      report: { outcome: 'failed', reason: errorName(error), ...ids },
      details: { detail: errorMessage(error) },
      error,
    };
  }
}
