// Structured logs: one JSON object per line on stdout, which CloudWatch Logs stores as is and
// Logs Insights can query by field. Values are scalars only, so an event or an SDK response can
// never be logged whole, and the type refuses a `password` field.

export type LogLevel = 'info' | 'warn' | 'error';

type LogValue = string | number | boolean | null | undefined;

export type LogFields = { readonly [field: string]: LogValue } & { readonly password?: never };

export type Log = (level: LogLevel, message: string, fields?: LogFields) => void;

/** Belt and braces for the type above: a field named like a password is dropped, whatever its type. */
const SECRET_FIELD = /password|secret/i;

export interface LoggerOptions {
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
  /** Fields every line carries (for example the Lambda request id). */
  readonly fields?: LogFields;
}

export function createLogger(options: LoggerOptions = {}): Log {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  return (level, message, fields = {}) => {
    const entry: Record<string, LogValue> = { time: now().toISOString(), level, message };
    for (const [key, value] of Object.entries({ ...base, ...fields })) {
      if (value !== undefined && !SECRET_FIELD.test(key)) entry[key] = value;
    }
    write(JSON.stringify(entry));
  };
}

/** A log whose lines all carry `fields` as well (a record's user and event id, say). */
export function withFields(log: Log, fields: LogFields): Log {
  return (level, message, more = {}) => log(level, message, { ...fields, ...more });
}
