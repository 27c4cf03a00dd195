// The SES identity the credential email is sent from, in the stack's region (us-east-1). A domain
// is verified by three DKIM CNAME records the user adds to DNS (the stack outputs them); a single
// address is verified by the link SES mails to it on deploy.
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { Sender } from './settings.js';

export interface SesSenderProps {
  readonly sender: Sender;
  /** The identity exists (and is verified) already: reference it, do not create it. */
  readonly existing: boolean;
}

export class SesSender extends Construct {
  /** The identity ARN that ses:SendEmail is authorized against. */
  readonly identityArn: string;

  constructor(scope: Construct, id: string, props: SesSenderProps) {
    super(scope, id);
    const { identity } = props.sender;
    // Built from the name rather than taken from the construct, so an existing identity needs no lookup.
    this.identityArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: identity.name,
    });
    new CfnOutput(this, 'SenderIdentity', {
      key: 'SenderIdentity',
      value: identity.name,
      description: 'The SES identity the credential email is sent from (verify it before the first send)',
    });
    if (props.existing) return;

    const created = new ses.EmailIdentity(this, 'Identity', {
      identity:
        identity.kind === 'domain' ? ses.Identity.domain(identity.name) : ses.Identity.email(identity.name),
    });
    if (identity.kind === 'domain') {
      created.dkimRecords.forEach((record, index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, {
          key: `DkimRecord${index + 1}`,
          value: `${record.name} CNAME ${record.value}`,
          description: `DNS record ${index + 1} of 3 to add for ${identity.name}: SES verifies the domain (DKIM) once all three resolve`,
        });
      });
    }
  }
}
