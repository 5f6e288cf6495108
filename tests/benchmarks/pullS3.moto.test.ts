import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BENCHMARKS_DIR, DEMO_CONFIG } from '../../functions/cli/paths.ts';
import { loadBenchmarkDefinitions, type BenchmarkDefinition } from '../../functions/benchmarks/definitions.ts';
import { JobindsatsClient } from '../../functions/benchmarks/jobindsatsClient.ts';
import { runBenchmarksPull } from '../../functions/benchmarks/pullStage.ts';
import { benchmarkKeys, readNewestBenchmarks } from '../../functions/benchmarks/pullStore.ts';
import { loadConfig, type MunicipalityConfig } from '../../functions/config/municipality.ts';
import { readJobindsatsToken } from '../../functions/lambda/benchmarks.ts';
import { silentLog } from '../../functions/log.ts';
import { S3Store } from '../../functions/store/s3Store.ts';
import { startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';
import { catalogueFor } from './fakeCatalogue.ts';
import { catalogueHandler, startFakeJobindsats, type FakeJobindsats } from './fakeJobindsats.ts';

const BUCKET = 'kommune-data';
const REGION = 'eu-north-1';
const TOKEN = 'jbi-SECRET-s3-5e6f7a8b';

let moto: Moto;
let s3: S3Client;
let api: FakeJobindsats;
let definitions: BenchmarkDefinition[];
let config: MunicipalityConfig;

beforeAll(async () => {
  useDummyAwsCredentials(REGION);
  moto = await startMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  definitions = await loadBenchmarkDefinitions(DEFAULT_BENCHMARKS_DIR);
  config = await loadConfig(DEMO_CONFIG);
  api = await startFakeJobindsats(catalogueHandler(TOKEN, catalogueFor(definitions)));
});

afterAll(async () => {
  s3?.destroy();
  await api?.close();
  await moto?.stop();
});

function store(): S3Store {
  return S3Store.fromUrl(`s3://${BUCKET}/allerod`, { endpoint: moto.endpoint, region: REGION });
}

function client(token: string): JobindsatsClient {
  return new JobindsatsClient({ token, baseUrl: api.url, maxAttempts: 1 });
}

async function listed(): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'allerod/' }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

describe('benchmarks pull into an S3Store on moto_server', () => {
  it('writes the pull and then the pointer under benchmarks/, readable by a fresh store; a failed pull changes nothing', async () => {
    const first = await runBenchmarksPull({
      store: store(),
      client: client(TOKEN),
      definitions,
      config,
      log: silentLog,
      now: () => new Date('2018-02-03T10:15:00Z'),
    });
    if (!first.ok) throw new Error(first.message);
    expect(await listed()).toEqual([`allerod/${benchmarkKeys.latest}`, `allerod/${first.key}`].sort());
    const head = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `allerod/${first.key}` }));
    expect(head.ContentType).toBe('application/json');

    const read = await readNewestBenchmarks(store());
    expect(read).toEqual(first.pull);

    const pointerBefore = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `allerod/${benchmarkKeys.latest}` }))).Body!.transformToString();
    const failed = await runBenchmarksPull({ store: store(), client: client('jbi-WRONG-s3'), definitions, config, log: silentLog });
    expect(failed).toMatchObject({ ok: false, code: 'auth', previous: { pull_id: first.pull.pull_id } });
    expect(await listed()).toEqual([`allerod/${benchmarkKeys.latest}`, `allerod/${first.key}`].sort());
    const pointerAfter = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `allerod/${benchmarkKeys.latest}` }))).Body!.transformToString();
    expect(pointerAfter).toBe(pointerBefore);

    const second = await runBenchmarksPull({
      store: store(),
      client: client(TOKEN),
      definitions,
      config,
      log: silentLog,
      now: () => new Date('2018-03-05T06:00:00Z'),
    });
    if (!second.ok) throw new Error(second.message);
    expect((await listed()).filter((k) => k.includes('/pulls/'))).toHaveLength(2);
    expect((await readNewestBenchmarks(store()))!.pull_id).toBe(second.pull.pull_id);
  });

  it('reads nothing when no pull has been made', async () => {
    expect(await readNewestBenchmarks(S3Store.fromUrl(`s3://${BUCKET}/ingen`, { endpoint: moto.endpoint, region: REGION }))).toBeUndefined();
  });
});

describe('the Lambda’s key from Secrets Manager on moto_server', () => {
  it('reads a plain key or JSON with a token field, and says what is wrong without showing the value', async () => {
    const secrets = new SecretsManagerClient({ endpoint: moto.endpoint, region: REGION });
    const plain = await secrets.send(new CreateSecretCommand({ Name: 'jobindsats-plain', SecretString: `  ${TOKEN}\n` }));
    const json = await secrets.send(new CreateSecretCommand({ Name: 'jobindsats-json', SecretString: JSON.stringify({ token: TOKEN }) }));
    const wrong = await secrets.send(new CreateSecretCommand({ Name: 'jobindsats-wrong', SecretString: JSON.stringify({ key: TOKEN }) }));
    expect(await readJobindsatsToken(secrets, plain.ARN!)).toBe(TOKEN);
    expect(await readJobindsatsToken(secrets, json.ARN!)).toBe(TOKEN);
    const error = await readJobindsatsToken(secrets, wrong.ARN!).catch((e: Error) => e);
    expect((error as Error).message).toContain('er JSON uden feltet "token"');
    expect((error as Error).message).not.toContain(TOKEN);
    secrets.destroy();
  });
});
