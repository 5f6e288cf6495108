import { describe, expect, it } from 'vitest';
import { addWeeks, weeks, type FixturePerson } from '../fixtures/curated.ts';
import { kpiRows, loadKpiFiles, mondayOf } from '../fixtures/kpiFixtures.ts';
import { quarterIndex } from '../../functions/calendar/quarter.ts';

const kpi = await loadKpiFiles('integration_afgang_job_uddannelse');

function refugee(person_id: string, sex: 'M' | 'K', arrivalWeek: string): FixturePerson {
  return { person_id, sex, birth_year: 1990, integration_group: 'flygtning', arrival_date: mondayOf(arrivalWeek) };
}

describe('integration_afgang_job_uddannelse', () => {
  it('is a year-to-date share by sex', () => {
    expect(kpi.definition).toMatchObject({
      id: 'integration_afgang_job_uddannelse',
      unit: 'share',
      grain: 'quarter',
      year_to_date: true,
      breakdowns: ['sex'],
    });
  });

  // 1 January 2016 is a Friday in 2015-W53: W0 is 2016-W01, the week after.
  it('starts the year in ISO week 01, counts exits up to T and resets the next year', async () => {
    const w0 = '2016-W01';
    const rows = await kpiRows(
      {
        persons: [
          refugee('a1_k_259', 'K', addWeeks(w0, -259)),
          refugee('a2_m_260', 'M', addWeeks(w0, -260)),
          refugee('a3_m_zero', 'M', w0),
          refugee('a4_k_later', 'K', '2016-W02'),
          refugee('a5_k_w53ydelse', 'K', '2015-W10'),
          refugee('a6_k_w53job', 'K', '2015-W10'),
          refugee('a7_m_igu', 'M', '2015-W10'),
          refugee('a8_m_dagpenge', 'M', '2015-W10'),
          { person_id: 'a9_k_no_group', sex: 'K', birth_year: 1990, arrival_date: mondayOf('2015-W10') },
          refugee('a10_k_last_week', 'K', '2015-W10'),
          refugee('a11_m_job_before', 'M', '2014-W10'),
        ],
        benefit_weeks: [
          ...weeks('a1_k_259', '2015-W50', '2016-W12', 'integrationsydelse'),
          ...weeks('a1_k_259', '2016-W13', '2017-W13', 'beskaeftiget'),
          ...weeks('a2_m_260', '2015-W50', '2016-W12', 'integrationsydelse'),
          ...weeks('a2_m_260', '2016-W13', '2017-W13', 'beskaeftiget'),
          ...weeks('a3_m_zero', '2016-W01', '2016-W13', 'kontanthjaelp'),
          ...weeks('a3_m_zero', '2016-W14', '2016-W52', 'ordinaer_uddannelse'),
          ...weeks('a3_m_zero', '2017-W01', '2017-W13', 'kontanthjaelp'),
          ...weeks('a4_k_later', '2016-W01', '2016-W19', 'integrationsydelse'),
          ...weeks('a4_k_later', '2016-W20', '2016-W52', 'beskaeftiget'),
          ...weeks('a5_k_w53ydelse', '2015-W50', '2015-W53', 'integrationsydelse'),
          ...weeks('a5_k_w53ydelse', '2016-W01', '2016-W52', 'beskaeftiget'),
          ...weeks('a6_k_w53job', '2015-W50', '2015-W53', 'beskaeftiget'),
          ...weeks('a6_k_w53job', '2016-W01', '2016-W29', 'integrationsydelse'),
          ...weeks('a6_k_w53job', '2016-W30', '2016-W52', 'beskaeftiget'),
          ...weeks('a7_m_igu', '2016-W01', '2016-W01', 'uddannelseshjaelp'),
          ...weeks('a7_m_igu', '2016-W02', '2016-W52', 'igu'),
          ...weeks('a8_m_dagpenge', '2016-W01', '2016-W01', 'a_dagpenge'),
          ...weeks('a8_m_dagpenge', '2016-W02', '2016-W52', 'beskaeftiget'),
          ...weeks('a9_k_no_group', '2016-W01', '2016-W12', 'integrationsydelse'),
          ...weeks('a9_k_no_group', '2016-W13', '2016-W52', 'beskaeftiget'),
          ...weeks('a10_k_last_week', '2016-W01', '2016-W51', 'integrationsydelse'),
          ...weeks('a10_k_last_week', '2016-W52', '2016-W52', 'beskaeftiget'),
          ...weeks('a11_m_job_before', '2015-W50', '2015-W50', 'beskaeftiget'),
          ...weeks('a11_m_job_before', '2015-W51', '2017-W13', 'integrationsydelse'),
        ],
      },
      kpi.sql,
      '2016Q1',
      '2017Q1',
    );
    // 2016 population: K = a1 (259 weeks), a6 (ydelse in W01), a10; M = a3 (0 weeks), a7,
    // a11. Out: a2 (260 weeks), a4 (arrives after W0), a5 (job in W01, ydelse only in W53),
    // a8 (a-dagpenge), a9 (no integration group).
    // Exits: a1 in 2016-W13 = T(Q1); a3 in W14 (Q2); a6 in W30 (Q3); a10 in W52 = T(Q4);
    // a7 igu and a11's job in 2015 do not count.
    // 2017 population at 2017-W01: a3 (kontanthjaelp, 2016 education not counted), a11.
    expect(rows).toEqual([
      { quarter: quarterIndex('2016Q1'), sex: 'K', numerator: 1, denominator: 3 },
      { quarter: quarterIndex('2016Q1'), sex: 'M', numerator: 0, denominator: 3 },
      { quarter: quarterIndex('2016Q2'), sex: 'K', numerator: 1, denominator: 3 },
      { quarter: quarterIndex('2016Q2'), sex: 'M', numerator: 1, denominator: 3 },
      { quarter: quarterIndex('2016Q3'), sex: 'K', numerator: 2, denominator: 3 },
      { quarter: quarterIndex('2016Q3'), sex: 'M', numerator: 1, denominator: 3 },
      { quarter: quarterIndex('2016Q4'), sex: 'K', numerator: 3, denominator: 3 },
      { quarter: quarterIndex('2016Q4'), sex: 'M', numerator: 1, denominator: 3 },
      { quarter: quarterIndex('2017Q1'), sex: 'M', numerator: 0, denominator: 2 },
    ]);
  });

  // 1 January 2021 is a Friday in 2020-W53; T(2021Q1) is 2021-W12.
  it('uses 2021-W01, not 2020-W53, and the 260-week window at W0', async () => {
    const w0 = '2021-W01';
    const rows = await kpiRows(
      {
        persons: [
          refugee('b1_k_gone', 'K', '2020-W10'),
          refugee('b2_k_school', 'K', '2020-W10'),
          refugee('b3_m_stays', 'M', '2020-W10'),
          refugee('b4_m_259', 'M', addWeeks(w0, -259)),
          refugee('b5_m_260', 'M', addWeeks(w0, -260)),
        ],
        benefit_weeks: [
          ...weeks('b1_k_gone', '2020-W50', '2020-W53', 'integrationsydelse'),
          ...weeks('b2_k_school', '2020-W53', '2020-W53', 'beskaeftiget'),
          ...weeks('b2_k_school', '2021-W01', '2021-W05', 'integrationsydelse'),
          ...weeks('b2_k_school', '2021-W06', '2021-W13', 'ordinaer_uddannelse'),
          ...weeks('b3_m_stays', '2020-W53', '2021-W13', 'kontanthjaelp'),
          ...weeks('b4_m_259', '2021-W01', '2021-W11', 'integrationsydelse'),
          ...weeks('b4_m_259', '2021-W12', '2021-W13', 'beskaeftiget'),
          ...weeks('b5_m_260', '2021-W01', '2021-W11', 'integrationsydelse'),
          ...weeks('b5_m_260', '2021-W12', '2021-W13', 'beskaeftiget'),
        ],
      },
      kpi.sql,
      '2021Q1',
    );
    expect(rows).toEqual([
      { quarter: quarterIndex('2021Q1'), sex: 'K', numerator: 1, denominator: 1 },
      { quarter: quarterIndex('2021Q1'), sex: 'M', numerator: 1, denominator: 2 },
    ]);
  });

  it('does not count an exit in the week after T', async () => {
    const rows = await kpiRows(
      {
        persons: [refugee('c1_k_after_t', 'K', '2016-W40')],
        benefit_weeks: [
          ...weeks('c1_k_after_t', '2017-W01', '2017-W13', 'integrationsydelse'),
          ...weeks('c1_k_after_t', '2017-W14', '2017-W20', 'beskaeftiget'),
        ],
      },
      kpi.sql,
      '2017Q1',
      '2017Q2',
    );
    expect(rows).toEqual([
      { quarter: quarterIndex('2017Q1'), sex: 'K', numerator: 0, denominator: 1 },
      { quarter: quarterIndex('2017Q2'), sex: 'K', numerator: 1, denominator: 1 },
    ]);
  });
});
