import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, roleStatements, SYNTH_TIMEOUT, synth } from './support/synth.js';

const sendFrom = (context: Parameters<typeof synth>[0]) => {
  const { template } = synth(context);
  const statements = roleStatements(template, logicalId(template, 'AWS::IAM::Role', 'CredentialsRole'));
  const resource = statements.find((statement) => statement.Sid === 'SendFromSenderIdentity')?.Resource;
  return typeof resource === 'string' ? [resource] : resource;
};

describe('SesSender', { timeout: SYNTH_TIMEOUT }, () => {
  it('verifies a single address, with no DNS records to add', () => {
    const { template } = synth({ senderEmail: 'iam@example.com' });

    template.hasResourceProperties(
      'AWS::SES::EmailIdentity',
      Match.objectEquals({ EmailIdentity: 'iam@example.com' }),
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

  it("authorizes the Lambda to send from the identity's ARN", () => {
    expect(sendFrom({ senderEmail: 'iam@example.com' })).toEqual([
      'arn:aws:ses:us-east-1:111122223333:identity/iam@example.com',
    ]);
    expect(sendFrom({ senderEmail: 'IT <iam@example.com>', senderDomain: 'example.com' })).toEqual([
      'arn:aws:ses:us-east-1:111122223333:identity/example.com',
    ]);
  });

  it('references an existing identity without creating it', () => {
    const { template } = synth({ existingSenderIdentity: true });

    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    expect(sendFrom({ existingSenderIdentity: true })).toEqual([
      'arn:aws:ses:us-east-1:111122223333:identity/iam@example.com',
    ]);
  });
});
