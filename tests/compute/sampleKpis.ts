import { kpiDefinitionSchema, type Kpi } from '../../functions/compute/kpiDefinition.ts';

/**
 * KPIs whose SQL returns hand-made rows from a VALUES list, run on a real DuckDB: the rows the
 * compute stage sees are exactly the ones written here, so totals and means can be checked by hand.
 */
export const [OCT, NOV, DEC] = [2017 * 12 + 9, 2017 * 12 + 10, 2017 * 12 + 11];

function kpi(definition: Record<string, unknown>, values: string, columns: string): Kpi {
  return {
    definition: kpiDefinitionSchema.parse({
      title: 'Prøve',
      description: 'En KPI til en test af beregningen.',
      population: 'Alle',
      direction: 'higher_is_better',
      source: 'Test',
      subject: 'prøver',
      ...definition,
    }),
    sql: `SELECT * FROM (VALUES ${values}) AS t(${columns}) WHERE quarter BETWEEN {{from_quarter}} AND {{to_quarter}}`,
    hash: `hash-${String(definition.id)}`,
  };
}

// 2017Q4 = 8071, 2017Q3 = 8070; 8060 lies before the trend and must be left out by the SQL.
export const quarterly = kpi(
  { id: 'test_andel', unit: 'share', grain: 'quarter', breakdowns: ['sex'] },
  `(8071, 'K', 5, 10), (8071, 'M', 7, 15), (8070, 'K', 2, 10), (8070, 'M', 10, 20), (8060, 'K', 9, 9)`,
  'quarter, sex, numerator, denominator',
);
// November has women only; the men's November is absent (0/0) and left out of their mean.
export const monthly = kpi(
  { id: 'test_maaned', unit: 'share', grain: 'month', breakdowns: ['sex'] },
  `(8071, ${OCT}, 'K', 2, 4), (8071, ${OCT}, 'M', 3, 6), (8071, ${NOV}, 'K', 3, 4), (8071, ${DEC}, 'K', 0, 2), (8071, ${DEC}, 'M', 2, 4)`,
  'quarter, month, sex, numerator, denominator',
);
export const counted = kpi({ id: 'test_antal', unit: 'count', grain: 'quarter' }, `(8071, 7), (8069, 3)`, 'quarter, numerator');

// Year to date, 2017: 6, 11, 16, 21 — every step is 5, so all four quarters are published.
export const yearToDate = kpi(
  { id: 'test_aar_til_dato', unit: 'count', grain: 'quarter', year_to_date: true },
  `(8068, 6), (8069, 11), (8070, 16), (8071, 21)`,
  'quarter, numerator',
);
// Counts of companies: 3 is published as it is.
export const companies = kpi({ id: 'test_virksomheder', unit: 'count', grain: 'quarter', about: 'companies' }, `(8071, 3), (8070, 1)`, 'quarter, numerator');
