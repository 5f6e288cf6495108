import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LOG_EVENTS } from '../../functions/lambda/logEvents.ts';
import { DATA_PREFIXES } from './dataLake.ts';
import { nagResource } from './nagResource.ts';
import { grantPrefixAccess } from './prefixGrants.ts';
import { StageFunction } from './stageFunction.ts';

/** Where the asset holds the definitions and the municipality config (copied at bundling). */
const TASK_ROOT = '/var/task';

export interface BenchmarksPullProps {
  /** The repository root: functions/, dashboards/benchmarks/, the lock file. */
  readonly projectRoot: string;
  /** The data bucket: the pull reads and writes `benchmarks/` and nothing else. */
  readonly dataBucket: s3.IBucket;
  /** The municipality's report config (its `comparison` block), relative to the project root. */
  readonly municipalityConfig: string;
  /**
   * EventBridge Scheduler cron, read in `timeZone`.
   * @default 'cron(0 6 5 * ? *)': 06:00 on the 5th of every month, after STAR's monthly update
   */
  readonly cron?: string;
  /** @default 'Europe/Copenhagen' */
  readonly timeZone?: string;
  /**
   * Whether the schedule runs; a person can invoke the Lambda either way.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Where the failed-pull alarm goes (data staff's topic).
   * @default the alarm has no action
   */
  readonly topic?: sns.ITopic;
  /** CloudWatch namespace for the failed-pulls metric, e.g. `Pejlemaerke/<municipality>`. */
  readonly namespace: string;
  /**
   * A different API address (a proxy).
   * @default Jobindsats' v3, https://api.jobindsats.dk/v3
   */
  readonly jobindsatsUrl?: string;
  /**
   * Extra environment, e.g. PEJLEMAERKE_COMMIT.
   * @default none
   */
  readonly environment?: Record<string, string>;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the key's secret and the log group when the stack goes.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Benchmarks from Jobindsats, pulled every month without hand work: the secret that holds the
 * organisation's API key (set once by a person), a Lambda that may read that secret and write
 * only under `benchmarks/` in the data bucket, the schedule, and an alarm on a failed pull
 * (the Lambda's `benchmarks_pull_failed` log line). A failed pull overwrites nothing and blocks
 * no report, so the schedule does not retry: the alarm asks a person to look. The secret's ARN
 * is the stack output `JobindsatsKeySecretArn`, for the one `put-secret-value`.
 */
export class BenchmarksPull extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly stage: StageFunction;
  readonly schedule: scheduler.Schedule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BenchmarksPullProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'JobindsatsKey', {
      description: 'Pejlemærke: organisationens API-nøgle til Jobindsats (v3). Sæt værdien med aws secretsmanager put-secret-value.',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The Jobindsats API key is issued by STAR by e-mail, one per organisation; it cannot be rotated by a Lambda. A person replaces it when STAR issues a new one.',
    });

    this.stage = new StageFunction(this, 'Function', {
      projectRoot: props.projectRoot,
      entry: join(props.projectRoot, 'functions/lambda/benchmarks.ts'),
      description: 'Pejlemærke: hent sammenligningstal fra Jobindsats til benchmarks/',
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // Retries with backoff and Retry-After can take minutes; the pull is monthly.
      timeout: Duration.minutes(10),
      // No reserved concurrency: a new account's quota of 10 refuses any, and cdk deploy must work
      // there. Two pulls at once (a person invoking during the monthly run) each write their own
      // pull and then a complete pointer; the later pointer wins, and either is a whole pull.
      environment: {
        DATA_BUCKET: props.dataBucket.bucketName,
        JOBINDSATS_SECRET_ARN: this.secret.secretArn,
        BENCHMARKS_DIR: `${TASK_ROOT}/benchmarks`,
        MUNICIPALITY_CONFIG: `${TASK_ROOT}/municipality.yaml`,
        ...(props.jobindsatsUrl ? { JOBINDSATS_URL: props.jobindsatsUrl } : {}),
        ...props.environment,
      },
      afterBundling: (inputDir, outputDir) => [
        `cp -R "${join(inputDir, 'dashboards', 'benchmarks')}" "${join(outputDir, 'benchmarks')}"`,
        `cp "${join(inputDir, props.municipalityConfig)}" "${join(outputDir, 'municipality.yaml')}"`,
      ],
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage.function.configureAsyncInvoke({ retryAttempts: 0 });
    grantPrefixAccess(
      this.stage,
      props.dataBucket,
      DATA_PREFIXES.benchmarks,
      'readWrite',
      'Object keys under benchmarks/ are benchmarks/pulls/<pull_id>/benchmarks.json, one folder per pull named by its time and content hash, and the pointer; not known at deploy time.',
    );
    this.secret.grantRead(this.stage.role);

    // The schedule's own role, so its one permission is acknowledged here, where it is known.
    const invokeRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Pejlemærke: the monthly schedule may start the benchmarks pull, nothing else',
    });
    Validations.of(invokeRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, `${this.stage.function.functionArn}:*`)}]`,
      reason: 'lambda:InvokeFunction on this one function and its versions (grantInvoke adds the :* for versions); no other function.',
    });
    this.schedule = new scheduler.Schedule(this, 'Monthly', {
      description: 'Pejlemærke: månedlig hentning af sammenligningstal fra Jobindsats',
      schedule: scheduler.ScheduleExpression.expression(props.cron ?? 'cron(0 6 5 * ? *)', TimeZone.of(props.timeZone ?? 'Europe/Copenhagen')),
      enabled: props.enabled ?? true,
      target: new schedulerTargets.LambdaInvoke(this.stage.function, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        role: invokeRole,
        retryAttempts: 0,
      }),
    });

    const failed = this.stage.logGroup.addMetricFilter('PullFailed', {
      filterPattern: logs.FilterPattern.stringValue('$.event', '=', LOG_EVENTS.benchmarksPullFailed),
      metricNamespace: props.namespace,
      metricName: 'BenchmarksPullsFailed',
      metricValue: '1',
    });
    this.alarm = failed.metric({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'PullFailedAlarm', {
      alarmDescription:
        'Pejlemærke: sammenligningstallene fra Jobindsats blev ikke hentet. Rapporterne bruger de forrige. Se Lambda-loggen (benchmarks_pull_failed) for årsagen, fx en udløbet nøgle.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.topic) this.alarm.addAlarmAction(new actions.SnsAction(props.topic));

    new CfnOutput(this, 'KeySecretArn', {
      description: 'Læg Jobindsats-nøglen her: aws secretsmanager put-secret-value --secret-id <arn> --secret-string file://jobindsats.key',
      value: this.secret.secretArn,
    }).overrideLogicalId('JobindsatsKeySecretArn');
  }
}
