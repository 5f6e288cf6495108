import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateToWeek, weekInfo } from '../../functions/calendar/isoWeek.ts';
import type { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import { addWeeks, fixtureEngine, lastWeekOf, runKpi, weeks, type FixturePerson } from '../fixtures/curated.ts';

const sql = await readFile(new URL('../../dashboards/kpis/langtid_virksomhedsrettet.sql', import.meta.url), 'utf8');
const Q1_2017 = 2017 * 4;
const [JAN, FEB, MAR] = [2017 * 12, 2017 * 12 + 1, 2017 * 12 + 2];

const sexes: Record<string, 'M' | 'K'> = {
  l1_k_offer_t25: 'K',
  l2_m_offer_t26: 'M',
  l3_k_mentor: 'K',
  l4_m_offer_starts_t: 'M',
  l5_k_42_weeks: 'K',
  l6_m_41_weeks: 'M',
  l7_k_pension: 'K',
  l8_m_sick_in_t: 'M',
  l9_k_moved: 'K',
  l10_m_mixed_support: 'M',
};
const persons: FixturePerson[] = Object.entries(sexes).map(([person_id, sex]) => ({ person_id, sex, birth_year: 1975 }));

// Everyone's data starts in 2016-W14, the first of the 52 weeks ending with T(March) = 2017-W13.
// January's window (2016-W05..2017-W04) then holds 43 weeks, February's 47.
const benefitWeeks = [
  ...weeks('l1_k_offer_t25', '2016-W14', '2017-W13', 'kontanthjaelp'),
  ...weeks('l2_m_offer_t26', '2016-W14', '2017-W13', 'kontanthjaelp'),
  ...weeks('l3_k_mentor', '2016-W14', '2017-W13', 'kontanthjaelp'),
  ...weeks('l4_m_offer_starts_t', '2016-W14', '2017-W13', 'kontanthjaelp'),
  // 39 + 2 + 1 = 42 support weeks in March's window; in a job at T(January) and T(February).
  ...weeks('l5_k_42_weeks', '2016-W14', '2017-W02', 'kontanthjaelp'),
  ...weeks('l5_k_42_weeks', '2017-W03', '2017-W12', 'beskaeftiget'),
  ...weeks('l5_k_42_weeks', '2017-W13', '2017-W13', 'kontanthjaelp'),
  // 40 + 1 = 41 support weeks.
  ...weeks('l6_m_41_weeks', '2016-W14', '2017-W01', 'kontanthjaelp'),
  ...weeks('l6_m_41_weeks', '2017-W02', '2017-W12', 'beskaeftiget'),
  ...weeks('l6_m_41_weeks', '2017-W13', '2017-W13', 'kontanthjaelp'),
  // 11 pension weeks + 41 on a-dagpenge: 41 support weeks, not 52.
  ...weeks('l7_k_pension', '2016-W14', '2016-W24', 'pension'),
  ...weeks('l7_k_pension', '2016-W25', '2017-W13', 'a_dagpenge'),
  // Support all year, but sygedagpenge is not a long-term benefit.
  ...weeks('l8_m_sick_in_t', '2016-W14', '2017-W13', 'sygedagpenge'),
  // Moves away after 2017-W06: in T(January), gone in T(February) and T(March).
  ...weeks('l9_k_moved', '2016-W14', '2017-W06', 'kontanthjaelp'),
  // Sygedagpenge counts as support in the window; integrationsydelse in T.
  ...weeks('l10_m_mixed_support', '2016-W14', '2016-W52', 'sygedagpenge'),
  ...weeks('l10_m_mixed_support', '2017-W01', '2017-W13', 'integrationsydelse'),
];

const offers = [
  // 2016-W36..2016-W40: ends exactly in the 26th week back from T(March) (2017-W13 − 25).
  { person_id: 'l1_k_offer_t25', offer_type: 'virksomhedspraktik', start_date: '2016-09-05', end_date: '2016-10-07' },
  // 2016-W36..2016-W39: ends one week earlier, outside March's 26 weeks.
  { person_id: 'l2_m_offer_t26', offer_type: 'loentilskud_privat', start_date: '2016-09-05', end_date: '2016-09-30' },
  // Mentor is not company-directed.
  { person_id: 'l3_k_mentor', offer_type: 'mentor', start_date: '2016-04-04' },
  // Starts in T(March) and is still running.
  { person_id: 'l4_m_offer_starts_t', offer_type: 'nytteindsats', start_date: '2017-03-27' },
  // 2016-W31 = T(January) − 25: inside January's 26 weeks only.
  { person_id: 'l9_k_moved', offer_type: 'virksomhedspraktik', start_date: '2016-08-01', end_date: '2016-08-05' },
  { person_id: 'l10_m_mixed_support', offer_type: 'loentilskud_offentlig', start_date: '2017-01-09', end_date: '2017-01-13' },
];

describe('langtid_virksomhedsrettet', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await fixtureEngine({ persons, benefit_weeks: benefitWeeks, offers });
  });
  afterAll(() => engine.close());

  it('fixture weeks are the ones the cases are about', () => {
    expect([lastWeekOf('2017-01'), lastWeekOf('2017-02'), lastWeekOf('2017-03')]).toEqual(['2017-W04', '2017-W08', '2017-W13']);
    expect(addWeeks('2017-W13', -51)).toBe('2016-W14');
    expect(addWeeks('2017-W13', -25)).toBe('2016-W40');
    const week = (d: string) => weekInfo(dateToWeek(d)!).isoLabel;
    expect([week('2016-09-05'), week('2016-10-07'), week('2016-09-30'), week('2017-03-27')]).toEqual(['2016-W36', '2016-W40', '2016-W39', '2017-W13']);
    expect([week('2016-08-05'), addWeeks('2017-W04', -25)]).toEqual(['2016-W31', '2016-W31']);
  });

  it('counts each month of the quarter on its own last week', async () => {
    // January (T = 2017-W04, offer window 2016-W31..2017-W04): population l1 l3 l9 (K), l2 l4 l10 (M);
    //   in an offer: l1 l9 (K), l2 l10 (M). l4's offer has not started; l5/l6 are in a job in T.
    // February (T = 2017-W08, window 2016-W35..2017-W08): l9 is gone; otherwise as January.
    // March (T = 2017-W13, window 2016-W40..2017-W13): population l1 l3 l5 (K), l2 l4 l10 (M);
    //   l6 and l7 have 41 support weeks; in an offer: l1 (K), l4 l10 (M).
    expect(await runKpi(engine, sql, '2017Q1')).toEqual([
      { quarter: Q1_2017, month: JAN, sex: 'K', numerator: 2, denominator: 3 },
      { quarter: Q1_2017, month: JAN, sex: 'M', numerator: 2, denominator: 3 },
      { quarter: Q1_2017, month: FEB, sex: 'K', numerator: 1, denominator: 2 },
      { quarter: Q1_2017, month: FEB, sex: 'M', numerator: 2, denominator: 3 },
      { quarter: Q1_2017, month: MAR, sex: 'K', numerator: 1, denominator: 3 },
      { quarter: Q1_2017, month: MAR, sex: 'M', numerator: 2, denominator: 3 },
    ]);
  });

  it('is empty before anyone has a year of data', async () => {
    // T(December 2016) = 2016-W52: data from 2016-W14 gives at most 39 weeks.
    expect(await runKpi(engine, sql, '2016Q4')).toEqual([]);
  });
});
