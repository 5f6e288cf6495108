import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../engine/duckdbEngine.ts';
import { typedSelect } from './curate.ts';
import type { JobQueue } from './jobQueue.ts';

/**
 * benefit_spells and the (person_id, week) duplicate rule in one streaming pass over the curated
 * benefit_weeks parts, when the delivery lists each person's weeks in order (as exports do):
 * every row is compared with the row before it (a streaming window on one thread follows the
 * file, and the row numbers prove it), and only the rows where something changes are kept.
 * If (person_id, week) strictly increases through the whole file, no pair repeats, and a spell
 * runs from one change to the next. Otherwise the caller falls back to a sort (derived.ts).
 */

export interface SpellsResult {
  /** (person_id, week) strictly increases through the file: no duplicates, and the spells are written. */
  inOrder: boolean;
  rows?: number;
}

/** The rows of one part where person, status or week (+1) changes, plus its last row. */
function marksSql(part: string, rows: number): string {
  return (
    `SELECT rn, person_id, status, week, prev_rn, prev_person, prev_status, prev_week FROM (` +
    `SELECT file_row_number AS rn, person_id, status, week, lag(file_row_number) OVER () AS prev_rn, lag(person_id) OVER () AS prev_person, ` +
    `lag(status) OVER () AS prev_status, lag(week) OVER () AS prev_week FROM read_parquet(${sqlString(part)}, file_row_number = true, hive_partitioning = false)) ` +
    `WHERE prev_rn IS NULL OR prev_rn <> rn - 1 OR person_id <> prev_person OR status <> prev_status OR week <> prev_week + 1 OR rn = ${rows - 1}`
  );
}

export async function streamedSpells(
  queue: JobQueue,
  main: DuckDBConnection,
  parts: readonly { path: string; rows: number }[],
  work: { marks: (index: number) => string; spells: string },
): Promise<SpellsResult> {
  const used = parts.filter((p) => p.rows > 0);
  if (used.length === 0) return { inOrder: true, rows: await writeSpells(main, 'SELECT NULL AS person_id, NULL AS status, NULL AS week, NULL AS g WHERE false', 0, work.spells) };
  await Promise.all(
    used.map((part, k) => queue.run((c) => c.run(`COPY (${marksSql(part.path, part.rows)}) TO ${sqlString(work.marks(k))} (FORMAT parquet)`))),
  );
  let offset = 0;
  const marks = used.map((part, k) => {
    const sql = `SELECT ${k} AS part, rn, ${offset} + rn AS g, rn = ${part.rows - 1} AS is_last, person_id, status, week, prev_rn, prev_person, prev_status, prev_week FROM read_parquet(${sqlString(work.marks(k))})`;
    offset += part.rows;
    return sql;
  });
  const total = offset;
  const m = `(${marks.join(' UNION ALL ')})`;
  // The row before a part's first row is the last row of the part before it.
  const withPrev =
    `SELECT f.part, f.rn, f.g, f.person_id, f.status, f.week, ` +
    `CASE WHEN f.rn = 0 THEN l.person_id ELSE f.prev_person END AS pp, CASE WHEN f.rn = 0 THEN l.status ELSE f.prev_status END AS ps, ` +
    `CASE WHEN f.rn = 0 THEN l.week ELSE f.prev_week END AS pw, f.rn = 0 OR f.prev_rn = f.rn - 1 AS in_order ` +
    `FROM ${m} f LEFT JOIN ${m} l ON f.rn = 0 AND l.part = f.part - 1 AND l.is_last`;
  await main.run(`CREATE OR REPLACE TEMP TABLE spell_marks AS ${withPrev}`);
  const [check] = (
    await main.runAndReadAll(
      `SELECT count(*) FILTER (WHERE NOT in_order) AS out_of_order, ` +
        `count(*) FILTER (WHERE pp IS NOT NULL AND NOT (person_id > pp OR (person_id = pp AND week > pw))) AS unsorted FROM spell_marks`,
    )
  ).getRowObjectsJS();
  if (Number(check?.out_of_order) !== 0 || Number(check?.unsorted) !== 0) {
    await main.run('DROP TABLE IF EXISTS spell_marks');
    return { inOrder: false };
  }
  const starts = `SELECT person_id, status, week, g FROM spell_marks WHERE pp IS NULL OR person_id <> pp OR status <> ps OR week <> pw + 1`;
  const rows = await writeSpells(main, starts, total, work.spells);
  await main.run('DROP TABLE IF EXISTS spell_marks');
  return { inOrder: true, rows };
}

/** A spell runs from its start row to the row before the next start: as many weeks as rows. */
async function writeSpells(main: DuckDBConnection, starts: string, total: number, path: string): Promise<number> {
  const spells =
    `SELECT person_id, status, week AS first_week, week + coalesce(lead(g) OVER (ORDER BY g), ${total}) - g - 1 AS last_week, g FROM (${starts})`;
  const select = `SELECT ${typedSelect('benefit_spells', (column) => column)} FROM (${spells}) ORDER BY g`;
  const reader = await main.runAndReadAll(`COPY (${select}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`);
  return Number(reader.getRowObjectsJS()[0]?.Count ?? 0);
}
