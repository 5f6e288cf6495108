import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURATED_TABLES } from '../../functions/engine/curatedSchema.ts';
import { parseDeploymentConfig } from '../../infra/config.ts';
import { addPejlemaerke } from '../../infra/pejlemaerkeApp.ts';
import type { PejlemaerkeStack } from '../../infra/pejlemaerkeStack.ts';
import type { Json } from '../support/cdkStack.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Non-default values, so each assertion shows the config reached the template. */
const config = parseDeploymentConfig(
  {
    municipality: 'testkommune',
    municipalityConfig: 'dashboards/municipalities/allerod-demo.yaml',
    alarmEmail: 'data@testkommune.dk',
    schedule: { cron: 'cron(30 7 16 1,4,7,10 ? *)' },
    retention: { incomingDays: 45, quarantineDays: 400, athenaResultsDays: 3 },
    bytesScannedCutoffPerQuery: 50_000_000,
    removalPolicy: 'retain',
    benchmarks: { enabled: true, cron: 'cron(0 7 6 * ? *)' },
  },
  'test',
);

let outdir: string;
let stack: PejlemaerkeStack;
let template: Template;
let resources: Record<string, Json>;
let validationReport: Json;

/** A Fn::Join as text, with references shown as `{ref}` so structure can be asserted. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as Json)['Fn::Join'];
  if (join) return (join[1] as unknown[]).map((part) => (typeof part === 'string' ? part : `{${JSON.stringify(part)}}`)).join(join[0]);
  return JSON.stringify(value);
}

function ofType(type: string): [string, Json][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function statements(): { role: string; statement: Json }[] {
  return ofType('AWS::IAM::Policy').flatMap(([id, r]) => (r.Properties.PolicyDocument.Statement as Json[]).map((statement) => ({ role: id, statement })));
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'pejlemaerke-cdk-'));
  // Bundling is proven by the `cdk synth` test; here only the template and cdk-nag matter.
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  stack = addPejlemaerke(app, config, projectRoot);
  // Throws with the cdk-nag report if any finding is unacknowledged.
  const assembly = app.synth();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  validationReport = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('buckets', () => {
  it('are encrypted, versioned and block every kind of public access', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(3);
    for (const [, bucket] of buckets) {
      const p = bucket.Properties;
      expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toMatch(/^(AES256|aws:kms)$/);
      expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
  });

  it('refuse every request that is not over TLS', () => {
    const buckets = ofType('AWS::S3::Bucket').map(([id]) => id);
    const denied = ofType('AWS::S3::BucketPolicy')
      .filter(([, p]) =>
        (p.Properties.PolicyDocument.Statement as Json[]).some(
          (s) => s.Effect === 'Deny' && s.Principal?.AWS === '*' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
      )
      .map(([, p]) => p.Properties.Bucket.Ref);
    expect(denied.sort()).toEqual(buckets.sort());
  });

  it('expire raw deliveries and Athena results after the configured days, quarantine later', () => {
    const [, data] = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('DataLakeData'))!;
    const rules = data.Properties.LifecycleConfiguration.Rules as Json[];
    const days = (prefix: string) => rules.find((r) => r.Prefix === prefix)?.ExpirationInDays;
    expect(days('incoming/')).toBe(45);
    expect(days('athena-results/')).toBe(3);
    expect(days('quarantine/')).toBe(400);
    expect(days('curated/')).toBeUndefined();
    expect(data.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(data.Properties.LoggingConfiguration.LogFilePrefix).toBe('s3/data/');
  });

  it('let no one but CloudFront (through OAC) read the reports bucket', () => {
    const [reportsId] = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('DataLakeReports'))!;
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === reportsId)!;
    const allows = (policy.Properties.PolicyDocument.Statement as Json[]).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0]!.Action).toBe('s3:GetObject');
    expect(JSON.stringify(allows[0]!.Condition.StringEquals['AWS:SourceArn'])).toContain('ReportsSiteDistribution');
  });
});

describe('catalog and queries', () => {
  it('has one Glue table per curated table, Parquet, with injected snapshot projection', () => {
    const tables = ofType('AWS::Glue::Table').map(([, t]) => t.Properties.TableInput);
    expect(tables.map((t) => t.Name).sort()).toEqual([...CURATED_TABLES].sort());
    for (const t of tables) {
      expect(t.Parameters['projection.enabled']).toBe('true');
      expect(t.Parameters['projection.snapshot.type']).toBe('injected');
      const template = joined(t.Parameters['storage.location.template']);
      expect(template).toMatch(/^s3:\/\/\{\{"Ref":"DataLakeData[0-9A-F]{8}"\}\}\//);
      expect(template.replace(/^s3:\/\/\{[^}]*\}\}/, '')).toBe(`/curated/${t.Name}/snapshot=\${snapshot}/`);
      expect(t.PartitionKeys).toEqual([expect.objectContaining({ Name: 'snapshot', Type: 'string' })]);
      expect(t.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    }
  });

  it('maps the curated column types to Glue types', () => {
    const persons = ofType('AWS::Glue::Table')
      .map(([, t]) => t.Properties.TableInput)
      .find((t) => t.Name === 'persons');
    expect(persons.StorageDescriptor.Columns).toEqual([
      { Name: 'person_id', Type: 'string' },
      { Name: 'sex', Type: 'string' },
      { Name: 'birth_year', Type: 'int' },
      { Name: 'integration_group', Type: 'string' },
      { Name: 'arrival_date', Type: 'date' },
      { Name: 'arrival_week', Type: 'int' },
    ]);
    const calendar = ofType('AWS::Glue::Table')
      .map(([, t]) => t.Properties.TableInput)
      .find((t) => t.Name === 'calendar');
    expect(calendar.StorageDescriptor.Columns.filter((c: Json) => c.Type === 'boolean').map((c: Json) => c.Name)).toEqual(['last_of_month', 'last_of_quarter']);
  });

  it('enforces the Athena workgroup with the configured cutoff and encrypted results', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'pejlemaerke-testkommune',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 50_000_000,
        PublishCloudWatchMetricsEnabled: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
      },
    });
    const [, workgroup] = ofType('AWS::Athena::WorkGroup')[0]!;
    expect(joined(workgroup.Properties.WorkGroupConfiguration.ResultConfiguration.OutputLocation)).toMatch(/^s3:\/\/\{.*DataLakeData.*\}\/athena-results\/$/);
  });
});

describe('Lambdas', () => {
  it('run on Node.js 22 or newer with JSON logs', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(3);
    for (const [, fn] of functions) {
      const major = Number(/^nodejs(\d+)\.x$/.exec(fn.Properties.Runtime)?.[1]);
      expect(major).toBeGreaterThanOrEqual(22);
    }
    const stages = functions.filter(([id]) => /^(Ingest|Compute|Publish)Function/.test(id));
    expect(stages).toHaveLength(3);
    for (const [, fn] of stages) expect(fn.Properties.LoggingConfig.LogFormat).toBe('JSON');
  });

  it('ingest reserves no concurrency (the store lock serialises runs), on x86_64 (DuckDB linux-x64), with scratch space', () => {
    const [, ingest] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('IngestFunction'))!;
    // A new account's concurrency quota of 10 refuses any reservation: cdk deploy must work there.
    for (const [, fn] of ofType('AWS::Lambda::Function')) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(ingest.Properties.Environment.Variables.LOCK_TTL_SECONDS).toBe('1200');
    expect(ingest.Properties.Architectures).toEqual(['x86_64']);
    expect(ingest.Properties.EphemeralStorage.Size).toBeGreaterThanOrEqual(2048);
    expect(ingest.Properties.Timeout).toBe(900);
  });

  it('compute knows its workgroup and database, publish the site address and the state machine to approve with', () => {
    const env = (prefix: string) => ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))![1].Properties.Environment.Variables;
    expect(env('ComputeFunction')).toMatchObject({
      GLUE_DATABASE: 'pejlemaerke_testkommune',
      KPIS_DIR: '/var/task/kpis',
      BENCHMARKS_DIR: '/var/task/benchmarks',
      MUNICIPALITY_CONFIG: '/var/task/municipality.yaml',
    });
    expect(joined(env('PublishFunction').REPORTS_URL)).toMatch(/^https:\/\/\{.*ReportsSiteDistribution.*DomainName.*\}$/);
    expect(joined(env('PublishFunction').STATE_MACHINE_ARN)).toMatch(/:stateMachine:pejlemaerke-testkommune-run$/);
    expect(env('PublishFunction').PREVIEWS_ON_SITE).toBe('false');
  });
});

describe('IAM', () => {
  it('uses Resource "*" only for CloudWatch log delivery and X-Ray, which have no resource scope', () => {
    const starred = statements().filter(({ statement }) => statement.Effect === 'Allow' && asList(statement.Resource).includes('*'));
    for (const { statement } of starred) {
      for (const action of asList(statement.Action) as string[])
        expect(action).toMatch(
          /^(logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|xray:\w+)$/,
        );
    }
    expect(starred.map((s) => s.role)).toEqual(starred.map(() => expect.stringMatching(/^RunStateMachineRole/)));
  });

  it('names every action: no wildcards, and no stage may delete an object outside locks/', () => {
    for (const { statement } of statements()) {
      for (const action of asList(statement.Action) as string[]) {
        expect(action).not.toContain('*');
        if (/^s3:Delete/.test(action)) expect(joined(statement.Resource)).toMatch(/\/locks\/\*$/);
      }
    }
  });

  it('scopes S3 object access to each stage’s prefixes', () => {
    const objectAccess = (rolePrefix: string) =>
      statements()
        .filter(({ role, statement }) => role.startsWith(rolePrefix) && asList(statement.Action).some((a: string) => /^s3:(Get|Put)Object$/.test(a)))
        .map(({ statement }) => `${asList(statement.Action).join('+')} ${joined(statement.Resource).replace(/^\{.*"(DataLake\w+?)[0-9A-F]{8}".*\}/, '$1')}`)
        .sort();
    const lock = 's3:GetObject+s3:PutObject+s3:DeleteObject DataLakeData/locks/*';
    expect(objectAccess('IngestRole')).toEqual([
      's3:GetObject DataLakeData/incoming/*',
      's3:GetObject+s3:PutObject+s3:AbortMultipartUpload DataLakeData/curated/*',
      's3:GetObject+s3:PutObject+s3:AbortMultipartUpload DataLakeData/quarantine/*',
      lock,
    ]);
    expect(objectAccess('ComputeRole')).toEqual([
      's3:GetObject DataLakeData/benchmarks/*',
      's3:GetObject DataLakeData/curated/*',
      's3:GetObject DataLakeData/incoming/*',
      's3:GetObject DataLakeData/results/*',
      's3:GetObject DataLakeReports/reports/*',
      's3:GetObject+s3:PutObject+s3:AbortMultipartUpload DataLakeData/athena-results/*',
      lock,
      's3:PutObject+s3:AbortMultipartUpload DataLakeData/drafts/*',
    ]);
    expect(objectAccess('PublishRole')).toEqual([
      's3:GetObject DataLakeData/drafts/*',
      's3:GetObject+s3:PutObject+s3:AbortMultipartUpload DataLakeData/results/*',
      's3:GetObject+s3:PutObject+s3:AbortMultipartUpload DataLakeReports/previews/*',
      's3:GetObject+s3:PutObject+s3:AbortMultipartUpload DataLakeReports/reports/*',
      lock,
    ]);
    expect(objectAccess('BenchmarksFunctionRole')).toEqual(['s3:GetObject+s3:PutObject+s3:AbortMultipartUpload DataLakeData/benchmarks/*']);
  });

  it('lets compute query only its workgroup and read only its Glue tables', () => {
    const compute = statements().filter(({ role }) => role.startsWith('ComputeRole'));
    const athena = compute.find(({ statement }) => asList(statement.Action).includes('athena:StartQueryExecution'))!.statement;
    expect(joined(athena.Resource)).toMatch(/:workgroup\/pejlemaerke-testkommune$/);
    const glue = compute.find(({ statement }) => asList(statement.Action).includes('glue:GetTable'))!.statement;
    const scopes = asList(glue.Resource).map((r) => joined(r).replace(/^.*:glue:.*AWS::AccountId"\}\}:/, ''));
    expect(scopes).toEqual(['catalog', 'database/pejlemaerke_testkommune', ...CURATED_TABLES.map((t) => `table/pejlemaerke_testkommune/${t}`)]);
  });
});

/** The state machine definition with CloudFormation tokens replaced by values of their kind, as deployed. */
function realisticDefinition(): Json {
  const [, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;
  const join = machine.Properties.DefinitionString['Fn::Join'] as [string, unknown[]];
  const text = join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = JSON.stringify(part);
      if (token.includes('AWS::Partition')) return 'aws';
      if (token.includes('AWS::Region')) return 'eu-north-1';
      if (token.includes('AWS::AccountId')) return '123456789012';
      if (token.includes('Topic')) return 'arn:aws:sns:eu-north-1:123456789012:pejlemaerke';
      if (token.includes('Function')) return 'arn:aws:lambda:eu-north-1:123456789012:function:stage';
      throw new Error(`unknown token ${token}`);
    })
    .join(join[0]);
  return JSON.parse(text) as Json;
}

describe('orchestration', () => {
  const definition = () => {
    const [, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    return {
      machine: machine.Properties,
      states: JSON.parse(joined(machine.Properties.DefinitionString).replace(/\{\{[^}]*\}\}|\{"(Ref|Fn::GetAtt)"[^}]*\}/g, 'X')).States as Json,
    };
  };

  it('logs everything and traces with X-Ray', () => {
    const { machine } = definition();
    expect(machine.LoggingConfiguration.Level).toBe('ALL');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('is a valid Amazon States Language definition (asl-validator)', () => {
    const definition = realisticDefinition();
    const result = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    // The validator does catch a broken definition: a transition to a state that is not there.
    const broken = structuredClone(definition);
    broken.States.Ingest.Next = 'Nowhere';
    expect(aslValidator(broken, { checkArn: true, checkPaths: true }).isValid).toBe(false);
  });

  it('approves a preview straight to publish; anything else runs ingest → compute → publish', () => {
    const { states } = definition();
    expect(states['Approval?'].Choices).toEqual([
      {
        And: [
          { Variable: '$.action', IsPresent: true },
          { Variable: '$.action', StringEquals: 'approve' },
        ],
        Next: 'Approve',
      },
    ]);
    expect(states['Approval?'].Default).toBe('Ingest');
    expect(states.Approve.Parameters).toEqual({ mode: 'approve', 'request.$': '$' });
    expect(states.Ingest.Next).toBe('Accepted?');
    expect(states['Accepted?'].Default).toBe('Compute');
    expect(states.Compute.Next).toBe('Covered?');
    expect(states['Covered?'].Default).toBe('Publish');
    // Approval is required by default: an automated run stops at a preview.
    expect(states.Publish.Parameters).toEqual({ mode: 'preview', 'quarter.$': '$.compute.quarter', 'snapshot.$': '$.compute.snapshot' });
    for (const name of ['Publish', 'Approve']) expect(states[name].Next).toBe('Published?');
    expect(states['Published?'].Choices).toEqual([{ Variable: '$.publish.status', StringEquals: 'unchanged', Next: 'AlreadyPublished' }]);
    expect(states['Published?'].Default).toBe('NotifyOutcome');
    expect(states.NotifyOutcome.Parameters).toMatchObject({ 'Subject.$': '$.publish.subject', 'Message.$': '$.publish.message' });
  });

  it('retries every stage with jitter, waits for a busy store, and notifies on failure', () => {
    const { states } = definition();
    for (const name of ['Ingest', 'Compute', 'Publish', 'Approve']) {
      const retries = states[name].Retry as Json[];
      for (const r of retries) expect(r.JitterStrategy).toBe('FULL');
      const busy = retries.find((r) => r.ErrorEquals.includes('StoreBusy'))!;
      expect(busy.ErrorEquals).toEqual(['StoreBusy', 'LockLost']);
      // Longer in all than a crashed stage's lock lives (20 minutes).
      let waited = 0;
      for (let i = 0; i < busy.MaxAttempts; i++) waited += Math.min(busy.IntervalSeconds * busy.BackoffRate ** i, busy.MaxDelaySeconds);
      expect(waited).toBeGreaterThan(20 * 60);
      expect(states[name].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailed' }]);
    }
    expect(states.NotifyFailed.Next).toBe('RunFailed');
    expect(states.RunFailed).toMatchObject({ Type: 'Fail', Error: 'RunFailed' });
  });

  it('ends a rejected or incomplete delivery and an uncovered quarter as their own failures, after telling data staff', () => {
    const { states } = definition();
    expect(states['Accepted?'].Choices).toEqual([
      { Variable: '$.ingest.status', StringEquals: 'rejected', Next: 'NotifyRejected' },
      { Variable: '$.ingest.status', StringEquals: 'incomplete', Next: 'NotifyIncomplete' },
    ]);
    expect(states['Covered?'].Choices).toEqual([{ Variable: '$.compute.status', StringEquals: 'not_covered', Next: 'NotifyNotCovered' }]);
    for (const [notify, fail, error] of [
      ['NotifyRejected', 'Rejected', 'DeliveryRejected'],
      ['NotifyIncomplete', 'Incomplete', 'DeliveryIncomplete'],
      ['NotifyNotCovered', 'NotCovered', 'QuarterNotCovered'],
    ]) {
      expect(states[notify!].Resource).toMatch(/sns:publish$/);
      expect(states[notify!].Next).toBe(fail);
      expect(states[fail!]).toMatchObject({ Type: 'Fail', Error: error });
    }
  });

  it('schedules the quarterly run in Copenhagen time with the configured cron', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 7 16 1,4,7,10 ? *)',
      ScheduleExpressionTimezone: 'Europe/Copenhagen',
      State: 'ENABLED',
      Target: Match.objectLike({ Input: JSON.stringify({ trigger: 'schedule' }) }),
    });
  });

  it('starts a run when a delivery is complete: its manifest.json, never each file', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: Match.objectLike({ object: { key: [{ wildcard: 'incoming/*/manifest.json' }] } }),
      },
    });
  });
});

describe('reports site', () => {
  it('serves the private bucket through Origin Access Control over HTTPS only', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    const [, distribution] = ofType('AWS::CloudFront::Distribution')[0]!;
    const d = distribution.Properties.DistributionConfig;
    expect(d.Origins).toHaveLength(2);
    for (const origin of d.Origins) {
      expect(origin.OriginAccessControlId).toBeDefined();
      expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    }
    expect(d.Origins[0].OriginPath).toBe('/reports');
    // Previews: a behaviour of their own, never cached, with the closed allow-list function.
    const previews = d.CacheBehaviors.find((b: Json) => b.PathPattern === 'previews/*');
    expect(previews.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(previews.FunctionAssociations[0].EventType).toBe('viewer-request');
    expect(d.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(d.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(d.DefaultCacheBehavior.FunctionAssociations[0].EventType).toBe('viewer-request');
    expect(d.Logging.Prefix).toBe('cloudfront/');
  });

  it('sends security headers', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 730 * 86400 }),
          ContentTypeOptions: { Override: true },
          ContentSecurityPolicy: Match.objectLike({ ContentSecurityPolicy: Match.stringLikeRegexp("script-src 'self'; object-src 'none'") }),
        }),
      }),
    });
  });
});

describe('alarms', () => {
  it('alarm on failed runs and rejected deliveries to the encrypted, SSL-only topic', () => {
    const [topicId, topic] = ofType('AWS::SNS::Topic')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'data@testkommune.dk' });
    const alarms = ofType('AWS::CloudWatch::Alarm');
    // RunFailed, DeliveryRejected and (benchmarks enabled) the failed Jobindsats pull.
    expect(alarms).toHaveLength(3);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.event = "delivery_rejected" }' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets CloudWatch and the state machine use the topic key', () => {
    const [, key] = ofType('AWS::KMS::Key')[0]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const cloudwatch = (key.Properties.KeyPolicy.Statement as Json[]).find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    const machine = statements().filter(({ role }) => role.startsWith('RunStateMachineRole'));
    expect(machine.some(({ statement }) => asList(statement.Action).includes('kms:GenerateDataKey'))).toBe(true);
  });
});

describe('benchmarks from Jobindsats', () => {
  it('pull monthly on the configured cron, in the schedule’s time zone, into the data bucket', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 6 * ? *)',
      ScheduleExpressionTimezone: 'Europe/Copenhagen',
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BenchmarksFunction'), 'Arn'] } }),
    });
    const [, fn] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('BenchmarksFunction'))!;
    expect(fn.Properties.Environment.Variables).toMatchObject({
      DATA_BUCKET: { Ref: expect.stringMatching(/^DataLakeData/) },
      BENCHMARKS_DIR: '/var/task/benchmarks',
      MUNICIPALITY_CONFIG: '/var/task/municipality.yaml',
    });
  });

  it('output the secret the API key goes into, and alarm on a failed pull by e-mail', () => {
    const [secretId] = ofType('AWS::SecretsManager::Secret').find(([id]) => id.startsWith('BenchmarksJobindsatsKey'))!;
    template.hasOutput('JobindsatsKeySecretArn', { Value: { Ref: secretId } });
    const [topicId] = ofType('AWS::SNS::Topic')[0]!;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BenchmarksPullsFailed',
      Namespace: 'Pejlemaerke/testkommune',
      AlarmActions: [{ Ref: topicId }],
    });
  });
});

describe('the stack only wires', () => {
  it('writes no IAM itself: every permission comes from a construct’s grant method', () => {
    const source = readFileSync(join(projectRoot, 'infra/pejlemaerkeStack.ts'), 'utf8');
    expect(source).not.toMatch(/aws-iam|PolicyStatement|addToPrincipalPolicy|prefixGrants/);
  });
});

describe('cdk-nag', () => {
  // app.synth() in beforeAll throws on any unacknowledged AwsSolutions error; warnings and
  // acknowledgements are checked here.
  it('leaves no AwsSolutions finding unacknowledged, warnings included', () => {
    const nag = (validationReport.pluginReports as Json[]).filter((r) => r.pluginName === 'AwsSolutions');
    const open = nag.flatMap((r) => (r.violations as Json[]).filter((v) => !v.acknowledgedId).map((v) => v.ruleName));
    expect(open).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  it('records every acknowledgement with a specific reason in the template', () => {
    const acknowledged = Object.values(resources).flatMap((r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[]);
    const ids = new Set(acknowledged.map((a) => a.id));
    for (const id of ['AwsSolutions-S1', 'AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4', 'AwsSolutions-IAM5[Resource::*]'])
      expect(ids).toContain(id);
    expect([...ids].filter((id) => id.startsWith('AwsSolutions-IAM5[Resource::<DataLake')).length).toBeGreaterThanOrEqual(4);
    for (const a of acknowledged) expect(a.reason.length).toBeGreaterThan(60);
  });
});
