import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface RunStateMachineProps {
  /** Physical name: the state machine reads its own execution list to debounce deliveries. */
  name: string;
  ingest: lambda.Function;
  compute: lambda.Function;
  publish: lambda.Function;
  topic: sns.ITopic;
  /** A delivery-triggered run waits this long, then yields to any newer run. */
  quietPeriod: Duration;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

/** Errors that mean "try again later", never "the input is wrong". */
const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.ClientExecutionTimeoutException'];
const AWS_THROTTLING = ['ThrottlingException', 'TooManyRequestsException', 'SlowDown'];

/** The error names a run ends with, for the console, the alarms and the docs. */
export const RUN_ERRORS = { rejected: 'DeliveryRejected', failed: 'RunFailed' } as const;

/**
 * One run: ingest → compute → publish, each a Lambda with its own retries (exponential
 * backoff, full jitter). A rejected delivery is an outcome: data staff get the file list and
 * the run ends as DeliveryRejected. Anything else that fails after its retries ends as
 * RunFailed with the error in the e-mail. Delivery-triggered runs are debounced: each waits
 * for quiet, and only the newest goes on, so a delivery of seven files runs once.
 */
export class RunStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);
    const ownArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: props.name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const notifyFailed = new tasks.SnsPublish(this, 'NotifyFailed', {
      topic: props.topic,
      // SNS subjects must be ASCII.
      subject: 'Pejlemaerke: koerslen fejlede',
      message: sfn.TaskInput.fromJsonPathAt(
        sfn.JsonPath.format('Kørslen {} fejlede: {}\n\n{}', sfn.JsonPath.executionName, sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')),
      ),
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Fail(this, 'RunFailed', { error: RUN_ERRORS.failed, cause: 'Et trin fejlede efter sine genforsøg; se e-mailen og loggen.' }));

    const stage = (name: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string, extraRetries: sfn.RetryProps[] = []) => {
      const task = new tasks.LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath,
      });
      task.addRetry({ errors: LAMBDA_TRANSIENT, interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 5, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL });
      for (const retry of extraRetries) task.addRetry(retry);
      task.addCatch(notifyFailed, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };

    const ingest = stage(
      'Ingest',
      props.ingest,
      { run: sfn.JsonPath.objectAt('$'), startedAt: sfn.JsonPath.stringAt('$$.Execution.StartTime') },
      '$.ingest',
      // Ingest runs one at a time (reserved concurrency 1): a second run waits its turn.
      [{ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(30), backoffRate: 2, maxAttempts: 10, maxDelay: Duration.minutes(5), jitterStrategy: sfn.JitterType.FULL }],
    );
    const compute = stage(
      'Compute',
      props.compute,
      {
        quarter: sfn.JsonPath.stringAt('$.ingest.quarter'),
        snapshot: sfn.JsonPath.stringAt('$.ingest.snapshot'),
        deliveredAtMs: sfn.JsonPath.numberAt('$.ingest.deliveredAtMs'),
      },
      '$.compute',
      [{ errors: AWS_THROTTLING, interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL }],
    );
    const publish = stage('Publish', props.publish, { quarter: sfn.JsonPath.stringAt('$.compute.quarter') }, '$.publish', [
      { errors: AWS_THROTTLING, interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL },
    ]);

    const notifyRejected = new tasks.SnsPublish(this, 'NotifyRejected', {
      topic: props.topic,
      subject: 'Pejlemaerke: leveringen er afvist',
      message: sfn.TaskInput.fromJsonPathAt(
        sfn.JsonPath.format(
          'Leveringen til {} er afvist, og intet er udgivet. Fejlrapporterne ligger ved siden af filerne i quarantine/.\n\n{}\n\nRet filerne, læg dem i incoming/ igen, så starter en ny kørsel.',
          sfn.JsonPath.stringAt('$.ingest.quarter'),
          sfn.JsonPath.stringAt('$.ingest.summary'),
        ),
      ),
      resultPath: sfn.JsonPath.DISCARD,
    });
    notifyRejected.addCatch(new sfn.Fail(this, 'RejectedNotNotified', { error: RUN_ERRORS.rejected, cause: 'Leveringen er afvist; e-mailen kunne ikke sendes.' }));
    const rejected = notifyRejected.next(new sfn.Fail(this, 'DeliveryRejected', { error: RUN_ERRORS.rejected, cause: 'Leveringen er afvist; se quarantine/ i data-bucket’en.' }));

    const notifyPublished = new tasks.SnsPublish(this, 'NotifyPublished', {
      topic: props.topic,
      subject: 'Pejlemaerke: rapporten er udgivet',
      message: sfn.TaskInput.fromJsonPathAt(sfn.JsonPath.format('Rapporten for {} er udgivet: {}', sfn.JsonPath.stringAt('$.publish.quarter'), sfn.JsonPath.stringAt('$.publish.url'))),
      resultPath: sfn.JsonPath.DISCARD,
    });
    // The report is out; a lost e-mail must not turn the run red.
    const published = new sfn.Succeed(this, 'Published');
    notifyPublished.addCatch(published, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });

    const pipeline = ingest.next(
      new sfn.Choice(this, 'Accepted?')
        .when(sfn.Condition.stringEquals('$.ingest.status', 'rejected'), rejected)
        .otherwise(compute.next(publish).next(notifyPublished).next(published)),
    );

    const newest = new tasks.CallAwsService(this, 'NewestRun', {
      service: 'sfn',
      action: 'listExecutions',
      iamAction: 'states:ListExecutions',
      iamResources: [ownArn],
      parameters: { StateMachineArn: ownArn, MaxResults: 1 },
      resultSelector: { 'newest.$': '$.Executions[0].ExecutionArn', 'self.$': '$$.Execution.Id' },
      resultPath: '$.debounce',
    });
    newest.addRetry({ errors: ['Sfn.SfnException', 'Sfn.ThrottlingException'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4, jitterStrategy: sfn.JitterType.FULL });
    newest.addCatch(notifyFailed, { errors: ['States.ALL'], resultPath: '$.error' });
    const debounce = new sfn.Wait(this, 'QuietPeriod', { time: sfn.WaitTime.duration(props.quietPeriod) }).next(newest).next(
      new sfn.Choice(this, 'Newest?')
        .when(sfn.Condition.stringEqualsJsonPath('$.debounce.newest', '$.debounce.self'), pipeline)
        .otherwise(new sfn.Succeed(this, 'Superseded', { comment: 'A newer run handles this delivery.' })),
    );

    const definition = new sfn.Choice(this, 'Trigger?')
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.trigger'), sfn.Condition.stringEquals('$.trigger', 'delivery')), debounce)
      .otherwise(pipeline);

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.name,
      comment: 'Pejlemærke: indlæs → beregn → udgiv',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CloudWatch Logs log delivery (logs:CreateLogDelivery…) and X-Ray (xray:PutTraceSegments…) do not support resource-level permissions; AWS documents Resource "*" for both.',
    });
    for (const fn of [props.ingest, props.compute, props.publish]) {
      const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
      Validations.of(this.stateMachine.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: 'lambda:InvokeFunction on this one function and its versions/aliases (`:*`), which is how Step Functions invokes a function; no other function.',
      });
    }
  }
}
