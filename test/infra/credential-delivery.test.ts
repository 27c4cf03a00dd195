// The sender and the pipeline wired once for both stacks: their ids (which the deployed resources'
// logical ids and names are made of), the Lambda sending only through this sender, and the
// pipeline's own settings passed through (the hub's bus and members).
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { addCredentialDelivery, type CredentialDelivery } from '../../infra/lib/credential-delivery.js';
import { LAMBDA_ENV } from '../../src/contract.js';
import { logicalId, SYNTH_TIMEOUT, settingsFrom, withApp } from './support/synth.js';

interface Added {
  readonly delivery: CredentialDelivery;
  readonly template: Template;
  /** The sender's identity and configuration set ARNs, as the template has them (out of the SES sandbox). */
  readonly sendThrough: unknown[];
}

function add(central: boolean): Added {
  return withApp((app) => {
    const stack = new Stack(app, 'Installation', { env: { region: 'us-east-1' } });
    const apply = new iam.Role(stack, 'Apply', { assumedBy: new iam.AccountRootPrincipal() });
    const delivery = addCredentialDelivery(stack, {
      settings: settingsFrom(),
      code: lambda.Code.fromInline('export const handler = async () => undefined;'),
      applyRoleArn: apply.roleArn,
      ...(central
        ? {
            eventBus: new events.EventBus(stack, 'Bus') as events.IEventBus,
            memberAccounts: { '444455556666': 'prod' },
          }
        : {}),
    });
    const { sender } = delivery;
    return {
      delivery,
      template: Template.fromStack(stack),
      sendThrough: [stack.resolve(sender.identityArn), stack.resolve(sender.configurationSetArn)],
    };
  });
}

/** The statements of the Lambda role's policy. */
function lambdaStatements(template: Template): Record<string, unknown>[] {
  const role = logicalId(template, 'AWS::IAM::Role', 'CredentialsRole');
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some(
      (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: role }),
    ),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
}

describe('addCredentialDelivery', { timeout: SYNTH_TIMEOUT }, () => {
  it('adds the sender as Sender and the pipeline as Credentials, directly in the stack', () => {
    const { delivery } = add(false);

    expect(delivery.sender.node.path).toBe('Installation/Sender');
    expect(delivery.pipeline.node.path).toBe('Installation/Credentials');
  });

  it("has the Lambda name the sender's configuration set and send only through the sender", () => {
    const { template, sendThrough } = add(false);
    const set = logicalId(template, 'AWS::SES::ConfigurationSet', 'SenderConfigurationSet');

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { [LAMBDA_ENV.configurationSet]: { Ref: set } } },
    });
    expect(lambdaStatements(template).filter((statement) => statement.Action === 'ses:SendEmail')).toEqual([
      {
        Sid: 'SendFromSenderAddress',
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: sendThrough,
        Condition: { StringEquals: { 'ses:FromAddress': 'iam@example.com' } },
      },
    ]);
  });

  it("passes the pipeline's own settings through: the hub's bus and its members", () => {
    const { template } = add(true);
    const bus = logicalId(template, 'AWS::Events::EventBus', 'Bus');

    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: bus },
      EventPattern: { account: ['444455556666'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { [LAMBDA_ENV.memberAccounts]: '{"444455556666":"prod"}' } },
    });
  });
});
