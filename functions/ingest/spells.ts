import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../engine/duckdbEngine.ts';
import { typedSelect } from './curate.ts';

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
export function marksSql(part: string, rows: number): string {
  return (
    `SELECT rn, person_id, status, week, prev_rn, prev_person, prev_status, prev_week FROM (` +
    `SELECT file_row_number AS rn, person_id, status, week, lag(file_row_number) OVER () AS prev_rn, lag(person_id) OVER () AS prev_person, ` +
    `lag(status) OVER () AS prev_status, lag(week) OVER () AS prev_week FROM read_parquet(${sqlString(part)}, file_row_number = true, hive_partitioning = false)) ` +
    `WHERE prev_rn IS NULL OR prev_rn <> rn - 1 OR person_id <> prev_person OR status <> prev_status OR week <> prev_week + 1 OR rn = ${rows - 1}`
  );
}

/** Writes a part's marks (marksSql) next to it; the conversion of the part does this right after writing it. */
export async function writeMarks(db: DuckDBConnection, part: { path: string; rows: number }, marks: string): Promise<void> {
  if (part.rows > 0) await db.run(`COPY (${marksSql(part.path, part.rows)}) TO ${sqlString(marks)} (FORMAT parquet)`);
}

/** The spells from every part's marks (written by writeMarks, in part order), or the verdict that the file is not in order. */
export async function streamedSpells(main: DuckDBConnection, parts: readonly { path: string; rows: number; marks: string }[], spellsPath: string): Promise<SpellsResult> {
  const used = parts.filter((p) => p.rows > 0);
  if (used.length === 0) return { inOrder: true, rows: await writeSpells(main, 'SELECT NULL AS person_id, NULL AS status, NULL AS week, NULL AS g WHERE false', 0, spellsPath) };
  const marks = (k: number) => `read_parquet(${sqlString(used[k]!.marks)})`;
  // Within each part: the streaming window saw the rows in file order, and (person_id, week) increases.
  const inside = used.map((_, k) => `SELECT count(*) FILTER (WHERE prev_rn <> rn - 1 OR NOT (person_id > prev_person OR (person_id = prev_person AND week > prev_week))) AS bad FROM ${marks(k)}`);
  const [check] = (await main.runAndReadAll(`SELECT sum(bad) AS bad FROM (${inside.join(' UNION ALL ')})`)).getRowObjectsJS();
  if (Number(check?.bad ?? 0) !== 0) return { inOrder: false };
  // Across parts: a part's first row against the last row of the part before it.
  type Row = { person_id: string; status: string; week: number };
  const edge = async (k: number, rn: number): Promise<Row> => {
    const [row] = (await main.runAndReadAll(`SELECT person_id, status, week FROM ${marks(k)} WHERE rn = ${rn}`)).getRowObjectsJS();
    return { person_id: String(row!.person_id), status: String(row!.status), week: Number(row!.week) };
  };
  const continues: boolean[] = [false];
  for (let k = 1; k < used.length; k++) {
    const [last, first] = [await edge(k - 1, used[k - 1]!.rows - 1), await edge(k, 0)];
    if (!(first.person_id > last.person_id || (first.person_id === last.person_id && first.week > last.week))) return { inOrder: false };
    continues.push(first.person_id === last.person_id && first.status === last.status && first.week === last.week + 1);
  }
  let offset = 0;
  const starts = used.map((part, k) => {
    const start = `(prev_rn IS NOT NULL AND (person_id <> prev_person OR status <> prev_status OR week <> prev_week + 1)) OR (rn = 0 AND ${!continues[k]})`;
    const sql = `SELECT person_id, status, week, ${offset} + rn AS g FROM ${marks(k)} WHERE ${start}`;
    offset += part.rows;
    return sql;
  });
  return { inOrder: true, rows: await writeSpells(main, starts.join(' UNION ALL '), offset, spellsPath) };
}

/** A spell runs from its start row to the row before the next start: as many weeks as rows. */
async function writeSpells(main: DuckDBConnection, starts: string, total: number, path: string): Promise<number> {
  const spells =
    `SELECT person_id, status, week AS first_week, week + coalesce(lead(g) OVER (ORDER BY g), ${total}) - g - 1 AS last_week, g FROM (${starts})`;
  const select = `SELECT ${typedSelect('benefit_spells', (column) => column)} FROM (${spells}) ORDER BY g`;
  const reader = await main.runAndReadAll(`COPY (${select}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`);
  return Number(reader.getRowObjectsJS()[0]?.Count ?? 0);
}
