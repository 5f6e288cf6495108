import { describe, expect, it } from 'vitest';
import type { FixtureContact } from '../fixtures/curated.ts';
import { kpiRows, loadKpiFiles } from '../fixtures/kpiFixtures.ts';
import { quarterIndex } from '../../functions/calendar/quarter.ts';

const kpi = await loadKpiFiles('virksomheder_nye');

const contact = (company_id: string, contact_date: string, contact_type = 'rekruttering'): FixtureContact => ({
  company_id,
  contact_date,
  contact_type,
});

describe('virksomheder_nye', () => {
  it('is a year-to-date count without breakdowns', () => {
    expect(kpi.definition).toMatchObject({
      id: 'virksomheder_nye',
      unit: 'count',
      grain: 'quarter',
      year_to_date: true,
      breakdowns: [],
    });
  });

  it('counts companies by the date of their first contact ever, year to date', async () => {
    const rows = await kpiRows(
      {
        company_contacts: [
          // Monday 31 December 2018 is in ISO week 2019-W01 but counts for 2018Q4.
          contact('c1_dec31', '2018-12-31'),
          contact('c1_dec31', '2019-02-01', 'fastholdelse'),
          contact('c2_known', '2017-05-01'),
          contact('c2_known', '2018-03-01'),
          contact('c3_jan1', '2018-01-01'),
          contact('c3_jan1', '2018-06-01', 'virksomhedsrettet_aktivering'),
          contact('c4_mar31', '2018-03-31'),
          contact('c5_apr1', '2018-04-01'),
          contact('c6_2019', '2019-01-01'),
          contact('c7_day_before', '2017-12-31'),
          contact('c7_day_before', '2018-02-01'),
          contact('c8_agreement', '2018-08-15', 'partnerskabsaftale'),
          contact('c8_agreement', '2018-08-15', 'rekruttering'),
        ],
      },
      kpi.sql,
      '2017Q4',
      '2019Q1',
    );
    // 2017: c2 (May), c7 (31 December). 2018: c3 and c4 in Q1, c5 in Q2, c8 in Q3, c1 in Q4;
    // c2 and c7 had contacts before 2018. 2019Q1: only c6 (c1's first contact was in 2018).
    expect(rows).toEqual([
      { quarter: quarterIndex('2017Q4'), numerator: 2 },
      { quarter: quarterIndex('2018Q1'), numerator: 2 },
      { quarter: quarterIndex('2018Q2'), numerator: 3 },
      { quarter: quarterIndex('2018Q3'), numerator: 4 },
      { quarter: quarterIndex('2018Q4'), numerator: 5 },
      { quarter: quarterIndex('2019Q1'), numerator: 1 },
    ]);
  });

  it('returns 0 for a quarter with no new companies, and counts nothing after the quarter', async () => {
    const rows = await kpiRows({ company_contacts: [contact('c9_later', '2020-04-01')] }, kpi.sql, '2020Q1');
    expect(rows).toEqual([{ quarter: quarterIndex('2020Q1'), numerator: 0 }]);
  });
});
