import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunAlarms } from '../../infra/constructs/runAlarms.ts';
import { NagTestStack, type Json, type Synthesised } from '../support/cdkStack.ts';

const TOPIC = 'arn:aws:sns:eu-north-1:123456789012:pejlemaerke';
const MACHINE = 'arn:aws:states:eu-north-1:123456789012:stateMachine:pejlemaerke-test-run';

let test: NagTestStack;
let out: Synthesised;

beforeAll(() => {
  test = new NagTestStack();
  // Imported: the alarms need only the interfaces.
  new RunAlarms(test.stack, 'Alarms', {
    stateMachine: sfn.StateMachine.fromStateMachineArn(test.stack, 'Run', MACHINE),
    ingestLogGroup: logs.LogGroup.fromLogGroupName(test.stack, 'IngestLogs', '/aws/lambda/ingest'),
    topic: sns.Topic.fromTopicArn(test.stack, 'Topic', TOPIC),
    namespace: 'Pejlemaerke/testkommune',
  });
  out = test.synth();
});

afterAll(() => test.dispose());

const alarm = (metricOrLabel: string): Json =>
  out
    .ofType('AWS::CloudWatch::Alarm')
    .map(([, a]) => a.Properties)
    .find((p) => JSON.stringify(p).includes(metricOrLabel))!;

describe('the alarms', () => {
  it('are two, each e-mailing data staff on the first occurrence, quiet without data', () => {
    const alarms = out.ofType('AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(2);
    for (const [, a] of alarms) {
      expect(a.Properties).toMatchObject({
        AlarmActions: [TOPIC],
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(a.Properties.AlarmDescription).toMatch(/^Pejlemærke: /);
    }
  });

  it('RunFailed counts failed and timed-out runs of this state machine', () => {
    const runFailed = alarm('failed + timedOut');
    const metrics = runFailed.Metrics as Json[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('failed + timedOut');
    const stat = (id: string) => metrics.find((m) => m.Id === id)!.MetricStat.Metric;
    expect(stat('failed')).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: MACHINE }],
    });
    expect(stat('timedOut')).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionsTimedOut' });
  });

  it('DeliveryRejected counts the ingest log’s delivery_rejected lines in the municipality’s namespace', () => {
    out.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: '/aws/lambda/ingest',
      FilterPattern: '{ $.event = "delivery_rejected" }',
      MetricTransformations: [{ MetricNamespace: 'Pejlemaerke/testkommune', MetricName: 'DeliveriesRejected', MetricValue: '1' }],
    });
    expect(alarm('DeliveriesRejected')).toMatchObject({ Namespace: 'Pejlemaerke/testkommune', Statistic: 'Sum', Period: 300 });
  });
});

describe('cdk-nag', () => {
  it('has no open finding, warnings included', () => {
    expect(out.openFindings).toEqual([]);
  });
});
