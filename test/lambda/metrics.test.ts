// The EMF lines Powertools writes for an invocation, read back from stdout as CloudWatch reads them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutcomeMetrics } from '../../lambda/src/metrics.js';
import { LAMBDA_METRICS } from '../../src/contract.js';
import { captureOutput, metricSums } from './support/capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('OutcomeMetrics', () => {
  it('writes one EMF line per flush: the namespace, only the service dimension, the reason as metadata', () => {
    const output = captureOutput();
    const metrics = new OutcomeMetrics();

    metrics.count('refused', { reason: 'not-apply-role', account: '111122223333' });
    metrics.flush();

    expect(output.emf()).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: LAMBDA_METRICS.namespace,
              Dimensions: [['service']],
              Metrics: [{ Name: LAMBDA_METRICS.refused, Unit: 'Count' }],
            },
          ],
        },
        service: LAMBDA_METRICS.service,
        reason: 'not-apply-role',
        account: '111122223333',
        [LAMBDA_METRICS.refused]: 1,
      },
    ]);
  });

  it("keeps the contract's service dimension whatever POWERTOOLS_SERVICE_NAME and the namespace variable say", () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'something-else');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Elsewhere');
    const output = captureOutput();
    const metrics = new OutcomeMetrics();

    metrics.count('sent');
    metrics.flush();

    const [line] = output.emf();
    expect(line?.service).toBe(LAMBDA_METRICS.service);
    expect(line?._aws.CloudWatchMetrics[0]?.Namespace).toBe(LAMBDA_METRICS.namespace);
  });

  it('sums every outcome of a batch in one line, listing the distinct reasons and accounts', () => {
    const output = captureOutput();
    const metrics = new OutcomeMetrics();

    metrics.count('sent', { account: '111122223333' });
    metrics.count('refused', { reason: 'stale-request', account: '444455556666' });
    metrics.count('refused', { reason: 'stale-request', account: '444455556666' });
    metrics.count('undeliverable', { reason: 'recipient-not-allowed', account: '111122223333' });
    metrics.count('failed', { reason: 'ServiceFailureException', account: '111122223333' });
    metrics.flush();

    expect(output.emf()).toHaveLength(1);
    expect(metricSums(output.emf())).toEqual({
      [LAMBDA_METRICS.sent]: 1,
      [LAMBDA_METRICS.refused]: 2,
      [LAMBDA_METRICS.undeliverable]: 1,
      [LAMBDA_METRICS.failed]: 1,
    });
    expect(output.emf()[0]).toMatchObject({
      reason: 'stale-request,recipient-not-allowed,ServiceFailureException',
      account: '111122223333,444455556666',
    });
  });

  it('writes nothing when nothing was counted, and starts afresh after a flush', () => {
    const output = captureOutput();
    const metrics = new OutcomeMetrics();

    metrics.flush();
    metrics.count('refused', { reason: 'other-account' });
    metrics.flush();
    metrics.count('sent');
    metrics.flush();

    expect(output.lines.filter((line) => !line.includes('"_aws"'))).toEqual([]);
    expect(output.emf().map((line) => [metricSums([line]), line.reason])).toEqual([
      [{ [LAMBDA_METRICS.refused]: 1 }, 'other-account'],
      [{ [LAMBDA_METRICS.sent]: 1 }, undefined],
    ]);
  });
});
