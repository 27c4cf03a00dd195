// A Reporter that records what a runner told it, in order, for tests of the runners without a
// front end. Each entry names the method and keeps its arguments as given.
import type { Reporter } from '../../../../src/commands/command-context.js';

export type ReportCall = {
  readonly [K in keyof Reporter]: { readonly method: K; readonly args: Parameters<Reporter[K]> };
}[keyof Reporter];

export interface RecordingReporter extends Reporter {
  readonly calls: ReportCall[];
  /** The methods called, in order. */
  methods(): string[];
  /** The arguments of the first call of `method`; throws when there was none. */
  argsOf<K extends keyof Reporter>(method: K): Parameters<Reporter[K]>;
}

export function recordingReporter(): RecordingReporter {
  const calls: ReportCall[] = [];
  const record =
    <K extends keyof Reporter>(method: K) =>
    (...args: Parameters<Reporter[K]>) => {
      calls.push({ method, args } as ReportCall);
    };
  const later =
    <K extends keyof Reporter>(method: K) =>
    async (...args: Parameters<Reporter[K]>) => {
      record(method)(...args);
    };
  return {
    calls,
    methods: () => calls.map((call) => call.method),
    argsOf<K extends keyof Reporter>(method: K) {
      const call = calls.find((candidate) => candidate.method === method);
      if (call === undefined) throw new Error(`the reporter was not told ${method}`);
      return call.args as Parameters<Reporter[K]>;
    },
    invalid: later('invalid'),
    warnings: record('warnings'),
    valid: later('valid'),
    planned: later('planned'),
    changed: record('changed'),
    applied: later('applied'),
    resent: later('resent'),
    drifted: later('drifted'),
    invites: later('invites'),
    warning: record('warning'),
    acrossAccounts: later('acrossAccounts'),
    progress: record('progress'),
  };
}
