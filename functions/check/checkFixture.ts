import type { DuckDbEngine } from '../engine/duckdbEngine.ts';
import { fixtureEngine, weeks, type Fixture, type FixturePerson } from './curatedFixture.ts';
import type { QuarterRange } from './renderedSql.ts';

/**
 * The small snapshot `pejlemaerke check` runs every KPI on: two refugees, a young person who
 * starts an education, a long-term unemployed, a worker, a few companies and contacts — enough
 * for each shipped KPI to return rows whose columns, types and numerator ≤ denominator can be
 * checked. It is not a test of the numbers (tests/kpis/ does that on hand-made fixtures).
 */

/** 2016Q1..2017Q4: the report quarter 2017Q4 and the 7 before it, as compute asks for. */
export const CHECK_RANGE: QuarterRange = { fromQuarter: 2016 * 4, toQuarter: 2017 * 4 + 3 };

const PERSONS: FixturePerson[] = [
  { person_id: 'chk_refugee_k', sex: 'K', birth_year: 1990, integration_group: 'flygtning', arrival_date: '2016-02-01' },
  { person_id: 'chk_refugee_m', sex: 'M', birth_year: 1985, integration_group: 'familiesammenfoert', arrival_date: '2016-06-06' },
  { person_id: 'chk_young_k', sex: 'K', birth_year: 1998 },
  { person_id: 'chk_longterm_m', sex: 'M', birth_year: 1970 },
  { person_id: 'chk_worker_m', sex: 'M', birth_year: 1980 },
];

/** [person, first week, last week, status, visitation]: one row per week in between. */
const SPELLS: [string, string, string, string, string?][] = [
  ['chk_refugee_k', '2016-W05', '2017-W10', 'integrationsydelse', 'jobparat'],
  ['chk_refugee_k', '2017-W11', '2017-W52', 'beskaeftiget'],
  ['chk_refugee_m', '2016-W23', '2017-W52', 'integrationsydelse', 'aktivitetsparat'],
  ['chk_young_k', '2015-W01', '2017-W20', 'kontanthjaelp', 'uddannelsesparat'],
  ['chk_young_k', '2017-W21', '2017-W52', 'ordinaer_uddannelse'],
  ['chk_longterm_m', '2015-W01', '2017-W52', 'a_dagpenge', 'jobparat'],
  ['chk_worker_m', '2015-W01', '2017-W52', 'beskaeftiget'],
];

const OFFERS = [
  { person_id: 'chk_refugee_k', offer_type: 'virksomhedspraktik', start_date: '2016-02-15', end_date: '2016-04-30' },
  { person_id: 'chk_refugee_m', offer_type: 'loentilskud_privat', start_date: '2017-03-01' },
  { person_id: 'chk_longterm_m', offer_type: 'nytteindsats', start_date: '2017-05-01', end_date: '2017-06-30' },
  { person_id: 'chk_young_k', offer_type: 'mentor', start_date: '2016-01-04', end_date: '2016-03-31' },
];

const COMPANIES: [string, number, number][] = [
  ['chk_company_a', 2016, 10],
  ['chk_company_a', 2017, 12],
  ['chk_company_b', 2017, 0.5],
  ['chk_company_c', 2017, 3],
];

const CONTACTS: [string, string, string][] = [
  ['chk_company_a', '2016-05-10', 'rekruttering'],
  ['chk_company_a', '2017-02-01', 'partnerskabsaftale'],
  ['chk_company_c', '2017-12-31', 'fastholdelse'],
  ['chk_company_d', '2017-08-15', 'virksomhedsrettet_aktivering'],
];

const BENCHMARKS: [string, string, string, number][] = [
  ['integration_selvforsoergende', '2017Q4', 'hele_landet', 0.35],
  ['unge_uddannelsesstart', '2017-10', 'hele_landet', 0.02],
];

const CALENDAR_YEARS: [number, number] = [2015, 2019];

/** The fixture in the shape every KPI test writes (curatedFixture.ts). */
export const CHECK_FIXTURE: Fixture = {
  persons: PERSONS,
  benefit_weeks: SPELLS.flatMap(([person, from, to, status, visitation]) => weeks(person, from, to, status, visitation)),
  offers: OFFERS,
  companies: COMPANIES.map(([company_id, year, employees]) => ({ company_id, year, employees })),
  company_contacts: CONTACTS.map(([company_id, contact_date, contact_type]) => ({ company_id, contact_date, contact_type })),
  benchmarks: BENCHMARKS.map(([kpi_id, period, area, value]) => ({ kpi_id, period, area, value })),
  calendarYears: CALENDAR_YEARS,
};

/** An in-memory DuckDB with the curated tables filled from the fixture. Close it after use. */
export function openCheckEngine(): Promise<DuckDbEngine> {
  return fixtureEngine(CHECK_FIXTURE);
}
