// The hub's event bus: where the member accounts' forwarding rules deliver their IAM events. Its
// policy admits events:PutEvents from the member accounts only, and from their forwarding rule
// only (aws:SourceArn, which EventBridge sets on a rule's delivery and a caller cannot): a person
// or role of a member account calling PutEvents directly is refused. Forged events would also
// fail on their own, since PutEvents refuses `aws.*` sources and the rule matches `aws.iam`.
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FORWARD_RULE_NAME } from './member-stack.js';
import { OrganizationError } from './organization-error.js';

/** EventBridge's limit on an event bus's permission policy. */
export const BUS_POLICY_MAX_BYTES = 10_240;

export interface CentralEventBusProps {
  readonly memberAccountIds: readonly string[];
}

export class CentralEventBus extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: CentralEventBusProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bus = new events.EventBus(this, 'Bus', {
      description: 'iam-gitops: IAM events of the member accounts, for the credential Lambda',
    });
    const statement = memberAccountsStatement(
      stack.region,
      props.memberAccountIds,
      this.bus.eventBusArn,
      stack.partition,
    );
    // The size as EventBridge will store it, with the tokens replaced by their longest values.
    const estimate = JSON.stringify(
      memberAccountsStatement(
        stack.region,
        props.memberAccountIds,
        `arn:aws:events:${stack.region}:123456789012:event-bus/${'x'.repeat(256)}`,
        'aws',
      ).toStatementJson(),
    );
    if (Buffer.byteLength(estimate) > BUS_POLICY_MAX_BYTES) {
      throw new OrganizationError(
        `the hub event bus policy for ${props.memberAccountIds.length} accounts would exceed EventBridge's ${BUS_POLICY_MAX_BYTES} bytes`,
      );
    }
    this.bus.addToResourcePolicy(statement);
  }
}

/**
 * Each member account by its root principal (the account, whatever role EventBridge delivers
 * with), and only through a rule named FORWARD_RULE_NAME in us-east-1 of any account: combined,
 * that member's own forwarding rule.
 */
function memberAccountsStatement(
  region: string,
  accountIds: readonly string[],
  busArn: string,
  partition: string,
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'MemberAccountsForwardIamEvents',
    principals: accountIds.map(
      (accountId) => new iam.ArnPrincipal(`arn:${partition}:iam::${accountId}:root`),
    ),
    actions: ['events:PutEvents'],
    resources: [busArn],
    conditions: {
      ArnLike: { 'aws:SourceArn': `arn:${partition}:events:${region}:*:rule/${FORWARD_RULE_NAME}` },
    },
  });
}
