import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The prefixes of the data bucket (functions/store/store.ts `keys`, plus Athena's results). */
export const DATA_PREFIXES = {
  incoming: 'incoming/',
  quarantine: 'quarantine/',
  curated: 'curated/',
  results: 'results/',
  athenaResults: 'athena-results/',
  /** Compute's draft for publish (functions/store/store.ts `keys.draft`). */
  drafts: 'drafts/',
  /** The one lock per store that serialises runs (functions/store/lock.ts). */
  locks: 'locks/',
} as const;

/** The reports bucket holds the publish stage's `reports/` key layout; CloudFront serves it. */
export const REPORTS_PREFIX = 'reports/';
/** Drafts waiting for approval, in the reports bucket; served only behind an allow-list. */
export const PREVIEWS_PREFIX = 'previews/';

export interface DataLakeProps {
  /** Days before a raw delivery in incoming/ expires; the curated snapshot keeps its content. */
  incomingDays: number;
  /** Days a quarantined delivery and its error report are kept for data staff to look at. */
  quarantineDays: number;
  athenaResultsDays: number;
  noncurrentVersionDays: number;
  accessLogDays: number;
  /** RETAIN keeps every bucket and object when the stack goes; DESTROY empties them (trials). */
  removalPolicy: RemovalPolicy;
}

/**
 * The buckets: `data` (deliveries, curated Parquet, results, Athena output), `reports` (the
 * published site, private: CloudFront reads it) and `accessLogs` (server access logs of both
 * and CloudFront's logs). Every bucket is encrypted, versioned, SSL-only and never public.
 */
export class DataLake extends Construct {
  readonly data: s3.Bucket;
  readonly reports: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    const destroy = props.removalPolicy === RemovalPolicy.DESTROY;
    const secure = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
    } satisfies s3.BucketProps;
    const noncurrent = { noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays) };

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      // CloudFront standard logging writes with ACLs; S3 server access logging uses the policy.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(props.accessLogDays), ...noncurrent }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would log its own log writes in a loop.',
    });

    this.data = new s3.Bucket(this, 'Data', {
      ...secure,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 's3/data/',
      lifecycleRules: [
        { id: 'expire-incoming', prefix: DATA_PREFIXES.incoming, expiration: Duration.days(props.incomingDays) },
        { id: 'expire-quarantine', prefix: DATA_PREFIXES.quarantine, expiration: Duration.days(props.quarantineDays) },
        { id: 'expire-athena-results', prefix: DATA_PREFIXES.athenaResults, expiration: Duration.days(props.athenaResultsDays) },
        { id: 'expire-drafts', prefix: DATA_PREFIXES.drafts, expiration: Duration.days(props.quarantineDays) },
        { id: 'expire-old-versions', ...noncurrent, abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    // S3 → EventBridge natively, instead of CDK's notifications custom resource (a Lambda).
    const cfnData = this.data.node.defaultChild as s3.CfnBucket;
    cfnData.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

    this.reports = new s3.Bucket(this, 'Reports', {
      ...secure,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 's3/reports/',
      lifecycleRules: [{ id: 'expire-old-versions', ...noncurrent, abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
  }
}
