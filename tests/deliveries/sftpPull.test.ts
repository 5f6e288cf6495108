import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryIdConflictError, pullDelivery, type PullOptions, type PullOutcome } from '../../functions/deliveries/sftpPull.ts';
import { SftpPullError } from '../../functions/deliveries/sftpSession.ts';
import { parseSftpUrl, type SftpLocation } from '../../functions/deliveries/sftpUrl.ts';
import type { Log } from '../../functions/log.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { S3Store } from '../../functions/store/s3Store.ts';
import type { Store } from '../../functions/store/store.ts';
import { startCountingProxy } from '../support/countingProxy.ts';
import { startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';
import { generateKey, startSshd, type Sshd } from '../support/sshd.ts';
import { csv, RecordingStore, writeDelivery, type FixtureDelivery } from './deliveryFixture.ts';

let sshd: Sshd;
let work: string;
let privateKey: Buffer;

/** Two complete deliveries, one still being written, one with a broken manifest. */
const OLDER: FixtureDelivery = {
  id: 'kv3-2026',
  extractedAt: '2026-10-01T05:00:00+02:00',
  files: { 'persons.csv': csv(200, 'a'), 'benefit_weeks.csv': csv(500, 'b') },
};
const NEWER: FixtureDelivery = {
  id: 'nov-2026',
  // 06:00 in Copenhagen is 05:00 UTC: later than OLDER, and compared as instants.
  extractedAt: '2026-11-30T06:00:00+01:00',
  files: { 'persons.csv': csv(210, 'c'), 'benefit_weeks.csv': csv(520, 'd'), 'offers.csv': csv(30, 'e') },
};
let newerManifest: Buffer;

function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warn: (message) => warnings.push(message) };
}

async function newStore(name: string): Promise<LocalStore> {
  return new LocalStore(join(work, 'stores', name));
}

function pull(from: SftpLocation | string, store: Store, extra: Partial<PullOptions> = {}): Promise<PullOutcome> {
  return pullDelivery({
    from: typeof from === 'string' ? parseSftpUrl(from) : from,
    privateKey,
    hostKey: sshd.hostKey,
    store,
    workDir: join(work, 'work'),
    ...extra,
  });
}

beforeAll(async () => {
  sshd = await startSshd();
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-pull-'));
  privateKey = await readFile(sshd.identity);
  const deliveries = join(sshd.served, 'deliveries');
  await writeDelivery(join(deliveries, '2026-10-01'), OLDER);
  newerManifest = await writeDelivery(join(deliveries, '2026-11-30'), NEWER);
  // The export job is still writing this one: no manifest yet, so it does not count.
  await mkdir(join(deliveries, '2026-12-01'));
  await writeFile(join(deliveries, '2026-12-01', 'persons.csv'), csv(5));
  await mkdir(join(deliveries, 'ødelagt'));
  await writeFile(join(deliveries, 'ødelagt', 'manifest.json'), '{"contract_version": 1, "delivery_id": ');
});

afterAll(async () => {
  await sshd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pullDelivery from a real OpenSSH server', () => {
  it('copies the newest complete delivery byte for byte, manifest.json last, and names the broken manifest', async () => {
    const store = new RecordingStore(await newStore('newest'));
    const outcome = await pull(sshd.url('deliveries'), store);

    expect(outcome).toMatchObject({ status: 'pulled', deliveryId: 'nov-2026', hostKey: sshd.hostKey });
    if (outcome.status !== 'pulled') throw new Error('not pulled');
    expect(outcome.files.map((f) => f.name)).toEqual(['benefit_weeks.csv', 'offers.csv', 'persons.csv']);
    expect(outcome.files.every((f) => f.uploaded && f.transferred === f.bytes)).toBe(true);
    for (const [name, bytes] of Object.entries(NEWER.files)) {
      expect((await store.get(`incoming/nov-2026/${name}`)).equals(bytes)).toBe(true);
    }
    expect((await store.get('incoming/nov-2026/manifest.json')).equals(newerManifest)).toBe(true);
    expect(store.writes.at(-1)).toBe('incoming/nov-2026/manifest.json');
    expect(store.writes).toHaveLength(4);
    expect(await store.list('incoming/kv3-2026/')).toEqual([]);

    expect(outcome.skipped).toHaveLength(1);
    expect(outcome.skipped[0]!.folder).toMatch(/\/deliveries\/ødelagt$/);
    expect(outcome.skipped[0]!.message).toMatch(
      /ødelagt\/manifest\.json er ikke et gyldigt manifest: filen er ikke gyldig JSON; mappen .*ødelagt springes over/,
    );
    // The staging folder is cleared once the delivery is in the store.
    await expect(stat(join(work, 'work', 'pull', 'nov-2026'))).rejects.toThrow();
  });

  it('treats the same delivery twice as one: the second pull writes nothing', async () => {
    const store = new RecordingStore(await newStore('twice'));
    expect((await pull(sshd.url('deliveries'), store)).status).toBe('pulled');
    const writes = store.writes.length;
    const second = await pull(sshd.url('deliveries'), store);
    expect(second).toMatchObject({ status: 'already', deliveryId: 'nov-2026' });
    expect(store.writes).toHaveLength(writes);
  });

  it('does not upload again a file the store already has with the same bytes', async () => {
    const store = new RecordingStore(await newStore('partly'));
    // An earlier pull stopped after one file: no manifest, so the delivery is not complete.
    await store.put('incoming/nov-2026/benefit_weeks.csv', NEWER.files['benefit_weeks.csv']!);
    await store.put('incoming/nov-2026/persons.csv', Buffer.from('a different file of some length'));
    store.writes.length = 0;
    const outcome = await pull(sshd.url('deliveries'), store);
    if (outcome.status !== 'pulled') throw new Error(outcome.status);
    expect(outcome.files.map((f) => [f.name, f.uploaded])).toEqual([
      ['benefit_weeks.csv', false],
      ['offers.csv', true],
      ['persons.csv', true],
    ]);
    expect(store.writes).toEqual(['incoming/nov-2026/offers.csv', 'incoming/nov-2026/persons.csv', 'incoming/nov-2026/manifest.json']);
    expect((await store.get('incoming/nov-2026/persons.csv')).equals(NEWER.files['persons.csv']!)).toBe(true);
  });

  it('refuses a delivery id the store already holds with another manifest', async () => {
    const store = await newStore('conflict');
    await store.put('incoming/nov-2026/manifest.json', '{"contract_version":1}\n');
    const error = await pull(sshd.url('deliveries'), store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryIdConflictError);
    expect((error as Error).message).toMatch(/delivery_id nov-2026 er allerede brugt af en anden levering/);
    expect(await store.list('incoming/nov-2026/')).toHaveLength(1);
  });

  it('accepts a path that is itself one delivery folder, and a path relative to the login folder', async () => {
    const single = join(sshd.served, 'single');
    const manifest = await writeDelivery(single, { id: 'enkelt', extractedAt: '2026-01-05T08:00:00Z', files: { 'persons.csv': csv(3) } });
    const store = await newStore('single');
    // Sessions start in the served folder: /~/single is served/single.
    const url = `sftp://${sshd.user}@127.0.0.1:${sshd.port}/~/single`;
    expect(await pull(url, store)).toMatchObject({ status: 'pulled', deliveryId: 'enkelt', folder: 'single' });
    expect((await store.get('incoming/enkelt/manifest.json')).equals(manifest)).toBe(true);
  });

  it('says none when no folder holds a manifest', async () => {
    await mkdir(join(sshd.served, 'empty', 'halfway'), { recursive: true });
    await writeFile(join(sshd.served, 'empty', 'halfway', 'persons.csv'), csv(2));
    const store = new RecordingStore(await newStore('none'));
    expect(await pull(sshd.url('empty'), store)).toMatchObject({ status: 'none', skipped: [] });
    expect(store.writes).toEqual([]);
  });
});

describe('a delivery that does not match its manifest', () => {
  const id = 'manipuleret';
  const files = { 'persons.csv': csv(100, 'p'), 'benefit_weeks.csv': csv(100, 'q'), 'offers.csv': csv(10, 'r') };
  let folder: string;

  beforeAll(async () => {
    folder = join(sshd.served, 'tampered');
    // The manifest names persons, benefit_weeks and offers; then persons.csv is changed (same
    // row count), offers.csv goes missing and a file the manifest does not name turns up.
    await writeDelivery(folder, { id, extractedAt: '2026-11-30T06:00:00+01:00', files }, files);
    const tampered = Buffer.from(files['persons.csv']);
    tampered[tampered.length - 3] = tampered[tampered.length - 3] === 0x31 ? 0x32 : 0x31;
    await writeFile(join(folder, 'persons.csv'), tampered);
    await rm(join(folder, 'offers.csv'));
    await writeFile(join(folder, 'noter.txt'), 'ekstra\n');
  });

  it('is incomplete, names each file and its problem, and puts nothing in the store', async () => {
    const store = new RecordingStore(await newStore('tampered'));
    const outcome = await pull(sshd.url('tampered'), store);
    expect(outcome).toMatchObject({ status: 'incomplete', deliveryId: id });
    if (outcome.status !== 'incomplete') throw new Error(outcome.status);
    expect(outcome.problems.map((p) => [p.file, p.reason])).toEqual([
      ['offers.csv', 'missing'],
      ['persons.csv', 'sha256'],
      ['noter.txt', 'extra'],
    ]);
    expect(outcome.problems[1]!.message).toMatch(/SHA-256/);
    expect(store.writes).toEqual([]);
    expect(await store.exists(`incoming/${id}/manifest.json`)).toBe(false);
    expect(await store.list('incoming/')).toEqual([]);
    // The good file stays staged for the next pull; the wrong one is gone.
    const staging = join(work, 'work', 'pull', id);
    expect((await readFile(join(staging, 'benefit_weeks.csv.part'))).equals(files['benefit_weeks.csv'])).toBe(true);
    await expect(stat(join(staging, 'persons.csv.part'))).rejects.toThrow();
  });

  it('is pulled once the export job has fixed it, without fetching the good staged file again', async () => {
    await writeFile(join(folder, 'persons.csv'), files['persons.csv']);
    await writeFile(join(folder, 'offers.csv'), files['offers.csv']);
    await rm(join(folder, 'noter.txt'));
    const store = await newStore('fixed');
    const outcome = await pull(sshd.url('tampered'), store);
    if (outcome.status !== 'pulled') throw new Error(outcome.status);
    expect(outcome.files.map((f) => [f.name, f.transferred])).toEqual([
      ['benefit_weeks.csv', 0],
      ['offers.csv', files['offers.csv'].length],
      ['persons.csv', files['persons.csv'].length],
    ]);
    for (const [name, bytes] of Object.entries(files)) expect((await store.get(`incoming/${id}/${name}`)).equals(bytes)).toBe(true);
  });
});

describe('resuming an interrupted download', () => {
  const id = 'stor';
  const big = csv(250_000, 'x');
  const prefix = 3 * 1024 * 1024 + 17;
  const url = () => `sftp://${sshd.user}@127.0.0.1:${sshd.port}/~/big`;

  beforeAll(async () => {
    await writeDelivery(join(sshd.served, 'big'), { id, extractedAt: '2026-11-30T06:00:00Z', files: { 'benefit_weeks.csv': big } });
  });

  it('completes a .part from where it stopped and fetches only the rest (measured on the wire)', async () => {
    expect(big.length).toBeGreaterThan(prefix + 512 * 1024);
    const workDir = join(work, 'work-resume');
    await mkdir(join(workDir, 'pull', id), { recursive: true });
    await writeFile(join(workDir, 'pull', id, 'benefit_weeks.csv.part'), big.subarray(0, prefix));

    const proxy = await startCountingProxy(sshd.port);
    try {
      const store = await newStore('resume');
      const from = { ...parseSftpUrl(url()), port: proxy.port };
      const outcome = await pull(from, store, { workDir });
      if (outcome.status !== 'pulled') throw new Error(outcome.status);
      expect(outcome.files[0]).toMatchObject({ name: 'benefit_weeks.csv', bytes: big.length, transferred: big.length - prefix });
      expect((await store.get(`incoming/${id}/benefit_weeks.csv`)).equals(big)).toBe(true);
      // The rest of the file plus SSH framing and the handshake; far less than the whole file.
      const wire = proxy.downstreamBytes();
      expect(wire).toBeGreaterThan(big.length - prefix);
      expect(wire).toBeLessThan(big.length - prefix + 256 * 1024);
    } finally {
      await proxy.close();
    }
  });

  it('continues after the line broke mid-file: the broken pull says so, the next fetches only the rest', async () => {
    const workDir = join(work, 'work-broken-line');
    const store = new RecordingStore(await newStore('broken-line'));
    const cut = await startCountingProxy(sshd.port, { cutAfterBytes: 2 * 1024 * 1024 });
    let error: unknown;
    try {
      error = await pull({ ...parseSftpUrl(url()), port: cut.port }, store, { workDir }).catch((e: unknown) => e);
    } finally {
      await cut.close();
    }
    expect(error).toBeInstanceOf(SftpPullError);
    expect((error as SftpPullError).kind).toBe('unreachable');
    expect((error as Error).message).toMatch(/blev afbrudt undervejs; kør igen: hentningen fortsætter, hvor den slap/);
    expect(store.writes).toEqual([]);
    const kept = await readFile(join(workDir, 'pull', id, 'benefit_weeks.csv.part'));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(big.length);
    expect(kept.equals(big.subarray(0, kept.length))).toBe(true);

    const outcome = await pull(url(), store, { workDir });
    if (outcome.status !== 'pulled') throw new Error(outcome.status);
    expect(outcome.files[0]!.transferred).toBe(big.length - kept.length);
    expect((await store.get(`incoming/${id}/benefit_weeks.csv`)).equals(big)).toBe(true);
  });

  it('fetches the whole file again when the kept prefix is not the file’s', async () => {
    const workDir = join(work, 'work-wrong-prefix');
    await mkdir(join(workDir, 'pull', id), { recursive: true });
    await writeFile(join(workDir, 'pull', id, 'benefit_weeks.csv.part'), randomBytes(prefix));
    const store = await newStore('wrong-prefix');
    const outcome = await pull(url(), store, { workDir });
    if (outcome.status !== 'pulled') throw new Error(outcome.status);
    expect(outcome.files[0]!.transferred).toBe(big.length - prefix + big.length);
    expect((await store.get(`incoming/${id}/benefit_weeks.csv`)).equals(big)).toBe(true);
  });

  it('starts over when the .part is longer than the file on the server', async () => {
    const workDir = join(work, 'work-long-part');
    await mkdir(join(workDir, 'pull', id), { recursive: true });
    await writeFile(join(workDir, 'pull', id, 'benefit_weeks.csv.part'), Buffer.concat([big, Buffer.from('mere')]));
    const outcome = await pull(url(), await newStore('long-part'), { workDir });
    if (outcome.status !== 'pulled') throw new Error(outcome.status);
    expect(outcome.files[0]!.transferred).toBe(big.length);
  });
});

describe('connection checks', () => {
  it('refuses a server whose host key is not the pinned one, before logging in', async () => {
    const logins = (sshd.log().match(/Accepted publickey/g) ?? []).length;
    const wrong = `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;
    const error = await pull(sshd.url('deliveries'), await newStore('hostkey'), { hostKey: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SftpPullError);
    expect((error as SftpPullError).kind).toBe('host-key');
    expect((error as Error).message).toContain(`viste ${sshd.hostKey}, men den fastlåste nøgle er ${wrong}`);
    expect((error as Error).message).toMatch(/Der er ikke logget ind/);
    expect((sshd.log().match(/Accepted publickey/g) ?? []).length).toBe(logins);
  });

  it('accepts an unpinned host key but warns with its fingerprint', async () => {
    const log = recordingLog();
    const outcome = await pull(sshd.url('deliveries'), await newStore('unpinned'), { hostKey: undefined, log });
    expect(outcome.status).toBe('pulled');
    expect(log.warnings.join('\n')).toContain(`--host-key ${sshd.hostKey}`);
  });

  it('says so clearly when the server does not take the client key', async () => {
    const other = join(work, 'other_ed25519');
    await generateKey(other);
    const error = await pull(sshd.url('deliveries'), await newStore('auth'), { privateKey: await readFile(other) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SftpPullError);
    expect((error as SftpPullError).kind).toBe('auth');
    expect((error as Error).message).toMatch(new RegExp(`afviste login som ${sshd.user} med nøglen: .*authorized_keys`));
  });

  it('says so clearly when the key file is not a private key', async () => {
    const error = await pull(sshd.url('deliveries'), await newStore('badkey'), { privateKey: await readFile(`${sshd.identity}.pub`) }).catch((e: unknown) => e);
    expect((error as SftpPullError).kind).toBe('key');
    expect((error as Error).message).toMatch(/privat nøgle/);
  });

  it('names a folder that is not on the server', async () => {
    const error = await pull(sshd.url('findes-ikke'), await newStore('nopath')).catch((e: unknown) => e);
    expect((error as SftpPullError).kind).toBe('path');
    expect((error as Error).message).toMatch(/findes-ikke findes ikke på 127\.0\.0\.1:\d+/);
  });

  it('gives up on a server that never answers, with a clear message', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const from = { ...parseSftpUrl(sshd.url('deliveries')), port: (silent.address() as AddressInfo).port };
      const error = await pull(from, await newStore('silent'), { connectTimeoutMs: 300 }).catch((e: unknown) => e);
      expect((error as SftpPullError).kind).toBe('unreachable');
      expect((error as Error).message).toMatch(/intet svar fra 127\.0\.0\.1:\d+ i tide/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('says the server refused the connection when nothing listens on the port', async () => {
    const proxy = await startCountingProxy(sshd.port);
    const closedPort = proxy.port;
    await proxy.close();
    const from = { ...parseSftpUrl(sshd.url('deliveries')), port: closedPort };
    const error = await pull(from, await newStore('refused')).catch((e: unknown) => e);
    expect((error as SftpPullError).kind).toBe('unreachable');
    expect((error as Error).message).toMatch(/afviste forbindelsen/);
  });
});

describe('into an S3 store (moto_server)', () => {
  const BUCKET = 'kommune-data';
  const REGION = 'eu-north-1';
  let moto: Moto;
  let s3: S3Client;

  beforeAll(async () => {
    useDummyAwsCredentials(REGION);
    moto = await startMoto();
    s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  });

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('puts the newest delivery under incoming/<id>/ and is idempotent', async () => {
    const store = S3Store.fromUrl(`s3://${BUCKET}/allerod`, { endpoint: moto.endpoint, region: REGION });
    expect((await pull(sshd.url('deliveries'), store)).status).toBe('pulled');
    const object = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
    for (const [name, bytes] of Object.entries(NEWER.files)) expect((await object(`allerod/incoming/nov-2026/${name}`)).equals(bytes)).toBe(true);
    expect((await object('allerod/incoming/nov-2026/manifest.json')).equals(newerManifest)).toBe(true);
    expect((await pull(sshd.url('deliveries'), store)).status).toBe('already');
  });
});
