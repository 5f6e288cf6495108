import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
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

export interface DeliveryPullProps {
  /** The data bucket: the pull writes `incoming/<delivery-id>/` and nothing else. */
  readonly dataBucket: s3.IBucket;
  /** The repository root (functions/, node_modules/, package-lock.json). */
  readonly projectRoot: string;
  /** The municipality's SFTP server; `hostKey` is the pinned `SHA256:…` fingerprint. */
  readonly sftp: { readonly host: string; readonly port: number; readonly user: string; readonly path: string; readonly hostKey: string };
  /**
   * EventBridge Scheduler cron, read in `timeZone`.
   * @default 'cron(30 6 * * ? *)': every day at 06:30
   */
  readonly cron?: string;
  /** @default 'Europe/Copenhagen' */
  readonly timeZone?: string;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the key's secret and the log group when the stack goes.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * More environment for the Lambda, e.g. PEJLEMAERKE_COMMIT.
   * @default none
   */
  readonly environment?: Record<string, string>;
  /**
   * Where a failed pull and an incomplete delivery raise alarms.
   * @default no alarms
   */
  readonly alarms?: { readonly topic: sns.ITopic; readonly namespace: string };
}

/**
 * The scheduled pull: a Lambda that fetches the newest complete delivery from the
 * municipality's SFTP server into `incoming/<delivery-id>/` (functions/lambda/pull.ts), the
 * schedule that starts it, and the Secrets Manager secret holding its private SSH key. The
 * secret is made empty of any key: the operator puts the key in after the deploy, so it never
 * passes through CloudFormation.
 */
export class DeliveryPull extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly schedule: scheduler.Schedule;
  readonly pullFailed?: cloudwatch.Alarm;
  readonly deliveryIncomplete?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeliveryPullProps) {
    super(scope, id);

    // CloudFormation fills it with a random placeholder; the handler says how to replace it.
    this.secret = new secretsmanager.Secret(this, 'SshKey', {
      description: 'Pejlemærke: privat SSH-nøgle til kommunens SFTP-server (aws secretsmanager put-secret-value … --secret-string file://id_ed25519)',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The SSH key pair is registered in authorized_keys on the municipality’s own SFTP server, which AWS cannot update; it is rotated by hand with the server’s administrator (docs/aws.md).',
    });

    const stage = new StageFunction(this, 'Pull', {
      entry: join(props.projectRoot, 'functions/lambda/pull.ts'),
      projectRoot: props.projectRoot,
      description: 'Pejlemærke: hent den nyeste færdige levering fra SFTP-serveren til incoming/',
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.minutes(15),
      // The whole delivery is staged on local disk before it is checked and copied.
      ephemeralStorageMiB: 4096,
      // No reserved concurrency (a new account's quota of 10 refuses any): each invocation stages
      // in its own sandbox's /tmp, and a delivery written twice is the same bytes, manifest last.
      environment: {
        DATA_BUCKET: props.dataBucket.bucketName,
        WORK_DIR: '/tmp',
        SFTP_HOST: props.sftp.host,
        SFTP_PORT: String(props.sftp.port),
        SFTP_USER: props.sftp.user,
        SFTP_PATH: props.sftp.path,
        SFTP_HOST_KEY: props.sftp.hostKey,
        SFTP_KEY_SECRET_ARN: this.secret.secretArn,
        ...props.environment,
      },
      // ssh2's optional native add-ons (sshcrypto, cpu-features) cannot be bundled; it loads
      // them in a try and falls back to Node's own crypto.
      externalModules: ['*.node'],
      // ssh2 computes a path from __dirname when it loads (for a Windows-only helper); an ES
      // module has no __dirname, so it gets the asset's folder in the Lambda.
      define: { __dirname: JSON.stringify('/var/task') },
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.function = stage.function;
    this.role = stage.role;
    this.logGroup = stage.logGroup;
    this.secret.grantRead(this.role);
    grantPrefixAccess(
      this.role,
      props.dataBucket,
      DATA_PREFIXES.incoming,
      'readWrite',
      'Object keys under incoming/ are incoming/<delivery>/<file>, one folder per delivery named by its delivery_id on the SFTP server, not known at deploy time.',
    );

    // The schedule's own role, allowed to invoke this function only (Scheduler's shared default
    // role would be made at stack level, outside this construct).
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: 'Pejlemærke: EventBridge Scheduler starter pull-Lambdaen',
    });
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, `${this.function.functionArn}:*`)}]`,
      reason: 'lambda:InvokeFunction on this one function and its versions/aliases (`:*`), which is how CDK grants an invoke; no other function.',
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Pejlemærke: hent den nyeste levering fra SFTP-serveren',
      schedule: scheduler.ScheduleExpression.expression(props.cron ?? 'cron(30 6 * * ? *)', TimeZone.of(props.timeZone ?? 'Europe/Copenhagen')),
      target: new schedulerTargets.LambdaInvoke(this.function, {
        role: scheduleRole,
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        // A pull is idempotent; a missed one is made up by the next day's.
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });

    new CfnOutput(this, 'SshKeySecretArn', {
      description: 'Læg den private SSH-nøgle her: aws secretsmanager put-secret-value --secret-id <arn> --secret-string file://id_ed25519',
      value: this.secret.secretArn,
    }).overrideLogicalId('PullSshKeySecretArn');

    if (props.alarms) {
      const notify = new actions.SnsAction(props.alarms.topic);
      this.pullFailed = this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'PullFailed', {
        alarmDescription: 'Pejlemærke: hentningen fra SFTP-serveren fejlede (forbindelse, værtsnøgle, login eller sti). Se pull-Lambdaens log.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.pullFailed.addAlarmAction(notify);

      const incomplete = this.logGroup.addMetricFilter('DeliveryIncomplete', {
        filterPattern: logs.FilterPattern.any(
          logs.FilterPattern.stringValue('$.event', '=', LOG_EVENTS.deliveryIncomplete),
          logs.FilterPattern.stringValue('$.event', '=', LOG_EVENTS.manifestInvalid),
        ),
        metricNamespace: props.alarms.namespace,
        metricName: 'DeliveriesIncomplete',
        metricValue: '1',
      });
      this.deliveryIncomplete = incomplete.metric({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'DeliveryIncompleteAlarm', {
        alarmDescription:
          'Pejlemærke: en levering på SFTP-serveren passer ikke med sit manifest.json (eller manifestet kan ikke læses) og er ikke hentet. Se pull-Lambdaens log.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.deliveryIncomplete.addAlarmAction(notify);
    }
  }
}
