import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekInfo } from '../../functions/calendar/isoWeek.ts';
import type { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import { fixtureEngine, lastWeekOf, mustWeek, runKpi, weeks, type FixturePerson } from '../fixtures/curated.ts';

const sql = await readFile(new URL('../../dashboards/kpis/unge_uddannelsesstart.sql', import.meta.url), 'utf8');
const Q1_2017 = 2017 * 4;
const [JAN, FEB, MAR] = [2017 * 12, 2017 * 12 + 1, 2017 * 12 + 2];

// T(December 2016) = 2016-W52 (ISO year 2016), T(January) = 2017-W04, T(February) = 2017-W08.
// Weeks by their Thursday: January 2017-W01..W04, February W05..W08, March W09..W13.
const persons: FixturePerson[] = [
  { person_id: 'u1_k_29_then_30', sex: 'K', birth_year: 1987 }, // 29 in 2016-W52, 30 in 2017
  { person_id: 'u2_m_15_then_16', sex: 'M', birth_year: 2001 }, // 15 in 2016-W52, 16 in 2017
  { person_id: 'u3_k_pension', sex: 'K', birth_year: 1995 },
  { person_id: 'u4_m_foertidspension', sex: 'M', birth_year: 1995 },
  { person_id: 'u5_k_job_then_support', sex: 'K', birth_year: 1990 },
  { person_id: 'u6_m_starts_w05_moves', sex: 'M', birth_year: 1992 },
  { person_id: 'u7_m_30', sex: 'M', birth_year: 1986 },
];

const benefitWeeks = [
  ...weeks('u1_k_29_then_30', '2016-W40', '2017-W02', 'kontanthjaelp'),
  ...weeks('u1_k_29_then_30', '2017-W03', '2017-W03', 'ordinaer_uddannelse'),
  ...weeks('u1_k_29_then_30', '2017-W04', '2017-W13', 'kontanthjaelp'),
  ...weeks('u2_m_15_then_16', '2016-W40', '2017-W08', 'uddannelseshjaelp'),
  ...weeks('u2_m_15_then_16', '2017-W09', '2017-W13', 'ordinaer_uddannelse'),
  // Pension is not public support here: never in the population, whatever follows.
  ...weeks('u3_k_pension', '2016-W40', '2017-W01', 'pension'),
  ...weeks('u3_k_pension', '2017-W02', '2017-W13', 'ordinaer_uddannelse'),
  ...weeks('u4_m_foertidspension', '2016-W40', '2017-W13', 'foertidspension'),
  ...weeks('u5_k_job_then_support', '2016-W40', '2017-W04', 'beskaeftiget'),
  ...weeks('u5_k_job_then_support', '2017-W05', '2017-W13', 'kontanthjaelp'),
  // 2017-W05 runs Monday 30 January to 5 February: its Thursday puts it in February.
  ...weeks('u6_m_starts_w05_moves', '2016-W40', '2017-W04', 'kontanthjaelp'),
  ...weeks('u6_m_starts_w05_moves', '2017-W05', '2017-W06', 'ordinaer_uddannelse'),
  ...weeks('u7_m_30', '2016-W40', '2017-W01', 'kontanthjaelp'),
  ...weeks('u7_m_30', '2017-W02', '2017-W13', 'ordinaer_uddannelse'),
];

describe('unge_uddannelsesstart', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await fixtureEngine({ persons, benefit_weeks: benefitWeeks });
  });
  afterAll(() => engine.close());

  it('fixture weeks are the ones the cases are about', () => {
    expect([lastWeekOf('2016-12'), lastWeekOf('2017-01'), lastWeekOf('2017-02')]).toEqual(['2016-W52', '2017-W04', '2017-W08']);
    expect(weekInfo(mustWeek('2017-W05')).month).toBe(FEB);
    expect(weekInfo(mustWeek('2017-W09')).month).toBe(MAR);
  });

  it('takes the population in the previous month’s last week and counts starts in the month', async () => {
    // January (T(m−1) = 2016-W52): u1 (29, starts W03) K 1/1; u4 and u6 (starts only in W05) M 0/2.
    //   u2 is 15, u3 on pension, u5 in a job, u7 is 30.
    // February (T(m−1) = 2017-W04): u1 is 30 now; u2 (16), u4, u6 (starts W05) → M 1/3; no K.
    // March (T(m−1) = 2017-W08): u2 (starts W09), u4 → M 1/2; u5 → K 0/1; u6 is gone.
    expect(await runKpi(engine, sql, '2017Q1')).toEqual([
      { quarter: Q1_2017, month: JAN, sex: 'K', numerator: 1, denominator: 1 },
      { quarter: Q1_2017, month: JAN, sex: 'M', numerator: 0, denominator: 2 },
      { quarter: Q1_2017, month: FEB, sex: 'M', numerator: 1, denominator: 3 },
      { quarter: Q1_2017, month: MAR, sex: 'K', numerator: 0, denominator: 1 },
      { quarter: Q1_2017, month: MAR, sex: 'M', numerator: 1, denominator: 2 },
    ]);
  });
});
