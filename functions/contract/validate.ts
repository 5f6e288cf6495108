import type { DuckDBConnection } from '@duckdb/node-api';
import { WEEK_SQL_MACROS } from '../calendar/weekSql.ts';
import { CPR_SQL_MACROS, looksLikeCpr } from './cpr.ts';
import { checkHeader, headerLabel, type CsvFile } from './csvFile.ts';
import type { ExtractSpec } from './extracts.ts';
import { MAX_REPORTED_PROBLEMS, type ValidationReport } from './problems.ts';
import { checkDuplicates, checkRows } from './crossChecks.ts';
import {
  cellColumn,
  cellsTable,
  checkValues,
  linesTable,
  problemsTable,
  valuesTable,
  valuesSql,
  VALUES_SQL_MACROS,
  weekKey,
  type RuleContext,
  type Sql,
  type SqlParam,
} from './validateRules.ts';
import { toProblem, type RawProblem, type Rule } from './validateMessages.ts';

/*
 * Validation runs inside DuckDB, not row by row in JavaScript, so that ten million lines take
 * seconds. The file is read as whole lines (so `rowid + 1` is the line number an editor shows;
 * blank lines stay as NULL rows) and split in SQL. Rules are checked on each column's distinct
 * values, which one grouped pass collects; only lines holding a bad value are looked up again.
 * A valid file is read once and scanned once here; curation scans it once more.
 */

/** A validated file; its cells stay in DuckDB (validateRules.ts names the tables) for curation. */
export interface ValidatedExtract {
  spec: ExtractSpec;
  csv: CsvFile;
  deliveryId: string;
  now: Date;
  /** 1-based position in the delivered header of each contract column. */
  columnIndex: Map<string, number>;
  /** Data lines (blank lines included), the header and empty lines at the end excluded. */
  dataLines: number;
  /** The (owner, week) duplicate check is left to the caller (see ValidateOptions). */
  duplicatesDeferred: boolean;
  /** `totalProblems === 0` means the file is accepted (once deferred checks have passed). */
  report: ValidationReport;
}

export interface ValidateOptions {
  deliveryId: string;
  /** Validated persons extract whose ids `referencesPersons` extracts are checked against. */
  persons?: ValidatedExtract;
  /** Or the person ids as a relation with one column `value` (persons accepted on the fast path). */
  personIds?: string;
  now?: Date;
  /**
   * Skip the duplicate check of an (owner, week) key, the one costly rule on big files. Ingest
   * writes the typed rows anyway and checks them far cheaper there (integer weeks, Parquet);
   * when it finds a duplicate it calls `reportDuplicates` for the exact lines.
   */
  deferWeekDuplicates?: boolean;
  /** The caller has already run `loadLines` on `csv.path` (e.g. while the file was being hashed). */
  linesLoaded?: boolean;
}

/**
 * The SQL engine failed on a delivered file. Its own text can quote the file's data (the
 * start of a line, a CPR number in its first cell), so it is never shown: the file is rejected
 * as unreadable, and the engine's error stays only in `cause`.
 */
export class EngineReadError extends Error {
  constructor(cause: unknown) {
    super('Filen kunne ikke læses af SQL-motoren', { cause });
    this.name = 'EngineReadError';
  }
}

/** The file as one row per line: `rowid + 1` is the line number an editor shows. */
export async function loadLines(db: DuckDBConnection, spec: ExtractSpec, path: string): Promise<void> {
  try {
    await db.run(
      `CREATE OR REPLACE TABLE ${linesTable(spec)} AS SELECT * FROM read_csv($1, columns={'l': 'VARCHAR'}, header=false, ` +
        `delim='\x01', quote='', escape='', auto_detect=false, strict_mode=false)`,
      [path],
    );
  } catch (error) {
    throw new EngineReadError(error);
  }
}

/** Drops a file's lines, when the file goes no further than its reading. */
export async function forgetLines(db: DuckDBConnection, spec: ExtractSpec): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${linesTable(spec)}`);
}

/** Install the SQL macros validation needs; once per connection. */
export async function prepareValidation(db: DuckDBConnection): Promise<void> {
  await db.run(WEEK_SQL_MACROS + CPR_SQL_MACROS + VALUES_SQL_MACROS);
}

/**
 * Validates a delivered file whose reading (csvFile.ts) found no problem. Every statement's
 * engine error becomes an EngineReadError. Delivered text reaches SQL only as bound parameters
 * or as rows of the tables it was read into; names in the SQL text come from the contract.
 */
export async function validateExtract(db: DuckDBConnection, spec: ExtractSpec, csv: CsvFile, options: ValidateOptions): Promise<ValidatedExtract> {
  const now = options.now ?? new Date();
  if (csv.totalProblems > 0) return readProblemsReport(spec, csv, options.deliveryId, now);
  const header = checkHeader(csv.header, spec);
  const k = csv.header.length;
  const [lines, cells, values, problems] = [linesTable(spec), cellsTable(spec), valuesTable(spec), problemsTable(spec)];
  const sql = sqlOn(db);
  const { run, rows } = sql;
  const duplicatesDeferred = options.deferWeekDuplicates === true && weekKey(spec) !== undefined;

  await run(`CREATE OR REPLACE TABLE ${problems} (line BIGINT, col INTEGER, colname VARCHAR, rule VARCHAR, shown VARCHAR, ref BIGINT)`);
  const headerProblems: RawProblem[] = [...header.problems];
  csv.header.forEach((name, i) => {
    if (looksLikeCpr(name)) headerProblems.push({ line: 1, columnNumber: i + 1, rule: 'cpr' });
  });
  for (const p of headerProblems) {
    // Header text (a name, a shown value) is delivered data: bound, never spliced into the SQL.
    const params: SqlParam[] = [p.line, p.columnNumber ?? null, p.column ?? null, p.rule, p.shown ?? null, p.ref ?? null];
    await run(`INSERT INTO ${problems} VALUES ($1, $2, $3, $4, $5, $6)`, params);
  }

  if (!options.linesLoaded) await loadLines(db, spec, csv.path);
  const named = spec.columns.map(
    (c) => `${header.columnIndex.has(c.name) ? `p[${header.columnIndex.get(c.name)}]` : 'NULL::VARCHAR'} AS ${cellColumn(c.name)}`,
  );
  // Empty lines at the end of the file are not rows (csvFile.ts counts them as digest.ts does).
  const lastLine = csv.dataRows + 1;
  await run(
    `CREATE OR REPLACE VIEW ${cells} AS SELECT line, len(p) AS n, p, ${named.join(', ')} FROM ` +
      `(SELECT rowid + 1 AS line, split_cells(l, ${csv.delimiter === ';' ? "';'" : "','"}) AS p FROM ${lines}) WHERE line > 1 AND line <= ${lastLine}`,
  );

  let dataLines = 0;
  if (k > 0) {
    const ctx = ruleContext(sql, { spec, csv, columnIndex: header.columnIndex, now }, options.personIds ?? (options.persons && personIdsOf(options.persons)));
    await run(valuesSql(ctx));
    const [shape] = await rows(`SELECT sum(rows) AS total, min(min_n) AS lo, max(max_n) AS hi FROM ${values} WHERE col = 1`);
    dataLines = Number(shape?.total ?? 0);
    // The engine must see the lines the streaming read counted, or line numbers would lie.
    if (dataLines !== csv.dataRows) throw new EngineReadError(new Error(`line count ${dataLines} ≠ ${csv.dataRows}`));
    if (dataLines === 0 && spec.requirement === 'required') await run(`INSERT INTO ${problems} VALUES (0, NULL, NULL, 'no_rows', NULL, NULL)`);
    if (Number(shape?.lo ?? k) !== k || Number(shape?.hi ?? k) !== k) {
      await run(
        `INSERT INTO ${problems} SELECT line, NULL, NULL, CASE WHEN n = 0 THEN 'blank_line' ELSE 'cell_count' END, NULL, n FROM ${cells} WHERE n <> ${k}`,
      );
      // Cells of a malformed line are misaligned: every one gets the plain (stricter) CPR test.
      await run(
        `INSERT INTO ${problems} SELECT line, j, NULL, 'cpr', NULL, NULL FROM (SELECT line, unnest(p) AS cell, generate_subscripts(p, 1) AS j ` +
          `FROM ${cells} WHERE n <> ${k} AND n > 0) WHERE looks_like_cpr(cell)`,
      );
    }
    await checkValues(ctx);
    await checkRows(ctx, { duplicates: duplicatesDeferred ? 'none' : 'suspects' });
    await run(`INSERT INTO ${problems} SELECT 0, NULL, NULL, 'cpr_file', NULL, count(*) FROM ${problems} WHERE rule = 'cpr' HAVING count(*) > 0`);
  }
  const validated = { spec, csv, deliveryId: options.deliveryId, now, columnIndex: header.columnIndex, dataLines, duplicatesDeferred };
  return { ...validated, report: await buildReport(sql, validated) };
}

/** The deferred duplicate check, exact and over the whole file; returns the updated report. */
export async function reportDuplicates(db: DuckDBConnection, validated: ValidatedExtract): Promise<ValidatedExtract> {
  const sql = sqlOn(db);
  await checkDuplicates(ruleContext(sql, validated), 'all');
  return { ...validated, duplicatesDeferred: false, report: await buildReport(sql, validated) };
}

/** The problems table as a report: the total and the first 50, ordered by line then column. */
async function buildReport(sql: Sql, validated: Omit<ValidatedExtract, 'report'>): Promise<ValidationReport> {
  const { spec, csv, columnIndex, now } = validated;
  const problems = problemsTable(spec);
  const [{ total }] = (await sql.rows(`SELECT count(*) AS total FROM ${problems}`)) as [{ total: bigint }];
  const found = await sql.rows(`SELECT * FROM ${problems} ORDER BY line, col NULLS FIRST, rule LIMIT ${MAX_REPORTED_PROBLEMS}`);
  const raw = found.map((row): RawProblem => {
    const line = Number(row.line);
    const columnNumber = row.col === null ? undefined : Number(row.col);
    const column = row.colname !== null ? String(row.colname) : columnName(spec, columnIndex, csv.header, columnNumber, row.rule === 'cpr' && line === 1);
    return {
      line,
      ...(columnNumber !== undefined ? { columnNumber } : {}),
      ...(column !== undefined ? { column } : {}),
      rule: row.rule as Rule,
      ...(row.shown !== null ? { shown: String(row.shown) } : {}),
      ...(row.ref !== null ? { ref: Number(row.ref) } : {}),
    };
  });
  const context = { spec, headerLength: csv.header.length, now };
  return { file: spec.file, deliveryId: validated.deliveryId, totalProblems: Number(total), problems: raw.map((p) => toProblem(p, context)) };
}

function sqlOn(db: DuckDBConnection): Sql {
  const engine = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new EngineReadError(error);
    }
  };
  return {
    run: (text, params) => engine(async () => void (await db.run(text, params))),
    rows: (text, params) => engine(async () => (await db.runAndReadAll(text, params)).getRowObjectsJS()),
  };
}

/** A file stopped while reading (csvFile.ts): its report holds those problems only. */
function readProblemsReport(spec: ExtractSpec, csv: CsvFile, deliveryId: string, now: Date): ValidatedExtract {
  const context = { spec, headerLength: csv.header.length, now };
  const report: ValidationReport = { file: spec.file, deliveryId, totalProblems: csv.totalProblems, problems: csv.problems.map((p) => toProblem(p, context)) };
  return { spec, csv, deliveryId, now, columnIndex: new Map(), dataLines: csv.dataRows, duplicatesDeferred: false, report };
}

/** A file the engine could not read (EngineReadError): rejected as a whole, the engine's text not shown. */
export function unreadableReport(spec: ExtractSpec, csv: CsvFile, deliveryId: string, now: Date): ValidatedExtract {
  return readProblemsReport(spec, { ...csv, problems: [{ line: 0, rule: 'unreadable' }], totalProblems: 1 }, deliveryId, now);
}

/** The person ids of a persons extract validated on this path, as a relation with a `value` column. */
export function personIdsOf(persons: ValidatedExtract): string | undefined {
  const column = persons.columnIndex.get('person_id');
  return column === undefined ? undefined : `(SELECT value FROM ${valuesTable(persons.spec)} WHERE col = ${column})`;
}

function ruleContext(sql: Sql, validated: Pick<ValidatedExtract, 'spec' | 'csv' | 'columnIndex' | 'now'>, personIds?: string): RuleContext {
  const { spec, csv, columnIndex, now } = validated;
  const ctx: RuleContext = {
    sql,
    spec,
    cells: cellsTable(spec),
    values: valuesTable(spec),
    problems: problemsTable(spec),
    k: csv.header.length,
    columnIndex,
    delimiter: csv.delimiter,
    now,
  };
  if (personIds) ctx.personIds = personIds;
  return ctx;
}

/**
 * The name to show for a column position: the contract name when the position holds a contract
 * column, a delivered name only when it is safe to show, and never a header cell that itself
 * looks like a CPR number.
 */
function columnName(
  spec: ExtractSpec,
  columnIndex: Map<string, number>,
  header: readonly string[],
  columnNumber: number | undefined,
  isCprHeader: boolean,
): string | undefined {
  if (columnNumber === undefined) return undefined;
  for (const c of spec.columns) if (columnIndex.get(c.name) === columnNumber) return c.name;
  const name = header[columnNumber - 1];
  return isCprHeader || !name ? undefined : headerLabel(name);
}
