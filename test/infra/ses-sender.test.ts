import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, SYNTH_TIMEOUT, synth } from './support/synth.js';
import { rolePolicies } from './support/template-policies.js';

/** The resources of the Lambda role's send statement (the configuration set's name resolved to "tls"). */
const sendThrough = (context: Parameters<typeof synth>[0]) => {
  const { template } = synth(context);
  const physical = { [logicalId(template, 'AWS::SES::ConfigurationSet', 'SenderConfigurationSet')]: 'tls' };
  const statements = rolePolicies(
    template,
    logicalId(template, 'AWS::IAM::Role', 'CredentialsRole'),
    physical,
  ).flatMap((policy) => policy.Statement);
  return statements.find((statement) => statement.Sid === 'SendFromSenderAddress')?.Resource;
};
const CONFIGURATION_SET = 'arn:aws:ses:us-east-1:111122223333:configuration-set/tls';

describe('SesSender', { timeout: SYNTH_TIMEOUT }, () => {
  it('verifies a single address, with no DNS records to add', () => {
    const { template } = synth({ senderEmail: 'iam@example.com' });

    template.hasResourceProperties(
      'AWS::SES::EmailIdentity',
      Match.objectEquals({
        EmailIdentity: 'iam@example.com',
        ConfigurationSetAttributes: {
          ConfigurationSetName: {
            Ref: logicalId(template, 'AWS::SES::ConfigurationSet', 'SenderConfigurationSet'),
          },
        },
      }),
    );
    expect(Object.keys(template.findOutputs('DkimRecord*'))).toEqual([]);
    template.hasOutput('SenderIdentity', { Value: 'iam@example.com' });
  });

  it('verifies a domain with DKIM and outputs its three CNAME records', () => {
    const { template } = synth({ senderEmail: 'iam@example.com', senderDomain: 'example.com' });
    const identity = logicalId(template, 'AWS::SES::EmailIdentity', 'SenderIdentity');

    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
    for (const n of [1, 2, 3]) {
      template.hasOutput(`DkimRecord${n}`, {
        Value: {
          'Fn::Join': [
            '',
            [
              { 'Fn::GetAtt': [identity, `DkimDNSTokenName${n}`] },
              ' CNAME ',
              { 'Fn::GetAtt': [identity, `DkimDNSTokenValue${n}`] },
            ],
          ],
        },
      });
    }
  });

  it('makes a configuration set that requires TLS, and outputs its name', () => {
    const { template } = synth();
    const set = logicalId(template, 'AWS::SES::ConfigurationSet', 'SenderConfigurationSet');

    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
    template.hasOutput('ConfigurationSetName', { Value: { Ref: set } });
  });

  it("authorizes the Lambda to send through the identity's ARN and the configuration set", () => {
    expect(sendThrough({ senderEmail: 'iam@example.com' })).toEqual([
      'arn:aws:ses:us-east-1:111122223333:identity/iam@example.com',
      CONFIGURATION_SET,
    ]);
    expect(sendThrough({ senderEmail: 'IT <iam@example.com>', senderDomain: 'example.com' })).toEqual([
      'arn:aws:ses:us-east-1:111122223333:identity/example.com',
      CONFIGURATION_SET,
    ]);
  });

  it('references an existing identity without creating it', () => {
    const { template } = synth({ existingSenderIdentity: true });

    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    expect(sendThrough({ existingSenderIdentity: true })).toEqual([
      'arn:aws:ses:us-east-1:111122223333:identity/iam@example.com',
      CONFIGURATION_SET,
    ]);
  });
});
