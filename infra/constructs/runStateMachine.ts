import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { nagResource } from './nagResource.ts';

export interface RunStateMachineProps {
  /** Physical name: the approval command in the e-mails names it. */
  readonly name: string;
  readonly ingest: lambda.IFunction;
  readonly compute: lambda.IFunction;
  readonly publish: lambda.IFunction;
  readonly topic: sns.ITopic;
  /**
   * `required`: automated runs stop at a preview that a person approves (the default: nothing
   * reaches the committee unattended); `automatic`: they publish, except a correction.
   * @default 'required'
   */
  readonly approval?: 'required' | 'automatic';
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the execution log group when the stack goes.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Errors that mean "try again later", never "the input is wrong". */
const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
];
const AWS_THROTTLING = ['ThrottlingException', 'TooManyRequestsException', 'SlowDown'];
/** Another run holds (or took over) the store's lock (functions/store/lock.ts): wait for it, patiently. */
export const STORE_BUSY = ['StoreBusy', 'LockLost'];

/** The error names a run ends with, for the console, the alarms and the docs. */
export const RUN_ERRORS = {
  rejected: 'DeliveryRejected',
  incomplete: 'DeliveryIncomplete',
  notCovered: 'QuarterNotCovered',
  failed: 'RunFailed',
} as const;

/**
 * One run. A person's approval (`{"action":"approve",…}`) goes straight to publish. Anything
 * else ingests one delivery (the manifest that arrived, or the newest), computes the quarter
 * asked for or the newest one the delivery covers, and previews or publishes it. Every stage
 * holds the store's lock while it works, so runs never interleave their writes; a stage that
 * finds the store busy waits and tries again. A rejected or incomplete delivery and an
 * uncovered quarter are outcomes: data staff get an e-mail and the run ends with its own error
 * name. A quarter already published with the same numbers ends quietly.
 */
export class RunStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);

    const notifyFailed = new tasks.SnsPublish(this, 'NotifyFailed', {
      topic: props.topic,
      // SNS subjects must be ASCII.
      subject: 'Pejlemaerke: koerslen fejlede',
      message: sfn.TaskInput.fromJsonPathAt(
        sfn.JsonPath.format(
          'Kørslen {} fejlede: {}\n\n{}',
          sfn.JsonPath.executionName,
          sfn.JsonPath.stringAt('$.error.Error'),
          sfn.JsonPath.stringAt('$.error.Cause'),
        ),
      ),
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Fail(this, 'RunFailed', { error: RUN_ERRORS.failed, cause: 'Et trin fejlede efter sine genforsøg; se e-mailen og loggen.' }));

    const stage = (name: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string) => {
      const task = new tasks.LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath,
      });
      task.addRetry({
        errors: LAMBDA_TRANSIENT,
        interval: Duration.seconds(5),
        backoffRate: 2,
        maxAttempts: 5,
        maxDelay: Duration.minutes(2),
        jitterStrategy: sfn.JitterType.FULL,
      });
      // A crashed run's lock expires after its TTL (20 min): wait longer than that in all.
      task.addRetry({
        errors: STORE_BUSY,
        interval: Duration.seconds(30),
        backoffRate: 1.5,
        maxAttempts: 12,
        maxDelay: Duration.minutes(5),
        jitterStrategy: sfn.JitterType.FULL,
      });
      task.addRetry({
        errors: AWS_THROTTLING,
        interval: Duration.seconds(10),
        backoffRate: 2,
        maxAttempts: 4,
        maxDelay: Duration.minutes(2),
        jitterStrategy: sfn.JitterType.FULL,
      });
      task.addCatch(notifyFailed, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };

    /** An outcome for data staff: an e-mail, then the run's own error name (so alarms count it). */
    const outcome = (name: string, subject: string, text: string, textPath: string, error: string, cause: string) => {
      const fail = new sfn.Fail(this, name, { error, cause });
      const notify = new tasks.SnsPublish(this, `Notify${name}`, {
        topic: props.topic,
        subject,
        message: sfn.TaskInput.fromJsonPathAt(sfn.JsonPath.format(text, sfn.JsonPath.stringAt(textPath))),
        resultPath: sfn.JsonPath.DISCARD,
      });
      notify.addCatch(fail, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
      return notify.next(fail);
    };

    const ingest = stage('Ingest', props.ingest, { run: sfn.JsonPath.objectAt('$') }, '$.ingest');
    const compute = stage(
      'Compute',
      props.compute,
      {
        deliveryId: sfn.JsonPath.stringAt('$.ingest.deliveryId'),
        snapshot: sfn.JsonPath.stringAt('$.ingest.snapshot'),
        quarter: sfn.JsonPath.stringAt('$.ingest.quarter'),
      },
      '$.compute',
    );
    const publish = stage(
      'Publish',
      props.publish,
      {
        mode: (props.approval ?? 'required') === 'automatic' ? 'publish' : 'preview',
        quarter: sfn.JsonPath.stringAt('$.compute.quarter'),
        snapshot: sfn.JsonPath.stringAt('$.compute.snapshot'),
      },
      '$.publish',
    );
    const approve = stage('Approve', props.publish, { mode: 'approve', request: sfn.JsonPath.objectAt('$') }, '$.publish');

    const tell = new tasks.SnsPublish(this, 'NotifyOutcome', {
      topic: props.topic,
      subject: sfn.JsonPath.stringAt('$.publish.subject'),
      message: sfn.TaskInput.fromJsonPathAt('$.publish.message'),
      resultPath: sfn.JsonPath.DISCARD,
    });
    // The report (or the draft) is out; a lost e-mail must not turn the run red.
    const done = new sfn.Succeed(this, 'Done');
    tell.addCatch(done, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
    const afterPublish = new sfn.Choice(this, 'Published?')
      .when(
        sfn.Condition.stringEquals('$.publish.status', 'unchanged'),
        new sfn.Succeed(this, 'AlreadyPublished', { comment: 'The quarter is published with these numbers; nothing to do.' }),
      )
      .otherwise(tell.next(done));
    publish.next(afterPublish);
    approve.next(afterPublish);

    const covered = new sfn.Choice(this, 'Covered?')
      .when(
        sfn.Condition.stringEquals('$.compute.status', 'not_covered'),
        outcome(
          'NotCovered',
          'Pejlemaerke: leveringen daekker ikke kvartalet',
          '{}\n\nIntet er beregnet eller udgivet.',
          '$.compute.message',
          RUN_ERRORS.notCovered,
          'Leveringen dækker ikke kvartalet.',
        ),
      )
      .otherwise(publish);
    const accepted = new sfn.Choice(this, 'Accepted?')
      .when(
        sfn.Condition.stringEquals('$.ingest.status', 'rejected'),
        outcome(
          'Rejected',
          'Pejlemaerke: leveringen er afvist',
          'Leveringen er afvist, og intet er udgivet. Fejlrapporterne ligger ved siden af filerne i quarantine/.\n\n{}\n\nRet filerne og lever igen (i en ny mappe med nyt delivery_id, manifest.json til sidst).',
          '$.ingest.summary',
          RUN_ERRORS.rejected,
          'Leveringen er afvist; se quarantine/ i data-bucket’en.',
        ),
      )
      .when(
        sfn.Condition.stringEquals('$.ingest.status', 'incomplete'),
        outcome(
          'Incomplete',
          'Pejlemaerke: leveringen er ufuldstaendig',
          'Leveringen passer ikke med sit manifest.json og er ikke indlæst:\n\n{}\n\nLever filerne igen, så de passer med manifestet (manifestet skrives til sidst).',
          '$.ingest.summary',
          RUN_ERRORS.incomplete,
          'Filerne passer ikke med manifest.json.',
        ),
      )
      .otherwise(compute.next(covered));

    const definition = new sfn.Choice(this, 'Approval?')
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.action'), sfn.Condition.stringEquals('$.action', 'approve')), approve)
      .otherwise(ingest.next(accepted));

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.name,
      comment: 'Pejlemærke: indlæs → beregn → udkast eller udgiv; godkend',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs log delivery (logs:CreateLogDelivery…) and X-Ray (xray:PutTraceSegments…) do not support resource-level permissions; AWS documents Resource "*" for both.',
    });
    for (const fn of [props.ingest, props.compute, props.publish]) {
      Validations.of(this.stateMachine.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(this, `${fn.functionArn}:*`)}]`,
        reason:
          'lambda:InvokeFunction on this one function and its versions/aliases (`:*`), which is how Step Functions invokes a function; no other function.',
      });
    }
  }
}
