import { describe, expect, it } from 'vitest';
import type { FixtureCompany, FixtureContact } from '../fixtures/curated.ts';
import { kpiRows, loadKpiFiles } from '../fixtures/kpiFixtures.ts';
import { quarterIndex } from '../../functions/calendar/quarter.ts';

const kpi = await loadKpiFiles('samarbejdsgrad');

const company = (company_id: string, year: number, employees: number): FixtureCompany => ({ company_id, year, employees });
const contact = (company_id: string, contact_date: string): FixtureContact => ({
  company_id,
  contact_date,
  contact_type: 'rekruttering',
});

describe('samarbejdsgrad', () => {
  it('is a quarterly share without breakdowns', () => {
    expect(kpi.definition).toMatchObject({
      id: 'samarbejdsgrad',
      unit: 'share',
      grain: 'quarter',
      year_to_date: false,
      breakdowns: [],
    });
  });

  // Window for 2018Q4: 1 January to 31 December 2018; for 2019Q1: 1 April 2018 to 31 March 2019.
  it("counts companies with >= 1 employee in the quarter's year and a contact in four quarters", async () => {
    const rows = await kpiRows(
      {
        companies: [
          company('s1_first_day', 2018, 1),
          company('s1_first_day', 2019, 1),
          company('s2_small', 2018, 0.99),
          company('s2_small', 2019, 3),
          company('s3_day_before', 2018, 10),
          company('s3_day_before', 2019, 10),
          company('s4_dec31', 2018, 5),
          company('s4_dec31', 2019, 5),
          company('s5_none', 2018, 2),
          company('s6_mar31', 2018, 4),
          company('s6_mar31', 2019, 4),
          company('s7_apr1', 2018, 1.5),
          company('s7_apr1', 2019, 1.5),
          company('s9_last_day', 2019, 1),
          company('s10_after', 2019, 1),
        ],
        company_contacts: [
          contact('s1_first_day', '2018-01-01'),
          contact('s2_small', '2018-05-01'),
          contact('s3_day_before', '2017-12-31'),
          contact('s4_dec31', '2018-11-01'),
          contact('s4_dec31', '2018-12-31'),
          contact('s6_mar31', '2018-03-31'),
          contact('s7_apr1', '2018-04-01'),
          contact('s8_outside', '2018-06-01'),
          contact('s9_last_day', '2019-03-31'),
          contact('s10_after', '2019-04-01'),
        ],
      },
      kpi.sql,
      '2018Q4',
      '2019Q1',
    );
    // 2018Q4: base s1, s3, s4, s5, s6, s7 (s2 has 0.99 employees); contacted s1 (first day),
    // s4 (two contacts), s6, s7; s3's contact is the day before the window.
    // 2019Q1: base s1, s2, s3, s4, s6, s7, s9, s10; contacted s2, s4, s7 (first day), s9 (last
    // day); s1 and s3 are too early, s6 is the day before the window, s10 the day after.
    expect(rows).toEqual([
      { quarter: quarterIndex('2018Q4'), numerator: 4, denominator: 6 },
      { quarter: quarterIndex('2019Q1'), numerator: 4, denominator: 8 },
    ]);
  });
});
