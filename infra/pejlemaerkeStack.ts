import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from './config.ts';
import { BenchmarksPull } from './constructs/benchmarksPull.ts';
import { CuratedCatalog } from './constructs/curatedCatalog.ts';
import { DeliveryPull } from './constructs/deliveryPull.ts';
import { DATA_PREFIXES, DataLake, PREVIEWS_PREFIX, REPORTS_PREFIX } from './constructs/dataLake.ts';
import { Notifications } from './constructs/notifications.ts';
import { QueryWorkgroup } from './constructs/queryWorkgroup.ts';
import { ReportsSite } from './constructs/reportsSite.ts';
import { RunAlarms } from './constructs/runAlarms.ts';
import { RunStateMachine } from './constructs/runStateMachine.ts';
import { RunTriggers } from './constructs/runTriggers.ts';
import { StageFunction } from './constructs/stageFunction.ts';
import { copyPackages, packageClosure } from './packageClosure.ts';

export interface PejlemaerkeStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The repository root: functions/, dashboards/, node_modules/ and package-lock.json. */
  readonly projectRoot: string;
}

/** The DuckDB packages the ingest Lambda carries as files (a native module cannot be bundled). */
export const DUCKDB_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-linux-x64'] as const;

/**
 * What publish carries as files for the PDF and the note: the browser (@sparticuz/chromium
 * unpacks its own Chromium from files beside its code), playwright-core (finds its own files at
 * run time) and resvg (a native module). Their dependencies come along (infra/packageClosure.ts).
 */
export const PUBLISH_PACKAGES = ['@sparticuz/chromium', 'playwright-core', '@resvg/resvg-js'] as const;

/** Where the compute and publish assets hold the declarative content (copied at bundling). */
const TASK_ROOT = '/var/task';

/**
 * One municipality's Pejlemærke: the constructs, wired. No resource is configured here beyond
 * what connects one construct to another; each construct holds its own secure defaults and
 * grants its own permissions (`grantPrefix`, `grantQuery`, `grantRead`, `grantPublish`), so
 * this file says which stage touches what, never how.
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
      previewAllowedCidrs: config.reports.previewAllowedCidrs,
      domain: config.reports.domain,
    });
    const notifications = new Notifications(this, 'Notifications', { email: config.alarmEmail, removalPolicy });

    const common = { projectRoot, logRetention, removalPolicy };
    // The approval command in the e-mails names the state machine; its ARN is known from its name.
    const runName = `pejlemaerke-${slug}-run`;
    const runArn = this.formatArn({ service: 'states', resource: 'stateMachine', resourceName: runName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    /** A stage's lock outlives the stage: a crashed stage blocks the next run at most this long. */
    const lockTtl = (timeout: Duration) => ({ LOCK_TTL_SECONDS: String(timeout.toSeconds() + 300) });
    const commit: Record<string, string> = config.commit ? { PEJLEMAERKE_COMMIT: config.commit } : {};
    const content = {
      KPIS_DIR: `${TASK_ROOT}/kpis`,
      // Which Jobindsats table each KPI compares with; compute reads the newest pull beside them.
      BENCHMARKS_DIR: `${TASK_ROOT}/benchmarks`,
      MUNICIPALITY_CONFIG: `${TASK_ROOT}/municipality.yaml`,
    };
    const copyContent = (inputDir: string, outputDir: string) => [
      `cp -R "${join(inputDir, 'dashboards', 'kpis')}" "${join(outputDir, 'kpis')}"`,
      `cp -R "${join(inputDir, 'dashboards', 'benchmarks')}" "${join(outputDir, 'benchmarks')}"`,
      `cp "${join(inputDir, config.municipalityConfig)}" "${join(outputDir, 'municipality.yaml')}"`,
    ];

    const ingestTimeout = Duration.minutes(15);
    const ingest = new StageFunction(this, 'Ingest', {
      ...common,
      entry: join(projectRoot, 'functions/lambda/ingest.ts'),
      description: 'Pejlemærke: kontrollér en levering mod sit manifest, validér, karantæne eller kurateret snapshot',
      // DuckDB is a native module; only its linux-x64 build is installed, so x86_64 (docs/aws.md).
      architecture: lambda.Architecture.X86_64,
      // Two full vCPUs (Lambda gives one per 1,769 MB): ingest converts a file's parts on as many
      // DuckDB connections as there are CPUs. The memory bound is 80 % of this (engine/resources.ts,
      // from AWS_LAMBDA_FUNCTION_MEMORY_SIZE); ingest stays far below it at any delivery size
      // (0.5 GiB measured at 40 M person-weeks, docs/scale.md), DuckDB spilling to /tmp instead.
      memorySize: 3538,
      timeout: ingestTimeout,
      // /tmp holds the delivery downloaded from S3 (Copenhagen's benefit_weeks.csv is ~5 GB), the
      // parts being converted (a few × 64 MiB), DuckDB's spill and the staged Parquet: the maximum.
      ephemeralStorageMiB: 10240,
      // No reserved concurrency: the store lock serialises runs (a new account's quota of 10 allows no reservation).
      environment: { DATA_BUCKET: lake.data.bucketName, WORK_DIR: '/tmp', HOME: '/tmp', ...lockTtl(ingestTimeout), ...commit },
      externalModules: [...DUCKDB_PACKAGES],
      afterBundling: (_inputDir, outputDir) => [
        `mkdir -p "${join(outputDir, 'node_modules', '@duckdb')}"`,
        ...DUCKDB_PACKAGES.map((pkg) => `cp -R "${duckDbPackageDir(projectRoot, pkg)}" "${join(outputDir, 'node_modules', '@duckdb')}/"`),
      ],
    });
    lake.grantPrefix(ingest, 'data', DATA_PREFIXES.incoming, 'read');
    lake.grantPrefix(ingest, 'data', DATA_PREFIXES.quarantine, 'readWrite');
    lake.grantPrefix(ingest, 'data', DATA_PREFIXES.curated, 'readWrite');
    lake.grantLock(ingest);

    const computeTimeout = Duration.minutes(10);
    const compute = new StageFunction(this, 'Compute', {
      ...common,
      entry: join(projectRoot, 'functions/lambda/compute.ts'),
      description: 'Pejlemærke: dækning, KPI-forespørgsler i Athena, diskretionering, udkast til drafts/',
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: computeTimeout,
      environment: {
        DATA_BUCKET: lake.data.bucketName,
        REPORTS_BUCKET: lake.reports.bucketName,
        ATHENA_WORKGROUP: workgroup.name,
        GLUE_DATABASE: catalog.databaseName,
        ...content,
        ...lockTtl(computeTimeout),
        ...commit,
      },
      afterBundling: copyContent,
    });
    // Both grants include the S3 objects Athena touches with the caller's permissions.
    workgroup.grantQuery(compute);
    catalog.grantRead(compute);
    lake.grantPrefix(compute, 'data', DATA_PREFIXES.incoming, 'read');
    lake.grantPrefix(compute, 'data', DATA_PREFIXES.results, 'read');
    // The newest Jobindsats pull, whether the scheduled Lambda or a person's CLI made it.
    lake.grantPrefix(compute, 'data', DATA_PREFIXES.benchmarks, 'read');
    lake.grantPrefix(compute, 'data', DATA_PREFIXES.drafts, 'write');
    lake.grantLock(compute);
    // Disclosure over time compares with every published revision.
    lake.grantPrefix(compute, 'reports', REPORTS_PREFIX, 'read');

    const publishTimeout = Duration.minutes(5);
    const publishPackages = packageClosure(projectRoot, PUBLISH_PACKAGES);
    const publish = new StageFunction(this, 'Publish', {
      ...common,
      entry: join(projectRoot, 'functions/lambda/publish.ts'),
      description: 'Pejlemærke: udkast eller revision af rapporten, PDF og notat til rapport-bucket’en',
      // The bundled Chromium and resvg's installed build are linux-x64.
      architecture: lambda.Architecture.X86_64,
      // Headless Chromium prints the PDF; it unpacks itself into /tmp (about 200 MB).
      memorySize: 2048,
      ephemeralStorageMiB: 1024,
      timeout: publishTimeout,
      externalModules: publishPackages,
      afterBundling: (_inputDir, outputDir) => copyPackages(projectRoot, publishPackages, outputDir),
      environment: {
        DATA_BUCKET: lake.data.bucketName,
        REPORTS_BUCKET: lake.reports.bucketName,
        REPORTS_URL: site.url,
        PREVIEWS_ON_SITE: String((config.reports.previewAllowedCidrs ?? []).length > 0),
        STATE_MACHINE_ARN: runArn,
        ...lockTtl(publishTimeout),
        ...commit,
      },
    });
    lake.grantPrefix(publish, 'data', DATA_PREFIXES.drafts, 'read');
    lake.grantPrefix(publish, 'data', DATA_PREFIXES.results, 'readWrite');
    lake.grantLock(publish);
    lake.grantPrefix(publish, 'reports', REPORTS_PREFIX, 'readWrite');
    lake.grantPrefix(publish, 'reports', PREVIEWS_PREFIX, 'readWrite');

    const run = new RunStateMachine(this, 'Run', {
      name: runName,
      ingest: ingest.function,
      compute: compute.function,
      publish: publish.function,
      topic: notifications.topic,
      approval: config.approval,
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
    if (config.pull.enabled) {
      // The config schema guarantees sftp and its host key when the pull is enabled.
      const sftp = config.pull.sftp!;
      new DeliveryPull(this, 'DeliveryPull', {
        dataBucket: lake.data,
        projectRoot,
        sftp: { host: sftp.host, port: sftp.port, user: sftp.user, path: sftp.path, hostKey: sftp.hostKey! },
        cron: config.pull.cron,
        timeZone: config.schedule.timezone,
        logRetention,
        removalPolicy,
        environment: commit,
        alarms: { topic: notifications.topic, namespace: `Pejlemaerke/${slug}` },
      });
    }
    if (config.benchmarks.enabled) {
      new BenchmarksPull(this, 'Benchmarks', {
        projectRoot,
        dataBucket: lake.data,
        municipalityConfig: config.municipalityConfig,
        cron: config.benchmarks.cron,
        timeZone: config.schedule.timezone,
        topic: notifications.topic,
        namespace: `Pejlemaerke/${slug}`,
        environment: commit,
        logRetention,
        removalPolicy,
      });
    }
    new RunAlarms(this, 'Alarms', {
      stateMachine: run.stateMachine,
      ingestLogGroup: ingest.logGroup,
      topic: notifications.topic,
      namespace: `Pejlemaerke/${slug}`,
    });

    new CfnOutput(this, 'ReportsUrl', { description: 'Rapporterne: <url>/<kvartal>/ og <url>/latest/', value: site.url });
    new CfnOutput(this, 'DataBucketName', {
      description: 'Læg en levering i s3://<bucket>/incoming/<levering>/ med manifest.json til sidst',
      value: lake.data.bucketName,
    });
    new CfnOutput(this, 'ReportsBucketName', { value: lake.reports.bucketName });
    new CfnOutput(this, 'StateMachineArn', {
      description: 'Start en kørsel eller godkend et udkast: aws stepfunctions start-execution',
      value: run.stateMachine.stateMachineArn,
    });
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
