import { weekInfo, weekLabelToWeek, weeksInIsoYear } from '../calendar/isoWeek.ts';
import { KPI_ID_PATTERN } from '../compute/kpiDefinition.ts';
import { CPR_CANDIDATE_REGEX } from '../contract/cpr.ts';
import type { Delimiter } from '../contract/csvFile.ts';
import { MAX_TEXT_LENGTH, MAX_YEAR, MIN_YEAR, PERIOD_PATTERN, resolvedMax, type ColumnSpec, type ExtractName, type ExtractSpec } from '../contract/extracts.ts';
import { CURATED_SCHEMA } from '../engine/curatedSchema.ts';
import { sqlString } from '../engine/sql.ts';
import type { Part } from '../contract/parts.ts';

/**
 * The fast path of validation: each part of a delivered file is read once by DuckDB's own CSV
 * reader and written as curated Parquet in the same statement, with every rule that concerns one
 * cell or one line checked on the way. A value that breaks a rule raises an error, which stops
 * the statement; the file then goes to the line-exact path (contract/validate.ts), which finds
 * and names every problem. So the fast path only has to be right when it accepts, never has to
 * say why it did not, and its SQL never shows a value.
 *
 * Reading as the line-exact path reads: no quoting or escaping (`,`/`;` always separates), one
 * pair of surrounding quotes and spaces around a value stripped only in parts that have them
 * (csvScan.ts counts both), empty = missing. Enum and week columns are read as ENUM types, so
 * checking them costs a dictionary lookup; all ISO weeks of the contract's years are one ENUM
 * in week order, so a week's index is the label's position plus a constant. What needs the whole
 * file (unique keys, persons that exist, pseudonyms and the CPR guard on ids) is checked
 * afterwards on the distinct values of the Parquet (see ingest/curation.ts), and the number of
 * rows read must be the number the scan counted, or the line-exact path decides.
 */

/** Every ISO week label of the contract's years, in week order. */
function weekLabels(): string[] {
  const from = weekLabelToWeek(`${MIN_YEAR}-W01`)!;
  const to = weekLabelToWeek(`${MAX_YEAR}-W${weeksInIsoYear(MAX_YEAR)}`)!;
  return Array.from({ length: to - from + 1 }, (_, i) => weekInfo(from + i).isoLabel);
}

/** Week index of the first label of the ENUM: a label's index is this plus its position. */
export const FIRST_WEEK = weekLabelToWeek(`${MIN_YEAR}-W01`)!;
const WEEK_TYPE = 'fast_iso_week';

const enumType = (extract: ExtractName, column: string) => `fast_${extract}_${column}`;

/** CREATE TYPE statements for the ENUM columns of the contract and the ISO weeks; once per connection pool. */
export function fastPathTypesSql(specs: readonly ExtractSpec[]): string {
  const statements = [`CREATE TYPE ${WEEK_TYPE} AS ENUM (${weekLabels().map(sqlString).join(', ')})`];
  for (const spec of specs) {
    for (const column of spec.columns) {
      if (column.type.kind === 'enum')
        statements.push(`CREATE TYPE ${enumType(spec.name, column.name)} AS ENUM (${column.type.values.map(sqlString).join(', ')})`);
    }
  }
  return `${statements.join(';\n')};`;
}

export interface FastPathFile {
  spec: ExtractSpec;
  delimiter: Delimiter;
  /** 1-based position of each contract column in the delivered header (every one is there). */
  columnIndex: Map<string, number>;
  now: Date;
  /** The last week of benefit_weeks: where a running offer ends (offers only). */
  lastBenefitWeek?: number | null;
}

const SQL_PSEUDONYM = '[A-Za-z0-9_-]{6,64}';
const fail = (rule: string) => `error('fast path: ${rule}')`;

/** RE2 source of a JS regex anchored with ^…$, for regexp_full_match. */
function fullMatch(pattern: RegExp): string {
  return pattern.source.replace(/^\^/, '').replace(/\$$/, '').replaceAll('\\d', '[0-9]');
}

/** A CPR check in SQL that costs a regex on the rare value that has ten digits or is not ASCII. */
const cprFree = (value: string, test: 'looks_like_cpr' | 'looks_like_cpr_number') =>
  `NOT CASE WHEN regexp_matches(${value}, '${CPR_CANDIDATE_REGEX}') THEN ${test}(${value}) ELSE false END`;

/** Whether the reader can give this column its type directly (clean parts only). */
const readTyped = (column: ColumnSpec) => column.type.kind === 'enum' || column.type.kind === 'week';

/**
 * The checked, typed value of one column, from `text` (the cell, NULL when empty) and, for a
 * typed read, `typed` (the reader's ENUM value). Raises an error for any value the line-exact
 * rules would report.
 */
function checkedValue(file: FastPathFile, column: ColumnSpec, text: string, typed: string | undefined): string {
  const required = column.required;
  const whenEmpty = required ? fail('required') : 'NULL';
  // A clean part's required cells are '' when empty (force_not_null), which every check but the
  // text one fails by itself.
  const empty = `${text} IS NULL OR ${text} = ''`;
  const type = column.type;
  switch (type.kind) {
    case 'pseudonym':
      // Checked on the distinct values afterwards (with the CPR guard); empty fails that check too.
      return text;
    case 'enum':
    case 'week': {
      const name = type.kind === 'week' ? WEEK_TYPE : enumType(file.spec.name, column.name);
      // A typed read raises on an unknown value itself, and on an empty required cell ('', as
      // force_not_null keeps it); a cast from text does the same.
      const enumValue = typed ?? (required ? `CASE WHEN ${text} IS NULL THEN ${whenEmpty} ELSE CAST(${text} AS ${name}) END` : `CAST(${text} AS ${name})`);
      return type.kind === 'week' ? `CAST(enum_code(${enumValue}) AS INTEGER) + ${FIRST_WEEK}` : enumValue;
    }
    case 'integer': {
      const max = resolvedMax(type, file.now);
      const range = [type.min !== undefined ? `CAST(${text} AS INTEGER) >= ${type.min}` : '', max !== undefined ? `CAST(${text} AS INTEGER) <= ${max}` : '']
        .filter(Boolean)
        .join(' AND ');
      return `CASE WHEN ${text} IS NULL THEN ${whenEmpty} WHEN regexp_full_match(${text}, '-?[0-9]{1,9}') AND ${range || 'true'} THEN CAST(${text} AS INTEGER) ELSE ${fail('integer')} END`;
    }
    case 'number': {
      const decimal = file.delimiter === ';' ? '[.,]' : '[.]';
      const pattern = `${type.min === 0 ? '' : '-?'}[0-9]+(${decimal}[0-9]+)?`;
      return (
        `CASE WHEN ${text} IS NULL THEN ${whenEmpty} WHEN regexp_full_match(${text}, '${pattern}') AND ${cprFree(text, 'looks_like_cpr_number')} ` +
        `THEN CAST(replace(${text}, ',', '.') AS DOUBLE) ELSE ${fail('number')} END`
      );
    }
    case 'date': {
      const year = `TRY_CAST(substr(${text}, 1, 4) AS INTEGER)`;
      return (
        `CASE WHEN ${text} IS NULL THEN ${whenEmpty} WHEN regexp_full_match(${text}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND TRY_CAST(${text} AS DATE) IS NOT NULL ` +
        `AND ${year} BETWEEN ${MIN_YEAR} AND ${MAX_YEAR} THEN CAST(${text} AS DATE) ELSE ${fail('date')} END`
      );
    }
    case 'kpiId':
      return `CASE WHEN ${text} IS NULL THEN ${whenEmpty} WHEN regexp_full_match(${text}, '${fullMatch(KPI_ID_PATTERN)}') AND ${cprFree(text, 'looks_like_cpr')} THEN ${text} ELSE ${fail('kpi_id')} END`;
    case 'period':
      return `CASE WHEN ${text} IS NULL THEN ${whenEmpty} WHEN regexp_full_match(${text}, '${fullMatch(PERIOD_PATTERN)}') THEN ${text} ELSE ${fail('period')} END`;
    case 'text':
      return (
        `CASE WHEN ${empty} THEN ${whenEmpty} WHEN length(${text}) <= ${MAX_TEXT_LENGTH} AND NOT regexp_matches(${text}, '[\\r\\n]') AND ${cprFree(text, 'looks_like_cpr')} ` +
        `THEN ${text} ELSE ${fail('text')} END`
      );
  }
}

/** Rules between two cells of a line, on the checked values (v_<column>). */
function lineRules(spec: ExtractSpec): string[] {
  const names = new Set(spec.columns.map((c) => c.name));
  const rules: string[] = [];
  if (names.has('start_date') && names.has('end_date')) rules.push(`v_end_date < v_start_date`);
  if (names.has('integration_group') && names.has('arrival_date')) rules.push(`v_integration_group IS NOT NULL AND v_arrival_date IS NULL`);
  return rules;
}

/**
 * The curated columns from the checked values (v_<column>), in CURATED_SCHEMA order. The rules
 * about whole lines guard the first column: an expression no output uses would be optimised away.
 */
function curatedColumns(file: FastPathFile, lineRules: readonly string[]): string[] {
  const v = (name: string) => `v_${name}`;
  const lastWeek = file.lastBenefitWeek ?? 'NULL';
  const expressions: Record<ExtractName, Record<string, string>> = {
    persons: {
      person_id: v('person_id'),
      sex: v('sex'),
      birth_year: v('birth_year'),
      integration_group: v('integration_group'),
      arrival_date: v('arrival_date'),
      arrival_week: `week_of_date(${v('arrival_date')})`,
    },
    benefit_weeks: { person_id: v('person_id'), week: v('week'), status: v('status'), visitation: v('visitation') },
    offers: {
      person_id: v('person_id'),
      offer_type: v('offer_type'),
      start_date: v('start_date'),
      end_date: v('end_date'),
      start_week: `week_of_date(${v('start_date')})`,
      end_week: `coalesce(week_of_date(${v('end_date')}), ${lastWeek})`,
    },
    companies: { company_id: v('company_id'), year: v('year'), employees: v('employees') },
    company_contacts: {
      company_id: v('company_id'),
      contact_date: v('contact_date'),
      contact_type: v('contact_type'),
      contact_year: `year(${v('contact_date')})`,
      contact_quarter: `quarter_of_date(${v('contact_date')})`,
    },
    benchmarks: {
      kpi_id: v('kpi_id'),
      period: v('period'),
      area: v('area'),
      value: v('value'),
      quarter: `CASE WHEN substr(${v('period')}, 5, 1) = 'Q' THEN CAST(substr(${v('period')}, 1, 4) AS INTEGER) * 4 + CAST(substr(${v('period')}, 6) AS INTEGER) - 1 END`,
      month: `CASE WHEN substr(${v('period')}, 5, 1) = '-' THEN CAST(substr(${v('period')}, 1, 4) AS INTEGER) * 12 + CAST(substr(${v('period')}, 6) AS INTEGER) - 1 END`,
    },
  };
  const table = file.spec.name;
  const exprs = expressions[table];
  return Object.entries(CURATED_SCHEMA[table]).map(([column, type], i) => {
    const spec = file.spec.columns.find((c) => c.name === column);
    // ENUM values are written as they are: DuckDB stores them as UTF-8 strings (VARCHAR when read back).
    let expression = spec?.type.kind === 'enum' ? exprs[column]! : `CAST(${exprs[column]} AS ${type})`;
    if (i === 0 && lineRules.length > 0)
      expression = `CASE WHEN ${lineRules.map((r) => `coalesce(${r}, false)`).join(' OR ')} THEN ${fail('line')} ELSE ${expression} END`;
    return `${expression} AS ${column}`;
  });
}

/**
 * The SELECT that reads one part and returns its curated rows, raising on the first value or
 * line the line-exact path would reject.
 */
export function partSelect(file: FastPathFile, part: Pick<Part, 'path' | 'hasHeader' | 'clean'>): string {
  const { spec } = file;
  const k = file.columnIndex.size;
  const byPosition = new Map([...file.columnIndex].map(([name, j]) => [j, spec.columns.find((c) => c.name === name)!]));
  const readerColumns: string[] = [];
  const forceNotNull: string[] = [];
  for (let j = 1; j <= k; j++) {
    const column = byPosition.get(j)!;
    const typed = part.clean && readTyped(column);
    const type = typed ? (column.type.kind === 'week' ? WEEK_TYPE : enumType(spec.name, column.name)) : 'VARCHAR';
    readerColumns.push(`'c${j}': '${type}'`);
    // A required cell that is empty stays '' and so fails its check, instead of becoming NULL.
    if (part.clean && column.required) forceNotNull.push(`'c${j}'`);
  }
  const checked: string[] = [];
  for (let j = 1; j <= k; j++) {
    const column = byPosition.get(j)!;
    const typed = part.clean && readTyped(column);
    // Clean parts: the cell as read. Others: one pair of surrounding quotes and spaces around
    // the value go, as the line-exact path's split_cells does; a quote left inside is an error.
    const text = part.clean ? `c${j}` : `t${j}`;
    checked.push(`${checkedValue(file, column, text, typed ? `c${j}` : undefined)} AS v_${column.name}`);
  }
  const cleaned = part.clean ? '' : `, ${Array.from({ length: k }, (_, i) => `NULLIF(unquote_cell(trim_cell(c${i + 1})), '') AS t${i + 1}`).join(', ')}`;
  const quoteRule = part.clean ? [] : Array.from({ length: k }, (_, i) => `contains(t${i + 1}, '"')`);
  const rules = [...quoteRule, ...lineRules(spec)];
  const reader =
    `read_csv(${sqlString(part.path)}, header = ${part.hasHeader}, delim = '${file.delimiter}', quote = '', escape = '', comment = '', ` +
    `auto_detect = false, strict_mode = true, null_padding = false, columns = {${readerColumns.join(', ')}}` +
    `${forceNotNull.length > 0 ? `, force_not_null = [${forceNotNull.join(', ')}]` : ''})`;
  const lines = `SELECT *${cleaned} FROM ${reader}`;
  // The quote rule is on the cells (t<j>), so they travel along with the checked values.
  const values = `SELECT ${checked.join(', ')}${part.clean ? '' : `, ${Array.from({ length: k }, (_, i) => `t${i + 1}`).join(', ')}`} FROM (${lines})`;
  return `SELECT ${curatedColumns(file, rules).join(', ')} FROM (${values})`;
}

/**
 * The id columns' distinct values break no rule: a pseudonym, not a CPR number, and (for
 * extracts that name persons) a person of persons.csv. Returns the number of bad values.
 */
export function idCheckSql(spec: ExtractSpec, files: string, personIds: string | undefined): string {
  const parts: string[] = [];
  for (const column of spec.columns.filter((c) => c.type.kind === 'pseudonym')) {
    const distinct = `(SELECT DISTINCT ${column.name} AS value FROM ${files})`;
    let bad = `value IS NULL OR NOT regexp_full_match(value, '${SQL_PSEUDONYM}') OR NOT (${cprFree('value', 'looks_like_cpr')})`;
    // NOT IN against a list holding a NULL is never true: a rejected persons.csv (a blank line)
    // has NULL cells, and without the filter every unknown person would pass.
    if (column.name === 'person_id' && spec.referencesPersons && personIds) bad += ` OR value NOT IN (SELECT value FROM ${personIds} WHERE value IS NOT NULL)`;
    parts.push(`SELECT count(*) AS n FROM ${distinct} WHERE ${bad}`);
  }
  return parts.length === 0 ? 'SELECT 0 AS n' : `SELECT sum(n) AS n FROM (${parts.join(' UNION ALL ')})`;
}

/** Rows that repeat a unique key without a week (persons, companies, benchmarks): their number. */
export function uniqueKeySql(spec: ExtractSpec, files: string): string | undefined {
  const key = spec.uniqueKey;
  if (!key) return undefined;
  return `SELECT count(*) - count(DISTINCT (${key.join(', ')})) AS n FROM ${files}`;
}
