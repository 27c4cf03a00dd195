import { describe, expect, it } from 'vitest';
import { assumedRoleFrom } from '../../../src/iam/assumed-role.js';

const EXPIRATION = new Date('2026-11-30T15:00:00Z');
const ANSWER = {
  Credentials: {
    AccessKeyId: 'ASIAEXAMPLE',
    SecretAccessKey: 'secret-example',
    SessionToken: 'token-example',
    Expiration: EXPIRATION,
  },
  AssumedRoleUser: {
    Arn: 'arn:aws:sts::111111111111:assumed-role/iam-gitops-apply/iam-gitops-apply',
    AssumedRoleId: 'AROAEXAMPLE:iam-gitops-apply',
  },
};

describe('assumedRoleFrom', () => {
  it('masks every secret of the session before handing it out', () => {
    const masked: string[] = [];

    const assumed = assumedRoleFrom(ANSWER, (secret) => masked.push(secret));

    expect(masked).toEqual(['ASIAEXAMPLE', 'secret-example', 'token-example']);
    expect(assumed).toEqual({
      credentials: {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret-example',
        sessionToken: 'token-example',
        expiration: EXPIRATION,
      },
      assumedRoleArn: 'arn:aws:sts::111111111111:assumed-role/iam-gitops-apply/iam-gitops-apply',
    });
  });

  it('is undefined, masking nothing, when STS answered without a whole session', () => {
    const masked: string[] = [];
    const partial = { Credentials: { ...ANSWER.Credentials, SessionToken: '' } };

    expect(assumedRoleFrom(partial, (secret) => masked.push(secret))).toBeUndefined();
    expect(assumedRoleFrom({}, (secret) => masked.push(secret))).toBeUndefined();
    expect(masked).toEqual([]);
  });
});
