/**
 * The SQL engine KPI queries run on: DuckDB locally, Athena on AWS. Both expose the curated
 * tables under the same names (docs/architecture.md), so KPI SQL runs unchanged on either.
 */
export type SqlValue = string | number | boolean | null;
export type SqlRow = Record<string, SqlValue>;

export interface Engine {
  readonly name: 'duckdb' | 'athena';
  /** Make the curated tables of one snapshot visible under their table names. */
  useSnapshot(snapshot: string): Promise<void>;
  /**
   * Run one query; BIGINT/DECIMAL come back as JS numbers, DATE as `YYYY-MM-DD`. `context`
   * (e.g. the KPI id) lets an engine name the query in its errors. Queries may run
   * concurrently (compute runs a few KPIs at once).
   */
  query(sql: string, context?: string): Promise<SqlRow[]>;
  close(): Promise<void>;
}
