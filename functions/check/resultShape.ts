import { parseKpiRows } from '../compute/compute.ts';
import type { KpiDefinition } from '../compute/kpiDefinition.ts';
import type { Problem } from '../contract/problems.ts';
import type { DuckDbEngine } from '../engine/duckdbEngine.ts';
import type { SqlRow } from '../engine/engine.ts';
import type { RenderedSql } from './renderedSql.ts';

const INTEGER_TYPE = /^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/;

/** What the KPI SQL contract (docs/architecture.md) promises for one definition: name → type. */
export function expectedColumns(definition: KpiDefinition): Map<string, 'integer' | 'text'> {
  const columns = new Map<string, 'integer' | 'text'>([['quarter', 'integer']]);
  if (definition.grain === 'month') columns.set('month', 'integer');
  for (const breakdown of definition.breakdowns) columns.set(breakdown, 'text');
  columns.set('numerator', 'integer');
  if (definition.unit === 'share') columns.set('denominator', 'integer');
  return columns;
}

export interface ShapeCheck {
  problems: Problem[];
  /** Rows the KPI returned on the check fixture, when it ran. */
  rows?: number;
}

/**
 * Runs a KPI's rendered SQL on the check engine and compares the result with the contract:
 * the columns and their types (DuckDB's DESCRIBE of the same query), then the rows themselves through the same
 * parser compute uses (quarters in range, months in their quarter, one row per cell, known
 * groups, numerator ≤ denominator).
 */
export async function checkResultShape(
  engine: DuckDbEngine,
  file: string,
  definition: KpiDefinition,
  rendered: RenderedSql,
  range: { fromQuarter: number; toQuarter: number },
): Promise<ShapeCheck> {
  let rows: SqlRow[];
  try {
    rows = await engine.query(rendered.text);
  } catch (error) {
    return { problems: [duckDbProblem(file, rendered, (error as Error).message)] };
  }
  const described = (await engine.query(`DESCRIBE ${rendered.text}`)) as { column_name: string; column_type: string }[];

  const expected = expectedColumns(definition);
  const contract = [...expected.keys()].join(', ');
  const problems: Problem[] = [];
  const problem = (column: string, rule: string, message: string, hint: string): Problem => {
    const where = aliasPosition(rendered.source, column);
    return { file, line: where?.line ?? 0, column, columnNumber: where?.column, rule, message, hint };
  };

  for (const { column_name: name, column_type: type } of described) {
    const kind = expected.get(name);
    if (kind === undefined) {
      problems.push(
        problem(
          name,
          'result_columns',
          `kolonnen ${name} hører ikke til KPI-kontrakten for ${definition.id} (unit: ${definition.unit}, grain: ${definition.grain}, breakdowns: [${definition.breakdowns.join(', ')}])`,
          name === 'denominator'
            ? `En optælling (unit: count) har ingen denominator. Fjern kolonnen, eller skriv unit: share i ${definition.id}.yaml.`
            : `Returnér præcis kolonnerne ${contract}.`,
        ),
      );
    } else if (kind === 'integer' && !INTEGER_TYPE.test(type)) {
      problems.push(
        problem(
          name,
          'result-types',
          `kolonnen ${name} er ${type}, men skal være et heltal`,
          name === 'numerator' || name === 'denominator'
            ? 'Tæl personer eller virksomheder med COUNT(...) eller SUM(CASE WHEN ... THEN 1 ELSE 0 END); andelen beregnes i TypeScript.'
            : `Tag ${name} direkte fra kalendertabellen (calendar.${name}), som er et heltal.`,
        ),
      );
    } else if (kind === 'text' && type !== 'VARCHAR') {
      problems.push(problem(name, 'result-types', `kolonnen ${name} er ${type}, men skal være VARCHAR`, `Tag ${name} direkte fra persons.${name}.`));
    }
  }
  const actual = new Set(described.map((c) => c.column_name));
  for (const name of expected.keys()) {
    if (!actual.has(name)) {
      problems.push({
        file,
        line: 0,
        column: name,
        rule: 'result_columns',
        message: `kolonnen ${name} mangler i resultatet`,
        hint: `Returnér præcis kolonnerne ${contract} (med AS ${name}).`,
      });
    }
  }
  if (problems.length > 0) return { problems, rows: rows.length };

  try {
    parseKpiRows(definition, rows, { from: range.fromQuarter, to: range.toQuarter });
  } catch (error) {
    problems.push({
      file,
      line: 0,
      rule: 'result_rows',
      message: `resultatet på check-fixturen overholder ikke kontrakten: ${(error as Error).message}`,
      hint: 'Hver celle (kvartal, evt. måned og gruppe) skal stå i én række med numerator ≤ denominator, og kun kvartaler fra {{from_quarter}} til {{to_quarter}}.',
    });
  }
  return { problems, rows: rows.length };
}

/** A DuckDB error, placed where DuckDB's `LINE n:` and caret point when they are there. */
function duckDbProblem(file: string, rendered: RenderedSql, message: string): Problem {
  const [first = message] = message.split('\n');
  const line = /\nLINE (\d+): (.*)\n( *)\^/.exec(message);
  let where: { line: number; column?: number } = { line: 0 };
  if (line) {
    const prefix = `LINE ${line[1]}: `.length;
    // DuckDB shortens long lines with "..."; then only the line number is reliable.
    const column = line[2]!.startsWith('...') ? undefined : line[3]!.length - prefix + 1;
    where = column === undefined ? { line: Number(line[1]) } : rendered.toSource(Number(line[1]), column);
  }
  return {
    file,
    line: where.line,
    columnNumber: where.column,
    rule: 'duckdb_error',
    message: `DuckDB kan ikke køre forespørgslen på check-fixturen: ${first}`,
    hint: 'Ret forespørgslen; de kuraterede tabeller og deres kolonner står i docs/architecture.md.',
  };
}

/** Where `AS <column>` is written last (the outer SELECT comes last), 1-based. */
function aliasPosition(sql: string, column: string): { line: number; column: number } | undefined {
  const name = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matches = [...sql.matchAll(new RegExp(`\\bAS\\s+${name}\\b`, 'gi'))];
  const last = matches[matches.length - 1];
  if (!last) return undefined;
  const before = sql.slice(0, last.index);
  const line = before.split('\n').length;
  return { line, column: last.index - (before.lastIndexOf('\n') + 1) + 1 };
}
