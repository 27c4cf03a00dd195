import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { decideWithResourcePolicy } from './support/iam-simulator.js';
import { logicalId, SYNTH_TIMEOUT, synth } from './support/synth.js';
import { resourcePolicy } from './support/template-policies.js';

describe('ManagementEventsTrail', { timeout: SYNTH_TIMEOUT }, () => {
  const { template } = synth();
  const bucket = logicalId(template, 'AWS::S3::Bucket', 'ManagementEventsLogs');
  const trailId = logicalId(template, 'AWS::CloudTrail::Trail', 'ManagementEventsTrail');
  const trailName = template.toJSON().Resources[trailId].Properties.TrailName as string;
  const trailArn = `arn:aws:cloudtrail:us-east-1:111122223333:trail/${trailName}`;

  it('records write management events of every region, global services (IAM) included', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: trailName,
      S3BucketName: { Ref: bucket },
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }],
    });
  });

  it('is created after the bucket policy that lets it write', () => {
    const policy = logicalId(template, 'AWS::S3::BucketPolicy', 'ManagementEventsLogsPolicy');
    expect(template.toJSON().Resources[trailId].DependsOn).toEqual([policy]);
  });

  it('keeps the logs in a private, encrypted, versioned bucket that expires them after a year and outlives the stack', () => {
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
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              ExpirationInDays: 365,
              NoncurrentVersionExpiration: { NoncurrentDays: 90 },
              Status: 'Enabled',
            }),
          ],
        },
      },
    });
  });

  describe('the bucket policy (simulated)', () => {
    const policy = resourcePolicy(
      template,
      logicalId(template, 'AWS::S3::BucketPolicy', 'ManagementEventsLogsPolicy'),
      'PolicyDocument',
      {
        [bucket]: 'trail-logs',
        [`${bucket}.Arn`]: 'arn:aws:s3:::trail-logs',
      },
    );
    const put = (context: Record<string, string>, key = 'AWSLogs/111122223333/CloudTrail/x.json.gz') =>
      decideWithResourcePolicy(policy, {
        principal: 'cloudtrail.amazonaws.com',
        action: 's3:PutObject',
        resource: `arn:aws:s3:::trail-logs/${key}`,
        context: { 'aws:SecureTransport': 'true', 's3:x-amz-acl': 'bucket-owner-full-control', ...context },
      });

    it('lets this trail write its own prefix', async () => {
      expect(await put({ 'aws:SourceArn': trailArn })).toBe('Allowed');
      expect(
        await decideWithResourcePolicy(policy, {
          principal: 'cloudtrail.amazonaws.com',
          action: 's3:GetBucketAcl',
          resource: 'arn:aws:s3:::trail-logs',
          context: { 'aws:SecureTransport': 'true', 'aws:SourceArn': trailArn },
        }),
      ).toBe('Allowed');
    });

    it("refuses another trail (another account's included), another prefix, and requests without TLS", async () => {
      expect(await put({ 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:444455556666:trail/other' })).toBe(
        'ImplicitlyDenied',
      );
      expect(await put({})).toBe('ImplicitlyDenied');
      expect(await put({ 'aws:SourceArn': trailArn }, 'AWSLogs/444455556666/x.json.gz')).toBe(
        'ImplicitlyDenied',
      );
      expect(await put({ 'aws:SourceArn': trailArn, 'aws:SecureTransport': 'false' })).toBe(
        'ExplicitlyDenied',
      );
    });
  });

  it('is not created when the account has a trail already', () => {
    const existing = synth({ existingTrail: true }).template;

    expect(existing.findResources('AWS::CloudTrail::Trail')).toEqual({});
    expect(existing.findResources('AWS::S3::Bucket')).toEqual({});
  });
});
