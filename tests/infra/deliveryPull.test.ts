import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { App, type CfnResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeploymentConfig } from '../../infra/config.ts';
import { DataLake } from '../../infra/constructs/dataLake.ts';
import { DeliveryPull } from '../../infra/constructs/deliveryPull.ts';
import { Notifications } from '../../infra/constructs/notifications.ts';
import { csv, writeDelivery } from '../deliveries/deliveryFixture.ts';
import { startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';
import { startSshd, type Sshd } from '../support/sshd.ts';
import type { Json } from '../support/cdkStack.ts';

const exec = promisify(execFile);

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const HOST_KEY = 'SHA256:IIf0ZD6LXx2VrRpAhvdwf+nCIvpTI52lklfeGxyY6L4';
const SFTP = { host: 'sftp.testkommune.dk', port: 2222, user: 'pejlemaerke', path: '/udtraek', hostKey: HOST_KEY };

const outdirs: string[] = [];

/** A tiny stack: the data lake, the notification topic and the pull, with cdk-nag as in the app. */
function synth(bundle: boolean): { stack: Stack; pull: DeliveryPull; lake: DataLake; assemblyDir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'pejlemaerke-pull-cdk-'));
  outdirs.push(outdir);
  // Bundling (esbuild, real) only when asked: the template tests need no code.
  const app = new App({ outdir, context: bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'PullTest', { env: { account: '123456789012', region: 'eu-north-1' } });
  const lake = new DataLake(stack, 'DataLake', {
    incomingDays: 90,
    quarantineDays: 730,
    athenaResultsDays: 7,
    noncurrentVersionDays: 90,
    accessLogDays: 365,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const notifications = new Notifications(stack, 'Notifications', { email: 'data@testkommune.dk', removalPolicy: RemovalPolicy.RETAIN });
  const pull = new DeliveryPull(stack, 'DeliveryPull', {
    dataBucket: lake.data,
    projectRoot,
    sftp: SFTP,
    cron: 'cron(30 6 * * ? *)',
    timeZone: 'Europe/Copenhagen',
    logRetention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    alarms: { topic: notifications.topic, namespace: 'Pejlemaerke/testkommune' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  // Throws with the cdk-nag report if any finding is unacknowledged.
  const assembly = app.synth();
  return { stack, pull, lake, assemblyDir: assembly.directory };
}

let stack: Stack;
let pull: DeliveryPull;
let lake: DataLake;
let template: Template;
let resources: Record<string, Json>;

beforeAll(() => {
  ({ stack, pull, lake } = synth(false));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** The pull role's policy statements. */
function pullStatements(): Json[] {
  const role = logicalId(pull.role);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && asList(r.Properties.Roles).some((ref: Json) => ref.Ref === role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
}

/** A resource as text, with references shown as `{ref}`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as Json)['Fn::Join'];
  if (join) return (join[1] as unknown[]).map((part) => (typeof part === 'string' ? part : `{${JSON.stringify(part)}}`)).join(join[0]);
  return JSON.stringify(value);
}

describe('the pull construct', () => {
  it('makes the secret for the private key (no value in the template) and outputs its ARN', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const [, secret] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret')!;
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.DeletionPolicy).toBe('Retain');
    template.hasOutput('PullSshKeySecretArn', { Value: { Ref: logicalId(pull.secret) } });
  });

  it('runs the Lambda daily at 06:30 Copenhagen time through EventBridge Scheduler', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 6 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Copenhagen',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(pull.function), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
      }),
    });
  });

  it('gives the Lambda the server, the pinned host key and the secret’s ARN, never the key', () => {
    const fn = resources[logicalId(pull.function)]!;
    expect(fn.Properties.Environment.Variables).toMatchObject({
      DATA_BUCKET: { Ref: logicalId(lake.data) },
      SFTP_HOST: SFTP.host,
      SFTP_PORT: '2222',
      SFTP_USER: SFTP.user,
      SFTP_PATH: SFTP.path,
      SFTP_HOST_KEY: HOST_KEY,
      SFTP_KEY_SECRET_ARN: { Ref: logicalId(pull.secret) },
      WORK_DIR: '/tmp',
    });
    expect(fn.Properties).toMatchObject({ Architectures: ['arm64'], Timeout: 900, EphemeralStorage: { Size: 4096 } });
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('may read the secret and read/write incoming/ of the data bucket, and nothing else', () => {
    const statements = pullStatements();
    const s3Objects = statements.filter((s) => asList(s.Action).some((a: string) => /^s3:(Get|Put)Object$/.test(a)));
    expect(s3Objects.length).toBeGreaterThan(0);
    for (const statement of s3Objects) {
      expect(asList(statement.Resource).map(text)).toEqual([`{${JSON.stringify({ 'Fn::GetAtt': [logicalId(lake.data), 'Arn'] })}}/incoming/*`]);
    }
    const actions = statements.flatMap((s) => asList(s.Action) as string[]);
    expect(actions).not.toContain('s3:DeleteObject');
    expect(actions.filter((a) => a.startsWith('s3:')).sort()).toEqual(
      ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:PutObject'].sort(),
    );
    const secretStatements = statements.filter((s) => asList(s.Action).some((a: string) => a.startsWith('secretsmanager:')));
    expect(secretStatements.flatMap((s) => asList(s.Action))).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue']));
    for (const statement of secretStatements) expect(statement.Resource).toEqual({ Ref: logicalId(pull.secret) });
    for (const statement of statements) expect(asList(statement.Resource)).not.toContain('*');
  });

  it('alarms on a failed pull and on an incomplete delivery, by e-mail', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: Match.stringLikeRegexp('delivery_incomplete.*manifest_invalid'),
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'Pejlemaerke/testkommune', MetricName: 'DeliveriesIncomplete' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 });
  });
});

describe('the bundled pull Lambda (as CDK bundles it), run in plain Node', () => {
  const BUCKET = 'pejlemaerke-data';
  const REGION = 'eu-north-1';
  let bundle: string;
  let sshd: Sshd;
  let moto: Moto;
  let s3: S3Client;
  let env: NodeJS.ProcessEnv;
  let work: string;

  beforeAll(async () => {
    const { pull: bundled, assemblyDir } = synth(true);
    const dir = join(assemblyDir, (bundled.function.node.defaultChild as CfnResource).getMetadata('aws:asset:path') as string);
    bundle = join(dir, 'index.mjs');
    useDummyAwsCredentials(REGION);
    [sshd, moto] = await Promise.all([startSshd(), startMoto()]);
    work = await mkdtemp(join(tmpdir(), 'pejlemaerke-pull-bundle-'));
    s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    const secrets = new SecretsManagerClient({ endpoint: moto.endpoint, region: REGION });
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'pejlemaerke/sftp', SecretString: await readFile(sshd.identity, 'utf8') }));
    secrets.destroy();
    await writeDelivery(join(sshd.served, 'udtraek', '2026-11-30'), {
      id: 'nov-2026',
      extractedAt: '2026-11-30T06:00:00+01:00',
      files: { 'persons.csv': csv(25) },
    });
    env = {
      ...process.env,
      // The SDK's own endpoint variables: the handler builds its clients exactly as on AWS.
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
      DATA_BUCKET: BUCKET,
      WORK_DIR: work,
      SFTP_HOST: '127.0.0.1',
      SFTP_PORT: String(sshd.port),
      SFTP_USER: sshd.user,
      SFTP_PATH: join(sshd.served, 'udtraek'),
      SFTP_HOST_KEY: sshd.hostKey,
      SFTP_KEY_SECRET_ARN: ARN!,
    };
  });

  afterAll(async () => {
    s3?.destroy();
    await Promise.all([sshd?.stop(), moto?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** One invocation in a fresh Node process: no vitest module shims, no native ssh2 add-ons. */
  async function invoke(): Promise<{ result: unknown; logs: string }> {
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const context = { functionName: 'pull', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:eu-north-1:123456789012:function:pull', memoryLimitInMB: '1024', awsRequestId: 'test', getRemainingTimeInMillis: () => 60000 };
      const result = await handler({ trigger: 'schedule' }, context);
      process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');`;
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], { env, maxBuffer: 1 << 24 });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    return { result: line ? JSON.parse(line.slice('RESULT '.length)) : undefined, logs: stdout };
  }

  it('pulls the delivery into the bucket, then finds it already there', async () => {
    expect(existsSync(join(bundle, '..', 'node_modules'))).toBe(false);
    const first = await invoke();
    expect(first.result).toEqual({ status: 'pulled', deliveryId: 'nov-2026', files: 1 });
    expect(first.logs).not.toMatch(/PRIVATE KEY/);
    const manifest = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'incoming/nov-2026/manifest.json' }));
    expect(Buffer.from(await manifest.Body!.transformToByteArray()).equals(await readFile(join(sshd.served, 'udtraek', '2026-11-30', 'manifest.json')))).toBe(
      true,
    );
    expect((await invoke()).result).toEqual({ status: 'already', deliveryId: 'nov-2026' });
  });
});

describe('pull config', () => {
  const minimal = { municipality: 'allerod', municipalityConfig: 'dashboards/municipalities/allerod-demo.yaml', alarmEmail: 'data@allerod.dk' };

  it('is off by default, with a daily 06:30 schedule ready', () => {
    expect(parseDeploymentConfig(minimal, 'test').pull).toEqual({ enabled: false, cron: 'cron(30 6 * * ? *)' });
  });

  it('takes the server with its pinned host key, port 22 by default', () => {
    const config = parseDeploymentConfig(
      { ...minimal, pull: { enabled: true, sftp: { host: 'sftp.allerod.dk', user: 'pejl', path: '/ud', hostKey: `${HOST_KEY}=` } } },
      'test',
    );
    expect(config.pull).toEqual({
      enabled: true,
      cron: 'cron(30 6 * * ? *)',
      sftp: { host: 'sftp.allerod.dk', port: 22, user: 'pejl', path: '/ud', hostKey: HOST_KEY },
    });
  });

  it('requires the server and its host key when enabled, in Danish', () => {
    expect(() => parseDeploymentConfig({ ...minimal, pull: { enabled: true } }, 'k.yaml')).toThrow(/pull\.sftp: kræves, når pull\.enabled er true/);
    expect(() => parseDeploymentConfig({ ...minimal, pull: { enabled: true, sftp: { host: 'h', user: 'u', path: '/p' } } }, 'k.yaml')).toThrow(
      /pull\.sftp\.hostKey: kræves, når pull\.enabled er true.*SHA256:/,
    );
  });

  it('names wrong fields and unknown keys', () => {
    const bad = { ...minimal, pull: { enabled: true, cron: '30 6 * * *', sftp: { host: 'sftp kommune', user: 'u', path: '/p', hostKey: 'MD5:aa', prot: 22 } } };
    expect(() => parseDeploymentConfig(bad, 'k.yaml')).toThrow(/pull\.cron: EventBridge Scheduler-cron/);
    expect(() => parseDeploymentConfig(bad, 'k.yaml')).toThrow(/prot/);
    const noKey = { ...minimal, pull: { sftp: { host: 'sftp kommune', user: 'u', path: '/p', hostKey: 'MD5:aa' } } };
    expect(() => parseDeploymentConfig(noKey, 'k.yaml')).toThrow(/pull\.sftp\.host: værtsnavn eller IP-adresse[\s\S]*pull\.sftp\.hostKey: skriv SHA256:/);
  });
});
