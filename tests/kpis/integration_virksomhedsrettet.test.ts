import { describe, expect, it } from 'vitest';
import { addWeeks, lastWeekOf, weeks, type FixturePerson } from '../fixtures/curated.ts';
import { kpiRows, loadKpiFiles, mondayOf } from '../fixtures/kpiFixtures.ts';
import { quarterIndex } from '../../functions/calendar/quarter.ts';

const kpi = await loadKpiFiles('integration_virksomhedsrettet');

function refugee(person_id: string, sex: 'M' | 'K', arrivalWeek: string): FixturePerson {
  return { person_id, sex, birth_year: 1990, integration_group: 'flygtning', arrival_date: mondayOf(arrivalWeek) };
}

describe('integration_virksomhedsrettet', () => {
  it('is a quarterly share by sex', () => {
    expect(kpi.definition).toMatchObject({
      id: 'integration_virksomhedsrettet',
      unit: 'share',
      grain: 'quarter',
      year_to_date: false,
      breakdowns: ['sex'],
    });
  });

  // 2019Q4 is 2019-W40 (Monday 30 September) to 2019-W52; 2019-W39 ends Sunday 29 September
  // and 2020-W01 starts Monday 30 December 2019. T(2020Q1) = 2020-W13.
  it('counts offers covering a week of the quarter, by the Thursday rule', async () => {
    const t = lastWeekOf('2019Q4');
    const rows = await kpiRows(
      {
        persons: [
          refugee('v1_k_ends_w40', 'K', '2019-W10'),
          refugee('v2_m_ends_w39', 'M', '2019-W10'),
          refugee('v3_m_starts_dec30', 'M', '2019-W10'),
          refugee('v4_k_not_on_ydelse', 'K', '2019-W10'),
          refugee('v5_k_259_running', 'K', addWeeks(t, -259)),
          refugee('v6_m_260', 'M', addWeeks(t, -260)),
          refugee('v7_m_danish', 'M', '2019-W10'),
          refugee('v8_k_two_offers', 'K', '2019-W10'),
          refugee('v9_k_no_offer', 'K', '2019-W10'),
          refugee('v10_m_starts_in_t', 'M', '2019-W10'),
          { person_id: 'v11_k_no_group', sex: 'K', birth_year: 1990, arrival_date: '2019-03-04' },
        ],
        benefit_weeks: [
          ...weeks('v1_k_ends_w40', '2019-W40', '2020-W13', 'integrationsydelse'),
          ...weeks('v2_m_ends_w39', '2019-W40', '2020-W13', 'integrationsydelse'),
          ...weeks('v3_m_starts_dec30', '2019-W40', '2020-W13', 'integrationsydelse'),
          ...weeks('v4_k_not_on_ydelse', '2019-W39', '2019-W39', 'integrationsydelse'),
          ...weeks('v4_k_not_on_ydelse', '2019-W40', '2019-W52', 'beskaeftiget'),
          ...weeks('v4_k_not_on_ydelse', '2020-W01', '2020-W01', 'integrationsydelse'),
          ...weeks('v4_k_not_on_ydelse', '2020-W02', '2020-W13', 'beskaeftiget'),
          ...weeks('v5_k_259_running', '2019-W40', '2019-W51', 'kontanthjaelp'),
          ...weeks('v5_k_259_running', '2019-W52', '2020-W13', 'integrationsydelse'),
          ...weeks('v6_m_260', '2019-W40', '2019-W52', 'integrationsydelse'),
          ...weeks('v7_m_danish', '2019-W40', '2020-W13', 'integrationsydelse'),
          ...weeks('v8_k_two_offers', '2019-W40', '2020-W13', 'integrationsydelse'),
          ...weeks('v9_k_no_offer', '2019-W40', '2020-W13', 'integrationsydelse'),
          ...weeks('v10_m_starts_in_t', '2019-W40', '2020-W13', 'integrationsydelse'),
          ...weeks('v11_k_no_group', '2019-W40', '2020-W13', 'integrationsydelse'),
        ],
        offers: [
          { person_id: 'v1_k_ends_w40', offer_type: 'virksomhedspraktik', start_date: '2019-09-01', end_date: '2019-09-30' },
          { person_id: 'v2_m_ends_w39', offer_type: 'loentilskud_privat', start_date: '2019-09-01', end_date: '2019-09-29' },
          { person_id: 'v3_m_starts_dec30', offer_type: 'nytteindsats', start_date: '2019-12-30', end_date: '2020-01-31' },
          { person_id: 'v4_k_not_on_ydelse', offer_type: 'virksomhedspraktik', start_date: '2019-10-01', end_date: '2019-10-31' },
          { person_id: 'v5_k_259_running', offer_type: 'loentilskud_offentlig', start_date: '2019-06-03' },
          { person_id: 'v6_m_260', offer_type: 'virksomhedspraktik', start_date: '2019-10-01', end_date: '2019-12-01' },
          { person_id: 'v7_m_danish', offer_type: 'danskuddannelse', start_date: '2019-10-01', end_date: '2020-03-01' },
          { person_id: 'v8_k_two_offers', offer_type: 'virksomhedspraktik', start_date: '2019-10-07', end_date: '2019-11-01' },
          { person_id: 'v8_k_two_offers', offer_type: 'loentilskud_privat', start_date: '2019-11-04', end_date: '2020-02-01' },
          // Sunday 29 December 2019 is the last day of T = 2019-W52.
          { person_id: 'v10_m_starts_in_t', offer_type: 'virksomhedspraktik', start_date: '2019-12-29', end_date: '2020-01-15' },
          { person_id: 'v11_k_no_group', offer_type: 'virksomhedspraktik', start_date: '2019-10-01', end_date: '2020-03-01' },
        ],
      },
      kpi.sql,
      '2019Q4',
      '2020Q1',
    );
    // 2019Q4: K = v1 (offer ends in W40), v5 (ydelse only in W52, 259 weeks, offer still
    // running), v8 (two offers, counted once), v9 (no offer); v4 has ydelse only in W39 and
    // 2020-W01. M = v2 (offer ended in W39), v3 (offer starts in 2020-W01), v7 (danskuddannelse
    // is not company-directed), v10 (offer starts in T); v6 is out at 260 weeks, v11 is not
    // in the integration programme.
    // 2020Q1: K = v1, v4 (ydelse in W01, offer over), v8 (second offer), v9; v5 is out at 272
    // weeks. M = v2, v3 (offer in W01), v7, v10.
    expect(rows).toEqual([
      { quarter: quarterIndex('2019Q4'), sex: 'K', numerator: 3, denominator: 4 },
      { quarter: quarterIndex('2019Q4'), sex: 'M', numerator: 1, denominator: 4 },
      { quarter: quarterIndex('2020Q1'), sex: 'K', numerator: 1, denominator: 4 },
      { quarter: quarterIndex('2020Q1'), sex: 'M', numerator: 2, denominator: 4 },
    ]);
  });

  // A still-running offer covers its start week to the end of the data; one that starts after
  // the data ends (a planned offer in a delivery made mid-quarter) covers no week at all.
  it('does not count a running offer that starts after the end of the data', async () => {
    const rows = await kpiRows(
      {
        persons: [refugee('e1_k_planned', 'K', '2019-W10'), refugee('e2_k_running', 'K', '2019-W10')],
        benefit_weeks: [
          ...weeks('e1_k_planned', '2019-W40', '2019-W45', 'integrationsydelse'),
          ...weeks('e2_k_running', '2019-W40', '2019-W45', 'integrationsydelse'),
        ],
        offers: [
          { person_id: 'e1_k_planned', offer_type: 'virksomhedspraktik', start_date: mondayOf('2019-W47') },
          { person_id: 'e2_k_running', offer_type: 'virksomhedspraktik', start_date: mondayOf('2019-W45') },
        ],
      },
      kpi.sql,
      '2019Q4',
    );
    expect(rows).toEqual([{ quarter: quarterIndex('2019Q4'), sex: 'K', numerator: 1, denominator: 2 }]);
  });
});
