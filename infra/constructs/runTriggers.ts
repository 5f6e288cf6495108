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
  stateMachine: sfn.IStateMachine;
  /** EventBridge Scheduler cron, e.g. `cron(0 6 15 1,4,7,10 ? *)`. */
  cron: string;
  /** IANA zone the cron is read in, so 06:00 stays 06:00 across summer time. */
  timeZone: string;
  scheduleEnabled: boolean;
  /** The data bucket; a new object under incoming/ starts a (debounced) run. */
  dataBucket?: s3.IBucket;
}

/**
 * What starts a run besides a person: the quarterly schedule, and a delivery landing in
 * incoming/. Neither names a quarter; the run reports on the quarter that has just ended.
 */
export class RunTriggers extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly deliveryRule?: events.Rule;

  constructor(scope: Construct, id: string, props: RunTriggersProps) {
    super(scope, id);
    this.schedule = new scheduler.Schedule(this, 'Quarterly', {
      description: 'Pejlemærke: kvartalsvis kørsel for det afsluttede kvartal',
      schedule: scheduler.ScheduleExpression.expression(props.cron, TimeZone.of(props.timeZone)),
      enabled: props.scheduleEnabled,
      target: new schedulerTargets.StepFunctionsStartExecution(props.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
      }),
    });

    if (props.dataBucket) {
      this.deliveryRule = new events.Rule(this, 'Delivery', {
        description: 'Pejlemærke: en ny fil i incoming/ starter en kørsel',
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: { bucket: { name: [props.dataBucket.bucketName] }, object: { key: events.Match.prefix(DATA_PREFIXES.incoming) } },
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
