import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../functions/check/configCheck.ts';
import { kpiDefinitionSchema, type KpiDefinition } from '../../functions/compute/kpiDefinition.ts';

const share = kpiDefinitionSchema.parse({
  id: 'andel_i_job',
  title: 'Andel i job',
  description: 'Andelen i ordinært job.',
  population: 'Alle',
  unit: 'share',
  grain: 'quarter',
  direction: 'higher_is_better',
  source: 'Planen',
  subject: 'borgere i job',
});
const count: KpiDefinition = { ...share, id: 'nye_virksomheder', unit: 'count' };
const ids = new Set(['andel_i_job', 'nye_virksomheder']);
const definitions = new Map([
  ['andel_i_job', share],
  ['nye_virksomheder', count],
]);
const check = (yaml: string) => checkConfig('dashboards/municipalities/k.yaml', yaml, ids, definitions);

const HEAD = ['municipality: Testkommune', 'committee: Udvalget'];
const goal = (kpi: string, target: number) => [`  - kpi: ${kpi}`, `    target: ${target}`, '    source: Planen 2017'];

describe('checkConfig', () => {
  it('accepts goals for KPIs in the catalogue, a share as a fraction and a count as a number', () => {
    expect(check([...HEAD, 'goals:', ...goal('andel_i_job', 0.45), ...goal('nye_virksomheder', 45)].join('\n'))).toEqual([]);
  });

  it('a goal for a KPI that does not exist points at its kpi line', () => {
    const problems = check([...HEAD, 'goals:', ...goal('andel_i_job', 0.45), ...goal('andel_i_jobb', 0.5)].join('\n'));
    // Line 7 is the second goal's "  - kpi: andel_i_jobb"; the value starts in column 10.
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'goal_kpi',
        line: 7,
        columnNumber: 10,
        column: 'goals.1.kpi',
        message: 'målet peger på KPI’en andel_i_jobb, som ikke findes i dashboards/kpis',
      }),
    ]);
    expect(problems[0]!.hint).toContain('pejlemaerke new-kpi andel_i_jobb');
    expect(problems[0]!.hint).toMatch(/^Mente du andel_i_job\?/);
  });

  it('a share goal written as a percentage fails', () => {
    expect(check([...HEAD, 'goals:', ...goal('andel_i_job', 45)].join('\n'))).toEqual([
      expect.objectContaining({ rule: 'goal_target', line: 5, columnNumber: 13, hint: 'Skriv fx 0.45 for 45 %.' }),
    ]);
  });

  it('schema errors carry the YAML line', () => {
    const problems = check([...HEAD, 'min_cell_size: 2'].join('\n'));
    expect(problems).toEqual([expect.objectContaining({ rule: 'config_schema', line: 3, columnNumber: 16, column: 'min_cell_size' })]);
  });

  it('YAML syntax errors carry their line', () => {
    const problems = check([...HEAD, 'goals:', '  - kpi: andel_i_job', '   target: 0.3'].join('\n'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ rule: 'config_yaml', line: 5 });
  });
});
