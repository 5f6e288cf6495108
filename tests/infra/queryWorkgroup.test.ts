import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataLake } from '../../infra/constructs/dataLake.ts';
import { QueryWorkgroup } from '../../infra/constructs/queryWorkgroup.ts';
import { arnText, NagTestStack, type Synthesised } from '../support/cdkStack.ts';

let test: NagTestStack;
let out: Synthesised;
let role: iam.Role;

beforeAll(() => {
  test = new NagTestStack();
  const lake = new DataLake(test.stack, 'DataLake');
  const workgroup = new QueryWorkgroup(test.stack, 'Queries', { name: 'pejlemaerke-test', bucket: lake.data });
  role = new iam.Role(test.stack, 'Compute', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  workgroup.grantQuery(role);
  out = test.synth();
});

afterAll(() => test.dispose());

describe('the workgroup', () => {
  it('enforces its configuration: engine 3, a 1 GiB scan cutoff by default, SSE-S3 results under athena-results/', () => {
    out.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'pejlemaerke-test',
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 1_073_741_824,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
      },
    });
    const [, workgroup] = out.ofType('AWS::Athena::WorkGroup')[0]!;
    expect(arnText(workgroup.Properties.WorkGroupConfiguration.ResultConfiguration.OutputLocation)).toBe('s3://<DataLakeData>/athena-results/');
  });
});

describe('grantQuery', () => {
  it('lets the grantee query in this workgroup only and use its results, nothing else', () => {
    const workgroupArn = 'arn:<AWS::Partition>:athena:eu-north-1:123456789012:workgroup/pejlemaerke-test';
    expect(out.permissionsOf(role)).toEqual([
      `athena:GetQueryExecution ${workgroupArn}`,
      `athena:GetQueryResults ${workgroupArn}`,
      `athena:GetWorkGroup ${workgroupArn}`,
      `athena:StartQueryExecution ${workgroupArn}`,
      `athena:StopQueryExecution ${workgroupArn}`,
      's3:AbortMultipartUpload <DataLakeData.Arn>/athena-results/*',
      's3:GetBucketLocation <DataLakeData.Arn>',
      's3:GetObject <DataLakeData.Arn>/athena-results/*',
      's3:ListBucket <DataLakeData.Arn>',
      's3:PutObject <DataLakeData.Arn>/athena-results/*',
    ]);
  });

  it('explains the results wildcard where it is granted', () => {
    const ack = out.acknowledgements().find((a) => a.resource === out.logicalId(role) && a.id.endsWith('/athena-results/*]'))!;
    expect(ack.reason).toMatch(/query execution id/);
  });
});

describe('cdk-nag', () => {
  it('has no open finding, warnings included', () => {
    expect(out.openFindings).toEqual([]);
  });
});
