// IAM decisions for the tests, from @cloud-copilot/iam-simulate: a simulator built on AWS's own
// service authorization data (actions, resource types, condition keys per action), not a
// hand-written evaluator. What it does not do, measured on 0.1.173, and how this module handles it:
// - It fills in no request context: aws:PrincipalArn, aws:SourceArn, aws:ResourceTag/... are the
//   test's to supply, as IAM would build them for the call.
// - A context key that AWS's data says the action does not take is dropped before evaluation
//   (`ignoredContextKeys`). Here that is an error, so no test can pass because a key was dropped.
// - Its data lacks `token.actions.githubusercontent.com:sub`/`:aud` for sts:AssumeRoleWithWebIdentity,
//   so runSimulation drops them and denies every GitHub trust check; trust policies are therefore
//   evaluated with runUnsafeSimulation, which keeps the context as given.
// - It drops every `kms:EncryptionContext:<key>` context key (its data names the key as
//   `kms:EncryptionContext:${EncryptionContextKey}` and no concrete key matches), so a key policy
//   bound to an SNS topic's encryption context is evaluated with runUnsafeSimulation too
//   (`decideKeyPolicy`), every other key still checked against AWS's data first.
// - A resource policy must go in as createValidatedPolicy(...) with a name: a plain document
//   crashes the unsafe engine (it reads the policy's metadata name).
import {
  createValidatedPolicy,
  validateResourcePolicy,
  validateTrustPolicy,
} from '@cloud-copilot/iam-policy';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { type PolicyDocument, TEST_ENVIRONMENT } from './template-policies.js';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface SimulatedRequest {
  /** Who calls: a role session's ARN, or a service principal such as events.amazonaws.com. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The request context IAM would build for the call (multi-valued keys as arrays). */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** The account the resource lives in (a member account, the hub); default the test account. */
  readonly resourceAccount?: string;
}

/** A session of a role in the test account, the principal of identity-policy requests. */
export const ROLE_SESSION = `arn:aws:sts::${TEST_ENVIRONMENT.accountId}:assumed-role/caller/session`;

function simulation(
  request: SimulatedRequest,
  identityPolicies: readonly PolicyDocument[],
  resourcePolicy?: unknown,
): Simulation {
  return {
    request: {
      principal: request.principal,
      action: request.action,
      resource: {
        resource: request.resource,
        accountId: request.resourceAccount ?? TEST_ENVIRONMENT.accountId,
      },
      contextVariables: { ...(request.context ?? {}) },
    },
    identityPolicies: identityPolicies.map((policy, index) => ({ name: `identity-${index}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
  };
}

async function run(sim: Simulation): Promise<Decision> {
  const result = await runSimulation(sim, {});
  if (result.resultType === 'error') {
    throw new Error(`the simulator refused ${sim.request.action}: ${JSON.stringify(result.errors)}`);
  }
  const ignored =
    result.resultType === 'single'
      ? (result.result.ignoredContextKeys ?? [])
      : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
  if (ignored.length > 0) {
    throw new Error(
      `${sim.request.action} does not take ${ignored.join(', ')} (AWS's data): the request is not what IAM would see`,
    );
  }
  return result.overallResult;
}

/** A call by a role session whose identity policies are `policies` (no resource policy). */
export function decideIdentity(
  policies: readonly PolicyDocument[],
  request: Omit<SimulatedRequest, 'principal'> & { readonly principal?: string },
): Promise<Decision> {
  return run(simulation({ principal: ROLE_SESSION, ...request }, policies));
}

/** A call on a resource with a resource policy (a topic, a key), by `principal` with `identityPolicies`. */
export function decideWithResourcePolicy(
  resourcePolicy: PolicyDocument,
  request: SimulatedRequest,
  identityPolicies: readonly PolicyDocument[] = [],
): Promise<Decision> {
  const validated = createValidatedPolicy(resourcePolicy, validateResourcePolicy, {
    name: 'resource-policy',
  });
  if (validated.errors.length > 0)
    throw new Error(`invalid resource policy: ${JSON.stringify(validated.errors)}`);
  return run(simulation(request, identityPolicies, validated));
}

/** The simulator's data has no concrete `kms:EncryptionContext:...` key (see above). */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:/i;

/**
 * A KMS call on a key with `keyPolicy`, by a service principal. The request's other context keys
 * are first checked against AWS's data by the validating engine; then the whole request, the
 * encryption context included, is decided by the engine that keeps the context as given.
 */
export async function decideKeyPolicy(
  keyPolicy: PolicyDocument,
  request: SimulatedRequest,
): Promise<Decision> {
  const validated = createValidatedPolicy(keyPolicy, validateResourcePolicy, { name: 'key-policy' });
  if (validated.errors.length > 0) throw new Error(`invalid key policy: ${JSON.stringify(validated.errors)}`);
  const checkable = Object.fromEntries(
    Object.entries(request.context ?? {}).filter(([key]) => !ENCRYPTION_CONTEXT.test(key)),
  );
  await run(simulation({ ...request, context: checkable }, [], validated));
  return runUnsafeSimulation(simulation(request, [], validated), {});
}

/**
 * sts:AssumeRole of a role whose trust policy is `trust`, by `request.principal` (a role session)
 * with `identityPolicies`: across accounts, both must allow it. Decided by the validating engine.
 */
export function decideAssumeRole(
  trust: PolicyDocument,
  request: Omit<SimulatedRequest, 'action'>,
  identityPolicies: readonly PolicyDocument[] = [],
): Promise<Decision> {
  const validated = createValidatedPolicy(trust, validateTrustPolicy, { name: 'trust-policy' });
  if (validated.errors.length > 0)
    throw new Error(`invalid trust policy: ${JSON.stringify(validated.errors)}`);
  return run(simulation({ ...request, action: 'sts:AssumeRole' }, identityPolicies, validated));
}

/** sts:AssumeRoleWithWebIdentity of `roleArn` with a token whose claims are `context`. */
export function decideTrust(
  trust: PolicyDocument,
  request: {
    readonly providerArn: string;
    readonly roleArn: string;
    readonly context: Record<string, string>;
    /** The role's account (the hub), default the test account. */
    readonly resourceAccount?: string;
  },
): Decision {
  const validated = createValidatedPolicy(trust, validateTrustPolicy, { name: 'trust-policy' });
  if (validated.errors.length > 0)
    throw new Error(`invalid trust policy: ${JSON.stringify(validated.errors)}`);
  return runUnsafeSimulation(
    simulation(
      {
        principal: request.providerArn,
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: request.roleArn,
        context: request.context,
        ...(request.resourceAccount === undefined ? {} : { resourceAccount: request.resourceAccount }),
      },
      [],
      validated,
    ),
    {},
  );
}
