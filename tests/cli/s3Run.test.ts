import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../functions/demo/generate.ts';
import { startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';

const exec = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/pejlemaerke.js');
const BUCKET = 'kommune-data';
const REGION = 'eu-north-1';
// Both runs record the same time, so their outputs can be compared byte for byte.
const ENV = { SOURCE_DATE_EPOCH: '1516003200' };

let moto: Moto;
let s3: S3Client;
let root: string;

beforeAll(async () => {
  useDummyAwsCredentials(REGION);
  moto = await startMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  root = await mkdtemp(join(tmpdir(), 'pejlemaerke-s3run-'));
  await generateDemo(join(root, 'input'), { scale: 0.3 });
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

async function object(key: string): Promise<Buffer> {
  const output = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await output.Body!.transformToByteArray());
}

describe('pejlemaerke run --store s3://… --endpoint (moto_server on loopback)', () => {
  it('writes curated Parquet, results and the report into the bucket, with the same bytes as a local run', async () => {
    const common = ['run', '--input', join(root, 'input'), '--quarter', '2017Q4', '--config', 'dashboards/municipalities/allerod-demo.yaml'];
    const local = join(root, 'local');
    await exec(process.execPath, [BIN, ...common, '--out', local], { env: { ...process.env, ...ENV } });

    const remote = await exec(process.execPath, [BIN, ...common, '--store', `s3://${BUCKET}/allerod`, '--endpoint', moto.endpoint], {
      env: { ...process.env, ...ENV },
    });
    expect(remote.stdout).toContain(`Rapport: s3://${BUCKET}/allerod/reports/2017Q4/index.html`);

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'allerod/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    for (const extract of ['persons', 'benefit_weeks', 'offers', 'companies', 'company_contacts', 'benchmarks', 'calendar']) {
      expect(keys.some((k) => new RegExp(`^allerod/curated/${extract}/snapshot=[0-9a-f]{16}/${extract}\\.parquet$`).test(k)), extract).toBe(true);
    }
    expect(keys).toContain('allerod/incoming/benefit_weeks.csv');
    for (const key of ['results/2017Q4/kpis.json', 'results/2017Q4/kpis.csv', 'reports/2017Q4/index.html', 'reports/latest/index.html']) {
      expect((await object(`allerod/${key}`)).equals(await readFile(join(local, key))), key).toBe(true);
    }
  });
});
