import { TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DATA_PREFIXES } from './dataLake.ts';

export interface RunTriggersProps {
  readonly stateMachine: sfn.IStateMachine;
  /**
   * EventBridge Scheduler cron for the safety-net run.
   * @default 'cron(0 6 15 1,4,7,10 ? *)': 06:00 on the 15th of the month after a quarter
   */
  readonly cron?: string;
  /**
   * IANA zone the cron is read in, so 06:00 stays 06:00 across summer time.
   * @default 'Europe/Copenhagen'
   */
  readonly timeZone?: string;
  /** @default true */
  readonly scheduleEnabled?: boolean;
  /**
   * The data bucket (with EventBridge notifications on); a manifest.json arriving under
   * incoming/<delivery>/ starts a run.
   * @default no run on delivery: only the schedule and people start runs
   */
  readonly dataBucket?: s3.IBucket;
}

/**
 * What starts a run besides a person: a complete delivery (its manifest.json, which the
 * export job writes last — never each file), and the quarterly schedule as a safety net,
 * which runs on the newest delivery and ends quietly when its quarter is already published.
 */
export class RunTriggers extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly deliveryRule?: events.Rule;

  constructor(scope: Construct, id: string, props: RunTriggersProps) {
    super(scope, id);
    this.schedule = new scheduler.Schedule(this, 'Quarterly', {
      description: 'Pejlemærke: kvartalsvis kørsel på den nyeste levering',
      schedule: scheduler.ScheduleExpression.expression(props.cron ?? 'cron(0 6 15 1,4,7,10 ? *)', TimeZone.of(props.timeZone ?? 'Europe/Copenhagen')),
      enabled: props.scheduleEnabled ?? true,
      target: new schedulerTargets.StepFunctionsStartExecution(props.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
      }),
    });

    if (props.dataBucket) {
      this.deliveryRule = new events.Rule(this, 'Delivery', {
        description: 'Pejlemærke: en færdig levering (manifest.json i incoming/<levering>/) starter en kørsel',
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: { bucket: { name: [props.dataBucket.bucketName] }, object: { key: events.Match.wildcard(`${DATA_PREFIXES.incoming}*/manifest.json`) } },
        },
        targets: [
          new eventTargets.SfnStateMachine(props.stateMachine, {
            input: events.RuleTargetInput.fromObject({ trigger: 'delivery', key: events.EventField.fromPath('$.detail.object.key') }),
          }),
        ],
      });
    }
  }
}
