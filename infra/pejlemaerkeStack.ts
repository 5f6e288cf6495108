import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from './config.ts';
import { CuratedCatalog } from './constructs/curatedCatalog.ts';
import { DATA_PREFIXES, DataLake, REPORTS_PREFIX } from './constructs/dataLake.ts';
import { Notifications } from './constructs/notifications.ts';
import { QueryWorkgroup } from './constructs/queryWorkgroup.ts';
import { ReportsSite } from './constructs/reportsSite.ts';
import { RunAlarms } from './constructs/runAlarms.ts';
import { RunStateMachine } from './constructs/runStateMachine.ts';
import { RunTriggers } from './constructs/runTriggers.ts';
import { StageFunction } from './constructs/stageFunction.ts';
import { grantPrefix } from './prefixGrants.ts';

export interface PejlemaerkeStackProps extends StackProps {
  config: DeploymentConfig;
  /** The repository root: functions/, dashboards/, node_modules/ and package-lock.json. */
  projectRoot: string;
}

/** The DuckDB packages the ingest Lambda carries as files (a native module cannot be bundled). */
export const DUCKDB_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-linux-x64'] as const;

/** Where the compute and publish assets hold the declarative content (copied at bundling). */
const TASK_ROOT = '/var/task';

/**
 * One municipality's Pejlemærke: the constructs, wired. No resource is configured here beyond
 * what connects one construct to another; each construct holds its own secure defaults.
 */
export class PejlemaerkeStack extends Stack {
  constructor(scope: Construct, id: string, props: PejlemaerkeStackProps) {
    super(scope, id, props);
    const { config, projectRoot } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = config.retention.logDays as logs.RetentionDays;
    const slug = config.municipality;

    const lake = new DataLake(this, 'DataLake', { ...config.retention, removalPolicy });
    const catalog = new CuratedCatalog(this, 'Catalog', { bucket: lake.data, databaseName: `pejlemaerke_${slug.replaceAll('-', '_')}` });
    const workgroup = new QueryWorkgroup(this, 'Queries', {
      name: `pejlemaerke-${slug}`,
      bucket: lake.data,
      bytesScannedCutoffPerQuery: config.bytesScannedCutoffPerQuery,
    });
    const site = new ReportsSite(this, 'ReportsSite', {
      bucket: lake.reports,
      logBucket: lake.accessLogs,
      allowedCidrs: config.reports.allowedCidrs,
      domain: config.reports.domain,
    });
    const notifications = new Notifications(this, 'Notifications', { email: config.alarmEmail, removalPolicy });

    const common = { projectRoot, logRetention, removalPolicy };
    const commit: Record<string, string> = config.commit ? { PEJLEMAERKE_COMMIT: config.commit } : {};
    const content = {
      KPIS_DIR: `${TASK_ROOT}/kpis`,
      MUNICIPALITY_CONFIG: `${TASK_ROOT}/municipality.yaml`,
    };
    const copyContent = (inputDir: string, outputDir: string) => [
      `cp -R "${join(inputDir, 'dashboards', 'kpis')}" "${join(outputDir, 'kpis')}"`,
      `cp "${join(inputDir, config.municipalityConfig)}" "${join(outputDir, 'municipality.yaml')}"`,
    ];

    const ingest = new StageFunction(this, 'Ingest', {
      ...common,
      entry: join(projectRoot, 'functions/lambda/ingest.ts'),
      description: 'Pejlemærke: validér incoming/, karantæne eller kurateret snapshot',
      // DuckDB is a native module; only its linux-x64 build is installed, so x86_64 (docs/aws.md).
      architecture: lambda.Architecture.X86_64,
      memorySize: 3008,
      timeout: Duration.minutes(15),
      ephemeralStorageMiB: 4096,
      // Deliveries must not race: one ingest at a time.
      reservedConcurrentExecutions: 1,
      environment: { DATA_BUCKET: lake.data.bucketName, WORK_DIR: '/tmp', HOME: '/tmp', ...commit },
      externalModules: [...DUCKDB_PACKAGES],
      afterBundling: (_inputDir, outputDir) => [
        `mkdir -p "${join(outputDir, 'node_modules', '@duckdb')}"`,
        ...DUCKDB_PACKAGES.map((pkg) => `cp -R "${duckDbPackageDir(projectRoot, pkg)}" "${join(outputDir, 'node_modules', '@duckdb')}/"`),
      ],
    });
    grantPrefix(ingest.role, lake.data, DATA_PREFIXES.incoming, 'read');
    grantPrefix(ingest.role, lake.data, DATA_PREFIXES.quarantine, 'readWrite');
    grantPrefix(ingest.role, lake.data, DATA_PREFIXES.curated, 'readWrite');

    const compute = new StageFunction(this, 'Compute', {
      ...common,
      entry: join(projectRoot, 'functions/lambda/compute.ts'),
      description: 'Pejlemærke: KPI-forespørgsler i Athena, diskretionering, results/',
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.minutes(10),
      environment: { DATA_BUCKET: lake.data.bucketName, ATHENA_WORKGROUP: workgroup.name, GLUE_DATABASE: catalog.databaseName, ...content, ...commit },
      afterBundling: copyContent,
    });
    compute.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QueryInWorkgroup',
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
        resources: [workgroup.arn],
      }),
    );
    compute.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadCatalog', actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'], resources: catalog.arns() }),
    );
    // Athena reads curated/ and writes athena-results/ with the caller's permissions.
    grantPrefix(compute.role, lake.data, DATA_PREFIXES.curated, 'read');
    grantPrefix(compute.role, lake.data, DATA_PREFIXES.athenaResults, 'readWrite');
    grantPrefix(compute.role, lake.data, DATA_PREFIXES.results, 'readWrite');

    const publish = new StageFunction(this, 'Publish', {
      ...common,
      entry: join(projectRoot, 'functions/lambda/publish.ts'),
      description: 'Pejlemærke: diagrammer og HTML-rapport til rapport-bucket’en',
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1536,
      timeout: Duration.minutes(5),
      environment: { DATA_BUCKET: lake.data.bucketName, REPORTS_BUCKET: lake.reports.bucketName, REPORTS_URL: site.url, ...content, ...commit },
      afterBundling: copyContent,
    });
    grantPrefix(publish.role, lake.data, DATA_PREFIXES.results, 'read');
    grantPrefix(publish.role, lake.reports, REPORTS_PREFIX, 'readWrite');

    const run = new RunStateMachine(this, 'Run', {
      name: `pejlemaerke-${slug}-run`,
      ingest: ingest.function,
      compute: compute.function,
      publish: publish.function,
      topic: notifications.topic,
      quietPeriod: Duration.seconds(config.delivery.quietSeconds),
      logRetention,
      removalPolicy,
    });
    notifications.grantPublish(run.stateMachine);
    new RunTriggers(this, 'Triggers', {
      stateMachine: run.stateMachine,
      cron: config.schedule.cron,
      timeZone: config.schedule.timezone,
      scheduleEnabled: config.schedule.enabled,
      dataBucket: config.delivery.runOnUpload ? lake.data : undefined,
    });
    new RunAlarms(this, 'Alarms', {
      stateMachine: run.stateMachine,
      ingestLogGroup: ingest.logGroup,
      topic: notifications.topic,
      namespace: `Pejlemaerke/${slug}`,
    });

    new CfnOutput(this, 'ReportsUrl', { description: 'Rapporterne: <url>/<kvartal>/ og <url>/latest/', value: site.url });
    new CfnOutput(this, 'DataBucketName', { description: 'Læg udtræk i s3://<bucket>/incoming/', value: lake.data.bucketName });
    new CfnOutput(this, 'ReportsBucketName', { value: lake.reports.bucketName });
    new CfnOutput(this, 'StateMachineArn', { description: 'Start en kørsel: aws stepfunctions start-execution', value: run.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AthenaWorkgroup', { value: workgroup.name });
    new CfnOutput(this, 'GlueDatabase', { value: catalog.databaseName });
    new CfnOutput(this, 'NotificationTopicArn', { value: notifications.topic.topicArn });
  }
}

/** An installed DuckDB package; fails synth with the fix when the linux-x64 build is missing. */
function duckDbPackageDir(projectRoot: string, pkg: string): string {
  const dir = join(projectRoot, 'node_modules', pkg);
  if (!existsSync(join(dir, 'package.json'))) {
    throw new Error(
      `${pkg} is not installed in ${projectRoot}/node_modules; the ingest Lambda needs it (linux-x64). ` +
        'On a machine that is not linux-x64 run: npm install --no-save --os=linux --cpu=x64 @duckdb/node-bindings-linux-x64',
    );
  }
  return dir;
}
