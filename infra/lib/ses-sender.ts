// The SES identity the credential email is sent from, in the stack's region (us-east-1), and the
// configuration set every send names. A domain is verified by three DKIM CNAME records the user
// adds to DNS (the stack outputs them); a single address is verified by the link SES mails to it
// on deploy. The configuration set requires TLS: SES then never hands a password to a receiving
// mail server in clear text, and bounces the message instead when the server offers no TLS.
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
  /** The configuration set (TLS required) the Lambda sends with. */
  readonly configurationSet: ses.ConfigurationSet;
  /** Its ARN: naming a configuration set makes SES authorize the send against it too. */
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: SesSenderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { identity } = props.sender;
    // Built from the name rather than taken from the construct, so an existing identity needs no lookup.
    this.identityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity.name });

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
    });
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
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
      // The identity's default set too: a send that names none still requires TLS.
      configurationSet: this.configurationSet,
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
