import { keys, type Store } from '../store/store.ts';
import { InvalidManifestError, MANIFEST_FILE, parseManifest, type Manifest } from './manifest.ts';

/**
 * Deliveries as they sit in a store: `incoming/<delivery-id>/` with manifest.json written
 * last. A folder without a manifest is a delivery still arriving (or abandoned) and is never
 * read; a manifest that does not parse is reported, never guessed around.
 */
export interface StoredDelivery {
  id: string;
  manifest: Manifest;
  /** The manifest's exact bytes (the delivery's identity: the same bytes are the same delivery). */
  manifestBytes: Buffer;
}

export class DeliveryNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryNotFound';
  }
}

/** Reads and parses one delivery's manifest; the folder name must be its delivery_id. */
export async function readDelivery(store: Store, id: string): Promise<StoredDelivery> {
  const key = keys.delivery(id, MANIFEST_FILE);
  const bytes = await store.tryGet(key);
  if (!bytes) throw new DeliveryNotFoundError(`Leveringen ${id} findes ikke (eller er ikke færdig): ${store.location}/${key} mangler.`);
  const manifest = parseManifest(bytes, `${store.location}/${key}`);
  if (manifest.delivery_id !== id) {
    throw new InvalidManifestError(`${store.location}/${key}`, [`delivery_id er "${manifest.delivery_id}", men mappen hedder ${id}`]);
  }
  return { id, manifest, manifestBytes: bytes };
}

/** The ids of every folder under incoming/ that has a manifest.json. */
export async function completeDeliveryIds(store: Store): Promise<string[]> {
  const manifests = (await store.list('incoming/')).filter((o) => /^incoming\/[^/]+\/manifest\.json$/.test(o.key));
  return manifests.map((o) => o.key.split('/')[1]!);
}

/** Newest first: by extracted_at, then delivery_id, so the order never depends on file times. */
export function byNewest(a: StoredDelivery, b: StoredDelivery): number {
  const at = Date.parse(b.manifest.extracted_at) - Date.parse(a.manifest.extracted_at);
  return at !== 0 ? at : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The newest complete delivery, for a run without `--input` (after a pull) and for the
 * scheduled run. A delivery whose manifest is broken is skipped with a warning so an old good
 * delivery is never silently preferred without saying so.
 */
export async function newestDelivery(store: Store, warn: (message: string) => void = () => {}): Promise<StoredDelivery> {
  const deliveries: StoredDelivery[] = [];
  for (const id of await completeDeliveryIds(store)) {
    try {
      deliveries.push(await readDelivery(store, id));
    } catch (error) {
      if (!(error instanceof InvalidManifestError)) throw error;
      warn(`${error.message} Leveringen springes over.`);
    }
  }
  const newest = deliveries.sort(byNewest)[0];
  if (!newest) {
    throw new DeliveryNotFoundError(
      `Der er ingen færdig levering i ${store.location}/incoming/. Hent en med \`pejlemaerke pull\`, eller kør med --input MAPPE.`,
    );
  }
  return newest;
}
