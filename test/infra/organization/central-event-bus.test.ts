// The hub bus admits the member accounts' forwarding rules and nobody else, as IAM decides it.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUS_POLICY_MAX_BYTES, CentralEventBus } from '../../../infra/lib/organization/central-event-bus.js';
import { FORWARD_RULE_NAME } from '../../../infra/lib/organization/member-stack.js';
import { OrganizationError } from '../../../infra/lib/organization/organization-error.js';
import {
  type CfnEnvironment,
  type CfnTemplate,
  logicalIdOf,
  type PolicyDocument,
  resolveCfn,
} from './support/cfn-resolve.js';
import {
  DEV_ACCOUNT,
  HUB_ACCOUNT,
  OTHER_ACCOUNT,
  PROD_ACCOUNT,
  SYNTH_TIMEOUT,
} from './support/organization.js';
import { decide } from './support/simulate.js';

function busStack(memberAccountIds: readonly string[]): Stack {
  const stack = new Stack(new App(), 'Hub', { env: { region: 'us-east-1' } });
  new CentralEventBus(stack, 'Events', { memberAccountIds });
  return stack;
}

let hub: CfnEnvironment;
let busArn: string;
let busPolicy: PolicyDocument;

beforeAll(() => {
  const template = Template.fromStack(busStack([PROD_ACCOUNT, DEV_ACCOUNT])).toJSON() as CfnTemplate;
  hub = { accountId: HUB_ACCOUNT, region: 'us-east-1', template };
  const busId = logicalIdOf(template, 'AWS::Events::EventBus', 'EventsBus');
  busArn = resolveCfn({ 'Fn::GetAtt': [busId, 'Arn'] }, hub) as string;
  const policy = template.Resources[logicalIdOf(template, 'AWS::Events::EventBusPolicy', 'EventsBus')];
  busPolicy = {
    Version: '2012-10-17',
    Statement: [resolveCfn(policy?.Properties?.Statement, hub) as Record<string, unknown>],
  };
}, SYNTH_TIMEOUT);

const forwardRule = (account: string, name = FORWARD_RULE_NAME) =>
  `arn:aws:events:us-east-1:${account}:rule/${name}`;
/** The member's forwarding role as EventBridge uses it, allowed by its own policy to put to the bus. */
const forwarder = (account: string) =>
  `arn:aws:sts::${account}:assumed-role/StackSet-members-ForwardRole/events`;
const mayPut = (): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }],
});

describe('CentralEventBus', { timeout: SYNTH_TIMEOUT }, () => {
  it('has one policy statement: PutEvents by the member accounts, through their forwarding rule only', () => {
    expect(busPolicy.Statement).toEqual([
      {
        Sid: 'cdk-MemberAccountsForwardIamEvents',
        Effect: 'Allow',
        Principal: { AWS: [`arn:aws:iam::${PROD_ACCOUNT}:root`, `arn:aws:iam::${DEV_ACCOUNT}:root`] },
        Action: 'events:PutEvents',
        Resource: busArn,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:us-east-1:*:rule/${FORWARD_RULE_NAME}` } },
      },
    ]);
  });

  it.each([
    ["prod's forwarding rule", 'Allowed', PROD_ACCOUNT, { 'aws:SourceArn': forwardRule(PROD_ACCOUNT) }],
    ["dev's forwarding rule", 'Allowed', DEV_ACCOUNT, { 'aws:SourceArn': forwardRule(DEV_ACCOUNT) }],
    [
      'a forwarding rule of an account not listed',
      'ImplicitlyDenied',
      OTHER_ACCOUNT,
      { 'aws:SourceArn': forwardRule(OTHER_ACCOUNT) },
    ],
    ['a member principal calling PutEvents itself', 'ImplicitlyDenied', PROD_ACCOUNT, {}],
    [
      'another rule of a member account',
      'ImplicitlyDenied',
      PROD_ACCOUNT,
      { 'aws:SourceArn': forwardRule(PROD_ACCOUNT, 'my-own-rule') },
    ],
    [
      "a member's rule of that name in another region",
      'ImplicitlyDenied',
      PROD_ACCOUNT,
      { 'aws:SourceArn': `arn:aws:events:eu-west-1:${PROD_ACCOUNT}:rule/${FORWARD_RULE_NAME}` },
    ],
  ] as const)('PutEvents from %s -> %s (IAM simulator)', async (_, decision, account, context) => {
    expect(
      await decide({
        principal: forwarder(account),
        action: 'events:PutEvents',
        resource: busArn,
        resourceAccount: HUB_ACCOUNT,
        identityPolicies: [mayPut()],
        resourcePolicy: busPolicy,
        context,
      }),
    ).toBe(decision);
  });

  it("refuses more accounts than EventBridge's policy size allows", () => {
    const many = Array.from({ length: 400 }, (_, index) => String(100_000_000_000 + index));

    expect(() => busStack(many)).toThrow(OrganizationError);
    expect(() => busStack(many)).toThrow(
      `the hub event bus policy for 400 accounts would exceed EventBridge's ${BUS_POLICY_MAX_BYTES} bytes`,
    );
    expect(() => busStack(many.slice(0, 200))).not.toThrow();
  });
});
