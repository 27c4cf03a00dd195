// IAM's query-protocol errors carry a code (`NoSuchEntity`); SDK v3 names the thrown class
// after it with an `Exception` suffix (`NoSuchEntityException`). Match either, so a check
// never silently misses.

export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { Code?: unknown; name?: unknown };
  if (typeof record.Code === 'string') return record.Code;
  if (typeof record.name === 'string') return record.name.replace(/Exception$/, '');
  return undefined;
}

export function isAwsError(error: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && codes.some((wanted) => wanted.replace(/Exception$/, '') === code);
}
