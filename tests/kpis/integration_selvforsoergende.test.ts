import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateToWeek, weekInfo } from '../../functions/calendar/isoWeek.ts';
import type { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import { addWeeks, fixtureEngine, lastWeekOf, runKpi, weeks, type FixturePerson } from '../fixtures/curated.ts';

const sql = await readFile(new URL('../../dashboards/kpis/integration_selvforsoergende.sql', import.meta.url), 'utf8');
const Q3_2017 = 2017 * 4 + 2;
const Q4_2017 = 2017 * 4 + 3;

function person(person_id: string, sex: 'M' | 'K', birth_year: number, arrival_date: string): FixturePerson {
  return { person_id, sex, birth_year, integration_group: 'flygtning', arrival_date };
}

// T = 2017-W52. 2015 has 53 weeks, so T − 155 = 2015-W02 and T − 156 = 2015-W01.
const persons: FixturePerson[] = [
  person('b1_k_155', 'K', 1990, '2015-01-08'), // 2015-W02: T − arrival = 155, in; job
  person('b2_m_156', 'M', 1990, '2015-01-01'), // 2015-W01: 156, out
  { ...person('b3_m_zero', 'M', 1990, '2017-12-28'), integration_group: 'familiesammenfoert' }, // arrival week = T: in
  person('b4_m_after', 'M', 1990, '2018-01-04'), // arrives after T: out
  person('b5_k_age64_pension', 'K', 1953, '2016-03-01'), // 64 in 2017, pension is not self-supporting
  person('b6_k_age65', 'K', 1952, '2016-03-01'), // 65: out
  person('b7_m_age18_edu', 'M', 1999, '2016-03-01'), // 18: in; ordinary education
  person('b8_m_age17', 'M', 2000, '2016-03-01'), // 17: out
  person('b9_k_moved', 'K', 1990, '2016-03-01'), // not present in T: out
  { person_id: 'b10_k_no_group', sex: 'K', birth_year: 1990 },
  person('b11_m_igu', 'M', 1990, '2016-03-01'), // IGU is self-supporting
  person('b12_k_other', 'K', 1990, '2016-03-01'), // selvforsoergende_oevrig
];

const benefitWeeks = [
  ...weeks('b1_k_155', '2015-W02', '2017-W52', 'beskaeftiget'),
  ...weeks('b2_m_156', '2015-W01', '2017-W52', 'beskaeftiget'),
  ...weeks('b3_m_zero', '2017-W52', '2017-W52', 'integrationsydelse'),
  ...weeks('b4_m_after', '2017-W40', '2018-W02', 'beskaeftiget'),
  ...weeks('b5_k_age64_pension', '2016-W09', '2017-W52', 'pension'),
  ...weeks('b6_k_age65', '2016-W09', '2017-W52', 'beskaeftiget'),
  ...weeks('b7_m_age18_edu', '2016-W09', '2017-W52', 'ordinaer_uddannelse'),
  ...weeks('b8_m_age17', '2016-W09', '2017-W52', 'ordinaer_uddannelse'),
  ...weeks('b9_k_moved', '2016-W09', '2017-W40', 'beskaeftiget'),
  ...weeks('b10_k_no_group', '2016-W09', '2017-W52', 'beskaeftiget'),
  ...weeks('b11_m_igu', '2016-W09', '2017-W52', 'igu'),
  ...weeks('b12_k_other', '2016-W09', '2017-W52', 'selvforsoergende_oevrig'),
];

describe('integration_selvforsoergende', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await fixtureEngine({ persons, benefit_weeks: benefitWeeks });
  });
  afterAll(() => engine.close());

  it('fixture weeks are the ones the cases are about', () => {
    const T = lastWeekOf('2017Q4');
    expect(T).toBe('2017-W52');
    expect(weekInfo(dateToWeek('2015-01-08')!).isoLabel).toBe(addWeeks(T, -155));
    expect(weekInfo(dateToWeek('2015-01-01')!).isoLabel).toBe(addWeeks(T, -156));
    expect(weekInfo(dateToWeek('2017-12-28')!).isoLabel).toBe(T);
  });

  it('counts the programme in T: 0 ≤ T − arrival < 156, aged 18–64, present', async () => {
    // K: b1 (job), b5 (pension), b12 (other means) → 2/3. M: b3 (ydelse), b7 (education), b11 (IGU) → 2/3.
    expect(await runKpi(engine, sql, '2017Q4')).toEqual([
      { quarter: Q4_2017, sex: 'K', numerator: 2, denominator: 3 },
      { quarter: Q4_2017, sex: 'M', numerator: 2, denominator: 3 },
    ]);
  });

  it('judges each quarter in its own last week', async () => {
    // T = 2017-W39: b3 has not arrived, b9 is still here, b2 is at 143 weeks.
    // K: b1, b5, b9, b12 → 3/4. M: b2, b7, b11 → 3/3 (b8 is 17 in 2017 too).
    expect(lastWeekOf('2017Q3')).toBe('2017-W39');
    expect(await runKpi(engine, sql, '2017Q3', '2017Q4')).toEqual([
      { quarter: Q3_2017, sex: 'K', numerator: 3, denominator: 4 },
      { quarter: Q3_2017, sex: 'M', numerator: 3, denominator: 3 },
      { quarter: Q4_2017, sex: 'K', numerator: 2, denominator: 3 },
      { quarter: Q4_2017, sex: 'M', numerator: 2, denominator: 3 },
    ]);
  });
});
