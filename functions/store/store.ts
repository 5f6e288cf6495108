/**
 * Where the pipeline keeps everything: a local folder or an S3 bucket prefix, with the same
 * key layout (see docs/architecture.md). Keys are `/`-separated and never start with `/`.
 */
export interface StoredObject {
  key: string;
  size: number;
  /** Last modification time (ms since epoch). Never part of an output: outputs are a function of content. */
  modifiedMs: number;
}

/** An object with the version tag that a conditional write or delete must name (S3: the ETag). */
export interface VersionedObject {
  body: Buffer;
  version: string;
}

export interface Store {
  /** Human-readable location for messages, e.g. `/tmp/out` or `s3://bucket/prefix`. */
  readonly location: string;
  get(key: string): Promise<Buffer>;
  /** Returns undefined when the key does not exist. */
  tryGet(key: string): Promise<Buffer | undefined>;
  /** Writes the whole object or nothing: a reader never sees half a file. */
  put(key: string, body: Buffer | string, contentType?: string): Promise<void>;
  /** Upload a local file (streamed for large files). */
  putFile(key: string, localPath: string, contentType?: string): Promise<void>;
  /** Download to a local file (streamed for large files). */
  getFile(key: string, localPath: string): Promise<void>;
  /** Every object under the prefix, sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  copy(fromKey: string, toKey: string): Promise<void>;
  exists(key: string): Promise<boolean>;

  /** Creates the object only if the key is free (S3 `If-None-Match: *`): its version, or undefined when the key exists. */
  putIfAbsent(key: string, body: Buffer | string): Promise<string | undefined>;
  /** The object and its version tag, or undefined. */
  getVersioned(key: string): Promise<VersionedObject | undefined>;
  /** Replaces the object only if it still has this version (S3 `If-Match`): the new version, or undefined. */
  replaceIfVersion(key: string, body: Buffer | string, version: string): Promise<string | undefined>;
  /** Deletes the object only if it still has this version; false otherwise. Only the store lock deletes. */
  deleteIfVersion(key: string, version: string): Promise<boolean>;
}

/** The key layout shared by the local folder and the bucket. */
export const keys = {
  /** A delivery's files and its manifest.json (written last): `incoming/<delivery-id>/<file>`. */
  delivery: (deliveryId: string, file: string) => `incoming/${deliveryId}/${file}`,
  deliveryPrefix: (deliveryId: string) => `incoming/${deliveryId}/`,
  quarantine: (deliveryId: string, file: string) => `quarantine/${deliveryId}/${file}`,
  curated: (extract: string, snapshot: string) => `curated/${extract}/snapshot=${snapshot}/${extract}.parquet`,
  /** Part `index` (≥ 1) of a table written in several files; part 0 is `curated(…)`. */
  curatedPart: (extract: string, snapshot: string, index: number) =>
    `curated/${extract}/snapshot=${snapshot}/${extract}-${String(index).padStart(5, '0')}.parquet`,
  curatedPrefix: (extract: string, snapshot: string) => `curated/${extract}/snapshot=${snapshot}/`,
  snapshotManifest: (snapshot: string) => `curated/_snapshots/${snapshot}.json`,
  /** The numbers of a quarter's newest published revision (what "published" means for later quarters). */
  results: (quarter: string, file: string) => `results/${quarter}/${file}`,
  /** On AWS, compute hands its draft to publish here (in the data bucket). */
  draft: (quarter: string, snapshot: string) => `drafts/${quarter}/${snapshot}.json`,
  /** A draft for a person to approve: `previews/<quarter>/<snapshot>/…`, never public. */
  preview: (quarter: string, snapshot: string, file: string) => `previews/${quarter}/${snapshot}/${file}`,
  previewPrefix: (quarter: string) => `previews/${quarter}/`,
  /** One published revision, immutable once its revision.json exists. */
  revision: (quarter: string, revision: number, file: string) => `reports/${quarter}/r${revision}/${file}`,
  /** The quarter's entry point: the newest revision's files. */
  report: (quarter: string, file: string) => `reports/${quarter}/${file}`,
  latest: (file: string) => `reports/latest/${file}`,
  /** Every published quarter and revision: the site's front page. */
  reportsIndex: () => 'reports/index.html',
  /** The one lock per store that serialises runs. */
  lock: () => 'locks/run.lock',
} as const;

const REVISION_KEY = /^reports\/\d{4}Q[1-4]\/r\d+\//;

/**
 * How long browsers and CloudFront may keep an object: a published revision never changes,
 * an entry point (`reports/<quarter>/`, `latest/`, the index) moves, a preview is private.
 */
export function cacheControlOf(key: string): string | undefined {
  if (REVISION_KEY.test(key)) return 'public, max-age=31536000, immutable';
  if (key.startsWith('previews/')) return 'private, no-store';
  if (key.startsWith('reports/')) return 'public, max-age=300, must-revalidate';
  return undefined;
}
