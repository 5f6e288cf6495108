import { sqlString } from '../engine/sql.ts';
import { KPI_ID_PATTERN } from '../compute/kpiDefinition.ts';
import { CPR_CANDIDATE_REGEX } from './cpr.ts';
import type { Delimiter } from './csvFile.ts';
import { MAX_TEXT_LENGTH, MAX_YEAR, MIN_YEAR, PERIOD_PATTERN, resolvedMax, type ColumnSpec, type ExtractSpec } from './extracts.ts';

/**
 * The SQL of validation. Per extract there is a `lines_<extract>` table (the file, one row
 * per line), a `cells_<extract>` view (line, n = number of cells, p = the cells, and
 * `"c_<column>"` per contract column), a `values_<extract>` table (each column position's
 * distinct values with their row counts) and a `problems_<extract>` table.
 */
type Named = Pick<ExtractSpec, 'name'>;
export const linesTable = (spec: Named) => `lines_${spec.name}`;
export const cellsTable = (spec: Named) => `cells_${spec.name}`;
export const valuesTable = (spec: Named) => `values_${spec.name}`;
export const problemsTable = (spec: Named) => `problems_${spec.name}`;
export const flaggedTable = (spec: Named) => `flagged_${spec.name}`;
export const cellColumn = (name: string) => `"c_${name}"`;

/** A value bound to a `$n` parameter: delivered text only ever reaches SQL this way. */
export type SqlParam = string | number | null;

/** Runs statements on the validation's DuckDB connection. */
export interface Sql {
  run(sql: string, params?: SqlParam[]): Promise<void>;
  rows(sql: string, params?: SqlParam[]): Promise<Record<string, unknown>[]>;
}

/** What a rule needs to know about the file it checks. */
export interface RuleContext {
  sql: Sql;
  spec: ExtractSpec;
  cells: string;
  values: string;
  problems: string;
  /** Number of cells on a well-formed line (the header's). */
  k: number;
  columnIndex: Map<string, number>;
  delimiter: Delimiter;
  now: Date;
  /** A relation with one column `value`: the person_ids of persons.csv (the values table, or its curated Parquet). */
  personIds?: string;
}

/**
 * Excel quotes some cells: one pair of surrounding quotes is not part of the value. Spaces
 * and tabs around a value are layout (` M ` is `M`, csvFile.ts `trimBlanks`); inside quotes
 * they are kept. Lines without quotes, spaces or tabs (nearly all) are only split.
 */
export const VALUES_SQL_MACROS = `
CREATE OR REPLACE MACRO unquote_cell(x) AS
  CASE WHEN starts_with(x, '"') AND ends_with(x, '"') AND length(x) >= 2 THEN x[2:-2] ELSE x END;
CREATE OR REPLACE MACRO trim_cell(x) AS trim(x, ' ' || chr(9));
CREATE OR REPLACE MACRO split_cells(l, d) AS
  CASE WHEN l IS NULL THEN []
       WHEN contains(l, '"') OR contains(l, ' ') OR contains(l, chr(9)) THEN list_transform(string_split(l, d), x -> unquote_cell(trim_cell(x)))
       ELSE string_split(l, d) END;
`;

/** RE2 source of a JS regex anchored with ^…$, for regexp_full_match. */
function fullMatch(pattern: RegExp): string {
  return pattern.source.replace(/^\^/, '').replace(/\$$/, '').replaceAll('\\d', '[0-9]');
}

const SQL_DATE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
const SQL_PSEUDONYM = '[A-Za-z0-9_-]{6,64}';

/** A cell's value as a DATE when it is a real `YYYY-MM-DD` date, else NULL. */
export function dateValueSql(ref: string): string {
  return `CASE WHEN regexp_full_match(${ref}, '${SQL_DATE}') THEN TRY_CAST(${ref} AS DATE) END`;
}

/**
 * The rule a value breaks in this column, or NULL. CASE tries its branches in order, so the
 * casts only see well-formed text.
 */
export function cellRuleSql(column: ColumnSpec, ref: string, ctx: Pick<RuleContext, 'delimiter' | 'now'>): string {
  const branches = [`WHEN ${ref} = '' THEN ${column.required ? `'required'` : 'NULL'}`, `WHEN contains(${ref}, '"') THEN 'quote'`];
  const year = `TRY_CAST(substr(${ref}, 1, 4) AS INTEGER)`;
  const yearRange = `${year} NOT BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`;
  const type = column.type;
  switch (type.kind) {
    case 'pseudonym':
      branches.push(`WHEN NOT regexp_full_match(${ref}, '${SQL_PSEUDONYM}') THEN 'pseudonym'`);
      break;
    case 'enum':
      branches.push(`WHEN ${ref} NOT IN (${type.values.map(sqlString).join(', ')}) THEN 'enum'`);
      break;
    case 'integer': {
      branches.push(`WHEN NOT regexp_full_match(${ref}, '-?[0-9]{1,9}') THEN 'integer'`);
      const max = resolvedMax(type, ctx.now);
      if (type.min !== undefined) branches.push(`WHEN CAST(${ref} AS INTEGER) < ${type.min} THEN 'range'`);
      if (max !== undefined) branches.push(`WHEN CAST(${ref} AS INTEGER) > ${max} THEN 'range'`);
      break;
    }
    case 'number': {
      const decimal = ctx.delimiter === ';' ? '[.,]' : '[.]';
      if (type.min === 0) branches.push(`WHEN regexp_full_match(${ref}, '-[0-9]+(${decimal}[0-9]+)?') THEN 'negative'`);
      branches.push(`WHEN NOT regexp_full_match(${ref}, '${type.min === 0 ? '' : '-?'}[0-9]+(${decimal}[0-9]+)?') THEN 'number'`);
      break;
    }
    case 'date':
      branches.push(`WHEN ${dateValueSql(ref)} IS NULL THEN 'date'`, `WHEN ${yearRange} THEN 'range'`);
      break;
    case 'week':
      branches.push(
        `WHEN NOT regexp_full_match(${ref}, '[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])') THEN 'week'`,
        `WHEN ${yearRange} THEN 'range'`,
        `WHEN substr(${ref}, 7, 2) = '53' AND weeks_in_iso_year(${year}) < 53 THEN 'week'`,
      );
      break;
    case 'kpiId':
      branches.push(`WHEN NOT regexp_full_match(${ref}, '${fullMatch(KPI_ID_PATTERN)}') THEN 'kpi_id'`);
      break;
    case 'period':
      branches.push(`WHEN NOT regexp_full_match(${ref}, '${fullMatch(PERIOD_PATTERN)}') THEN 'period'`);
      break;
    case 'text':
      branches.push(`WHEN length(${ref}) > ${MAX_TEXT_LENGTH} THEN 'text'`);
      break;
  }
  return `CASE ${branches.join(' ')} END`;
}

/** One grouped pass over the file: every column position's distinct values, with row counts. */
/** One grouped pass over the file: each column position's distinct values, with row counts. */
export function valuesSql(ctx: RuleContext): string {
  const positions = Array.from({ length: ctx.k }, (_, i) => i + 1);
  const v = (j: number) => `v${j}`;
  const which = (pick: (j: number) => string) => `CASE ${positions.map((j) => `WHEN grouping(${v(j)}) = 0 THEN ${pick(j)}`).join(' ')} END`;
  return (
    `CREATE OR REPLACE TABLE ${ctx.values} AS SELECT ${which(String)} AS col, ${which(v)} AS value, count(*) AS rows, min(n) AS min_n, max(n) AS max_n ` +
    `FROM (SELECT n, ${positions.map((j) => `p[${j}] AS ${v(j)}`).join(', ')} FROM ${ctx.cells}) ` +
    `GROUP BY GROUPING SETS (${positions.map((j) => `(${v(j)})`).join(', ')})`
  );
}

/** An (owner, week) unique key, like benefit_weeks' (person_id, week). */
export function weekKey(spec: ExtractSpec): { owner: string; week: string } | undefined {
  const key = spec.uniqueKey;
  const week = key?.length === 2 ? spec.columns.find((c) => c.name === key[1]) : undefined;
  return week?.type.kind === 'week' ? { owner: key![0]!, week: week.name } : undefined;
}

/** The cells of the unique key, when the extract has one and the header holds all of it. */
export function uniqueKeyCells(ctx: Pick<RuleContext, 'spec' | 'columnIndex'>): string[] | undefined {
  const key = ctx.spec.uniqueKey;
  return key?.every((name) => ctx.columnIndex.has(name)) ? key.map((name) => `p[${ctx.columnIndex.get(name)}]`) : undefined;
}

/**
 * Values that break a rule (per column), look like a CPR number (any column), or name a
 * person missing from persons.csv; then the well-formed lines holding them.
 */
export async function checkValues(ctx: RuleContext): Promise<void> {
  const { sql } = ctx;
  const flagged = flaggedTable(ctx.spec);
  const checked = [...ctx.columnIndex.entries()].map(([name, j]) => ({ column: ctx.spec.columns.find((c) => c.name === name)!, j }));
  const parts: string[] = [];
  if (checked.length > 0) {
    const rule = `CASE col ${checked.map(({ column, j }) => `WHEN ${j} THEN ${cellRuleSql(column, 'value', ctx)}`).join(' ')} END`;
    parts.push(
      `SELECT col, value, rule, CASE WHEN is_echoable(value) THEN value END AS shown FROM (SELECT col, value, ${rule} AS rule FROM ${ctx.values} WHERE col IS NOT NULL) WHERE rule IS NOT NULL`,
    );
  }
  const numbers = checked.filter(({ column }) => column.type.kind === 'number').map(({ j }) => j);
  const cpr =
    numbers.length > 0 ? `CASE WHEN col IN (${numbers.join(', ')}) THEN looks_like_cpr_number(value) ELSE looks_like_cpr(value) END` : 'looks_like_cpr(value)';
  // CASE, not AND: DuckDB evaluates both sides of an AND on every value, and the full test
  // (lambdas over regexp tokens) costs ~15× the candidate regex that almost no value passes.
  parts.push(`SELECT col, value, 'cpr', NULL FROM ${ctx.values} WHERE CASE WHEN regexp_matches(value, '${CPR_CANDIDATE_REGEX}') THEN ${cpr} ELSE false END`);
  const personIndex = ctx.columnIndex.get('person_id');
  if (ctx.spec.referencesPersons && ctx.personIds && personIndex !== undefined) {
    // Ids that break the pseudonym rule are reported there, not again here.
    parts.push(
      `SELECT col, value, 'unknown_person', NULL FROM ${ctx.values} WHERE col = ${personIndex} AND regexp_full_match(value, '${SQL_PSEUDONYM}') ` +
        `AND value NOT IN (SELECT value FROM ${ctx.personIds} WHERE value IS NOT NULL)`,
    );
  }
  await sql.run(`CREATE OR REPLACE TABLE ${flagged} AS ${parts.join(' UNION ALL ')}`);
  for (const { col } of await sql.rows(`SELECT DISTINCT col FROM ${flagged} ORDER BY col`)) {
    await sql.run(
      `INSERT INTO ${ctx.problems} SELECT c.line, f.col, NULL, f.rule, f.shown, NULL FROM ${ctx.cells} c ` +
        `JOIN ${flagged} f ON f.col = ${Number(col)} AND c.p[${Number(col)}] = f.value WHERE c.n = ${ctx.k}`,
    );
  }
}
