import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantPrefixAccess, LOCK_PREFIX, type PrefixAccess } from './prefixGrants.ts';

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
  locks: LOCK_PREFIX,
  /** Jobindsats pulls and their pointer (functions/benchmarks/pullStore.ts `benchmarkKeys`). */
  benchmarks: 'benchmarks/',
} as const;

/** The reports bucket holds the publish stage's `reports/` key layout; CloudFront serves it. */
export const REPORTS_PREFIX = 'reports/';
/** Drafts waiting for approval, in the reports bucket; served only behind an allow-list. */
export const PREVIEWS_PREFIX = 'previews/';

export type DataPrefix = (typeof DATA_PREFIXES)[keyof typeof DATA_PREFIXES];
export type ReportsPrefix = typeof REPORTS_PREFIX | typeof PREVIEWS_PREFIX;

/** The prefixes `grantPrefix` grants on, per bucket; the lock has `grantLock`. */
export interface LakePrefixes {
  readonly data: Exclude<DataPrefix, typeof LOCK_PREFIX>;
  readonly reports: ReportsPrefix;
}

/** How the keys under each prefix are named: why a grant needs the prefix wildcard (cdk-nag IAM5). */
const KEYS: Record<LakePrefixes[keyof LakePrefixes], string> = {
  'incoming/': 'incoming/<delivery>/<file>, one folder per delivery named by its delivery_id',
  'quarantine/': 'quarantine/<delivery>/<file> and <file>.errors.json, one folder per rejected delivery',
  'curated/': 'curated/<extract>/snapshot=<id>/, one partition per snapshot of a delivery',
  'results/': 'results/<quarter>/kpis.json|csv, one folder per published quarter',
  'athena-results/': 'athena-results/<query execution id>.csv, named by Athena per query',
  'drafts/': 'drafts/<quarter>/<snapshot>.json, one draft per computed quarter and snapshot',
  'benchmarks/': 'benchmarks/pulls/<pull_id>/benchmarks.json, one folder per Jobindsats pull, and its pointer',
  'reports/': 'reports/<quarter>/r<k>/…, reports/latest/…, one folder per quarter and revision',
  'previews/': 'previews/<quarter>/<snapshot>/…, one draft report per quarter and snapshot',
};

export interface DataLakeProps {
  /**
   * Days before a raw delivery in incoming/ expires; the curated snapshot keeps its content.
   * @default 90
   */
  readonly incomingDays?: number;
  /**
   * Days a quarantined delivery and its error report (and an unapproved draft) are kept.
   * @default 730
   */
  readonly quarantineDays?: number;
  /** @default 7 */
  readonly athenaResultsDays?: number;
  /**
   * Days an overwritten object's old version is kept (every bucket is versioned).
   * @default 90
   */
  readonly noncurrentVersionDays?: number;
  /** @default 365 */
  readonly accessLogDays?: number;
  /**
   * RETAIN keeps every bucket and object when the stack goes; DESTROY empties them (trials).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The buckets: `data` (deliveries, curated Parquet, results, Athena output), `reports` (the
 * published site, private: CloudFront reads it) and `accessLogs` (server access logs of both
 * and CloudFront's logs). Every bucket is encrypted, versioned, SSL-only and never public.
 * Roles get objects only through `grantPrefix` (one prefix, named actions) and `grantLock`.
 */
export class DataLake extends Construct {
  readonly data: s3.Bucket;
  readonly reports: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataLakeProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const destroy = removalPolicy === RemovalPolicy.DESTROY;
    const secure = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      removalPolicy,
      autoDeleteObjects: destroy,
    } satisfies s3.BucketProps;
    const quarantine = Duration.days(props.quarantineDays ?? 730);
    const noncurrent = { noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 90) };

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      // CloudFront standard logging writes with ACLs; S3 server access logging uses the policy.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(props.accessLogDays ?? 365), ...noncurrent }],
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
        { id: 'expire-incoming', prefix: DATA_PREFIXES.incoming, expiration: Duration.days(props.incomingDays ?? 90) },
        { id: 'expire-quarantine', prefix: DATA_PREFIXES.quarantine, expiration: quarantine },
        { id: 'expire-athena-results', prefix: DATA_PREFIXES.athenaResults, expiration: Duration.days(props.athenaResultsDays ?? 7) },
        { id: 'expire-drafts', prefix: DATA_PREFIXES.drafts, expiration: quarantine },
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

  /**
   * Object access under one prefix of the data or reports bucket, with named actions only, and
   * ListBucket on that bucket (the stores tell a missing key by S3's 404, which needs it).
   */
  grantPrefix<B extends keyof LakePrefixes>(grantee: iam.IGrantable, bucket: B, prefix: LakePrefixes[B], access: PrefixAccess): iam.Grant {
    const reason = `Object keys under ${prefix} are ${KEYS[prefix]}, not known at deploy time; access is limited to that prefix with named actions.`;
    return grantPrefixAccess(grantee, bucket === 'data' ? this.data : this.reports, prefix, access, reason);
  }

  /**
   * The store lock (`locks/run.lock`, functions/store/lock.ts): create, take over and release
   * it. The only DeleteObject any role gets, so a stage can release its lock but delete no data.
   */
  grantLock(grantee: iam.IGrantable): iam.Grant {
    return grantPrefixAccess(
      grantee,
      this.data,
      DATA_PREFIXES.locks,
      'lock',
      `Objects under ${DATA_PREFIXES.locks} are the store lock (locks/run.lock), created, taken over and released with conditional writes; the only prefix where DeleteObject is allowed.`,
    );
  }
}
