// What the flow needs to know about a thrown value, whether or not it is an Error: its name and
// message for the log, and which AWS error it is. (Throttling is the SDK's to classify and retry.)

/** The SDK's error name (`NoSuchEntityException`, `TooManyRequestsException`), or the value's type. */
export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

export function isNamed(error: unknown, ...names: readonly string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}
