import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, type CfnResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchmarksPull } from '../../infra/constructs/benchmarksPull.ts';
import { DataLake } from '../../infra/constructs/dataLake.ts';
import { Notifications } from '../../infra/constructs/notifications.ts';
import { NagTestStack, type Json } from '../support/cdkStack.ts';

const exec = promisify(execFile);

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

let outdir: string;
let template: Template;
let resources: Record<string, Json>;

function ofType(type: string): [string, Json][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** A Fn::Join as text, references as `{…}`, so resource ARNs can be matched as strings. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as Json)['Fn::Join'];
  if (join) return (join[1] as unknown[]).map((part) => (typeof part === 'string' ? part : `{${JSON.stringify(part)}}`)).join(join[0]);
  return JSON.stringify(value);
}

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'pejlemaerke-benchmarks-cdk-'));
  // Bundling is proven by the stack's `cdk synth` test once wired; here the template and cdk-nag matter.
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'BenchmarksTest', { env: { account: '123456789012', region: 'eu-north-1' } });
  const lake = new DataLake(stack, 'DataLake', {
    incomingDays: 90,
    quarantineDays: 730,
    athenaResultsDays: 7,
    noncurrentVersionDays: 90,
    accessLogDays: 365,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const notifications = new Notifications(stack, 'Notifications', { email: 'data@testkommune.dk', removalPolicy: RemovalPolicy.RETAIN });
  new BenchmarksPull(stack, 'Benchmarks', {
    projectRoot,
    dataBucket: lake.data,
    municipalityConfig: 'dashboards/municipalities/allerod-demo.yaml',
    topic: notifications.topic,
    namespace: 'Pejlemaerke/testkommune',
    logRetention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  // Throws with the cdk-nag report if any finding is unacknowledged.
  app.synth();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the benchmarks pull', () => {
  it('runs monthly in Copenhagen time, invoking the Lambda once without retries', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 5 * ? *)',
      ScheduleExpressionTimezone: 'Europe/Copenhagen',
      State: 'ENABLED',
      Target: Match.objectLike({ RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }) }),
    });
    const [, schedule] = ofType('AWS::Scheduler::Schedule')[0]!;
    expect(JSON.stringify(schedule.Properties.Target.Arn)).toContain('BenchmarksFunction');
  });

  it('keeps the key in Secrets Manager: the Lambda gets the secret’s ARN, never a value', () => {
    const [secretId] = ofType('AWS::SecretsManager::Secret')[0]!;
    const fn = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('BenchmarksFunction'))![1];
    const env = fn.Properties.Environment.Variables as Json;
    expect(env.JOBINDSATS_SECRET_ARN).toEqual({ Ref: secretId });
    expect(env.BENCHMARKS_DIR).toBe('/var/task/benchmarks');
    expect(env.MUNICIPALITY_CONFIG).toBe('/var/task/municipality.yaml');
    expect(Object.keys(env).some((k) => /TOKEN|KEY/i.test(k) && k !== 'JOBINDSATS_SECRET_ARN')).toBe(false);
    // A new account's concurrency quota of 10 refuses any reservation: cdk deploy must work there.
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('may read the secret and read/write objects only under benchmarks/ in the data bucket', () => {
    const [secretId] = ofType('AWS::SecretsManager::Secret')[0]!;
    const roleId = ofType('AWS::IAM::Role').find(([id]) => id.startsWith('BenchmarksFunctionRole'))![0];
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
    const objectStatements = statements.filter((s) =>
      [s.Action].flat().some((a: string) => a.startsWith('s3:') && a !== 's3:ListBucket' && a !== 's3:GetBucketLocation'),
    );
    expect(objectStatements.length).toBeGreaterThan(0);
    for (const s of objectStatements) {
      for (const resource of [s.Resource].flat()) expect(joined(resource)).toMatch(/\/benchmarks\/\*$/);
      expect([s.Action].flat()).not.toContain('s3:DeleteObject');
    }
    const secretRead = statements.find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))!;
    expect(secretRead.Resource).toEqual({ Ref: secretId });
    expect(statements.some((s) => [s.Action].flat().some((a: string) => a.includes('*') && a.startsWith('s3:')))).toBe(false);
  });

  it('outputs the secret’s ARN, for the one put-secret-value', () => {
    const [secretId, secret] = ofType('AWS::SecretsManager::Secret')[0]!;
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.DeletionPolicy).toBe('Retain');
    template.hasOutput('JobindsatsKeySecretArn', { Value: { Ref: secretId }, Description: Match.stringLikeRegexp('put-secret-value') });
  });

  it('explains the benchmarks/ wildcard on the Lambda’s role, where it is granted', () => {
    const roleId = ofType('AWS::IAM::Role').find(([id]) => id.startsWith('BenchmarksFunctionRole'))![0];
    const acknowledged = (resources[roleId]!.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[];
    const ack = acknowledged.find((a) => a.id.endsWith('/benchmarks/*]'))!;
    expect(ack.id).toMatch(/^AwsSolutions-IAM5\[Resource::<DataLakeData[0-9A-F]{8}\.Arn>\/benchmarks\/\*\]$/);
    expect(ack.reason).toMatch(/pull_id/);
  });

  it('raises an alarm to data staff when a pull fails (the benchmarks_pull_failed log line)', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.event = "benchmarks_pull_failed" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'BenchmarksPullsFailed', MetricNamespace: 'Pejlemaerke/testkommune', MetricValue: '1' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BenchmarksPullsFailed',
      Threshold: 1,
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('NotificationsTopic') })],
    });
  });
});

describe('the bundled benchmarks Lambda (as CDK bundles it)', () => {
  let test: NagTestStack;
  let dir: string;

  beforeAll(() => {
    test = new NagTestStack({ bundle: true });
    // Defaults only: what the stack does not need to say.
    const pull = new BenchmarksPull(test.stack, 'Benchmarks', {
      projectRoot,
      dataBucket: new DataLake(test.stack, 'DataLake').data,
      municipalityConfig: 'dashboards/municipalities/allerod-demo.yaml',
      namespace: 'Pejlemaerke/testkommune',
    });
    const out = test.synth();
    expect(out.openFindings).toEqual([]);
    dir = join(out.assemblyDir, (pull.stage.function.node.defaultChild as CfnResource).getMetadata('aws:asset:path') as string);
  });

  afterAll(() => test?.dispose());

  it('carries the definitions and the municipality config where BENCHMARKS_DIR and MUNICIPALITY_CONFIG point', () => {
    expect(readdirSync(join(dir, 'benchmarks')).sort()).toEqual(readdirSync(join(projectRoot, 'dashboards/benchmarks')).sort());
    expect(readdirSync(dir)).toContain('municipality.yaml');
  });

  it('loads in plain Node, as Lambda loads it', async () => {
    const script = `import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}).then((m) => console.log(typeof m.handler))`;
    expect((await exec(process.execPath, ['-e', script])).stdout.trim()).toBe('function');
  });
});
