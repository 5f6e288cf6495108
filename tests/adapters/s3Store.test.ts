import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Store } from '../../functions/store/s3Store.ts';
import { startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';

const BUCKET = 'pejlemaerke-data';
const REGION = 'eu-north-1';

let moto: Moto;
let admin: S3Client;
let workDir: string;

/** Counts the SDK commands a store sends, by command name. */
function countCommands(store: S3Store): Map<string, number> {
  const counts = new Map<string, number>();
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(context.commandName!, (counts.get(context.commandName!) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize' },
  );
  return counts;
}

function storeAt(prefix: string): S3Store {
  return S3Store.fromUrl(`s3://${BUCKET}/${prefix}`, { endpoint: moto.endpoint, region: REGION });
}

async function contentType(store: S3Store, key: string): Promise<string | undefined> {
  const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: store.objectKey(key) }));
  return head.ContentType;
}

beforeAll(async () => {
  useDummyAwsCredentials(REGION);
  moto = await startMoto();
  admin = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  workDir = await mkdtemp(join(tmpdir(), 'pejlemaerke-s3-test-'));
});

afterAll(async () => {
  admin?.destroy();
  await moto?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('S3Store.fromUrl', () => {
  it('splits bucket and prefix and normalises slashes', () => {
    const root = S3Store.fromUrl('s3://b');
    expect([root.bucket, root.prefix, root.location, root.objectKey('x/y.csv')]).toEqual(['b', '', 's3://b', 'x/y.csv']);
    const nested = S3Store.fromUrl('s3://b/a/b/');
    expect([nested.bucket, nested.prefix, nested.location, nested.objectKey('x.csv')]).toEqual(['b', 'a/b', 's3://b/a/b', 'a/b/x.csv']);
  });

  it('rejects what is not an s3 URL and absolute keys', () => {
    expect(() => S3Store.fromUrl('/tmp/out')).toThrow(/er ikke en S3-adresse; skriv s3:\/\/bucket/);
    expect(() => S3Store.fromUrl('s3:///prefix')).toThrow(/er ikke en S3-adresse/);
    expect(() => S3Store.fromUrl('s3://b').objectKey('/etc/passwd')).toThrow(/relative/);
  });
});

describe('S3Store against moto_server', () => {
  it('puts and gets text and bytes, reporting missing keys', async () => {
    const store = storeAt('basic');
    await store.put('results/2024Q1/kpis.json', '{"kommune":"Allerød æøå"}');
    await store.put('curated/raw.bin', Buffer.from([0, 255, 1, 254]));

    expect((await store.get('results/2024Q1/kpis.json')).toString('utf8')).toBe('{"kommune":"Allerød æøå"}');
    expect([...(await store.get('curated/raw.bin'))]).toEqual([0, 255, 1, 254]);
    expect(await store.tryGet('results/2024Q1/missing.json')).toBeUndefined();
    await expect(store.get('results/2024Q1/missing.json')).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await store.exists('curated/raw.bin')).toBe(true);
    expect(await store.exists('curated/raw')).toBe(false);
  });

  it('reports a missing bucket instead of treating it as a missing key', async () => {
    const store = S3Store.fromUrl('s3://no-such-bucket/x', { endpoint: moto.endpoint, region: REGION });
    await expect(store.tryGet('a.json')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('lists sizes and modification times relative to the prefix', async () => {
    const before = Date.now();
    const store = storeAt('listing');
    // "æøå" is 6 bytes in UTF-8.
    await store.put('incoming/personer.csv', 'æøå');
    await store.put('incoming/a.csv', '12345');
    await store.put('results/x.json', '{}');
    const listed = await store.list('incoming/');
    expect(listed.map((o) => [o.key, o.size])).toEqual([
      ['incoming/a.csv', 5],
      ['incoming/personer.csv', 6],
    ]);
    for (const object of listed) {
      // S3 keeps whole seconds; allow for that and a slow machine.
      expect(object.modifiedMs).toBeGreaterThanOrEqual(before - 1000);
      expect(object.modifiedMs).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect((await store.list('')).map((o) => o.key)).toEqual(['incoming/a.csv', 'incoming/personer.csv', 'results/x.json']);
    expect(await store.list('nothing/')).toEqual([]);
  });

  it('pages through more than 1000 keys', async () => {
    const store = storeAt('many');
    const expected = Array.from({ length: 1105 }, (_, i) => `charts/${String(i).padStart(4, '0')}.svg`);
    for (let start = 0; start < expected.length; start += 25) {
      await Promise.all(expected.slice(start, start + 25).map((key) => store.put(key, '<svg/>')));
    }
    const counts = countCommands(store);
    const listed = await store.list('charts/');
    expect(listed.length).toBe(1105);
    expect(listed.map((o) => o.key)).toEqual(expected);
    // 1105 keys at S3's 1000 per page take exactly two ListObjectsV2 calls.
    expect(counts.get('ListObjectsV2Command')).toBe(2);
  });

  it('keeps stores with neighbouring prefixes apart', async () => {
    const one = storeAt('run-1');
    const ten = storeAt('run-10');
    await one.put('results/kpis.json', 'one');
    await ten.put('results/kpis.json', 'ten');
    expect((await one.list('')).map((o) => o.key)).toEqual(['results/kpis.json']);
    expect((await ten.list('')).map((o) => o.key)).toEqual(['results/kpis.json']);
    expect((await one.get('results/kpis.json')).toString()).toBe('one');
    expect((await ten.get('results/kpis.json')).toString()).toBe('ten');
    const root = S3Store.fromUrl(`s3://${BUCKET}`, { endpoint: moto.endpoint, region: REGION });
    expect((await root.list('run-1')).map((o) => o.key)).toEqual(['run-1/results/kpis.json', 'run-10/results/kpis.json']);
  });

  it('sets content types from the extension unless the caller gives one', async () => {
    const store = storeAt('types');
    const cases: [string, string][] = [
      ['reports/2024Q1/index.html', 'text/html; charset=utf-8'],
      ['reports/2024Q1/charts/a.svg', 'image/svg+xml'],
      ['results/2024Q1/kpis.json', 'application/json'],
      ['results/2024Q1/kpis.csv', 'text/csv; charset=utf-8'],
      ['curated/persons/snapshot=0123456789abcdef/persons.parquet', 'application/vnd.apache.parquet'],
      ['quarantine/d1/persons.csv.errors', 'application/octet-stream'],
    ];
    for (const [key] of cases) await store.put(key, 'x');
    for (const [key, type] of cases) expect([key, await contentType(store, key)]).toEqual([key, type]);

    await store.put('reports/2024Q1/data/raw.txt', 'x', 'text/plain; charset=utf-8');
    expect(await contentType(store, 'reports/2024Q1/data/raw.txt')).toBe('text/plain; charset=utf-8');
  });

  it('copies objects, including keys that need URL encoding, keeping the content type', async () => {
    const store = storeAt('copy');
    await store.put('reports/2024Q1/rapport æ 1+1.html', '<p>Kvartal</p>');
    await store.copy('reports/2024Q1/rapport æ 1+1.html', 'reports/latest/rapport æ 1+1.html');
    expect((await store.get('reports/latest/rapport æ 1+1.html')).toString()).toBe('<p>Kvartal</p>');
    expect(await contentType(store, 'reports/latest/rapport æ 1+1.html')).toBe('text/html; charset=utf-8');
    expect(await store.exists('reports/2024Q1/rapport æ 1+1.html')).toBe(true);
  });

  it('caches a published revision for a year, an entry point for minutes, a preview never — copies included', async () => {
    const store = storeAt('cache');
    const cacheControl = async (key: string) => (await store.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: store.objectKey(key) }))).CacheControl;
    await store.put('reports/2017Q4/r1/index.html', '<p>r1</p>');
    await store.copy('reports/2017Q4/r1/index.html', 'reports/2017Q4/index.html');
    await store.copy('reports/2017Q4/r1/index.html', 'reports/latest/index.html');
    await store.put('previews/2017Q4/0123456789abcdef/index.html', '<p>udkast</p>');
    await store.put('results/2017Q4/kpis.json', '{}');
    expect(await cacheControl('reports/2017Q4/r1/index.html')).toBe('public, max-age=31536000, immutable');
    expect(await cacheControl('reports/2017Q4/index.html')).toBe('public, max-age=300, must-revalidate');
    expect(await cacheControl('reports/latest/index.html')).toBe('public, max-age=300, must-revalidate');
    expect(await cacheControl('previews/2017Q4/0123456789abcdef/index.html')).toBe('private, no-store');
    expect(await cacheControl('results/2017Q4/kpis.json')).toBeUndefined();
  });

  it('writes conditionally: create only if absent, replace and delete only the version read', async () => {
    const store = storeAt('conditional');
    const first = await store.putIfAbsent('locks/run.lock', 'a');
    expect(first).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await store.putIfAbsent('locks/run.lock', 'b')).toBeUndefined();
    expect((await store.get('locks/run.lock')).toString()).toBe('a');
    const read = await store.getVersioned('locks/run.lock');
    expect(read).toEqual({ body: Buffer.from('a'), version: first });
    expect(await store.replaceIfVersion('locks/run.lock', 'c', '"00000000000000000000000000000000"')).toBeUndefined();
    const replaced = await store.replaceIfVersion('locks/run.lock', 'c', first!);
    expect(replaced).toBeDefined();
    expect(await store.deleteIfVersion('locks/run.lock', first!)).toBe(false);
    expect(await store.exists('locks/run.lock')).toBe(true);
    expect(await store.deleteIfVersion('locks/run.lock', replaced!)).toBe(true);
    expect(await store.getVersioned('locks/run.lock')).toBeUndefined();
    expect(await store.replaceIfVersion('locks/run.lock', 'd', replaced!)).toBeUndefined();
  });

  it('streams a multi-megabyte file up in parts and back down byte for byte', async () => {
    const store = storeAt('large');
    const size = 20 * 1024 * 1024 + 12345;
    const original = randomBytes(size);
    const source = join(workDir, 'persons.parquet');
    await writeFile(source, original);
    const counts = countCommands(store);

    await store.putFile('curated/persons/snapshot=0123456789abcdef/persons.parquet', source);
    // 8 MiB parts: 8 + 8 + 4.01 MiB.
    expect(counts.get('CreateMultipartUploadCommand')).toBe(1);
    expect(counts.get('UploadPartCommand')).toBe(3);
    expect(counts.get('CompleteMultipartUploadCommand')).toBe(1);
    expect(await contentType(store, 'curated/persons/snapshot=0123456789abcdef/persons.parquet')).toBe('application/vnd.apache.parquet');

    const downloadDir = join(workDir, 'down', 'nested');
    const target = join(downloadDir, 'persons.parquet');
    await store.getFile('curated/persons/snapshot=0123456789abcdef/persons.parquet', target);
    expect((await stat(target)).size).toBe(size);
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(sha(await readFile(target))).toBe(sha(original));
    expect(await readdir(downloadDir)).toEqual(['persons.parquet']);
    expect((await store.list('curated/'))[0]!.size).toBe(size);
  });

  it('sends a small file with a single PUT and fails getFile on a missing key without leaving files', async () => {
    const store = storeAt('small');
    const source = join(workDir, 'small.csv');
    await writeFile(source, 'person_id;køn\n1;K\n');
    const counts = countCommands(store);
    await store.putFile('incoming/small.csv', source);
    expect(counts.get('PutObjectCommand')).toBe(1);
    expect(counts.get('CreateMultipartUploadCommand')).toBeUndefined();
    expect((await store.get('incoming/small.csv')).toString()).toBe('person_id;køn\n1;K\n');

    const dir = join(workDir, 'missing');
    await expect(store.getFile('incoming/none.csv', join(dir, 'none.csv'))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await readdir(dir)).toEqual([]);
  });
});
