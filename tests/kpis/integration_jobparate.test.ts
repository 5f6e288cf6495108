import { describe, expect, it } from 'vitest';
import { addWeeks, lastWeekOf, weeks, type FixturePerson, type FixtureWeek } from '../fixtures/curated.ts';
import { kpiRows, loadKpiFiles, mondayOf } from '../fixtures/kpiFixtures.ts';
import { quarterIndex } from '../../functions/calendar/quarter.ts';

const kpi = await loadKpiFiles('integration_jobparate');

function refugee(person_id: string, sex: 'M' | 'K', arrivalWeek: string): FixturePerson {
  return { person_id, sex, birth_year: 1990, integration_group: 'flygtning', arrival_date: mondayOf(arrivalWeek) };
}

describe('integration_jobparate', () => {
  it('is a quarterly share by sex', () => {
    expect(kpi.definition).toMatchObject({
      id: 'integration_jobparate',
      unit: 'share',
      grain: 'quarter',
      year_to_date: false,
      breakdowns: ['sex'],
    });
  });

  it('looks at status and visitation in T only, within 260 weeks of arrival', async () => {
    const t3 = lastWeekOf('2017Q3'); // 2017-W39
    const t4 = lastWeekOf('2017Q4'); // 2017-W52
    const inT = (id: string, week: string, status: string, visitation?: string): FixtureWeek[] => weeks(id, week, week, status, visitation);
    const rows = await kpiRows(
      {
        persons: [
          refugee('j1_k_259', 'K', addWeeks(t4, -259)),
          refugee('j2_m_260', 'M', addWeeks(t4, -260)),
          refugee('j3_m_aktiv', 'M', '2016-W01'),
          refugee('j4_k_kontant', 'K', '2016-W01'),
          refugee('j5_k_changes', 'K', '2016-W01'),
          refugee('j6_m_arrives', 'M', t4),
          { person_id: 'j7_k_no_group', sex: 'K', birth_year: 1990, arrival_date: '2016-01-04' },
          { person_id: 'j8_k_family', sex: 'K', birth_year: 1985, integration_group: 'familiesammenfoert', arrival_date: '2017-01-02' },
        ],
        benefit_weeks: [
          ...inT('j1_k_259', t3, 'integrationsydelse', 'jobparat'),
          ...inT('j1_k_259', t4, 'integrationsydelse', 'jobparat'),
          ...inT('j2_m_260', t3, 'integrationsydelse', 'jobparat'),
          ...inT('j2_m_260', t4, 'integrationsydelse', 'jobparat'),
          ...inT('j3_m_aktiv', t3, 'integrationsydelse', 'aktivitetsparat'),
          ...inT('j3_m_aktiv', t4, 'integrationsydelse', 'aktivitetsparat'),
          ...inT('j4_k_kontant', t4, 'kontanthjaelp', 'jobparat'),
          ...weeks('j5_k_changes', t3, addWeeks(t4, -1), 'integrationsydelse', 'jobparat'),
          ...inT('j5_k_changes', t4, 'integrationsydelse', 'aktivitetsparat'),
          ...inT('j6_m_arrives', t3, 'integrationsydelse', 'jobparat'),
          ...inT('j6_m_arrives', t4, 'integrationsydelse', 'jobparat'),
          ...inT('j7_k_no_group', t3, 'integrationsydelse', 'jobparat'),
          ...inT('j7_k_no_group', t4, 'integrationsydelse', 'jobparat'),
          ...inT('j8_k_family', t3, 'integrationsydelse', 'aktivitetsparat'),
          ...inT('j8_k_family', t4, 'integrationsydelse', 'jobparat'),
        ],
      },
      kpi.sql,
      '2017Q3',
      '2017Q4',
    );
    // Q3: K = j1 (jobparat, 246 weeks), j5 (jobparat), j8 (aktivitetsparat); M = j2 (247
    // weeks, jobparat), j3; j6 arrives after T(Q3).
    // Q4: K = j1 (259 weeks), j5 (aktivitetsparat in T), j8 (jobparat); j4 is on
    // kontanthjaelp. M = j3, j6 (arrival week = T); j2 is out at 260 weeks.
    expect(rows).toEqual([
      { quarter: quarterIndex('2017Q3'), sex: 'K', numerator: 2, denominator: 3 },
      { quarter: quarterIndex('2017Q3'), sex: 'M', numerator: 1, denominator: 2 },
      { quarter: quarterIndex('2017Q4'), sex: 'K', numerator: 2, denominator: 3 },
      { quarter: quarterIndex('2017Q4'), sex: 'M', numerator: 1, denominator: 2 },
    ]);
  });

  it('takes T by the Thursday rule: 2019-W01 (from 31 December 2018) is not in 2018Q4', async () => {
    const rows = await kpiRows(
      {
        persons: [refugee('j9_m_new_year', 'M', '2018-W01')],
        benefit_weeks: [
          ...weeks('j9_m_new_year', '2018-W40', '2018-W52', 'integrationsydelse', 'aktivitetsparat'),
          ...weeks('j9_m_new_year', '2019-W01', '2019-W13', 'integrationsydelse', 'jobparat'),
        ],
      },
      kpi.sql,
      '2018Q4',
      '2019Q1',
    );
    expect(rows).toEqual([
      { quarter: quarterIndex('2018Q4'), sex: 'M', numerator: 0, denominator: 1 },
      { quarter: quarterIndex('2019Q1'), sex: 'M', numerator: 1, denominator: 1 },
    ]);
  });
});
