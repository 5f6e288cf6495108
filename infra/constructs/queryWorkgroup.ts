import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATA_PREFIXES } from './dataLake.ts';

export interface QueryWorkgroupProps {
  name: string;
  /** Where Athena writes query results: the data bucket's athena-results/ prefix. */
  bucket: s3.IBucket;
  /** Athena cancels any query that would scan more than this (cost guard). */
  bytesScannedCutoffPerQuery: number;
}

/**
 * The Athena workgroup the compute stage queries in. Its configuration is enforced, so a
 * client cannot send results elsewhere, unencrypted, or past the scan limit.
 */
export class QueryWorkgroup extends Construct {
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: QueryWorkgroupProps) {
    super(scope, id);
    const workgroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.name,
      description: 'Pejlemærke: KPI-forespørgsler på de kuraterede udtræk',
      state: 'ENABLED',
      // Lets `cdk destroy` remove the workgroup although it holds query history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
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
}
