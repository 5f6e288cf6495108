import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURATED_SCHEMA, CURATED_TABLES } from '../../functions/engine/curatedSchema.ts';
import { CuratedCatalog, GLUE_TYPES } from '../../infra/constructs/curatedCatalog.ts';
import { NagTestStack, type Json, type Synthesised } from '../support/cdkStack.ts';

let test: NagTestStack;
let out: Synthesised;
let role: iam.Role;

beforeAll(() => {
  test = new NagTestStack();
  // An imported bucket: the catalog needs only its name and ARN.
  const bucket = s3.Bucket.fromBucketName(test.stack, 'Data', 'pejlemaerke-data');
  const catalog = new CuratedCatalog(test.stack, 'Catalog', { bucket, databaseName: 'pejlemaerke_test' });
  role = new iam.Role(test.stack, 'Compute', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  catalog.grantRead(role);
  out = test.synth();
});

afterAll(() => test.dispose());

const tables = () => out.ofType('AWS::Glue::Table').map(([, t]) => t.Properties.TableInput as Json);

describe('the catalog', () => {
  it('has the database and one Parquet table per curated table, with the curated schema’s columns', () => {
    out.template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'pejlemaerke_test' } });
    expect(
      tables()
        .map((t) => t.Name)
        .sort(),
    ).toEqual([...CURATED_TABLES].sort());
    for (const t of tables()) {
      const schema = CURATED_SCHEMA[t.Name as keyof typeof CURATED_SCHEMA];
      expect(t.StorageDescriptor.Columns).toEqual(Object.entries(schema).map(([Name, type]) => ({ Name, Type: GLUE_TYPES[type as keyof typeof GLUE_TYPES] })));
      expect(t.StorageDescriptor.Location).toBe(`s3://pejlemaerke-data/curated/${t.Name}/`);
      expect(t.Parameters.classification).toBe('parquet');
    }
  });

  it('finds snapshots by injected partition projection: no crawler, no MSCK REPAIR', () => {
    for (const t of tables()) {
      expect(t.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.snapshot.type': 'injected',
        'storage.location.template': `s3://pejlemaerke-data/curated/${t.Name}/snapshot=\${snapshot}/`,
      });
      expect(t.PartitionKeys).toEqual([expect.objectContaining({ Name: 'snapshot', Type: 'string' })]);
    }
    expect(out.ofType('AWS::Glue::Crawler')).toEqual([]);
  });
});

describe('grantRead', () => {
  it('reads the catalog, the database and these tables by name, and their Parquet under curated/', () => {
    const glueArn = (resource: string) => `arn:<AWS::Partition>:glue:eu-north-1:123456789012:${resource}`;
    const resources = ['catalog', 'database/pejlemaerke_test', ...CURATED_TABLES.map((t) => `table/pejlemaerke_test/${t}`)].map(glueArn);
    const expected = ['glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'].flatMap((action) =>
      resources.map((resource) => `${action} ${resource}`),
    );
    expected.push(
      's3:GetBucketLocation arn:<AWS::Partition>:s3:::pejlemaerke-data',
      's3:GetObject arn:<AWS::Partition>:s3:::pejlemaerke-data/curated/*',
      's3:ListBucket arn:<AWS::Partition>:s3:::pejlemaerke-data',
    );
    expect(out.permissionsOf(role)).toEqual(expected.sort());
  });

  it('acknowledges the curated/ wildcard by the ARN as cdk-nag names it, also for an imported bucket', () => {
    const ack = out.acknowledgements().find((a) => a.resource === out.logicalId(role))!;
    expect(ack.id).toBe('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::pejlemaerke-data/curated/*]');
    expect(ack.reason).toMatch(/snapshot/);
  });
});

describe('cdk-nag', () => {
  it('has no open finding, warnings included', () => {
    expect(out.openFindings).toEqual([]);
  });
});
