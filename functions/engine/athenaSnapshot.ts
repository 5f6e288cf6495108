import { CURATED_SCHEMA, CURATED_TABLES } from './curatedSchema.ts';

/**
 * On Athena the curated tables are Glue tables partitioned by `snapshot` with partition
 * projection, which rejects queries that do not filter on the partition. KPI SQL names the bare
 * tables (`persons`, `calendar`, …), so every query gets one CTE per curated table that selects
 * the snapshot. In Trino a CTE takes precedence over a table of the same name, so the KPI reads
 * only that snapshot.
 */

const SNAPSHOT_ID = /^[0-9a-f]{16}$/;

export interface SnapshotLocation {
  catalog: string;
  database: string;
  snapshot: string;
}

/** A double-quoted Trino identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The CTE list (without `WITH`) that exposes one snapshot under the curated table names. */
export function snapshotCtes({ catalog, database, snapshot }: SnapshotLocation): string {
  // The id is interpolated into SQL, so it must be exactly what ingest produces.
  if (!SNAPSHOT_ID.test(snapshot)) throw new Error(`Invalid snapshot id ${JSON.stringify(snapshot)}: expected 16 lowercase hex digits`);
  return CURATED_TABLES.map((table) => {
    const columns = Object.keys(CURATED_SCHEMA[table]).map(quoteIdentifier).join(', ');
    const source = [catalog, database, table].map(quoteIdentifier).join('.');
    return `${table} AS (SELECT ${columns} FROM ${source} WHERE snapshot = '${snapshot}')`;
  }).join(',\n');
}

/** Length of the leading whitespace, line comments and block comments of a query. */
function leadingTriviaLength(sql: string): number {
  let at = 0;
  for (;;) {
    const rest = sql.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
    } else if (rest.startsWith('--')) {
      const end = rest.indexOf('\n');
      at += end === -1 ? rest.length : end + 1;
    } else if (rest.startsWith('/*')) {
      const end = rest.indexOf('*/', 2);
      if (end === -1) throw new Error('Forespørgslen begynder med en /* kommentar, der ikke slutter');
      at += end + 2;
    } else {
      return at;
    }
  }
}

/**
 * Prefixes a query with the given CTEs. A query that already starts with `WITH` gets one merged
 * WITH list (Trino allows only one); leading comments stay in front.
 */
export function prependCtes(sql: string, ctes: string): string {
  const triviaEnd = leadingTriviaLength(sql);
  const leading = sql.slice(0, triviaEnd);
  const body = sql.slice(triviaEnd);
  if (body.trim() === '') throw new Error('Forespørgslen er tom');
  const withKeyword = /^with\b\s*/i.exec(body);
  if (!withKeyword) return `${leading}WITH ${ctes}\n${body}`;
  const afterWith = body.slice(withKeyword[0].length);
  // A recursive WITH would make the snapshot CTEs recursive too; KPI SQL never needs it.
  if (/^recursive\b/i.test(afterWith)) throw new Error('WITH RECURSIVE is not supported in KPI SQL');
  return `${leading}WITH ${ctes},\n${afterWith}`;
}
