import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURATED_SCHEMA, type CuratedTable } from '../engine/curatedSchema.ts';
import { sqlString } from '../engine/sql.ts';
import type { ExtractName } from '../contract/extracts.ts';
import type { ValidatedExtract } from '../contract/validate.ts';
import { cellColumn as c, cellsTable, valuesTable } from '../contract/validateRules.ts';
import { calendarRows } from './calendar.ts';
import { weekInfo } from '../calendar/isoWeek.ts';

/**
 * From validated cells (text, in DuckDB) to the curated columns of docs/architecture.md.
 * Only accepted files are curated, so every cast here succeeds. Rows are written in delivered
 * order, sorted by line: DuckDB keeps insertion order without it, but its parallel Parquet writer
 * then cuts row groups where threads happen to finish, so a big file (millions of rows) gave
 * different bytes from run to run. Sorting costs ~0.8 s on 10 M rows and makes the bytes the
 * same on every run and thread count.
 */
type Expressions = Record<string, string>;

const emptyToNull = (name: string) => `NULLIF(${c(name)}, '')`;
const date = (name: string) => `CAST(${emptyToNull(name)} AS DATE)`;
const decimal = (name: string) => `CAST(replace(${c(name)}, ',', '.') AS DOUBLE)`;

function expressions(extract: ExtractName, lastBenefitWeek: number | null, weekOfLabel: string): Expressions {
  switch (extract) {
    case 'persons':
      return {
        person_id: c('person_id'),
        sex: c('sex'),
        birth_year: c('birth_year'),
        integration_group: emptyToNull('integration_group'),
        arrival_date: date('arrival_date'),
        arrival_week: `week_of_date(${date('arrival_date')})`,
      };
    case 'benefit_weeks':
      return { person_id: c('person_id'), week: weekOfLabel, status: c('status'), visitation: emptyToNull('visitation') };
    case 'offers':
      return {
        person_id: c('person_id'),
        offer_type: c('offer_type'),
        start_date: date('start_date'),
        end_date: date('end_date'),
        start_week: `week_of_date(${date('start_date')})`,
        // An offer still running lasts to the end of the data: the last week of benefit_weeks.
        end_week: `coalesce(week_of_date(${date('end_date')}), ${lastBenefitWeek ?? 'NULL'})`,
      };
    case 'companies':
      return { company_id: c('company_id'), year: c('year'), employees: decimal('employees') };
    case 'company_contacts':
      return {
        company_id: c('company_id'),
        contact_date: date('contact_date'),
        contact_type: c('contact_type'),
        contact_year: `year(${date('contact_date')})`,
        contact_quarter: `quarter_of_date(${date('contact_date')})`,
      };
    case 'benchmarks': {
      const year = `CAST(substr(${c('period')}, 1, 4) AS INTEGER)`;
      const part = `CAST(substr(${c('period')}, 6) AS INTEGER)`;
      return {
        kpi_id: c('kpi_id'),
        period: c('period'),
        area: c('area'),
        value: decimal('value'),
        quarter: `CASE WHEN substr(${c('period')}, 5, 1) = 'Q' THEN ${year} * 4 + ${part} - 1 END`,
        month: `CASE WHEN substr(${c('period')}, 5, 1) = '-' THEN ${year} * 12 + ${part} - 1 END`,
      };
    }
  }
}

/** Every curated column, cast to its curated type, in schema order. */
export function typedSelect(table: CuratedTable, expr: (column: string) => string): string {
  return Object.entries(CURATED_SCHEMA[table])
    .map(([column, type]) => `CAST(${expr(column)} AS ${type}) AS ${column}`)
    .join(', ');
}

export async function curatedSql(db: DuckDBConnection, validated: ValidatedExtract, lastBenefitWeek: number | null): Promise<string> {
  const extract = validated.spec.name;
  const weekOfLabel = extract === 'benefit_weeks' ? await weekLookup(db, validated) : '';
  const exprs = expressions(extract, lastBenefitWeek, weekOfLabel);
  return `SELECT ${typedSelect(extract, (column) => exprs[column]!)} FROM ${cellsTable(validated.spec)} ORDER BY line`;
}

/**
 * Millions of rows, a few hundred distinct weeks: each label is converted once, and a row
 * finds its week through an ENUM of the labels (a join would not keep the delivered order).
 */
async function weekLookup(db: DuckDBConnection, benefitWeeks: ValidatedExtract): Promise<string> {
  const weeks = (await db.runAndReadAll(`${distinctValues(benefitWeeks, 'week', 'label, week_of_label(label) AS week')} ORDER BY label`)).getRowObjectsJS();
  if (weeks.length === 0) return 'NULL';
  // The labels come from the values table, never as text spliced into the SQL.
  await db.run(`CREATE TYPE week_label AS ENUM (${distinctValues(benefitWeeks, 'week', 'label')} ORDER BY label)`);
  return `[${weeks.map((w) => Number(w.week)).join(', ')}][enum_code(CAST(${c('week')} AS week_label)) + 1]`;
}

/** The distinct values of one column, from the grouped validation pass. */
function distinctValues(validated: ValidatedExtract, column: string, select: string): string {
  return `SELECT ${select} FROM (SELECT value AS label FROM ${valuesTable(validated.spec)} WHERE col = ${validated.columnIndex.get(column)})`;
}

/** An absent optional extract: the table exists with its columns and no rows. */
export function emptySql(table: CuratedTable): string {
  return `SELECT ${typedSelect(table, () => 'NULL')} WHERE false`;
}

export function calendarSql(firstIsoYear: number, lastIsoYear: number): string {
  const values = calendarRows(firstIsoYear, lastIsoYear)
    .map((r) => `(${r.week}, '${r.iso_label}', ${r.iso_year}, ${r.iso_week}, ${r.month}, ${r.quarter}, ${r.last_of_month}, ${r.last_of_quarter})`)
    .join(', ');
  const columns = Object.keys(CURATED_SCHEMA.calendar);
  return `SELECT ${typedSelect('calendar', (column) => column)} FROM (VALUES ${values}) AS v(${columns.join(', ')}) ORDER BY week`;
}

/** Single file, zstd, delivered row order: the same input gives byte-identical Parquet. */
export async function writeParquet(db: DuckDBConnection, select: string, path: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  await db.run(`COPY (${select}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`);
  const rows = (await db.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${sqlString(path)}, hive_partitioning = false)`)).getRowObjectsJS()[0]!.n;
  return Number(rows);
}

/**
 * Whether any owner has two rows for one week, on curated Parquet (a relation): per owner, the number of
 * rows against the number of distinct weeks (bits set in a bitstring over the week range).
 */
export async function hasDuplicateWeeks(db: DuckDBConnection, parquet: string, owner: string, week: string): Promise<boolean> {
  const [range] = (await db.runAndReadAll(`SELECT min(${week}) AS lo, max(${week}) AS hi FROM ${parquet}`)).getRowObjectsJS();
  if (range?.lo === null || range?.lo === undefined) return false;
  const [found] = (
    await db.runAndReadAll(
      `SELECT count(*) AS n FROM (SELECT ${owner} FROM ${parquet} GROUP BY ${owner} ` +
        `HAVING count(*) <> bit_count(bitstring_agg(${week}, ${Number(range.lo)}, ${Number(range.hi)})))`,
    )
  ).getRowObjectsJS();
  return Number(found?.n ?? 0) > 0;
}

/** First and last week of benefit_weeks ('YYYY-Www' labels sort in time order), null when empty. */
export async function benefitWeekRange(db: DuckDBConnection, benefitWeeks: ValidatedExtract): Promise<{ first: number | null; last: number | null }> {
  const sql = distinctValues(benefitWeeks, 'week', 'week_of_label(min(label)) AS lo, week_of_label(max(label)) AS hi');
  const row = (await db.runAndReadAll(sql)).getRowObjectsJS()[0]!;
  return { first: row.lo === null ? null : Number(row.lo), last: row.hi === null ? null : Number(row.hi) };
}

/** ISO years of the earliest and latest week any accepted extract mentions. */
export async function dataIsoYears(db: DuckDBConnection, accepted: readonly ValidatedExtract[]): Promise<[number, number] | undefined> {
  const parts: string[] = [];
  const weeks = (sql: string) => `SELECT week_of_date(lo) AS lo, week_of_date(hi) AS hi FROM (${sql})`;
  for (const v of accepted) {
    const dates = (name: string) => weeks(`SELECT min(${date(name)}) AS lo, max(${date(name)}) AS hi FROM ${cellsTable(v.spec)}`);
    if (v.spec.name === 'benefit_weeks') parts.push(distinctValues(v, 'week', 'week_of_label(min(label)) AS lo, week_of_label(max(label)) AS hi'));
    if (v.spec.name === 'persons') parts.push(dates('arrival_date'));
    if (v.spec.name === 'offers') parts.push(dates('start_date'), dates('end_date'));
    if (v.spec.name === 'company_contacts') parts.push(dates('contact_date'));
  }
  if (parts.length === 0) return undefined;
  const row = (await db.runAndReadAll(`SELECT min(lo) AS lo, max(hi) AS hi FROM (${parts.join(' UNION ALL ')})`)).getRowObjectsJS()[0]!;
  if (row.lo === null || row.hi === null) return undefined;
  return [weekInfo(Number(row.lo)).isoYear, weekInfo(Number(row.hi)).isoYear];
}
