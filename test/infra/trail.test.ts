import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, SYNTH_TIMEOUT, synth } from './support/synth.js';

describe('ManagementEventsTrail', { timeout: SYNTH_TIMEOUT }, () => {
  const { template } = synth();
  const bucket = logicalId(template, 'AWS::S3::Bucket', 'ManagementEventsLogs');

  it('records write management events of every region, global services (IAM) included', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      S3BucketName: { Ref: bucket },
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }],
    });
  });

  it('keeps the logs in a private, encrypted bucket that expires them after a year and outlives the stack', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, Status: 'Enabled' })] },
      },
    });
  });

  it('refuses requests without TLS and lets CloudTrail write its own prefix only', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: {
              'Fn::Join': [
                '',
                [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/AWSLogs/', { Ref: 'AWS::AccountId' }, '/*'],
              ],
            },
          }),
        ]),
      },
    });
  });

  it('is not created when the account has a trail already', () => {
    const existing = synth({ existingTrail: true }).template;

    expect(existing.findResources('AWS::CloudTrail::Trail')).toEqual({});
    expect(existing.findResources('AWS::S3::Bucket')).toEqual({});
  });
});
