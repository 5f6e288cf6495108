import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATA_PREFIXES } from './dataLake.ts';
import { grantPrefixAccess } from './prefixGrants.ts';

export interface QueryWorkgroupProps {
  /** The workgroup's name (also in its ARN, which the grants name). */
  readonly name: string;
  /** Where Athena writes query results: this bucket's athena-results/ prefix. */
  readonly bucket: s3.IBucket;
  /**
   * Athena cancels any query that would scan more than this (cost guard; Athena's minimum is 10 MB).
   * @default 1 GiB
   */
  readonly bytesScannedCutoffPerQuery?: number;
}

/** Athena's query actions, on the one workgroup: no `athena:*`, no other workgroup. */
const QUERY_ACTIONS = ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'];

/**
 * The Athena workgroup the compute stage queries in. Its configuration is enforced, so a
 * client cannot send results elsewhere, unencrypted, or past the scan limit.
 */
export class QueryWorkgroup extends Construct {
  readonly name: string;
  readonly arn: string;
  private readonly resultsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: QueryWorkgroupProps) {
    super(scope, id);
    this.resultsBucket = props.bucket;
    const workgroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.name,
      description: 'Pejlemærke: KPI-forespørgsler på de kuraterede udtræk',
      state: 'ENABLED',
      // Lets `cdk destroy` remove the workgroup although it holds query history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 1_073_741_824,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.bucket.bucketName}/${DATA_PREFIXES.athenaResults}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    this.name = workgroup.ref;
    this.arn = Stack.of(this).formatArn({ service: 'athena', resource: 'workgroup', resourceName: props.name });
  }

  /**
   * Run queries in this workgroup and read their results. Athena writes and reads the results
   * with the caller's own permissions, so the grant includes athena-results/. Reading the
   * tables is the catalog's grant (`CuratedCatalog.grantRead`).
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: QUERY_ACTIONS, resourceArns: [this.arn] }).combine(
      grantPrefixAccess(
        grantee,
        this.resultsBucket,
        DATA_PREFIXES.athenaResults,
        'readWrite',
        `Athena names each result object athena-results/<query execution id>.csv when the query runs; access is limited to that prefix with named actions.`,
      ),
    );
  }
}
