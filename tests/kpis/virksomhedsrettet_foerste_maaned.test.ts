import { describe, expect, it } from 'vitest';
import type { FixturePerson } from '../fixtures/curated.ts';
import { kpiRows, loadKpiFiles } from '../fixtures/kpiFixtures.ts';
import { quarterIndex } from '../../functions/calendar/quarter.ts';

const kpi = await loadKpiFiles('virksomhedsrettet_foerste_maaned');

function refugee(person_id: string, sex: 'M' | 'K', birth_year: number, arrival_date: string): FixturePerson {
  return { person_id, sex, birth_year, integration_group: 'flygtning', arrival_date };
}

describe('virksomhedsrettet_foerste_maaned', () => {
  it('is a quarterly share by sex', () => {
    expect(kpi.definition).toMatchObject({
      id: 'virksomhedsrettet_foerste_maaned',
      unit: 'share',
      grain: 'quarter',
      year_to_date: false,
      breakdowns: ['sex'],
    });
  });

  // Monday 31 December 2018 lies in 2019-W01, so age in the arrival week is 2019 - birth_year.
  it('places persons by arrival week + 4 and counts offers starting up to that week', async () => {
    const rows = await kpiRows(
      {
        persons: [
          refugee('f1_k_18_by_iso_year', 'K', 2001, '2018-12-31'),
          refugee('f2_m_17', 'M', 2002, '2018-12-31'),
          refugee('f3_m_week5', 'M', 1990, '2018-12-03'),
          refugee('f9_m_17_at_arrival', 'M', 2001, '2018-12-03'),
          refugee('f4_k_same_week', 'K', 1990, '2018-11-29'),
          refugee('f5_m_q2', 'M', 1990, '2019-03-04'),
          refugee('f6_k_before', 'K', 1990, '2019-02-25'),
          { person_id: 'f7_k_no_group', sex: 'K', birth_year: 1990, arrival_date: '2019-01-07' },
          { person_id: 'f8_m_family', sex: 'M', birth_year: 1980, integration_group: 'familiesammenfoert', arrival_date: '2019-01-14' },
        ],
        offers: [
          // 2019-W01 + 4 = 2019-W05 (28 January to Sunday 3 February).
          { person_id: 'f1_k_18_by_iso_year', offer_type: 'virksomhedspraktik', start_date: '2019-02-03', end_date: '2019-03-01' },
          { person_id: 'f2_m_17', offer_type: 'virksomhedspraktik', start_date: '2019-01-02', end_date: '2019-03-01' },
          // 2018-W49 + 4 = 2019-W01 (2018 has 52 weeks); 7 January 2019 is in W02 = arrival + 5.
          { person_id: 'f3_m_week5', offer_type: 'loentilskud_privat', start_date: '2019-01-07', end_date: '2019-03-01' },
          // Aged 17 in 2018-W49 (18 only in 2019-W01, the week arrival + 4).
          { person_id: 'f9_m_17_at_arrival', offer_type: 'virksomhedspraktik', start_date: '2018-12-03', end_date: '2019-03-01' },
          // Arrival on Thursday 29 November (2018-W48); the offer starts the Monday before.
          { person_id: 'f4_k_same_week', offer_type: 'nytteindsats', start_date: '2018-11-26', end_date: '2018-12-20' },
          // 2019-W10 + 4 = 2019-W14 (1 to 7 April), in 2019Q2.
          { person_id: 'f5_m_q2', offer_type: 'loentilskud_offentlig', start_date: '2019-04-07', end_date: '2019-05-31' },
          // Started the week before arrival, then a mentor (not company-directed).
          { person_id: 'f6_k_before', offer_type: 'virksomhedspraktik', start_date: '2019-02-20', end_date: '2019-04-30' },
          { person_id: 'f6_k_before', offer_type: 'mentor', start_date: '2019-03-04', end_date: '2019-03-29' },
          { person_id: 'f7_k_no_group', offer_type: 'virksomhedspraktik', start_date: '2019-01-07', end_date: '2019-03-01' },
          { person_id: 'f8_m_family', offer_type: 'nytteindsats', start_date: '2019-01-14', end_date: '2019-02-14' },
          { person_id: 'f8_m_family', offer_type: 'virksomhedspraktik', start_date: '2019-01-21', end_date: '2019-02-14' },
        ],
      },
      kpi.sql,
      '2018Q4',
      '2019Q2',
    );
    // 2018Q4: f4 (2018-W52). 2019Q1: K = f1 (aged 18, offer in W+4), f6 (2019-W13, no offer
    // starting from arrival); M = f3 (offer in W+5), f8 (two offers, counted once); f2 and
    // f9 are 17 in their arrival week.
    // 2019Q2: f5 (offer in W+4).
    expect(rows).toEqual([
      { quarter: quarterIndex('2018Q4'), sex: 'K', numerator: 1, denominator: 1 },
      { quarter: quarterIndex('2019Q1'), sex: 'K', numerator: 1, denominator: 2 },
      { quarter: quarterIndex('2019Q1'), sex: 'M', numerator: 1, denominator: 2 },
      { quarter: quarterIndex('2019Q2'), sex: 'M', numerator: 1, denominator: 1 },
    ]);
  });
});
