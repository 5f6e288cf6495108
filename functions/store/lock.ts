import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { keys, type Store } from './store.ts';

/**
 * One run at a time per store. The lock is an object created with a conditional write
 * (S3 `If-None-Match: *`; a hard link locally), holding who took it and until when. A lock
 * past its expiry, or one held by a dead process on this machine, is taken over with a
 * conditional replace of exactly the version that was read, so two runs cannot both take it
 * over. A live holder renews it (heartbeat); it is released with a conditional delete, so a
 * run never deletes a lock it no longer owns.
 */
const holderSchema = z.object({
  owner: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** `cli` holders can be checked for a dead process; Lambda sandboxes cannot. */
  runtime: z.enum(['cli', 'lambda']),
  purpose: z.string(),
  acquired_at: z.string(),
  expires_at: z.string(),
});
export type LockHolder = z.infer<typeof holderSchema>;

/** Another run holds the store: a state, not a failure; try again when it is done. */
export class StoreBusyError extends Error {
  constructor(
    readonly holder: LockHolder,
    location: string,
  ) {
    super(
      `En anden kørsel er i gang i ${location} (${holder.purpose}, startet ${holder.acquired_at} på ${holder.host}, proces ${holder.pid}). ` +
        `Vent, til den er færdig, og kør igen. Låsen udløber senest ${holder.expires_at}.`,
    );
    this.name = 'StoreBusy';
  }
}

/** The lock was taken over while this run still worked (it expired): stop before writing more. */
export class LockLostError extends Error {
  constructor(location: string) {
    super(`Kørslens lås i ${location} er overtaget af en anden kørsel (den var udløbet); intet mere skrives. Kør igen.`);
    this.name = 'LockLost';
  }
}

export interface LockOptions {
  /** What the run does, for the message another run shows: e.g. `run 2017Q4`. */
  purpose: string;
  /** How long the lock holds without a heartbeat; a crashed run blocks at most this long. */
  ttlMs?: number;
  runtime?: LockHolder['runtime'];
  /** Renew every ttl/3 while held (default on). */
  heartbeat?: boolean;
  now?: () => number;
}

export const DEFAULT_LOCK_TTL_MS = 15 * 60_000;

export interface StoreLock {
  readonly holder: LockHolder;
  /** Throws LockLostError if a heartbeat found the lock taken over. */
  assertHeld(): void;
  release(): Promise<void>;
}

export async function acquireStoreLock(store: Store, options: LockOptions): Promise<StoreLock> {
  const ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  const now = options.now ?? Date.now;
  const runtime = options.runtime ?? (process.env.AWS_LAMBDA_FUNCTION_NAME ? 'lambda' : 'cli');
  const key = keys.lock();
  const holderAt = (owner: string, acquired: number, at: number): LockHolder => ({
    owner,
    host: hostname(),
    pid: process.pid,
    runtime,
    purpose: options.purpose,
    acquired_at: new Date(acquired).toISOString(),
    expires_at: new Date(at + ttlMs).toISOString(),
  });
  const owner = randomUUID();
  const acquiredAt = now();
  const holder = holderAt(owner, acquiredAt, acquiredAt);
  const body = `${JSON.stringify(holder, null, 2)}\n`;

  // A few rounds only: each lost round means another run changed the lock in between.
  for (let round = 0; round < 5; round++) {
    let version = await store.putIfAbsent(key, body);
    if (version === undefined) {
      const existing = await store.getVersioned(key);
      if (!existing) continue;
      const current = parseHolder(existing.body);
      if (current && !isStale(current, now(), runtime)) throw new StoreBusyError(current, store.location);
      version = await store.replaceIfVersion(key, body, existing.version);
      if (version === undefined) continue;
    }
    return heldLock(store, { key, holder, version, ttlMs, heartbeat: options.heartbeat ?? true, renew: () => holderAt(owner, acquiredAt, now()) });
  }
  throw new Error(`Kunne ikke tage låsen ${key} i ${store.location}: den skiftede ejer under forsøget. Kør igen.`);
}

function heldLock(
  store: Store,
  state: { key: string; holder: LockHolder; version: string; ttlMs: number; heartbeat: boolean; renew: () => LockHolder },
): StoreLock {
  let version = state.version;
  let lost = false;
  let renewing: Promise<void> = Promise.resolve();
  const timer = state.heartbeat
    ? setInterval(
        () => {
          renewing = (async () => {
            const next = await store.replaceIfVersion(state.key, `${JSON.stringify(state.renew(), null, 2)}\n`, version).catch(() => version);
            if (next === undefined) lost = true;
            else version = next;
          })();
        },
        Math.max(1000, Math.floor(state.ttlMs / 3)),
      )
    : undefined;
  // The heartbeat must not keep a finished CLI process alive.
  timer?.unref();
  return {
    holder: state.holder,
    assertHeld() {
      if (lost) throw new LockLostError(store.location);
    },
    async release() {
      if (timer) clearInterval(timer);
      await renewing;
      if (!lost) await store.deleteIfVersion(state.key, version);
    },
  };
}

function parseHolder(body: Buffer): LockHolder | undefined {
  try {
    return holderSchema.parse(JSON.parse(body.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** Expired, or held by a process on this machine that no longer exists (a run killed mid-way). */
export function isStale(holder: LockHolder, nowMs: number, runtime: LockHolder['runtime']): boolean {
  if (Date.parse(holder.expires_at) <= nowMs) return true;
  if (runtime !== 'cli' || holder.runtime !== 'cli' || holder.host !== hostname()) return false;
  return !processAlive(holder.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `work` holding the store lock, and releases it however `work` ends. */
export async function withStoreLock<T>(store: Store, options: LockOptions, work: (lock: StoreLock) => Promise<T>): Promise<T> {
  const lock = await acquireStoreLock(store, options);
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}
