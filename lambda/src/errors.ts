// What the flow needs to know about a thrown value, whether or not it is an Error: its name and
// message for the log, and whether AWS asks us to slow down.

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

/**
 * SES answers a too-high send rate with TooManyRequestsException (and a spent quota with
 * LimitExceededException); the SDK's own retry classifier counts both as throttling, as we do.
 */
const THROTTLING_NAMES = [
  'TooManyRequestsException',
  'LimitExceededException',
  'Throttling',
  'ThrottlingException',
];

export function isThrottling(error: unknown): boolean {
  if (isNamed(error, ...THROTTLING_NAMES)) return true;
  const retryable = (error as { $retryable?: { throttling?: boolean } } | null)?.$retryable;
  return retryable?.throttling === true;
}
