// IAM decisions by @cloud-copilot/iam-simulate (AWS's own action, resource and condition-key
// data), never by a hand-written evaluator. The simulator fills in no global keys: each request
// supplies what AWS would (aws:SourceArn, aws:SourceAccount, ...). It knows no
// token.actions.githubusercontent.com keys, so GitHub's web-identity trust goes through
// runUnsafeSimulation, which keeps them.
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourcePolicy,
  validateTrustPolicy,
} from '@cloud-copilot/iam-policy';
import { type EvaluationResult, runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from './cfn-resolve.js';

export interface SimulatedRequest {
  /** A role session (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION), a role, a user or a service. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  /** The principal's identity policies (none for a service principal). */
  readonly identityPolicies?: readonly PolicyDocument[];
  /** A role's trust policy. */
  readonly trustPolicy?: PolicyDocument;
  /** Any other resource policy (an event bus's). */
  readonly resourcePolicy?: PolicyDocument;
  readonly context?: Readonly<Record<string, string | string[]>>;
}

/**
 * The simulation input. Resource and trust policies always go in validated and named: the unsafe
 * engine reads the name from the validated policy's metadata, and crashes without one.
 */
function simulation(request: SimulatedRequest, validated: boolean) {
  const resourcePolicy =
    request.trustPolicy !== undefined
      ? createValidatedPolicy(request.trustPolicy, validateTrustPolicy, { name: 'trust-policy' })
      : request.resourcePolicy !== undefined
        ? createValidatedPolicy(request.resourcePolicy, validateResourcePolicy, { name: 'resource-policy' })
        : undefined;
  return {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: { ...(request.context ?? {}) },
    },
    identityPolicies: (request.identityPolicies ?? []).map((policy, index) => ({
      name: `identity-${index}`,
      policy: validated ? createValidatedPolicy(policy, validateIdentityPolicy) : policy,
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
  };
}

/**
 * The decision, with every policy validated and every context key checked against the action:
 * a key the simulator would drop (ignoredContextKeys) fails the test instead of changing it.
 */
export async function decide(request: SimulatedRequest): Promise<EvaluationResult> {
  const result = await runSimulation(simulation(request, true), {});
  if (result.resultType === 'error') throw new Error(`simulation refused: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== 'single') throw new Error(`expected one resource, got ${result.resultType}`);
  const ignored = result.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new Error(`the simulator ignored context keys: ${ignored.join(', ')}`);
  return result.overallResult;
}

/** For GitHub's web-identity trust, whose condition keys the simulator's data lacks. */
export function decideUnsafe(request: SimulatedRequest): EvaluationResult {
  return runUnsafeSimulation(simulation(request, false), {});
}
