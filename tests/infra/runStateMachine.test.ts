import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_ERRORS, RunStateMachine, STORE_BUSY } from '../../infra/constructs/runStateMachine.ts';
import { arnText, NagTestStack, type Json, type Synthesised } from '../support/cdkStack.ts';

const fn = (name: string) => `arn:aws:lambda:eu-north-1:123456789012:function:pejlemaerke-${name}`;
const TOPIC = 'arn:aws:sns:eu-north-1:123456789012:pejlemaerke';

let test: NagTestStack;
let out: Synthesised;
let run: RunStateMachine;

beforeAll(() => {
  test = new NagTestStack();
  // Imported functions and topic: the state machine needs only IFunction and ITopic.
  const imported = (name: string) => lambda.Function.fromFunctionArn(test.stack, name, fn(name));
  run = new RunStateMachine(test.stack, 'Run', {
    name: 'pejlemaerke-test-run',
    ingest: imported('ingest'),
    compute: imported('compute'),
    publish: imported('publish'),
    topic: sns.Topic.fromTopicArn(test.stack, 'Topic', TOPIC),
  });
  out = test.synth();
});

afterAll(() => test.dispose());

function states(): Json {
  const [, machine] = out.ofType('AWS::StepFunctions::StateMachine')[0]!;
  return JSON.parse(arnText(machine.Properties.DefinitionString)).States as Json;
}

describe('the state machine', () => {
  it('is named for the approval command, logs everything, traces, and ends within two hours', () => {
    const [, machine] = out.ofType('AWS::StepFunctions::StateMachine')[0]!;
    expect(machine.Properties).toMatchObject({ StateMachineName: 'pejlemaerke-test-run', TracingConfiguration: { Enabled: true } });
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    expect(JSON.parse(arnText(machine.Properties.DefinitionString)).TimeoutSeconds).toBe(7200);
    const [, logGroup] = out.ofType('AWS::Logs::LogGroup')[0]!;
    expect(logGroup).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });
  });

  it('previews by default: automated runs stop at a draft for a person to approve', () => {
    expect(states().Publish.Parameters.mode).toBe('preview');
    expect(states().Approve.Parameters.mode).toBe('approve');
  });

  it('invokes the given functions and waits for a busy store', () => {
    for (const [state, name] of [
      ['Ingest', 'ingest'],
      ['Compute', 'compute'],
      ['Publish', 'publish'],
      ['Approve', 'publish'],
    ] as const) {
      // payloadResponseOnly: the function is the task's resource, invoked synchronously.
      expect(states()[state].Resource).toBe(fn(name));
      expect((states()[state].Retry as Json[]).some((r) => JSON.stringify(r.ErrorEquals) === JSON.stringify(STORE_BUSY))).toBe(true);
    }
    expect(states().RunFailed).toMatchObject({ Type: 'Fail', Error: RUN_ERRORS.failed });
  });
});

describe('grants', () => {
  it('may invoke these three functions (and their versions) and publish to this topic, nothing else but logs and X-Ray', () => {
    const permissions = out.permissionsOf(run.stateMachine).filter((p) => !/^(logs|xray):\S+ \*$/.test(p));
    expect(permissions).toEqual(
      [
        ...['compute', 'ingest', 'publish'].flatMap((name) => [`lambda:InvokeFunction ${fn(name)}`, `lambda:InvokeFunction ${fn(name)}:*`]),
        `sns:Publish ${TOPIC}`,
      ].sort(),
    );
  });

  it('acknowledges each function’s `:*` by its ARN, imported functions included, and `*` only for logs and X-Ray', () => {
    const role = out.logicalId(run.stateMachine.role);
    const ids = out
      .acknowledgements()
      .filter((a) => a.resource === role)
      .map((a) => a.id);
    for (const name of ['ingest', 'compute', 'publish']) expect(ids).toContain(`AwsSolutions-IAM5[Resource::${fn(name)}:*]`);
    expect(ids).toContain('AwsSolutions-IAM5[Resource::*]');
  });
});

describe('cdk-nag', () => {
  it('has no open finding, warnings included', () => {
    expect(out.openFindings).toEqual([]);
  });
});
