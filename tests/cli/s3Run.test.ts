import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../functions/demo/generate.ts';
import { startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';

const exec = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/pejlemaerke.js');
const BUCKET = 'kommune-data';
const REGION = 'eu-north-1';

let moto: Moto;
let s3: S3Client;
let root: string;
let input: string;

beforeAll(async () => {
  useDummyAwsCredentials(REGION);
  moto = await startMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  root = await mkdtemp(join(tmpdir(), 'pejlemaerke-s3run-'));
  input = join(root, 'input');
  await generateDemo(input, { scale: 0.3, manifest: true });
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

async function object(key: string): Promise<Buffer> {
  const output = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await output.Body!.transformToByteArray());
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // No SOURCE_DATE_EPOCH: the time basis is the delivery's manifest, the same locally and on S3.
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pejlemaerke run --store s3://… --endpoint (moto_server on loopback)', () => {
  it('writes curated Parquet, results and the report into the bucket, with the same bytes as a local run', async () => {
    const common = ['run', '--input', input, '--quarter', '2017Q4', '--config', 'dashboards/municipalities/allerod-demo.yaml'];
    const local = join(root, 'local');
    expect((await cli([...common, '--out', local])).code).toBe(0);

    const remote = await cli([...common, '--store', `s3://${BUCKET}/allerod`, '--endpoint', moto.endpoint]);
    expect(remote.code).toBe(0);
    expect(remote.stdout).toContain(`Rapport: s3://${BUCKET}/allerod/reports/2017Q4/index.html`);

    const keys = await keysUnder('allerod/');
    for (const extract of ['persons', 'benefit_weeks', 'offers', 'companies', 'company_contacts', 'benchmarks', 'calendar']) {
      expect(
        keys.some((k) => new RegExp(`^allerod/curated/${extract}/snapshot=[0-9a-f]{16}/${extract}\\.parquet$`).test(k)),
        extract,
      ).toBe(true);
    }
    expect(keys).toContain('allerod/incoming/demo-2017-skala-0_3/benefit_weeks.csv');
    expect(keys).toContain('allerod/incoming/demo-2017-skala-0_3/manifest.json');
    expect(keys.filter((k) => k.startsWith('allerod/locks/'))).toEqual([]);
    for (const key of [
      'results/2017Q4/kpis.json',
      'results/2017Q4/kpis.csv',
      'reports/2017Q4/index.html',
      'reports/2017Q4/r1/index.html',
      'reports/latest/index.html',
    ]) {
      expect((await object(`allerod/${key}`)).equals(await readFile(join(local, key))), key).toBe(true);
    }
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'allerod/reports/2017Q4/r1/index.html' }));
    expect(head.CacheControl).toBe('public, max-age=31536000, immutable');
  });

  it('takes the same delivery uploaded again as the same delivery: exit 0, nothing changes', async () => {
    const store = ['--store', `s3://${BUCKET}/allerod`, '--endpoint', moto.endpoint];
    const before = new Map(await Promise.all((await keysUnder('allerod/')).map(async (k) => [k, (await object(k)).toString('base64')] as const)));
    // Re-upload the manifest as a person would (a new object version, a new upload time).
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'allerod/incoming/demo-2017-skala-0_3/manifest.json', Body: await readFile(join(input, 'manifest.json')) }),
    );
    const again = await cli(['run', ...store, '--config', 'dashboards/municipalities/allerod-demo.yaml']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('4. kvartal 2017 er allerede udgivet med de samme tal (revision 1); intet er ændret.');
    const after = await keysUnder('allerod/');
    expect(after.sort()).toEqual([...before.keys()].sort());
    for (const key of after) expect((await object(key)).toString('base64'), key).toBe(before.get(key));
  });

  it('previews into the bucket and publishes on approval', async () => {
    const store = ['--store', `s3://${BUCKET}/preview`, '--endpoint', moto.endpoint];
    const previewed = await cli(['run', '--input', input, ...store, '--config', 'dashboards/municipalities/allerod-demo.yaml', '--preview']);
    expect(previewed.code).toBe(0);
    const snapshot = /--snapshot ([0-9a-f]{16})/.exec(previewed.stdout)![1]!;
    expect(previewed.stdout).toContain(`approve --quarter 2017Q4 --snapshot ${snapshot} --store s3://${BUCKET}/preview --endpoint ${moto.endpoint}`);
    expect(await keysUnder('preview/reports/')).toEqual([]);
    expect((await object(`preview/previews/2017Q4/${snapshot}/index.html`)).toString()).toContain('Udkast – ikke godkendt');
    const approved = await cli(['approve', '--quarter', '2017Q4', ...store]);
    expect(approved.code).toBe(0);
    expect((await object('preview/reports/2017Q4/index.html')).equals(await object('allerod/reports/2017Q4/index.html'))).toBe(true);
  });
});
