// The SES sender and the credential pipeline that sends through it: both stacks hold the pair (the
// stack of one account, and the hub of many, whose pipeline is the central one), so it is wired
// here once. The Lambda may send only through the sender's identity and names its TLS-requiring
// configuration set in every send.
import type { Construct } from 'constructs';
import { CredentialPipeline, type CredentialPipelineProps } from './credential-pipeline.js';
import { SesSender } from './ses-sender.js';

/** What the pipeline needs besides the sender, which this adds. */
export type CredentialDeliveryProps = Omit<CredentialPipelineProps, 'senderIdentityArn' | 'configurationSet'>;

export interface CredentialDelivery {
  readonly sender: SesSender;
  readonly pipeline: CredentialPipeline;
}

/**
 * Adds the sender as `Sender` and the pipeline as `Credentials` to `stack`: the ids that the
 * deployed resources' logical ids and generated names are made of, so they never change.
 */
export function addCredentialDelivery(stack: Construct, props: CredentialDeliveryProps): CredentialDelivery {
  const { settings } = props;
  const sender = new SesSender(stack, 'Sender', {
    sender: settings.sender,
    existing: settings.existingSenderIdentity,
  });
  const pipeline = new CredentialPipeline(stack, 'Credentials', {
    ...props,
    senderIdentityArn: sender.identityArn,
    configurationSet: {
      name: sender.configurationSet.configurationSetName,
      arn: sender.configurationSetArn,
    },
  });
  return { sender, pipeline };
}
