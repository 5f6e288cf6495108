/**
 * Where the pipeline keeps everything: a local folder or an S3 bucket prefix, with the same
 * key layout (see docs/architecture.md). Keys are `/`-separated and never start with `/`.
 */
export interface StoredObject {
  key: string;
  size: number;
  /** Last modification time (ms since epoch); the delivery time of an incoming file. */
  modifiedMs: number;
}

export interface Store {
  /** Human-readable location for messages, e.g. `/tmp/out` or `s3://bucket/prefix`. */
  readonly location: string;
  get(key: string): Promise<Buffer>;
  /** Returns undefined when the key does not exist. */
  tryGet(key: string): Promise<Buffer | undefined>;
  put(key: string, body: Buffer | string, contentType?: string): Promise<void>;
  /** Upload a local file (streamed for large files). */
  putFile(key: string, localPath: string, contentType?: string): Promise<void>;
  /** Download to a local file (streamed for large files). */
  getFile(key: string, localPath: string): Promise<void>;
  /** Every object under the prefix, sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  copy(fromKey: string, toKey: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** The key layout shared by the local folder and the bucket. */
export const keys = {
  incoming: (file: string) => `incoming/${file}`,
  /** A delivery's files and its manifest.json (written last): `incoming/<delivery-id>/<file>`. */
  delivery: (deliveryId: string, file: string) => `incoming/${deliveryId}/${file}`,
  quarantine: (deliveryId: string, file: string) => `quarantine/${deliveryId}/${file}`,
  curated: (extract: string, snapshot: string) => `curated/${extract}/snapshot=${snapshot}/${extract}.parquet`,
  curatedPrefix: (extract: string, snapshot: string) => `curated/${extract}/snapshot=${snapshot}/`,
  snapshotManifest: (snapshot: string) => `curated/_snapshots/${snapshot}.json`,
  results: (quarter: string, file: string) => `results/${quarter}/${file}`,
  report: (quarter: string, file: string) => `reports/${quarter}/${file}`,
  latest: (file: string) => `reports/latest/${file}`,
} as const;
