import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { credentialEventPattern } from '../../infra/lib/credential-event-pattern.js';
import { TAG_CREDENTIALS_REQUESTED } from '../../src/contract.js';
import { SYNTH_TIMEOUT, synth } from './support/synth.js';

describe('credentialEventPattern', { timeout: SYNTH_TIMEOUT }, () => {
  it('matches successful CreateUser at the path and TagUser requesting credentials, from IAM via CloudTrail', () => {
    expect(credentialEventPattern('/people/')).toEqual({
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['iam.amazonaws.com'],
        errorCode: [{ exists: false }],
        $or: [
          { eventName: ['CreateUser'], requestParameters: { path: ['/people/'] } },
          { eventName: ['TagUser'], requestParameters: { tags: { key: [TAG_CREDENTIALS_REQUESTED] } } },
        ],
      },
    });
  });

  it('is the pattern the stack synthesizes, for the configured path', () => {
    const { template } = synth({ iamPath: '/people/' });

    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectEquals(JSON.parse(JSON.stringify(credentialEventPattern('/people/')))),
    });
  });
});
