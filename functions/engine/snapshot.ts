import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CURATED_TABLES } from './curatedSchema.ts';
import { keys, type Store } from '../store/store.ts';

/** The snapshot id is derived from content only, so the same files always get the same id. */
export const ID_LENGTH = 16;

/** sha256 over the accepted files' names and content hashes, sorted by name. */
export function snapshotId(files: readonly { file: string; sha256: string }[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) hash.update(`${f.file}\n${f.sha256}\n`);
  return hash.digest('hex').slice(0, ID_LENGTH);
}

/**
 * `curated/_snapshots/<id>.json`, written last: what a snapshot was made from, and the facts
 * about its data that decide which quarters it can report. Its presence means the snapshot is
 * complete, so a later run of the same files reuses it instead of ingesting again.
 */
export const snapshotManifestSchema = z.object({
  snapshot: z.string(),
  contractVersion: z.number().int(),
  /** The delivery it was first made from (the same files in another delivery give the same snapshot). */
  deliveryId: z.string(),
  /** Code that curated it: another version curates again rather than trust old Parquet. */
  codeVersion: z.string(),
  /** First and last week index in benefit_weeks (null when it has no rows). */
  firstWeek: z.number().int().nullable(),
  lastWeek: z.number().int().nullable(),
  files: z.array(
    z.object({
      file: z.string(),
      sha256: z.string(),
      bytes: z.number().int(),
      encoding: z.enum(['utf-8', 'windows-1252', 'utf-16le', 'utf-16be']),
      delimiter: z.enum([',', ';']),
    }),
  ),
  /**
   * Every curated table with its files (in row order; `key` is the first) and row count; absent
   * extracts have 0 rows. A manifest without `files` is from before tables could have several
   * files: it does not parse, so the snapshot is curated again.
   */
  tables: z.record(z.enum(CURATED_TABLES as [string, ...string[]]), z.object({ key: z.string(), files: z.array(z.string()).min(1), rows: z.number().int() })),
  warnings: z.array(z.string()),
});
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

/** A complete snapshot's record, or undefined when the snapshot does not exist (yet). */
export async function readSnapshotManifest(store: Store, snapshot: string): Promise<SnapshotManifest | undefined> {
  const bytes = await store.tryGet(keys.snapshotManifest(snapshot));
  if (!bytes) return undefined;
  const parsed = snapshotManifestSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  return parsed.success ? parsed.data : undefined;
}
