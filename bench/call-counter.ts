// Counts SDK calls by operation with a middleware, so benchmarks report AWS calls exactly.
import type { IAMClient } from '@aws-sdk/client-iam';

export interface CallCounter {
  readonly counts: Map<string, number>;
  total(): number;
  reset(): void;
  byOperation(): Record<string, number>;
}

export function countCalls(client: Pick<IAMClient, 'middlewareStack'>): CallCounter {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
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
