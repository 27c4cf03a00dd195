// The credential Lambda's bundle writes what CloudWatch Logs would store: Powertools' JSON log
// lines and its embedded-metric-format lines. The demo catches them while the handler runs and
// tells them as a reader wants them: one line per record, one per metric.

export type Json = Record<string, unknown>;

/** Runs `work` with stdout and stderr caught line by line, as Lambda's log stream would take them. */
export async function catchOutput<T>(work: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const keep = (chunk: unknown): boolean => {
    for (const line of String(chunk).split('\n')) if (line !== '') lines.push(line);
    return true;
  };
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = keep as typeof process.stdout.write;
  process.stderr.write = keep as typeof process.stderr.write;
  try {
    return { result: await work(), lines };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

function parse(line: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** One log line as a sentence: level, message, and the fields that say whose request it was. */
function describeLog(entry: Json): string {
  const who = ['eventName', 'user', 'principal', 'loginProfile', 'recipientSource']
    .filter((field) => entry[field] !== undefined)
    .map((field) => `${field}=${String(entry[field])}`)
    .join(' ');
  return `log ${String(entry.level)} "${String(entry.message)}"${who ? `  ${who}` : ''}`;
}

/** One EMF line as the metrics CloudWatch extracts from it. */
function describeMetrics(entry: Json): string[] {
  const aws = entry._aws as {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  return aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.map(({ Name }) => {
      const dimensions = (directive.Dimensions[0] ?? [])
        .map((key) => `${key}=${String(entry[key])}`)
        .join(', ');
      const reason = entry.reason === undefined ? '' : `; reason ${String(entry.reason)}`;
      return `metric ${directive.Namespace}/${Name} = ${String(entry[Name])} (${dimensions}${reason})`;
    }),
  );
}

/** The Lambda's lines, told: log lines first, then the metrics of the invocation. */
export function describeOutput(lines: readonly string[]): string[] {
  const entries = lines.map(parse).filter((entry): entry is Json => entry !== undefined);
  return [
    ...entries.filter((entry) => !('_aws' in entry)).map(describeLog),
    ...entries.filter((entry) => '_aws' in entry).flatMap(describeMetrics),
  ];
}
