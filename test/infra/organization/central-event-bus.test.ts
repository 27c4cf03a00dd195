// The hub bus admits the member accounts' forwarding rules and nobody else, as IAM decides it.
import { type App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUS_POLICY_MAX_BYTES, CentralEventBus } from '../../../infra/lib/organization/central-event-bus.js';
import { FORWARD_RULE_NAME } from '../../../infra/lib/organization/member-stack.js';
import { OrganizationError } from '../../../infra/lib/organization/organization-error.js';
import { decideWithResourcePolicy } from '../support/iam-simulator.js';
import { logicalId, withApp } from '../support/synth.js';
import { type CfnTemplate, type PolicyDocument, resolveIn } from '../support/template-policies.js';
import {
  DEV_ACCOUNT,
  HUB,
  HUB_ACCOUNT,
  OTHER_ACCOUNT,
  PROD_ACCOUNT,
  SYNTH_TIMEOUT,
} from './support/organization.js';

function busStack(app: App, memberAccountIds: readonly string[]): Stack {
  const stack = new Stack(app, 'Hub', { env: { region: 'us-east-1' } });
  new CentralEventBus(stack, 'Events', { memberAccountIds });
  return stack;
}
const tryBus = (memberAccountIds: readonly string[]) => withApp((app) => busStack(app, memberAccountIds));

let busArn: string;
let busPolicy: PolicyDocument;

beforeAll(() => {
  const template = withApp(
    (app) => Template.fromStack(busStack(app, [PROD_ACCOUNT, DEV_ACCOUNT])).toJSON() as CfnTemplate,
  );
  const busId = logicalId(template, 'AWS::Events::EventBus', 'EventsBus');
  busArn = String(resolveIn(template, { 'Fn::GetAtt': [busId, 'Arn'] }, {}, HUB));
  const policy = template.Resources[logicalId(template, 'AWS::Events::EventBusPolicy', 'EventsBus')];
  busPolicy = {
    Version: '2012-10-17',
    Statement: [resolveIn(template, policy?.Properties?.Statement, {}, HUB) as Record<string, unknown>],
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
      await decideWithResourcePolicy(
        busPolicy,
        {
          principal: forwarder(account),
          action: 'events:PutEvents',
          resource: busArn,
          resourceAccount: HUB_ACCOUNT,
          context,
        },
        [mayPut()],
      ),
    ).toBe(decision);
  });

  it("refuses more accounts than EventBridge's policy size allows", () => {
    const many = Array.from({ length: 400 }, (_, index) => String(100_000_000_000 + index));

    expect(() => tryBus(many)).toThrow(OrganizationError);
    expect(() => tryBus(many)).toThrow(
      `the hub event bus policy for 400 accounts would exceed EventBridge's ${BUS_POLICY_MAX_BYTES} bytes`,
    );
    expect(() => tryBus(many.slice(0, 200))).not.toThrow();
  });
});
