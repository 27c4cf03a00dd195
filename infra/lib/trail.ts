// The CloudTrail trail that makes IAM's API calls visible to EventBridge at all: EventBridge sees
// "AWS API Call via CloudTrail" events only while a trail records management events. Skipped when
// the account has one already (a second copy of management events is billed; the first is free).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Trail log files are the audit record of who changed IAM; a year, then they expire. */
export const TRAIL_LOG_RETENTION = Duration.days(365);

export class ManagementEventsTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        { expiration: TRAIL_LOG_RETENTION, abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      // Audit logs outlive the stack: `cdk destroy` leaves the bucket for the user to empty and delete.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      // The cast only bridges a typing gap: Bucket declares isWebsite optional where IBucket does
      // not, which exactOptionalPropertyTypes refuses.
      bucket: this.bucket as s3.IBucket,
      // Write events are all the pipeline needs (CreateUser, TagUser), and reads are the bulk of the volume.
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      // IAM is global: its events are recorded in us-east-1 as global service events.
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: true,
      enableFileValidation: true,
    });
  }
}
