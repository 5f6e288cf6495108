import { rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Log } from '../log.ts';
import { keys, type Store } from '../store/store.ts';
import { digestFile } from './digest.ts';
import { compareWithManifest, MANIFEST_FILE, type DeliveryProblem } from './manifest.ts';
import { findDeliveries, newestDelivery, type RemoteDelivery, type SkippedFolder } from './remoteDeliveries.ts';
import { openSftp, type RemoteEntry, type SftpSession } from './sftpSession.ts';
import type { SftpLocation } from './sftpUrl.ts';
import { prepareStaging, stageFile, stagingDir, type StagedFile } from './staging.ts';

export interface PullOptions {
  /** Server, user and the folder holding the deliveries (or one delivery). */
  from: SftpLocation;
  /** OpenSSH or PEM private key text; never logged. */
  privateKey: Buffer | string;
  /**
   * The server's pinned host key fingerprint, `SHA256:…`. `undefined` accepts any key and warns
   * with the one the server showed: for a first, attended CLI pull only.
   */
  hostKey: string | undefined;
  store: Store;
  /** Local scratch space; the delivery is staged in `<workDir>/pull/<delivery-id>/`. */
  workDir: string;
  log?: Log;
  /** Bytes of a file on disk so far (resumed bytes included), for a progress display. */
  onProgress?: (progress: { file: string; bytes: number; size: number }) => void;
  connectTimeoutMs?: number;
}

export interface PulledFile {
  name: string;
  bytes: number;
  rows: number;
  sha256: string;
  /** Bytes fetched from the server in this pull: less than `bytes` when a `.part` was resumed. */
  transferred: number;
  /** False when the store already had the file with these bytes. */
  uploaded: boolean;
}

interface OutcomeBase {
  /** The fingerprint of the host key the server showed. */
  hostKey: string;
  /** Folders whose manifest.json could not be used, with the reason (Danish). */
  skipped: SkippedFolder[];
}

export type PullOutcome = OutcomeBase &
  (
    | { status: 'pulled'; deliveryId: string; folder: string; dataUntil: string; files: PulledFile[] }
    | { status: 'already'; deliveryId: string; folder: string; dataUntil: string }
    | { status: 'none' }
    | { status: 'incomplete'; deliveryId: string; folder: string; dataUntil: string; problems: DeliveryProblem[] }
  );

/** The store holds another delivery under the same id; a delivery never changes, so we stop. */
export class DeliveryIdConflictError extends Error {
  override readonly name = 'DeliveryIdConflictError';
  constructor(
    readonly deliveryId: string,
    where: string,
  ) {
    super(
      `delivery_id ${deliveryId} er allerede brugt af en anden levering (${where} har et andet manifest.json). ` +
        'En levering ændres aldrig: eksportjobbet skal give den nye levering sit eget delivery_id.',
    );
  }
}

/**
 * Fetches the newest complete delivery from an SFTP server into the store under
 * `incoming/<delivery-id>/`: staged locally (resuming earlier partial downloads), checked file
 * by file against its manifest, and only then copied in, manifest.json last, so the store never
 * shows a delivery as complete before it is. The same delivery twice is one delivery.
 */
export async function pullDelivery(options: PullOptions): Promise<PullOutcome> {
  const { from, log } = options;
  const session = await openSftp({ server: from, privateKey: options.privateKey, hostKey: options.hostKey, connectTimeoutMs: options.connectTimeoutMs });
  try {
    if (options.hostKey === undefined) {
      log?.warn(
        `serverens værtsnøgle er ikke kontrolleret: ${from.host} viste ${session.hostKey}. ` +
          `Bekræft fingeraftrykket hos den, der driver serveren, og fastlås det (--host-key ${session.hostKey}).`,
        { hostKey: session.hostKey },
      );
    }
    const { deliveries, skipped } = await findDeliveries(session, from);
    const base: OutcomeBase = { hostKey: session.hostKey, skipped };
    const newest = newestDelivery(deliveries);
    if (!newest) return { ...base, status: 'none' };

    const deliveryId = newest.manifest.delivery_id;
    const found = { deliveryId, folder: newest.folder, dataUntil: newest.manifest.data_until };
    const manifestKey = keys.delivery(deliveryId, MANIFEST_FILE);
    if (await alreadyStored(options.store, manifestKey, newest.manifestBytes)) {
      return { ...base, ...found, status: 'already' };
    }

    const dir = stagingDir(options.workDir, deliveryId);
    await prepareStaging(dir, newest.manifestBytes);
    const staged = await stageDelivery(session, newest, dir, options);
    const actual = new Map([...staged.files].map(([name, file]) => [name, file.digest]));
    for (const name of staged.extra) actual.set(name, { sha256: '', bytes: 0, rows: 0 });
    const problems = compareWithManifest(newest.manifest.files, actual);
    if (problems.length > 0) return { ...base, ...found, status: 'incomplete', problems };

    const files = await place(options.store, newest, staged.files, dir);
    // Another pull may have finished first; it then wrote the very same manifest.
    if (!(await alreadyStored(options.store, manifestKey, newest.manifestBytes))) {
      await options.store.put(manifestKey, newest.manifestBytes, 'application/json');
    }
    await rm(dir, { recursive: true, force: true });
    log?.info(`Levering ${deliveryId} hentet til ${options.store.location}/${keys.delivery(deliveryId, '')}`, { deliveryId, files: files.length });
    return { ...base, ...found, status: 'pulled', files };
  } finally {
    session.close();
  }
}

/** True when the store has this manifest byte for byte; throws when it has another one. */
async function alreadyStored(store: Store, manifestKey: string, manifestBytes: Buffer): Promise<boolean> {
  const stored = await store.tryGet(manifestKey);
  if (stored === undefined) return false;
  if (stored.equals(manifestBytes)) return true;
  const deliveryId = manifestKey.split('/')[1]!;
  throw new DeliveryIdConflictError(deliveryId, `${store.location}/${manifestKey}`);
}

/** Downloads every listed file that is on the server; names the server's unlisted files. */
async function stageDelivery(
  session: SftpSession,
  delivery: RemoteDelivery,
  dir: string,
  options: PullOptions,
): Promise<{ files: Map<string, StagedFile>; extra: string[] }> {
  const remote = new Map<string, RemoteEntry>();
  for (const entry of await session.list(delivery.folder)) {
    if (entry.kind === 'file' && entry.name !== MANIFEST_FILE) remote.set(entry.name, entry);
  }
  const listed = new Set(delivery.manifest.files.map((f) => f.name));
  const extra = [...remote.keys()].filter((name) => !listed.has(name));
  const files = new Map<string, StagedFile>();
  for (const file of delivery.manifest.files) {
    const entry = remote.get(file.name);
    if (!entry) continue;
    options.log?.info(`Henter ${file.name}`, { file: file.name, bytes: entry.size });
    const onBytes = (bytes: number) => options.onProgress?.({ file: file.name, bytes, size: entry.size });
    files.set(file.name, await stageFile(session, posix.join(delivery.folder, file.name), entry, file, dir, onBytes));
  }
  return { files, extra };
}

/**
 * Copies the staged files into `incoming/<delivery-id>/`. A file already there with the same
 * bytes (from a pull that stopped before its manifest) is left as it is.
 */
async function place(store: Store, delivery: RemoteDelivery, staged: Map<string, StagedFile>, dir: string): Promise<PulledFile[]> {
  const deliveryId = delivery.manifest.delivery_id;
  const present = new Map((await store.list(keys.delivery(deliveryId, ''))).map((o) => [o.key, o.size]));
  const out: PulledFile[] = [];
  for (const listed of [...delivery.manifest.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = staged.get(listed.name)!;
    const key = keys.delivery(deliveryId, listed.name);
    const same = present.get(key) === file.digest.bytes && (await storedSha256(store, key, join(dir, '.stored'))) === file.digest.sha256;
    if (!same) await store.putFile(key, file.path);
    out.push({
      name: listed.name,
      bytes: file.digest.bytes,
      rows: file.digest.rows,
      sha256: file.digest.sha256,
      transferred: file.transferred,
      uploaded: !same,
    });
  }
  return out;
}

async function storedSha256(store: Store, key: string, scratch: string): Promise<string> {
  try {
    await store.getFile(key, scratch);
    return (await digestFile(scratch)).sha256;
  } finally {
    await rm(scratch, { force: true });
  }
}
