import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_PREFIXES, DataLake, PREVIEWS_PREFIX, REPORTS_PREFIX } from '../../infra/constructs/dataLake.ts';
import { grantPrefixAccess } from '../../infra/constructs/prefixGrants.ts';
import { NagTestStack, type Json, type Synthesised } from '../support/cdkStack.ts';

let test: NagTestStack;
let out: Synthesised;
let lake: DataLake;
const roles: Record<'reader' | 'writer' | 'stage' | 'site', iam.Role> = {} as never;

beforeAll(() => {
  test = new NagTestStack();
  lake = new DataLake(test.stack, 'DataLake');
  for (const name of ['reader', 'writer', 'stage', 'site'] as const) {
    roles[name] = new iam.Role(test.stack, name, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  }
  lake.grantPrefix(roles.reader, 'data', DATA_PREFIXES.incoming, 'read');
  lake.grantPrefix(roles.writer, 'data', DATA_PREFIXES.drafts, 'write');
  lake.grantPrefix(roles.stage, 'data', DATA_PREFIXES.curated, 'readWrite');
  lake.grantLock(roles.stage);
  lake.grantPrefix(roles.site, 'reports', REPORTS_PREFIX, 'readWrite');
  lake.grantPrefix(roles.site, 'reports', PREVIEWS_PREFIX, 'read');
  out = test.synth();
});

afterAll(() => test.dispose());

const bucket = (prefix: string): [string, Json] => out.ofType('AWS::S3::Bucket').find(([id]) => id.startsWith(prefix))!;

describe('the buckets', () => {
  it('are three, each encrypted, versioned, never public, kept on stack deletion by default', () => {
    const buckets = out.ofType('AWS::S3::Bucket');
    expect(buckets.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['DataLakeAccessLogs', 'DataLakeData', 'DataLakeReports']);
    for (const [, b] of buckets) {
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(b.DeletionPolicy).toBe('Retain');
    }
  });

  it('refuse requests without TLS 1.2', () => {
    const policies = out.ofType('AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(3);
    for (const [, p] of policies) {
      const denies = (p.Properties.PolicyDocument.Statement as Json[]).filter((s) => s.Effect === 'Deny');
      expect(denies.some((s) => s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
      expect(denies.some((s) => s.Condition?.NumericLessThan?.['s3:TlsVersion'] === 1.2)).toBe(true);
    }
  });

  it('expire by the documented defaults: incoming 90 days, quarantine and drafts 730, Athena results 7; curated and results never', () => {
    const rules = bucket('DataLakeData')[1].Properties.LifecycleConfiguration.Rules as Json[];
    const days = (prefix: string) => rules.find((r) => r.Prefix === prefix)?.ExpirationInDays;
    expect(days('incoming/')).toBe(90);
    expect(days('quarantine/')).toBe(730);
    expect(days('drafts/')).toBe(730);
    expect(days('athena-results/')).toBe(7);
    expect(days('curated/')).toBeUndefined();
    expect(days('results/')).toBeUndefined();
    expect(rules.find((r) => r.Id === 'expire-old-versions')).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } });
    expect(bucket('DataLakeAccessLogs')[1].Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(365);
  });

  it('send the data bucket’s events to EventBridge natively, and log both buckets into the log bucket', () => {
    const [logsId] = bucket('DataLakeAccessLogs');
    expect(bucket('DataLakeData')[1].Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(bucket('DataLakeData')[1].Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: 's3/data/' });
    expect(bucket('DataLakeReports')[1].Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: 's3/reports/' });
    // No custom resource Lambda for notifications.
    expect(out.ofType('AWS::Lambda::Function')).toEqual([]);
  });
});

describe('grants', () => {
  it('give named actions on one prefix, and ListBucket on the bucket for S3’s 404', () => {
    expect(out.permissionsOf(roles.reader)).toEqual([
      's3:GetBucketLocation <DataLakeData.Arn>',
      's3:GetObject <DataLakeData.Arn>/incoming/*',
      's3:ListBucket <DataLakeData.Arn>',
    ]);
    expect(out.permissionsOf(roles.writer)).toEqual([
      's3:AbortMultipartUpload <DataLakeData.Arn>/drafts/*',
      's3:GetBucketLocation <DataLakeData.Arn>',
      's3:ListBucket <DataLakeData.Arn>',
      's3:PutObject <DataLakeData.Arn>/drafts/*',
    ]);
    expect(out.permissionsOf(roles.site)).toEqual([
      's3:AbortMultipartUpload <DataLakeReports.Arn>/reports/*',
      's3:GetBucketLocation <DataLakeReports.Arn>',
      's3:GetObject <DataLakeReports.Arn>/previews/*',
      's3:GetObject <DataLakeReports.Arn>/reports/*',
      's3:ListBucket <DataLakeReports.Arn>',
      's3:PutObject <DataLakeReports.Arn>/reports/*',
    ]);
  });

  it('allow DeleteObject only on locks/, through grantLock', () => {
    const deletes = out.permissionsOf(roles.stage).filter((p) => p.startsWith('s3:Delete'));
    expect(deletes).toEqual(['s3:DeleteObject <DataLakeData.Arn>/locks/*']);
    for (const role of Object.values(roles))
      for (const p of out.permissionsOf(role)) expect(p).not.toMatch(/^s3:\w*\*|^s3:Delete(?!Object <DataLakeData\.Arn>\/locks\/\*$)/);
  });

  it('refuse DeleteObject on any other prefix and a prefix without its slash', () => {
    const other = new NagTestStack();
    try {
      const otherLake = new DataLake(other.stack, 'DataLake');
      const role = new iam.Role(other.stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      expect(() => grantPrefixAccess(role, otherLake.data, DATA_PREFIXES.curated, 'lock', 'x'.repeat(80))).toThrow(/DeleteObject gives kun på locks\//);
      expect(() => grantPrefixAccess(role, otherLake.data, 'curated', 'read', 'x'.repeat(80))).toThrow(/slutter med "\/"/);
    } finally {
      other.dispose();
    }
  });

  it('acknowledge the prefix wildcard on the grantee, with how the keys are named', () => {
    const reader = out.logicalId(roles.reader);
    const ack = out.acknowledgements().find((a) => a.resource === reader && a.id.startsWith('AwsSolutions-IAM5'))!;
    expect(ack.id).toBe(`AwsSolutions-IAM5[Resource::<${out.logicalId(lake.data)}.Arn>/incoming/*]`);
    expect(ack.reason).toMatch(/incoming\/<delivery>\/<file>.*not known at deploy time/);
    const lock = out.acknowledgements().find((a) => a.id.endsWith('/locks/*]'))!;
    expect(lock.reason).toMatch(/store lock.*only prefix where DeleteObject/);
  });
});

describe('cdk-nag', () => {
  it('has no open finding, warnings included', () => {
    expect(out.openFindings).toEqual([]);
  });

  it('flags a grant whose wildcard nobody explained: the acknowledgement is what makes it pass', () => {
    const other = new NagTestStack();
    try {
      const otherLake = new DataLake(other.stack, 'DataLake', { removalPolicy: RemovalPolicy.RETAIN });
      const role = new iam.Role(other.stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [otherLake.data.arnForObjects('incoming/*')] }));
      expect(() => other.synth()).toThrow(/AwsSolutions-IAM5/);
    } finally {
      other.dispose();
    }
  });
});
