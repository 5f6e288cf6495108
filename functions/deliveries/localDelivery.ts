import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { keys, type Store } from '../store/store.ts';
import { digestFile } from './digest.ts';
import {
  compareWithManifest,
  DELIVERY_ID_PATTERN,
  MANIFEST_FILE,
  manifestJson,
  parseManifest,
  type DeliveryProblem,
  type Manifest,
  type ManifestFile,
} from './manifest.ts';
import { snapshotId } from '../engine/snapshot.ts';
import { dayToDate, weekThursday } from '../calendar/isoWeek.ts';
import { CONTRACT_VERSION } from '../contract/extracts.ts';

/**
 * A delivery about to be run: read from the store (its manifest is there), or just delivered
 * from a local folder without one — then the product writes the manifest itself, once ingest
 * has read `data_until` from the data.
 */
export interface DeliveryToRun {
  id: string;
  files: ManifestFile[];
  /** Undefined until a computed manifest is written (after a successful ingest). */
  manifest?: Manifest;
  municipality: string;
  extractedAt: string;
}

export type FolderDelivery =
  | { status: 'ready'; delivery: DeliveryToRun; alreadyDelivered: boolean }
  | { status: 'incomplete'; deliveryId: string; problems: DeliveryProblem[] };

/** Two deliveries under one id with different content: the id is not unique, and nothing is overwritten. */
export class DeliveryConflictError extends Error {
  constructor(id: string, location: string) {
    super(
      `Leveringen ${id} findes allerede i ${location}/incoming/${id}/ med andre filer. Et leverings-id bruges kun én gang; giv den nye levering sit eget delivery_id.`,
    );
    this.name = 'DeliveryConflict';
  }
}

/**
 * `--input DIR`: puts a folder into the store as a delivery, as the export job does in the
 * bucket — files first, manifest.json last. With a manifest in the folder, the files must
 * match it (else nothing is copied); without one, the delivery id is derived from the files'
 * content, so the same files copied again are the same delivery, whatever their file times.
 */
export async function deliverFolder(inputDir: string, store: Store, options: { municipality: string; env?: NodeJS.ProcessEnv }): Promise<FolderDelivery> {
  const names = (await readdir(inputDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const manifestPath = names.includes(MANIFEST_FILE) ? join(inputDir, MANIFEST_FILE) : undefined;
  const given = manifestPath ? parseManifest(await readFile(manifestPath), manifestPath) : undefined;
  const delivered = names.filter((n) => n.toLowerCase().endsWith('.csv') || given?.files.some((f) => f.name === n)).sort();

  const digests = new Map<string, ManifestFile>();
  for (const name of delivered) {
    const digest = await digestFile(join(inputDir, name));
    digests.set(name, { name, sha256: digest.sha256, rows: digest.rows });
  }
  if (given) {
    const problems = compareWithManifest(given.files, digests);
    if (problems.length > 0) return { status: 'incomplete', deliveryId: given.delivery_id, problems };
  }
  const files = [...digests.values()];
  const id = given?.delivery_id ?? `lokal-${snapshotId(files.map((f) => ({ file: f.name, sha256: f.sha256 })))}`;
  if (!DELIVERY_ID_PATTERN.test(id)) throw new Error(`Ugyldigt leverings-id: ${id}`);

  const stored = await store.tryGet(keys.delivery(id, MANIFEST_FILE));
  if (stored) {
    const existing = parseManifest(stored, `${store.location}/${keys.delivery(id, MANIFEST_FILE)}`);
    const same = given ? stored.equals(await readFile(manifestPath!)) : compareWithManifest(existing.files, digests).length === 0;
    if (!same) throw new DeliveryConflictError(id, store.location);
    // The first delivery of these files stands: its manifest, its time.
    return {
      status: 'ready',
      alreadyDelivered: true,
      delivery: { id, files: existing.files, manifest: existing, municipality: existing.municipality, extractedAt: existing.extracted_at },
    };
  }

  for (const name of delivered) await store.putFile(keys.delivery(id, name), join(inputDir, name), 'text/csv; charset=utf-8');
  if (given) await store.put(keys.delivery(id, MANIFEST_FILE), await readFile(manifestPath!), 'application/json');
  const extractedAt = given?.extracted_at ?? (await folderTime(inputDir, delivered, options.env ?? process.env));
  return {
    status: 'ready',
    alreadyDelivered: false,
    delivery: { id, files, manifest: given, municipality: given?.municipality ?? options.municipality, extractedAt },
  };
}

/**
 * A folder without a manifest was extracted when its newest file was written (or at
 * SOURCE_DATE_EPOCH, the reproducible-builds convention, when set), to the whole second:
 * copying tools keep seconds, not always the fractions (Node's fs.cp rounds them).
 */
async function folderTime(dir: string, names: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  let latest = 0;
  for (const name of names) latest = Math.max(latest, Math.floor((await stat(join(dir, name))).mtimeMs / 1000) * 1000);
  return new Date(latest).toISOString();
}

/** The manifest the product writes for a folder delivered without one: `data_until` is the data's last day. */
export function computedManifest(delivery: DeliveryToRun, lastWeek: number | null): Manifest {
  const dataUntil = lastWeek === null ? delivery.extractedAt.slice(0, 10) : dayToDate(weekThursday(lastWeek) + 3);
  return {
    contract_version: CONTRACT_VERSION,
    delivery_id: delivery.id,
    municipality: delivery.municipality,
    extracted_at: delivery.extractedAt,
    data_until: dataUntil,
    files: delivery.files,
  };
}

export async function writeManifest(store: Store, manifest: Manifest): Promise<void> {
  await store.put(keys.delivery(manifest.delivery_id, MANIFEST_FILE), manifestJson(manifest), 'application/json');
}
