import { z } from 'zod';
import { quarterIndex } from '../calendar/quarter.ts';
import type { Publication, Results } from '../compute/results.ts';
import { keys, type Store } from '../store/store.ts';
import { draftSchema } from './draft.ts';

/**
 * A published revision of a quarter: `reports/<quarter>/r<k>/` with `revision.json` written
 * after every other file of the revision, so its presence means the revision is complete. It
 * records what was published (the draft, its fingerprint) and the SHA-256 of every file the
 * publication wrote — the revision's own, the quarter's entry point, `latest/` and `results/`
 * — so a rerun can tell a file torn by a crash from a published one, and repair it to exactly
 * the published bytes.
 */
export const REVISION_FILE = 'revision.json';

export const revisionRecordSchema = z.object({
  quarter: z.string(),
  revision: z.number().int().positive(),
  snapshot: z.string(),
  delivery_id: z.string(),
  fingerprint: z.string(),
  code_version: z.string(),
  correction: z
    .object({
      reason: z.string(),
      replaces_revision: z.number().int().positive(),
      replaces_snapshot: z.string(),
    })
    .nullable(),
  /** The report site's address the note links to (null: a relative link), so a repair renders the same bytes. */
  reports_url: z.string().nullable().default(null),
  /** Store key → SHA-256 of every file the publication wrote. */
  outputs: z.record(z.string(), z.string()),
  draft: draftSchema,
});
export type RevisionRecord = z.infer<typeof revisionRecordSchema>;

const REVISION_MARKER = /^reports\/(\d{4}Q[1-4])\/r(\d+)\/revision\.json$/;

/** Every complete revision of one quarter, oldest first. */
export async function quarterRevisions(store: Store, quarter: string): Promise<RevisionRecord[]> {
  const found = (await store.list(keys.report(quarter, 'r'))).filter((o) => REVISION_MARKER.test(o.key));
  const records: RevisionRecord[] = [];
  for (const object of found) records.push(await readRevision(store, object.key));
  return records.sort((a, b) => a.revision - b.revision);
}

export async function readRevision(store: Store, key: string): Promise<RevisionRecord> {
  const parsed = revisionRecordSchema.safeParse(JSON.parse((await store.get(key)).toString('utf8')));
  if (!parsed.success) throw new Error(`${store.location}/${key} er ikke en gyldig revisionsbeskrivelse; den må ikke ændres i hånden.`);
  return parsed.data;
}

/**
 * Every results document that is or was public: each complete revision of each quarter, with
 * its publication block, as its data/kpis.json shows it. Disclosure over time is judged
 * against all of them, since an earlier revision stays public after a correction.
 */
export async function publishedResults(store: Store): Promise<Results[]> {
  const documents: Results[] = [];
  for (const object of await store.list('reports/')) {
    if (!REVISION_MARKER.test(object.key)) continue;
    const record = await readRevision(store, object.key);
    documents.push({ ...record.draft.results, publication: publicationOf(record) });
  }
  return documents;
}

/** The publication block a revision's results carry. */
export function publicationOf(record: RevisionRecord): Publication {
  return {
    status: 'published',
    revision: record.revision,
    ...(record.correction && {
      corrects: { revision: record.correction.replaces_revision, snapshot: record.correction.replaces_snapshot, reason: record.correction.reason },
    }),
  };
}

/** The quarters with at least one complete revision, oldest first. */
export async function publishedQuarters(store: Store): Promise<string[]> {
  const quarters = new Set<string>();
  for (const object of await store.list('reports/')) {
    const m = REVISION_MARKER.exec(object.key);
    if (m) quarters.add(m[1]!);
  }
  return [...quarters].sort((a, b) => quarterIndex(a) - quarterIndex(b));
}

/**
 * A report from before revisions existed: an entry point with no revision behind it. It is
 * published, but nothing records what, so it can be neither compared nor corrected safely.
 */
export async function hasUnrecordedReport(store: Store, quarter: string, records: readonly RevisionRecord[]): Promise<boolean> {
  return records.length === 0 && (await store.exists(keys.report(quarter, 'index.html')));
}
