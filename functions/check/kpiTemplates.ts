/**
 * What `pejlemaerke new-kpi <id>` writes: a working example KPI (the share of persons present in
 * the quarter's last week who are self-supporting, by sex) that passes `pejlemaerke
 * check` and its own fixture test as written, so an author starts from green and changes one
 * thing at a time. Every text the report shows starts with "UDKAST" until it is rewritten.
 */

export function kpiSqlTemplate(id: string): string {
  return `-- ${id}: template from \`pejlemaerke new-kpi\`. Replace the example with the KPI's definition,
-- then update ${id}.yaml and tests/kpis/${id}.test.ts and run \`pejlemaerke check\` and \`npm test\`.
--
-- The example: persons present in T (the quarter's last week), by sex; numerator: their status
-- in T is self-supporting (SELF: ordinary job, ordinary education, IGU, other means).
--
-- The KPI SQL contract (docs/add-a-kpi.md):
-- * one SELECT that Athena engine v3 (Trino) and DuckDB run with the same result: CAST(x AS DOUBLE)
--   instead of x::DOUBLE and before any division, no QUALIFY, no date functions (the calendar
--   table's integer week, month and quarter indexes instead), no engine-only functions;
-- * the quarters from {{from_quarter}} to {{to_quarter}} (quarter indexes, replaced by integers);
-- * columns: quarter; month (only for grain: month); one VARCHAR column per breakdown (sex);
--   numerator; denominator for unit: share (a count has none). One row per cell; a missing row
--   is 0/0. Totals and shares are computed in TypeScript.
-- * groups of statuses and offer types are tables, not lists in the SQL: join status_groups
--   (self, support, lt_benefits, integration, cash_benefits, job_or_education) and offer_groups
--   (company_directed), so a change in the benefit system is one edit (functions/contract/groups.ts);
-- * weeks in runs: benefit_spells (person_id, status, first_week, last_week) holds benefit_weeks as
--   runs of one status, far fewer rows when a KPI looks at many weeks (a 52-week window, a month).
SELECT
  t.quarter AS quarter,
  p.sex AS sex,
  COUNT(CASE WHEN g.self THEN 1 END) AS numerator,
  COUNT(*) AS denominator
FROM calendar t
JOIN benefit_weeks b ON b.week = t.week
JOIN status_groups g ON g.status = b.status
JOIN persons p ON p.person_id = b.person_id
WHERE t.last_of_quarter
  AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
GROUP BY t.quarter, p.sex
`;
}

export function kpiYamlTemplate(id: string): string {
  return `# ${id}: template from \`pejlemaerke new-kpi\`. The texts are shown in the report: rewrite every
# one that starts with UDKAST. Fields: functions/compute/kpiDefinition.ts and docs/add-a-kpi.md.
id: ${id}
title: "UDKAST: Selvforsørgende borgere"
description: >-
  UDKAST: Andelen af kommunens borgere, der er selvforsørgende i kvartalets sidste uge.
  Skriv én eller to sætninger om, hvad tallet er.
population: "UDKAST: Borgere i kommunen i kvartalets sidste uge."
numerator: "UDKAST: Heraf i ordinært job, ordinær uddannelse, IGU eller selvforsørgende på anden måde i den uge."
subject: "UDKAST: selvforsørgende borgere"
# share: numerator and denominator; count: numerator only (the SQL has no denominator column).
unit: share
# quarter, or month: the SQL returns one row per month and the quarter is the mean of the months.
grain: quarter
# higher_is_better or lower_is_better: which way a goal is met.
direction: higher_is_better
# true: the number accumulates from 1 January, and goals are judged pro rata.
year_to_date: false
# persons (disclosure control: nothing about fewer than the minimum cell size) or companies
# (counts of companies are published as they are).
about: persons
# One VARCHAR column per breakdown in the SQL.
breakdowns: [sex]
source: "UDKAST: planen, målet og datoen, fx Beskæftigelsesplan 2025, mål 2."
`;
}

export function kpiTestTemplate(id: string): string {
  return `import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kpiDefinitionSchema } from '../../functions/compute/kpiDefinition.ts';
import { fixtureEngine, lastWeekOf, runKpi, weeks } from '../fixtures/curated.ts';

// Template from \`pejlemaerke new-kpi\`: one hand-computed case for the example SQL. Rewrite it for
// the KPI's definition, and add a case for every boundary of the definition (the week T, age
// limits, week windows such as < 156 vs 156).
const KPI_DIR = join(import.meta.dirname, '..', '..', 'dashboards', 'kpis');
const sql = await readFile(join(KPI_DIR, '${id}.sql'), 'utf8');
const definition = kpiDefinitionSchema.parse(parse(await readFile(join(KPI_DIR, '${id}.yaml'), 'utf8')));

describe('${id}', () => {
  it('is a quarterly share by sex', () => {
    expect(definition).toMatchObject({ id: '${id}', unit: 'share', grain: 'quarter', breakdowns: ['sex'] });
  });

  it('counts the persons present in T, the last week of the quarter, by their status in T (self-supporting or not)', async () => {
    const t = lastWeekOf('2017Q4'); // 2017-W52
    const engine = await fixtureEngine({
      persons: [
        { person_id: 'k1_in_job', sex: 'K', birth_year: 1980 },
        { person_id: 'k2_on_benefit', sex: 'K', birth_year: 1985 },
        { person_id: 'm1_in_job', sex: 'M', birth_year: 1990 },
        { person_id: 'm2_moved_away', sex: 'M', birth_year: 1990 },
      ],
      benefit_weeks: [
        ...weeks('k1_in_job', '2017-W40', t, 'beskaeftiget'),
        ...weeks('k2_on_benefit', '2017-W40', t, 'kontanthjaelp'),
        ...weeks('m1_in_job', t, t, 'beskaeftiget'),
        ...weeks('m2_moved_away', '2017-W40', '2017-W51', 'beskaeftiget'),
      ],
    });
    try {
      const rows = await runKpi(engine, sql, '2017Q4');
      // Quarter index of 2017Q4 = 2017 * 4 + 3. K: k1 of k1, k2. M: m1 of m1; m2 has no row in T.
      expect(rows).toEqual([
        { quarter: 2017 * 4 + 3, sex: 'K', numerator: 1, denominator: 2 },
        { quarter: 2017 * 4 + 3, sex: 'M', numerator: 1, denominator: 1 },
      ]);
    } finally {
      await engine.close();
    }
  });
});
`;
}

/**
 * The KPI's comparison with Jobindsats (docs/jobindsats.md): none until the author finds a
 * comparable series, and the report says why in the meantime.
 */
export function benchmarkYamlTemplate(id: string): string {
  return `# ${id}: template from \`pejlemaerke new-kpi\`. Which Jobindsats series the report compares
# this KPI with (docs/jobindsats.md). Until one is found the report gives the reason below:
# rewrite it, or replace the file with a comparable series (see the other files in this folder).
kpi: ${id}
comparable: false
reason: >-
  UDKAST: Der er endnu ikke fundet en serie på Jobindsats, der opgøres som dette nøgletal.
`;
}
