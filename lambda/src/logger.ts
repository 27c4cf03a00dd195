// Structured logs through Powertools Logger: one JSON object per line, which CloudWatch Logs
// stores as is and Logs Insights queries by field. Powertools adds the level, time, service, the
// cold start flag and the Lambda request id (`addContext`), and takes its level from
// AWS_LAMBDA_LOG_LEVEL (Lambda's advanced logging controls), else POWERTOOLS_LOG_LEVEL.
//
// The flow logs through `Log`, whose fields are scalars only, so an event or an SDK response can
// never be logged whole, and whose type refuses a `password` field; the logger's JSON replacer
// drops any field named like a password or secret as well. The event itself is never handed to
// the logger (no `logEvent`), whatever POWERTOOLS_LOGGER_LOG_EVENT says.
import { Logger } from '@aws-lambda-powertools/logger';
import { LAMBDA_METRICS } from '../../src/contract.js';

export type LogLevel = 'info' | 'warn' | 'error';

type LogValue = string | number | boolean | null | undefined;

export type LogFields = { readonly [field: string]: LogValue } & { readonly password?: never };

export type Log = (level: LogLevel, message: string, fields?: LogFields) => void;

/** Belt and braces for the type above: a field named like a password is dropped, whatever its type. */
const SECRET_FIELD = /password|secret/i;

export function createLogger(): Logger {
  return new Logger({
    // The same service name as the metrics' dimension, so logs and metrics are found together.
    serviceName: LAMBDA_METRICS.service,
    jsonReplacerFn: (key, value) => (SECRET_FIELD.test(key) ? undefined : value),
  });
}

/** The flow's `Log`, written by `logger`. */
export function logTo(logger: Logger): Log {
  return (level, message, fields = {}) => {
    // Scalars only at run time too: an object that slipped past the types is left out whole.
    const scalars: Record<string, LogValue> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) scalars[key] = value;
    }
    logger[level](message, scalars);
  };
}

/** A log whose lines all carry `fields` as well (a record's user and event id, say). */
export function withFields(log: Log, fields: LogFields): Log {
  return (level, message, more = {}) => log(level, message, { ...fields, ...more });
}
