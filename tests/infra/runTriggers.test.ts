import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunTriggers } from '../../infra/constructs/runTriggers.ts';
import { NagTestStack, type Json, type Synthesised } from '../support/cdkStack.ts';

const MACHINE = 'arn:aws:states:eu-north-1:123456789012:stateMachine:pejlemaerke-test-run';

let test: NagTestStack;
let out: Synthesised;

beforeAll(() => {
  test = new NagTestStack();
  // Imported: the triggers need only the interfaces. The second, schedule-only, shows the defaults.
  const stateMachine = sfn.StateMachine.fromStateMachineArn(test.stack, 'Run', MACHINE);
  new RunTriggers(test.stack, 'Triggers', {
    stateMachine,
    cron: 'cron(30 7 16 1,4,7,10 ? *)',
    timeZone: 'Europe/Copenhagen',
    scheduleEnabled: false,
    dataBucket: s3.Bucket.fromBucketName(test.stack, 'Data', 'pejlemaerke-data'),
  });
  new RunTriggers(test.stack, 'Defaults', { stateMachine });
  out = test.synth();
});

afterAll(() => test.dispose());

const schedules = () => out.ofType('AWS::Scheduler::Schedule').map(([, s]) => s.Properties as Json);

describe('the quarterly schedule', () => {
  it('runs on the newest delivery, at the configured cron in Copenhagen time', () => {
    expect(schedules().find((s) => s.ScheduleExpression === 'cron(30 7 16 1,4,7,10 ? *)')).toMatchObject({
      ScheduleExpressionTimezone: 'Europe/Copenhagen',
      State: 'DISABLED',
      Target: { Arn: MACHINE, Input: JSON.stringify({ trigger: 'schedule' }) },
    });
  });

  it('defaults to 06:00 on the 15th of the month after a quarter, Copenhagen time, enabled', () => {
    expect(schedules().find((s) => s.ScheduleExpression === 'cron(0 6 15 1,4,7,10 ? *)')).toMatchObject({
      ScheduleExpressionTimezone: 'Europe/Copenhagen',
      State: 'ENABLED',
    });
  });
});

describe('the delivery rule', () => {
  it('starts a run on a delivery’s manifest.json in this bucket, never on each file', () => {
    const rules = out.ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['pejlemaerke-data'] }, object: { key: [{ wildcard: 'incoming/*/manifest.json' }] } },
    });
    const target = rule.Properties.Targets[0];
    expect(target.Arn).toBe(MACHINE);
    expect(JSON.parse(target.InputTransformer.InputTemplate.replace('<detail-object-key>', '"k"'))).toEqual({ trigger: 'delivery', key: 'k' });
  });
});

describe('grants', () => {
  it('let the schedule and the rule start this state machine, and do nothing else', () => {
    const statements = out.ofType('AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(s).toMatchObject({ Effect: 'Allow', Action: 'states:StartExecution', Resource: MACHINE });
  });
});

describe('cdk-nag', () => {
  it('has no open finding, warnings included', () => {
    expect(out.openFindings).toEqual([]);
  });
});
