import { z } from 'zod';
import type { SqlRow, SqlValue } from './engine.ts';

/**
 * Athena returns every value as text (`VarCharValue`, absent for NULL) plus the column types in
 * the result metadata. Pages are parsed with zod and values converted by type, so KPI code gets
 * the same JS values from Athena as from DuckDB.
 */

export const resultsPageSchema = z.object({
  ResultSet: z.object({
    Rows: z.array(z.object({ Data: z.array(z.object({ VarCharValue: z.string().optional() })) })),
    ResultSetMetadata: z.object({
      ColumnInfo: z.array(z.object({ Name: z.string().min(1), Type: z.string().min(1) })),
    }),
  }),
  NextToken: z.string().min(1).optional(),
});

export type ResultsPage = z.infer<typeof resultsPageSchema>;

export interface ResultColumn {
  name: string;
  type: string;
}

export function resultColumns(page: ResultsPage): ResultColumn[] {
  const columns = page.ResultSet.ResultSetMetadata.ColumnInfo.map((c) => ({ name: c.Name, type: c.Type.toLowerCase() }));
  const names = new Set(columns.map((c) => c.name));
  if (names.size !== columns.length) throw new Error(`Athena-resultatet har to kolonner med samme navn: ${columns.map((c) => c.name).join(', ')}`);
  return columns;
}

const INTEGER_TEXT = /^-?\d+$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SPECIAL_DOUBLES: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** One Athena text value as the JS value its column type stands for. */
export function convertValue(text: string | undefined, column: ResultColumn): SqlValue {
  if (text === undefined) return null;
  const fail = (): never => {
    throw new Error(`Athena-kolonnen ${column.name} (${column.type}) kan ikke læses: ${JSON.stringify(text)}`);
  };
  // Parameterised types arrive as e.g. `decimal(10,2)` or `varchar(3)`.
  const base = column.type.replace(/\(.*$/, '').trim();
  switch (base) {
    case 'varchar':
    case 'char':
    case 'string':
      return text;
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
    case 'bigint': {
      const value = Number(text);
      // A BIGINT beyond 2^53 would silently lose digits as a JS number.
      if (!INTEGER_TEXT.test(text) || !Number.isSafeInteger(value)) return fail();
      return value;
    }
    case 'double':
    case 'float':
    case 'real':
    case 'decimal': {
      if (text in SPECIAL_DOUBLES && base !== 'decimal') return SPECIAL_DOUBLES[text]!;
      if (!DECIMAL_TEXT.test(text)) return fail();
      return Number(text);
    }
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      return fail();
    case 'date':
      return DATE_TEXT.test(text) ? text : fail();
    default:
      throw new Error(
        `Athena-kolonnen ${column.name} har typen ${column.type}, som ikke understøttes; en KPI's SQL returnerer varchar, heltal, double, decimal, boolean og date`,
      );
  }
}

/**
 * The rows of one page as objects. Athena repeats the column names as the first row of the first
 * page only; it is checked against the metadata so a data row is never dropped by mistake.
 */
export function pageRows(page: ResultsPage, columns: ResultColumn[], firstPage: boolean): SqlRow[] {
  const rows = page.ResultSet.Rows;
  if (firstPage && rows.length > 0) {
    const header = rows[0]!.Data.map((d) => d.VarCharValue);
    const expected = columns.map((c) => c.name);
    if (header.length !== expected.length || header.some((name, i) => name !== expected[i])) {
      throw new Error(`Athena-resultatets første række er ikke overskrifterne: ${JSON.stringify(header)}, forventede ${JSON.stringify(expected)}`);
    }
  }
  return rows.slice(firstPage ? 1 : 0).map((row) => {
    if (row.Data.length !== columns.length) throw new Error(`En række i Athena-resultatet har ${row.Data.length} værdier for ${columns.length} kolonner`);
    const out: SqlRow = {};
    columns.forEach((column, i) => {
      out[column.name] = convertValue(row.Data[i]!.VarCharValue, column);
    });
    return out;
  });
}
