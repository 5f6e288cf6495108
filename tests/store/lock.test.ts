import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireStoreLock, isStale, StoreBusyError, withStoreLock, type LockHolder } from '../../functions/store/lock.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { S3Store } from '../../functions/store/s3Store.ts';
import { keys, type Store } from '../../functions/store/store.ts';
import { startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';

const BUCKET = 'laase-test';
let moto: Moto;
let work: string;
let storeNo = 0;

beforeAll(async () => {
  useDummyAwsCredentials();
  moto = await startMoto();
  const admin = new S3Client({ endpoint: moto.endpoint, region: 'eu-north-1', forcePathStyle: true });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-north-1' } }));
  admin.destroy();
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-lock-'));
});

afterAll(async () => {
  await moto?.stop();
  await rm(work, { recursive: true, force: true });
});

const stores: [string, () => Store][] = [
  ['a local folder', () => new LocalStore(join(work, `store${storeNo++}`))],
  ['S3 (moto_server)', () => S3Store.fromUrl(`s3://${BUCKET}/store${storeNo++}`, { endpoint: moto.endpoint, region: 'eu-north-1' })],
];

/** A lock body as another run would have left it. */
function holder(overrides: Partial<LockHolder>): string {
  const at = Date.now();
  return JSON.stringify({
    owner: 'other',
    host: 'other-host',
    pid: 1,
    runtime: 'cli',
    purpose: 'run 2017Q4',
    acquired_at: new Date(at).toISOString(),
    expires_at: new Date(at + 600_000).toISOString(),
    ...overrides,
  });
}

describe.each(stores)('the store lock on %s', (_name, makeStore) => {
  it('is held by one run at a time, says who holds it, and is free again after release', async () => {
    const store = makeStore();
    const lock = await acquireStoreLock(store, { purpose: 'run 2017Q4', heartbeat: false });
    const busy = acquireStoreLock(store, { purpose: 'approve 2017Q4', heartbeat: false });
    await expect(busy).rejects.toThrow(StoreBusyError);
    await expect(busy).rejects.toThrow(/^En anden kørsel er i gang i .* \(run 2017Q4, startet .* på .*, proces \d+\)\. Vent, til den er færdig, og kør igen\./);
    await lock.release();
    expect(await store.exists(keys.lock())).toBe(false);
    await withStoreLock(store, { purpose: 'approve 2017Q4', heartbeat: false }, async () => {
      expect(await store.exists(keys.lock())).toBe(true);
    });
    expect(await store.exists(keys.lock())).toBe(false);
  });

  it('lets exactly one of many simultaneous runs take it', async () => {
    const store = makeStore();
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => acquireStoreLock(store, { purpose: `run ${i}`, heartbeat: false })));
    const won = attempts.filter((a) => a.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 'rejected').every((a) => (a as PromiseRejectedResult).reason instanceof StoreBusyError)).toBe(true);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireStoreLock>>>).value.release();
  });

  it('takes over a lock that has expired, and never releases a lock it no longer owns', async () => {
    const store = makeStore();
    await store.put(keys.lock(), holder({ expires_at: new Date(Date.now() - 1000).toISOString() }));
    const lock = await acquireStoreLock(store, { purpose: 'run 2017Q4', heartbeat: false });
    expect(JSON.parse((await store.get(keys.lock())).toString()).owner).toBe(lock.holder.owner);
    // Someone else took it over after ours expired: releasing must leave theirs alone.
    await store.put(keys.lock(), holder({ owner: 'newer' }));
    await lock.release();
    expect(JSON.parse((await store.get(keys.lock())).toString()).owner).toBe('newer');
  });

  it('notices a takeover on the next heartbeat, so the run stops before writing more', async () => {
    const store = makeStore();
    const lock = await acquireStoreLock(store, { purpose: 'run', ttlMs: 3000, heartbeat: true });
    await store.put(keys.lock(), holder({ owner: 'thief' }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(() => lock.assertHeld()).toThrow(/overtaget af en anden kørsel/);
    await lock.release();
    expect(JSON.parse((await store.get(keys.lock())).toString()).owner).toBe('thief');
  });
});

describe('a lock left by a run that was killed', () => {
  it('is taken over at once when its process on this machine is gone', async () => {
    const store = new LocalStore(join(work, 'killed'));
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await once(child, 'spawn');
    await store.put(keys.lock(), holder({ host: hostname(), pid: child.pid! }));
    await expect(acquireStoreLock(store, { purpose: 'run', heartbeat: false })).rejects.toThrow(StoreBusyError);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const lock = await acquireStoreLock(store, { purpose: 'run', heartbeat: false });
    await lock.release();
  });

  it('is never judged dead on another machine or from a Lambda sandbox: only its expiry frees it', () => {
    const live: LockHolder = JSON.parse(holder({ host: 'other-host', pid: 999_999 }));
    expect(isStale(live, Date.now(), 'cli')).toBe(false);
    expect(isStale({ ...live, host: hostname() }, Date.now(), 'lambda')).toBe(false);
    expect(isStale({ ...live, host: hostname() }, Date.now(), 'cli')).toBe(true);
    expect(isStale(live, Date.parse(live.expires_at) + 1, 'lambda')).toBe(true);
  });
});
