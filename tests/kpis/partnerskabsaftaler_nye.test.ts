import { describe, expect, it } from 'vitest';
import type { FixtureContact } from '../fixtures/curated.ts';
import { kpiRows, loadKpiFiles } from '../fixtures/kpiFixtures.ts';
import { quarterIndex } from '../../functions/calendar/quarter.ts';

const kpi = await loadKpiFiles('partnerskabsaftaler_nye');

const agreement = (company_id: string, contact_date: string, contact_type = 'partnerskabsaftale'): FixtureContact => ({
  company_id,
  contact_date,
  contact_type,
});

describe('partnerskabsaftaler_nye', () => {
  it('is a year-to-date count without breakdowns', () => {
    expect(kpi.definition).toMatchObject({
      id: 'partnerskabsaftaler_nye',
      unit: 'count',
      grain: 'quarter',
      year_to_date: true,
      breakdowns: [],
    });
  });

  it('counts distinct companies with an agreement from 1 January to the end of the quarter', async () => {
    const rows = await kpiRows(
      {
        company_contacts: [
          agreement('p1_two', '2018-02-01'),
          agreement('p1_two', '2018-09-01'),
          agreement('p2_dec31_2017', '2017-12-31'),
          agreement('p2_dec31_2017', '2018-01-05', 'rekruttering'),
          // Monday 31 December 2018 is in ISO week 2019-W01 but counts for 2018Q4.
          agreement('p3_dec31_2018', '2018-12-31'),
          agreement('p4_no_agreement', '2018-05-01', 'rekruttering'),
          agreement('p5_renewed', '2016-06-01'),
          agreement('p5_renewed', '2018-01-01'),
          agreement('p6_jun30', '2018-06-30'),
        ],
      },
      kpi.sql,
      '2017Q4',
      '2019Q1',
    );
    // 2017: p2. 2018: p1 (twice, counted once) and p5 in Q1, p6 in Q2, p3 in Q4. 2019: none.
    expect(rows).toEqual([
      { quarter: quarterIndex('2017Q4'), numerator: 1 },
      { quarter: quarterIndex('2018Q1'), numerator: 2 },
      { quarter: quarterIndex('2018Q2'), numerator: 3 },
      { quarter: quarterIndex('2018Q3'), numerator: 3 },
      { quarter: quarterIndex('2018Q4'), numerator: 4 },
      { quarter: quarterIndex('2019Q1'), numerator: 0 },
    ]);
  });
});
