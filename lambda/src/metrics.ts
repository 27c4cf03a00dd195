// One CloudWatch metric per outcome that matters (names in src/contract.ts, LAMBDA_METRICS), in
// the embedded metric format through Powertools Metrics. The infrastructure alarms on them.
//
// Every metric carries exactly one dimension, Powertools' `service`, fixed here to
// LAMBDA_METRICS.service whatever POWERTOOLS_SERVICE_NAME says, so one alarm per metric covers
// every reason and every account. The reason and the account are metadata: written beside the
// counts in the same log line (searchable in Logs Insights), never dimensions.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { LAMBDA_METRICS } from '../../src/contract.js';

export type MetricOutcome = 'sent' | 'refused' | 'undeliverable' | 'failed';

export function createPowertoolsMetrics(): Metrics {
  return new Metrics({ namespace: LAMBDA_METRICS.namespace, serviceName: LAMBDA_METRICS.service });
}

export interface CountDetails {
  readonly reason?: string | undefined;
  readonly account?: string | undefined;
}

/**
 * Counts the outcomes of one invocation and writes them once, at its end. SNS hands a function one
 * record per invocation, so the metadata is that record's; should a batch hold several, each
 * metadata field lists the distinct values of the records counted.
 */
export class OutcomeMetrics {
  readonly #metrics: Metrics;
  readonly #reasons = new Set<string>();
  readonly #accounts = new Set<string>();

  constructor(metrics: Metrics = createPowertoolsMetrics()) {
    this.#metrics = metrics;
  }

  count(outcome: MetricOutcome, details: CountDetails = {}): void {
    this.#metrics.addMetric(LAMBDA_METRICS[outcome], MetricUnit.Count, 1);
    if (details.reason !== undefined) this.#reasons.add(details.reason);
    if (details.account !== undefined) this.#accounts.add(details.account);
  }

  /** Writes one EMF line with this invocation's counts; nothing when nothing was counted. */
  flush(): void {
    if (this.#metrics.hasStoredMetrics()) {
      if (this.#reasons.size > 0) this.#metrics.addMetadata('reason', [...this.#reasons].join(','));
      if (this.#accounts.size > 0) this.#metrics.addMetadata('account', [...this.#accounts].join(','));
      this.#metrics.publishStoredMetrics();
    }
    this.#reasons.clear();
    this.#accounts.clear();
  }
}
