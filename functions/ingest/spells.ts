import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../engine/sql.ts';
import { typedSelect } from './curate.ts';
import type { JobQueue } from '../engine/jobQueue.ts';

/**
 * benefit_spells and the (person_id, week) duplicate rule in one streaming pass per curated
 * benefit_weeks part, when the delivery lists each person's weeks in order (as exports do):
 * every row is compared with the row before it (a streaming window on one thread follows the
 * file, and the row numbers prove it), and only the rows where something changes are kept. If
 * (person_id, week) strictly increases through the whole file, no pair repeats, and a spell runs
 * from one change to the next. Each part's spells are written as the part is converted; a
 * spell that runs over a cut between two parts is joined afterwards, and only the two files at
 * that cut are written again. Otherwise (the rows are not in that order) the caller falls back
 * to a sort (derived.ts).
 */

export interface SpellRow {
  person_id: string;
  status: string;
  first_week: number;
  last_week: number;
}

export interface PartSpells {
  /** The part's spells, in row order, with the curated columns. */
  path: string;
  count: number;
  /** Rows seen out of file order, or where (person_id, week) does not increase. */
  bad: number;
  first?: SpellRow;
  last?: SpellRow;
}

/** Writes one part's spells (and learns what stitching needs) on the connection that converted it. */
export async function partSpells(db: DuckDBConnection, part: { path: string; rows: number; index: number }, out: string): Promise<PartSpells> {
  const marks = `spell_marks_${part.index}`;
  // The rows where person, status or week (+1) changes; `bad` if the order is not what it seems.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${marks} AS SELECT rn, person_id, status, week, ` +
      `prev_rn IS NOT NULL AND (prev_rn <> rn - 1 OR NOT (person_id > prev_person OR (person_id = prev_person AND week > prev_week))) AS bad FROM (` +
      `SELECT file_row_number AS rn, person_id, status, week, lag(file_row_number) OVER () AS prev_rn, lag(person_id) OVER () AS prev_person, ` +
      `lag(status) OVER () AS prev_status, lag(week) OVER () AS prev_week FROM read_parquet(${sqlString(part.path)}, file_row_number = true, hive_partitioning = false)) ` +
      `WHERE prev_rn IS NULL OR prev_rn <> rn - 1 OR person_id <> prev_person OR status <> prev_status OR week <> prev_week + 1`,
  );
  try {
    const spells = `SELECT person_id, status, week AS first_week, week + coalesce(lead(rn) OVER (ORDER BY rn), ${part.rows}) - rn - 1 AS last_week, rn FROM ${marks}`;
    await db.run(
      `COPY (SELECT ${typedSelect('benefit_spells', (c) => c)} FROM (${spells}) ORDER BY rn) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const [stats] = (await db.runAndReadAll(`SELECT count(*) AS n, count(*) FILTER (WHERE bad) AS bad FROM ${marks}`)).getRowObjectsJS();
    const count = Number(stats?.n ?? 0);
    // In a part in order the first spell is the first row's, the last the last row's.
    const rows = async (which: 'first' | 'last') => {
      if (count === 0) return undefined;
      const [row] = (
        await db.runAndReadAll(
          `SELECT * FROM read_parquet(${sqlString(out)}, file_row_number = true) WHERE file_row_number = ${which === 'first' ? 0 : count - 1}`,
        )
      ).getRowObjectsJS();
      return row
        ? { person_id: String(row.person_id), status: String(row.status), first_week: Number(row.first_week), last_week: Number(row.last_week) }
        : undefined;
    };
    return { path: out, count, bad: Number(stats?.bad ?? 0), first: await rows('first'), last: await rows('last') };
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${marks}`);
  }
}

/**
 * The spells of the whole file from its parts' spells: in order throughout (no bad row, and each
 * cut between parts keeps (person_id, week) increasing), a spell that continues over a cut is
 * one spell. Returns the files of benefit_spells, or that the file is not in order.
 */
export async function stitchSpells(
  queue: JobQueue,
  parts: readonly PartSpells[],
  rewrite: (index: number) => string,
): Promise<{ inOrder: boolean; files?: string[]; rows?: number }> {
  if (parts.some((p) => p.bad > 0)) return { inOrder: false };
  const drop = new Set<number>();
  const extend = new Map<number, number>();
  // The part holding the spell that is still open at the end of the parts seen so far.
  let open: { part: number; spell: SpellRow } | undefined;
  for (const [k, part] of parts.entries()) {
    if (part.count === 0 || !part.first || !part.last) continue;
    if (open) {
      const before = open.spell;
      const first = part.first;
      const increases = first.person_id > before.person_id || (first.person_id === before.person_id && first.first_week > before.last_week);
      if (!increases) return { inOrder: false };
      if (first.person_id === before.person_id && first.status === before.status && first.first_week === before.last_week + 1) {
        drop.add(k);
        const last = part.count === 1 ? part.last.last_week : first.last_week;
        extend.set(open.part, last);
        open.spell = { ...before, last_week: last };
        if (part.count > 1) open = { part: k, spell: part.last };
        continue;
      }
    }
    open = { part: k, spell: part.last };
  }
  const files = await Promise.all(
    parts.map(async (part, k) => {
      if (!drop.has(k) && !extend.has(k)) return part.path;
      const out = rewrite(k);
      const where = drop.has(k) ? 'WHERE file_row_number > 0' : '';
      const lastWeek = extend.has(k) ? `CASE WHEN file_row_number = ${part.count - 1} THEN ${extend.get(k)} ELSE last_week END` : 'last_week';
      const select = `SELECT person_id, status, first_week, ${lastWeek} AS last_week, file_row_number FROM read_parquet(${sqlString(part.path)}, file_row_number = true) ${where}`;
      await queue.run((c) =>
        c.run(
          `COPY (SELECT ${typedSelect('benefit_spells', (c) => c)} FROM (${select}) ORDER BY file_row_number) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`,
        ),
      );
      return out;
    }),
  );
  const rows = parts.reduce((sum, part, k) => sum + part.count - (drop.has(k) ? 1 : 0), 0);
  // A part whose only spell joined the one before it has no file left to show.
  const used = files.filter((_, k) => parts[k]!.count - (drop.has(k) ? 1 : 0) > 0);
  return { inOrder: true, files: used.length > 0 ? used : files.slice(0, 1), rows };
}
