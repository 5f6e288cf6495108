import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CURATED_SCHEMA, CURATED_TABLES, type CuratedTable, type CuratedType } from '../../functions/engine/curatedSchema.ts';
import { DATA_PREFIXES } from './dataLake.ts';
import { grantPrefixAccess } from './prefixGrants.ts';

/** Hive/Glue column types for the curated schema's DuckDB types (both read the same Parquet). */
export const GLUE_TYPES: Record<CuratedType, string> = {
  VARCHAR: 'string',
  INTEGER: 'int',
  DOUBLE: 'double',
  DATE: 'date',
  BOOLEAN: 'boolean',
};

export interface CuratedCatalogProps {
  /** The data bucket: the tables' Parquet is under its curated/ prefix. */
  readonly bucket: s3.IBucket;
  /** Glue database name: lowercase letters, digits and `_` (Athena's rule for identifiers). */
  readonly databaseName: string;
}

/** What Athena asks of Glue to plan a query: read-only, and only on these tables. */
const READ_ACTIONS = ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'];

/**
 * The Glue database and one table per curated extract, so Athena sees the same table names and
 * columns as the DuckDB views. Snapshots are partitions found by injected partition projection:
 * a query names its snapshot, so no crawler and no MSCK REPAIR are ever needed.
 */
export class CuratedCatalog extends Construct {
  readonly databaseName: string;
  readonly tableNames: readonly CuratedTable[] = CURATED_TABLES;
  private readonly bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: CuratedCatalogProps) {
    super(scope, id);
    const { bucket, databaseName } = props;
    this.bucket = bucket;
    const catalogId = Stack.of(this).account;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: { name: databaseName, description: 'Pejlemærke: kuraterede udtræk (Parquet), ét snapshot pr. levering' },
    });
    this.databaseName = databaseName;

    for (const table of CURATED_TABLES) {
      const location = `s3://${bucket.bucketName}/${DATA_PREFIXES.curated}${table}/`;
      const cfnTable = new glue.CfnTable(this, pascal(table), {
        catalogId,
        databaseName,
        tableInput: {
          name: table,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            classification: 'parquet',
            'projection.enabled': 'true',
            'projection.snapshot.type': 'injected',
            'storage.location.template': `${location}snapshot=\${snapshot}/`,
          },
          partitionKeys: [{ name: 'snapshot', type: 'string', comment: 'snapshot id: 16 hex of sha256 over the delivery' }],
          storageDescriptor: {
            location,
            columns: Object.entries(CURATED_SCHEMA[table]).map(([name, type]) => ({ name, type: GLUE_TYPES[type as CuratedType] })),
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          },
        },
      });
      cfnTable.node.addDependency(database);
    }
  }

  /**
   * Query the tables through Athena: the catalog, the database and each table by name (no
   * wildcard), and the Parquet under curated/, which Athena reads with the caller's permissions.
   */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: READ_ACTIONS, resourceArns: this.arns() }).combine(
      grantPrefixAccess(
        grantee,
        this.bucket,
        DATA_PREFIXES.curated,
        'read',
        'Object keys under curated/ are curated/<extract>/snapshot=<id>/…, one partition per snapshot of a delivery, not known at deploy time; read only, that prefix only.',
      ),
    );
  }

  private arns(): string[] {
    const stack = Stack.of(this);
    return [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
      ...this.tableNames.map((table) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${table}` })),
    ];
  }
}

function pascal(name: string): string {
  return name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
