import { posix } from 'node:path';
import { InvalidManifestError, MANIFEST_FILE, parseManifest, type Manifest } from './manifest.ts';
import { isPermissionDenied, missingPath, pathError, SftpPullError, type SftpSession } from './sftpSession.ts';
import type { SftpLocation } from './sftpUrl.ts';

/** A folder on the server whose manifest.json parses: a complete delivery, as far as it says. */
export interface RemoteDelivery {
  /** The folder on the server, e.g. `/udtraek/2026-11-30`. */
  folder: string;
  manifest: Manifest;
  /** manifest.json exactly as the export job wrote it: what the store receives. */
  manifestBytes: Buffer;
}

/** A folder with a manifest.json that cannot be used; `message` is Danish and names the folder. */
export interface SkippedFolder {
  folder: string;
  message: string;
}

/** A manifest lists files and checksums; anything near this size is not one. */
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Manifests read at once: enough to hide round trips, few enough for any server. */
const PARALLEL_READS = 8;

/**
 * The deliveries under `location.path`: either the folder itself is one delivery (manifest.json
 * directly in it) or each sub-folder is one. A folder without manifest.json is still being
 * written (the export job writes the manifest last) and is passed over without a word; folders
 * whose names start with `.` are the export job's temporary folders and are not looked at.
 */
export async function findDeliveries(session: SftpSession, location: SftpLocation): Promise<{ deliveries: RemoteDelivery[]; skipped: SkippedFolder[] }> {
  const root = location.path;
  let entry: Awaited<ReturnType<SftpSession['stat']>>;
  try {
    entry = await session.stat(root);
  } catch (error) {
    throw pathError(error, root, location);
  }
  if (!entry) throw missingPath(root, location);
  if (entry.kind !== 'folder') throw new SftpPullError('path', `${root} på serveren er ikke en mappe`);

  const own = await readManifest(session, root);
  let results: (RemoteDelivery | SkippedFolder | undefined)[];
  if (own) results = [own];
  else {
    let entries: Awaited<ReturnType<SftpSession['list']>>;
    try {
      entries = await session.list(root);
    } catch (error) {
      throw pathError(error, root, location);
    }
    const folders = entries.filter((e) => e.kind === 'folder' && !e.name.startsWith('.')).map((e) => posix.join(root, e.name));
    results = [];
    for (let i = 0; i < folders.length; i += PARALLEL_READS) {
      results.push(...(await Promise.all(folders.slice(i, i + PARALLEL_READS).map((folder) => readManifest(session, folder)))));
    }
  }
  const deliveries: RemoteDelivery[] = [];
  const skipped: SkippedFolder[] = [];
  for (const result of results) {
    if (!result) continue;
    if ('manifest' in result) deliveries.push(result);
    else skipped.push(result);
  }
  return { deliveries, skipped };
}

async function readManifest(session: SftpSession, folder: string): Promise<RemoteDelivery | SkippedFolder | undefined> {
  const path = posix.join(folder, MANIFEST_FILE);
  let bytes: Buffer | undefined;
  try {
    bytes = await session.readSmall(path, MAX_MANIFEST_BYTES);
  } catch (error) {
    if (isPermissionDenied(error)) return { folder, message: `${path} kan ikke læses (ingen adgang); mappen springes over` };
    if (error instanceof SftpPullError && error.kind === 'server')
      return { folder, message: `${path} er for stor til at være et manifest; mappen springes over` };
    throw error;
  }
  if (bytes === undefined) return undefined;
  try {
    return { folder, manifest: parseManifest(bytes, path), manifestBytes: bytes };
  } catch (error) {
    if (!(error instanceof InvalidManifestError)) throw error;
    return { folder, message: `${error.message}; mappen ${folder} springes over` };
  }
}

/** The newest delivery: the latest `extracted_at`, then the greatest delivery id, then folder name. */
export function newestDelivery(deliveries: readonly RemoteDelivery[]): RemoteDelivery | undefined {
  const order = (a: RemoteDelivery, b: RemoteDelivery): number =>
    Date.parse(a.manifest.extracted_at) - Date.parse(b.manifest.extracted_at) ||
    compareText(a.manifest.delivery_id, b.manifest.delivery_id) ||
    compareText(a.folder, b.folder);
  return [...deliveries].sort(order).at(-1);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
