// One line for what an account's work threw, the same in the log, the comment and the JSON.
import { awsErrorCode } from '../iam/aws-error.js';
import { errorMessage } from '../util/error-message.js';

/** The code of an error AWS answered (the SDK's service exceptions carry `$metadata`), else undefined. */
export function awsAnswerCode(error: unknown): string | undefined {
  const fromAws = typeof error === 'object' && error !== null && '$metadata' in error;
  return fromAws ? awsErrorCode(error) : undefined;
}

/** `Throttling: Rate exceeded` rather than `Rate exceeded`: AWS's code first, since it says what to do. */
export function failureMessage(error: unknown): string {
  const message = errorMessage(error);
  const code = awsAnswerCode(error);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}
