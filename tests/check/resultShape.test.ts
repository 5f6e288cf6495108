import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_RANGE, openCheckEngine } from '../../functions/check/checkFixture.ts';
import { RenderedSql } from '../../functions/check/renderedSql.ts';
import { checkResultShape } from '../../functions/check/resultShape.ts';
import { kpiDefinitionSchema, type KpiDefinition } from '../../functions/compute/kpiDefinition.ts';
import type { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';

const definition = (overrides: Partial<KpiDefinition>): KpiDefinition =>
  kpiDefinitionSchema.parse({
    id: 'x_test',
    title: 'Test',
    description: 'En test-KPI til check.',
    population: 'Alle',
    unit: 'share',
    grain: 'quarter',
    direction: 'higher_is_better',
    breakdowns: ['sex'],
    source: 'Testen',
    subject: 'testpersoner',
    ...overrides,
  });

/** Persons present in T by sex; numerator: beskaeftiget in T. `select` replaces the column list. */
const inT = (select: string) => `SELECT
${select}
FROM calendar t
JOIN benefit_weeks b ON b.week = t.week
JOIN persons p ON p.person_id = b.person_id
WHERE t.last_of_quarter AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
GROUP BY t.quarter, p.sex`;

let engine: DuckDbEngine;
beforeAll(async () => {
  engine = await openCheckEngine();
});
afterAll(async () => {
  await engine.close();
});

const shape = (sql: string, d: KpiDefinition) => checkResultShape(engine, 'x.sql', d, new RenderedSql(sql, CHECK_RANGE), CHECK_RANGE);

describe('checkResultShape: the result contract on the check fixture', () => {
  it('accepts a share by sex and counts its rows', async () => {
    const result = await shape(
      inT("  t.quarter AS quarter,\n  p.sex AS sex,\n  COUNT(CASE WHEN b.status = 'beskaeftiget' THEN 1 END) AS numerator,\n  COUNT(*) AS denominator"),
      definition({}),
    );
    expect(result.problems).toEqual([]);
    // In every T of 2016Q1..2017Q4 the fixture has women (the young person, the refugee who
    // arrived in 2016-W05) and men (the long-term unemployed, the worker): 8 quarters × 2 groups.
    expect(result.rows).toBe(16);
  });

  it('a count KPI returns no denominator: the problem points at `AS denominator`', async () => {
    const result = await shape(
      inT('  t.quarter AS quarter,\n  p.sex AS sex,\n  COUNT(*) AS numerator,\n  COUNT(*) AS denominator'),
      definition({ unit: 'count' }),
    );
    expect(result.problems).toEqual([
      expect.objectContaining({
        rule: 'result_columns',
        line: 5,
        columnNumber: 12,
        column: 'denominator',
        hint: expect.stringMatching(/unit: share i x_test\.yaml/),
      }),
    ]);
  });

  it('a DOUBLE numerator fails: counts are integers, the share is computed in TypeScript', async () => {
    const result = await shape(
      inT('  t.quarter AS quarter,\n  p.sex AS sex,\n  CAST(COUNT(*) AS DOUBLE) AS numerator,\n  COUNT(*) AS denominator'),
      definition({}),
    );
    expect(result.problems).toEqual([
      expect.objectContaining({ rule: 'result-types', line: 4, column: 'numerator', message: 'kolonnen numerator er DOUBLE, men skal være et heltal' }),
    ]);
  });

  it('a missing breakdown column and an extra column are both named', async () => {
    const result = await shape(inT('  t.quarter AS quarter,\n  COUNT(*) AS numerator,\n  COUNT(*) AS denominator,\n  p.sex AS gender'), definition({}));
    expect(result.problems.map((p) => [p.rule, p.column, p.line])).toEqual([
      ['result_columns', 'gender', 5],
      ['result_columns', 'sex', 0],
    ]);
  });

  it('a monthly KPI needs the month column', async () => {
    const result = await shape(
      inT('  t.quarter AS quarter,\n  p.sex AS sex,\n  COUNT(*) AS numerator,\n  COUNT(*) AS denominator'),
      definition({ grain: 'month' }),
    );
    expect(result.problems.map((p) => [p.rule, p.column])).toEqual([['result_columns', 'month']]);
  });

  it('numerator > denominator on the fixture fails with the row parser’s reason', async () => {
    const result = await shape(inT('  t.quarter AS quarter,\n  p.sex AS sex,\n  COUNT(*) + 1 AS numerator,\n  COUNT(*) AS denominator'), definition({}));
    expect(result.problems).toEqual([
      expect.objectContaining({ rule: 'result_rows', message: expect.stringContaining('numerator er større end denominator') }),
    ]);
  });

  it('a query DuckDB cannot run is placed where DuckDB points', async () => {
    const result = await shape(inT('  t.quarter AS quarter,\n  p.gender AS sex,\n  COUNT(*) AS numerator,\n  COUNT(*) AS denominator'), definition({}));
    expect(result.problems).toEqual([
      expect.objectContaining({ rule: 'duckdb_error', line: 3, columnNumber: 3, message: expect.stringContaining('does not have a column named "gender"') }),
    ]);
  });
});
