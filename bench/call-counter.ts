// Counts SDK calls by operation with a middleware, so benchmarks report AWS calls exactly.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SESv2Client } from '@aws-sdk/client-sesv2';

export interface CallCounter {
  readonly counts: Map<string, number>;
  total(): number;
  reset(): void;
  byOperation(): Record<string, number>;
}

export function countCalls(client: IAMClient | SESv2Client): CallCounter {
  const counts = new Map<string, number>();
  // Every SDK v3 client has the same middleware stack; the IAM client's type stands for both.
  (client.middlewareStack as IAMClient['middlewareStack']).add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'iamGitopsCallCounter' },
  );
  return {
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
    byOperation: () => Object.fromEntries([...counts.entries()].sort()),
  };
}
