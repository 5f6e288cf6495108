import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { LOG_EVENTS } from '../../functions/lambda/logEvents.ts';

export interface RunAlarmsProps {
  /** The run whose failures and timeouts raise RunFailed. */
  readonly stateMachine: sfn.IStateMachine;
  /** The ingest Lambda's JSON log group, where rejections are logged as `delivery_rejected`. */
  readonly ingestLogGroup: logs.ILogGroup;
  /** Data staff's topic: every alarm goes there. */
  readonly topic: sns.ITopic;
  /** CloudWatch namespace for the rejected-deliveries metric, e.g. `Pejlemaerke/<municipality>`. */
  readonly namespace: string;
}

/**
 * Alarms that reach data staff even when a run cannot send its own e-mail: a failed or
 * timed-out run, and a rejected delivery (counted from the ingest log, file name only).
 */
export class RunAlarms extends Construct {
  readonly runFailed: cloudwatch.Alarm;
  readonly deliveryRejected: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RunAlarmsProps) {
    super(scope, id);
    const notify = new actions.SnsAction(props.topic);
    const fiveMinutes = Duration.minutes(5);

    this.runFailed = new cloudwatch.MathExpression({
      expression: 'failed + timedOut',
      usingMetrics: {
        failed: props.stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
        timedOut: props.stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
      },
      label: 'Fejlede kørsler',
      period: fiveMinutes,
    }).createAlarm(this, 'RunFailed', {
      alarmDescription: 'Pejlemærke: en kørsel er fejlet eller løbet tør for tid. Se e-mailen fra kørslen og Step Functions-konsollen.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.runFailed.addAlarmAction(notify);

    const rejected = props.ingestLogGroup.addMetricFilter('DeliveryRejected', {
      filterPattern: logs.FilterPattern.stringValue('$.event', '=', LOG_EVENTS.deliveryRejected),
      metricNamespace: props.namespace,
      metricName: 'DeliveriesRejected',
      metricValue: '1',
    });
    this.deliveryRejected = rejected.metric({ period: fiveMinutes, statistic: 'Sum' }).createAlarm(this, 'DeliveryRejectedAlarm', {
      alarmDescription: 'Pejlemærke: en levering er afvist. Fejlrapporterne ligger i quarantine/ i data-bucket’en.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deliveryRejected.addAlarmAction(notify);
  }
}
