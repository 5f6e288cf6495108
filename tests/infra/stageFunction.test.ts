import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_PREFIXES, DataLake } from '../../infra/constructs/dataLake.ts';
import { STAGE_RUNTIME, StageFunction } from '../../infra/constructs/stageFunction.ts';
import { NagTestStack, type Json, type Synthesised } from '../support/cdkStack.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

let test: NagTestStack;
let out: Synthesised;
let stage: StageFunction;
let x86: StageFunction;

beforeAll(() => {
  test = new NagTestStack();
  const lake = new DataLake(test.stack, 'DataLake');
  const common = { projectRoot, entry: join(projectRoot, 'functions/lambda/compute.ts'), memorySize: 1024, timeout: Duration.minutes(10) };
  stage = new StageFunction(test.stack, 'Stage', { ...common, description: 'Pejlemærke: et trin', environment: { DATA_BUCKET: lake.data.bucketName } });
  x86 = new StageFunction(test.stack, 'Native', {
    ...common,
    description: 'Pejlemærke: et trin med en native build',
    architecture: lambda.Architecture.X86_64,
    ephemeralStorageMiB: 2048,
  });
  // A stage is a grantee: the grant lands on its own role.
  lake.grantPrefix(stage, 'data', DATA_PREFIXES.results, 'read');
  out = test.synth();
});

afterAll(() => test.dispose());

const fnOf = (s: StageFunction): Json => out.resources[out.logicalId(s.function)]!.Properties;

describe('the function', () => {
  it('runs the newest Node.js runtime on ARM64 by default, with JSON logs at INFO', () => {
    expect(STAGE_RUNTIME.name).toBe('nodejs24.x');
    expect(fnOf(stage)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 600,
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: { Ref: out.logicalId(stage.logGroup) } },
    });
    expect(fnOf(stage).ReservedConcurrentExecutions).toBeUndefined();
    expect(fnOf(x86)).toMatchObject({ Architectures: ['x86_64'], EphemeralStorage: { Size: 2048 } });
  });

  it('keeps source maps on and passes its environment', () => {
    expect(fnOf(stage).Environment.Variables).toEqual({ NODE_OPTIONS: '--enable-source-maps', DATA_BUCKET: { Ref: expect.stringMatching(/^DataLakeData/) } });
  });

  it('logs into its own log group, kept a year and retained by default', () => {
    expect(out.resources[out.logicalId(stage.logGroup)]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });
  });
});

describe('the role', () => {
  it('is the stage’s own: it writes its log group and holds what others granted the stage, nothing more', () => {
    expect(out.permissionsOf(stage)).toEqual([
      'logs:CreateLogStream <StageLogs.Arn>',
      'logs:PutLogEvents <StageLogs.Arn>',
      's3:GetBucketLocation <DataLakeData.Arn>',
      's3:GetObject <DataLakeData.Arn>/results/*',
      's3:ListBucket <DataLakeData.Arn>',
    ]);
    expect(out.permissionsOf(x86)).toEqual(['logs:CreateLogStream <NativeLogs.Arn>', 'logs:PutLogEvents <NativeLogs.Arn>']);
    expect(stage.grantPrincipal).toBe(stage.role);
    const [, role] = out.ofType('AWS::IAM::Role').find(([id]) => id === out.logicalId(stage.role))!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });
});

describe('cdk-nag', () => {
  it('has no open finding, warnings included', () => {
    expect(out.openFindings).toEqual([]);
  });
});
