import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CURATED_TABLES } from '../engine/curatedSchema.ts';

/**
 * Identities derived from content only, so the same delivery always gets the same ids:
 * a rejected file's delivery id, and the snapshot id of an accepted delivery.
 */
export const ID_LENGTH = 16;

export function deliveryId(contentSha256: string): string {
  return contentSha256.slice(0, ID_LENGTH);
}

/** sha256 over the accepted files' names and content hashes, sorted by name. */
export function snapshotId(files: readonly { file: string; sha256: string }[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) hash.update(`${f.file}\n${f.sha256}\n`);
  return hash.digest('hex').slice(0, ID_LENGTH);
}

/** `curated/_snapshots/<id>.json`: what a snapshot was made from. */
export const snapshotManifestSchema = z.object({
  snapshot: z.string(),
  contractVersion: z.number().int(),
  /** Latest modification time of the incoming files: the delivery time. */
  deliveredAt: z.string(),
  deliveredAtMs: z.number().int(),
  files: z.array(
    z.object({
      file: z.string(),
      sha256: z.string(),
      bytes: z.number().int(),
      encoding: z.enum(['utf-8', 'windows-1252', 'utf-16le', 'utf-16be']),
      delimiter: z.enum([',', ';']),
    }),
  ),
  /** Every curated table with its key and row count; absent extracts have 0 rows. */
  tables: z.record(z.enum(CURATED_TABLES as [string, ...string[]]), z.object({ key: z.string(), rows: z.number().int() })),
  warnings: z.array(z.string()),
});
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;
