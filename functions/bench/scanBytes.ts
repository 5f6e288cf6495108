import { DuckDBInstance } from '@duckdb/node-api';
import { loadKpis } from '../compute/catalog.ts';
import { CURATED_SCHEMA, CURATED_TABLES, type CuratedTable } from '../engine/curatedSchema.ts';
import { sqlString } from '../engine/sql.ts';
import { readSnapshotManifest } from '../engine/snapshot.ts';
import type { LocalStore } from '../store/localStore.ts';

/**
 * What Athena would scan per KPI, from the curated Parquet's own metadata: Athena reads, for
 * every table a query names, the column chunks of the columns it uses (compressed), whole: a
 * snapshot is one partition and its files are in person order, so row-group statistics prune
 * little. A table named twice (a self-join) is read twice. The columns a query uses are those
 * of the table whose names appear in its SQL, an upper bound. Athena bills $5 per TB scanned,
 * at least 10 MB per query.
 */

export interface ScanEstimate {
  kpi: string;
  /** Bytes of curated Parquet the query reads. */
  bytes: number;
  /** What Athena bills: at least 10 MB per query. */
  billedBytes: number;
  tables: string[];
}

export const ATHENA_MIN_BYTES = 10 * 1000 ** 2;
export const ATHENA_USD_PER_TB = 5;

const words = (sql: string) =>
  new Set(
    sql
      .replace(/--[^\n]*/g, '')
      .match(/[a-z_][a-z0-9_]*/gi)
      ?.map((w) => w.toLowerCase()) ?? [],
  );

export async function scanEstimates(
  store: LocalStore,
  snapshot: string,
  kpisDir: string,
): Promise<{ estimates: ScanEstimate[]; columnBytes: Record<string, Record<string, number>> }> {
  const manifest = await readSnapshotManifest(store, snapshot);
  if (!manifest) throw new Error(`no snapshot ${snapshot}`);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const columnBytes: Record<string, Record<string, number>> = {};
  try {
    for (const table of CURATED_TABLES) {
      const files = manifest.tables[table]!.files.map((key) => sqlString(store.pathOf(key)));
      const rows = (
        await db.runAndReadAll(`SELECT path_in_schema AS c, sum(total_compressed_size) AS b FROM parquet_metadata([${files.join(', ')}]) GROUP BY 1`)
      ).getRowObjectsJS();
      columnBytes[table] = Object.fromEntries(rows.map((r) => [String(r.c), Number(r.b)]));
    }
  } finally {
    db.closeSync();
  }
  const estimates: ScanEstimate[] = [];
  for (const kpi of await loadKpis(kpisDir)) {
    const sql = kpi.sql.replace(/--[^\n]*/g, '');
    const used = words(sql);
    let bytes = 0;
    const tables: string[] = [];
    for (const table of CURATED_TABLES) {
      const references = [...sql.matchAll(new RegExp(`\\b(?:FROM|JOIN)\\s+${table}\\b`, 'gi'))].length;
      if (references === 0) continue;
      tables.push(references > 1 ? `${table} ×${references}` : table);
      const columns = Object.keys(CURATED_SCHEMA[table as CuratedTable]).filter((c) => used.has(c));
      bytes += references * columns.reduce((sum, c) => sum + (columnBytes[table]![c] ?? 0), 0);
    }
    estimates.push({ kpi: kpi.definition.id, bytes, billedBytes: Math.max(bytes, ATHENA_MIN_BYTES), tables });
  }
  return { estimates, columnBytes };
}
