// The CloudTrail trail that makes IAM's API calls visible to EventBridge at all: EventBridge sees
// "AWS API Call via CloudTrail" events only while a trail records management events. Skipped when
// the account has one already (a second copy of management events is billed; the first is free).
// The log bucket is versioned (a deleted or overwritten log file stays recoverable) and admits
// CloudTrail only for this trail (`aws:SourceArn`), so no other account's trail can write into it.
import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Trail log files are the audit record of who changed IAM; a year, then they expire. */
export const TRAIL_LOG_RETENTION = Duration.days(365);
/** An overwritten or deleted log file stays recoverable this long. */
export const TRAIL_NONCURRENT_RETENTION = Duration.days(90);

export class ManagementEventsTrail extends Construct {
  readonly trail: cloudtrail.CfnTrail;
  readonly trailArn: string;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    // Named up front: the bucket policy must name the trail, and the trail names the bucket.
    const trailName = Names.uniqueResourceName(this, { maxLength: 128 });
    this.trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName });

    this.bucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        {
          expiration: TRAIL_LOG_RETENTION,
          noncurrentVersionExpiration: TRAIL_NONCURRENT_RETENTION,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      // Audit logs outlive the stack: `cdk destroy` leaves the bucket for the user to empty and delete.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const fromThisTrail = { 'aws:SourceArn': this.trailArn };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailReadsAcl',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: { StringEquals: fromThisTrail },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailWritesLogs',
        principals: [cloudTrail],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { ...fromThisTrail, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );

    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName,
      s3BucketName: this.bucket.bucketName,
      isLogging: true,
      // Write events are all the pipeline needs (CreateUser, TagUser), and reads are the bulk of the volume.
      eventSelectors: [{ includeManagementEvents: true, readWriteType: 'WriteOnly' }],
      // IAM is global: its events are recorded in us-east-1 as global service events.
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: true,
      enableLogFileValidation: true,
    });
    // CloudTrail checks the bucket policy when the trail is created.
    if (this.bucket.policy !== undefined) this.trail.node.addDependency(this.bucket.policy);
  }
}
