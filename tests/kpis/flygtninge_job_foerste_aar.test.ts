import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateToWeek, weekInfo } from '../../functions/calendar/isoWeek.ts';
import type { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import { addWeeks, fixtureEngine, runKpi, weeks, type FixturePerson } from '../fixtures/curated.ts';

const sql = await readFile(new URL('../../dashboards/kpis/flygtninge_job_foerste_aar.sql', import.meta.url), 'utf8');
const Q3_2017 = 2017 * 4 + 2;
const Q4_2017 = 2017 * 4 + 3;

function refugee(person_id: string, sex: 'M' | 'K', birth_year: number, arrival_date: string): FixturePerson {
  return { person_id, sex, birth_year, integration_group: 'flygtning', arrival_date };
}

// 2017Q4 holds the weeks 2017-W40..2017-W52; arrival week + 52 must be one of them.
const persons: FixturePerson[] = [
  refugee('a1_m_first_week', 'M', 1990, '2016-10-05'), // 2016-W40 → 2017-W40: in, job
  { ...refugee('a2_k_q3', 'K', 1985, '2016-09-28'), integration_group: 'familiesammenfoert' }, // 2016-W39 → 2017-W39: Q3, job
  refugee('a3_k_last_week', 'K', 1980, '2016-12-28'), // 2016-W52 → 2017-W52: in, kontanthjælp
  refugee('a4_m_next_year', 'M', 1980, '2017-01-04'), // 2017-W01 → 2018-W01: out
  refugee('a5_m_moved', 'M', 1980, '2016-10-12'), // 2016-W41 → 2017-W41, but gone by then
  refugee('a6_k_age17', 'K', 1999, '2017-01-01'), // a Sunday in 2016-W52: age 2016 − 1999 = 17, out
  refugee('a7_k_age18', 'K', 1998, '2017-01-01'), // age 2016 − 1998 = 18: in, job
  refugee('a8_m_igu', 'M', 1990, '2016-11-02'), // 2016-W44 → 2017-W44: in, IGU is not ordinary work
  { person_id: 'a9_m_not_integration', sex: 'M', birth_year: 1990 },
];

const benefitWeeks = [
  ...weeks('a1_m_first_week', '2016-W40', '2017-W30', 'integrationsydelse'),
  ...weeks('a1_m_first_week', '2017-W31', '2017-W52', 'beskaeftiget'),
  ...weeks('a2_k_q3', '2016-W39', '2017-W52', 'beskaeftiget'),
  ...weeks('a3_k_last_week', '2016-W52', '2017-W52', 'kontanthjaelp'),
  ...weeks('a4_m_next_year', '2017-W01', '2018-W05', 'beskaeftiget'),
  ...weeks('a5_m_moved', '2016-W41', '2017-W30', 'beskaeftiget'),
  ...weeks('a6_k_age17', '2016-W52', '2017-W52', 'beskaeftiget'),
  ...weeks('a7_k_age18', '2016-W52', '2017-W52', 'beskaeftiget'),
  ...weeks('a8_m_igu', '2016-W44', '2017-W52', 'igu'),
  ...weeks('a9_m_not_integration', '2016-W01', '2017-W52', 'beskaeftiget'),
];

describe('flygtninge_job_foerste_aar', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await fixtureEngine({ persons, benefit_weeks: benefitWeeks });
  });
  afterAll(() => engine.close());

  it('fixture weeks are the ones the cases are about', () => {
    expect(weekInfo(dateToWeek('2017-01-01')!).isoLabel).toBe('2016-W52');
    expect(addWeeks('2016-W40', 52)).toBe('2017-W40');
    expect(addWeeks('2016-W39', 52)).toBe('2017-W39');
    expect(addWeeks('2016-W52', 52)).toBe('2017-W52');
    expect(addWeeks('2017-W01', 52)).toBe('2018-W01');
  });

  it('counts adults whose week arrival + 52 lies in the quarter and who are present then', async () => {
    // K: a3 (kontanthjælp), a7 (job) → 1/2. M: a1 (job), a8 (IGU) → 1/2.
    expect(await runKpi(engine, sql, '2017Q4')).toEqual([
      { quarter: Q4_2017, sex: 'K', numerator: 1, denominator: 2 },
      { quarter: Q4_2017, sex: 'M', numerator: 1, denominator: 2 },
    ]);
  });

  it('puts each person in the quarter of their anniversary week', async () => {
    expect(await runKpi(engine, sql, '2017Q3', '2017Q4')).toEqual([
      { quarter: Q3_2017, sex: 'K', numerator: 1, denominator: 1 },
      { quarter: Q4_2017, sex: 'K', numerator: 1, denominator: 2 },
      { quarter: Q4_2017, sex: 'M', numerator: 1, denominator: 2 },
    ]);
  });

  it('returns no rows for a quarter without anniversaries', async () => {
    expect(await runKpi(engine, sql, '2017Q2')).toEqual([]);
  });
});
