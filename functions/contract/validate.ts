import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../engine/duckdbEngine.ts';
import { WEEK_SQL_MACROS } from '../ingest/weekSql.ts';
import { CPR_SQL_MACROS, looksLikeCpr } from './cpr.ts';
import { checkHeader, headerLabel, type CsvFile } from './csvFile.ts';
import type { ExtractSpec } from './extracts.ts';
import { MAX_REPORTED_PROBLEMS, type ValidationReport } from './problems.ts';
import { checkDuplicates, checkRows } from './crossChecks.ts';
import { cellColumn, cellsTable, checkValues, linesTable, problemsTable, valuesTable, valuesSql, VALUES_SQL_MACROS, weekKey, type RuleContext, type Sql } from './validateRules.ts';
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
  /** Data lines (blank lines included), the header excluded. */
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

/** The file as one row per line: `rowid + 1` is the line number an editor shows. */
export async function loadLines(db: DuckDBConnection, spec: ExtractSpec, path: string): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TABLE ${linesTable(spec)} AS SELECT * FROM read_csv(${sqlString(path)}, columns={'l': 'VARCHAR'}, header=false, ` +
      `delim='\x01', quote='', escape='', auto_detect=false, strict_mode=false)`,
  );
}

/** Install the SQL macros validation needs; once per connection. */
export async function prepareValidation(db: DuckDBConnection): Promise<void> {
  await db.run(WEEK_SQL_MACROS + CPR_SQL_MACROS + VALUES_SQL_MACROS);
}

export async function validateExtract(db: DuckDBConnection, spec: ExtractSpec, csv: CsvFile, options: ValidateOptions): Promise<ValidatedExtract> {
  const now = options.now ?? new Date();
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
    const literal = (v: string | number | undefined) => (v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : sqlString(v));
    await run(`INSERT INTO ${problems} VALUES (${p.line}, ${literal(p.columnNumber)}, ${literal(p.column)}, ${sqlString(p.rule)}, ${literal(p.shown)}, ${literal(p.ref)})`);
  }

  if (!options.linesLoaded) await loadLines(db, spec, csv.path);
  const named = spec.columns.map((c) => `${header.columnIndex.has(c.name) ? `p[${header.columnIndex.get(c.name)}]` : 'NULL::VARCHAR'} AS ${cellColumn(c.name)}`);
  await run(
    `CREATE OR REPLACE VIEW ${cells} AS SELECT line, len(p) AS n, p, ${named.join(', ')} FROM ` +
      `(SELECT rowid + 1 AS line, split_cells(l, ${sqlString(csv.delimiter)}) AS p FROM ${lines}) WHERE line > 1`,
  );

  let dataLines = 0;
  if (k > 0) {
    const ctx = ruleContext(sql, { spec, csv, columnIndex: header.columnIndex, now }, options.persons);
    await run(valuesSql(ctx));
    const [shape] = await rows(`SELECT sum(rows) AS total, min(min_n) AS lo, max(max_n) AS hi FROM ${values} WHERE col = 1`);
    dataLines = Number(shape?.total ?? 0);
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
  return {
    run: async (text) => void (await db.run(text)),
    rows: async (text) => (await db.runAndReadAll(text)).getRowObjectsJS(),
  };
}

function ruleContext(sql: Sql, validated: Pick<ValidatedExtract, 'spec' | 'csv' | 'columnIndex' | 'now'>, persons?: ValidatedExtract): RuleContext {
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
  if (persons) {
    ctx.persons = valuesTable(persons.spec);
    ctx.personsIdColumn = persons.columnIndex.get('person_id');
  }
  return ctx;
}

/**
 * The name to show for a column position: the contract name when the position holds a contract
 * column, a delivered name only when it is safe to show, and never a header cell that itself
 * looks like a CPR number.
 */
function columnName(spec: ExtractSpec, columnIndex: Map<string, number>, header: readonly string[], columnNumber: number | undefined, isCprHeader: boolean): string | undefined {
  if (columnNumber === undefined) return undefined;
  for (const c of spec.columns) if (columnIndex.get(c.name) === columnNumber) return c.name;
  const name = header[columnNumber - 1];
  return isCprHeader || !name ? undefined : headerLabel(name);
}
