// What a deploy prints for the person who set it up: the roles to paste into the workflow, where to
// look when no email came, the path the workflow must use. One list for the stack of one account and
// the hub of many, so the two say the same things the same way; each adds its own outputs after it.
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type { CredentialDelivery } from './credential-delivery.js';
import type { GithubOidcRoles } from './github-oidc-roles.js';

/** An output's value, and what the person who deployed does with it. */
export type StackOutput = readonly [value: string, description: string];

export interface InstalledParts extends CredentialDelivery {
  readonly roles: GithubOidcRoles;
  readonly iamPath: string;
  /** The hub of many accounts: its roles chain into the members, its Lambda answers theirs. */
  readonly hub: boolean;
}

/** The outputs every installation has, then `own` (the stack's alone), each keyed by its name. */
export function addStackOutputs(
  stack: Stack,
  parts: InstalledParts,
  own: Readonly<Record<string, StackOutput>>,
): void {
  const { roles, sender, pipeline, hub } = parts;
  const central = hub ? 'central ' : '';
  const outputs: Record<string, StackOutput> = {
    PlanRoleArn: [
      roles.planRole.roleArn,
      `role-to-assume for pull requests and the drift report${hub ? " (the hub's; it chains into each account)" : ''}`,
    ],
    ApplyRoleArn: [roles.applyRole.roleArn, `role-to-assume for the apply job${hub ? " (the hub's)" : ''}`],
    TopicArn: [
      pipeline.topic.topicArn,
      `SNS topic that carries ${hub ? "the members' " : ''}IAM events to the ${central}credential Lambda`,
    ],
    CredentialFunctionName: [
      pipeline.function.functionName,
      `the ${central}credential Lambda (its logs say why an email was or was not sent)`,
    ],
    ConfigurationSetName: [
      sender.configurationSet.configurationSetName,
      'the SES configuration set (TLS required) the credential email is sent with',
    ],
    DeadLetterQueueUrl: [
      pipeline.deadLetterQueue.queueUrl,
      'events that got no credentials email; the DeadLetterAlarm watches it',
    ],
    IamPath: [parts.iamPath, 'the managed IAM path: the workflow must use the same one'],
    ...own,
  };
  for (const [key, [value, description]] of Object.entries(outputs)) {
    new CfnOutput(stack, key, { key, value, description });
  }
}
