import { dateToWeek, weekInfo, weekLabelToWeek } from '../calendar/isoWeek.ts';
import { DuckDbEngine } from '../engine/duckdbEngine.ts';
import { sqlString } from '../engine/sql.ts';
import { CURATED_SCHEMA, CURATED_TABLES, columnDdl, type CuratedTable } from '../engine/curatedSchema.ts';
import { deriveTablesSql, isDerived, type DerivedTable } from '../ingest/derived.ts';
import type { QuarterRange } from './renderedSql.ts';

/**
 * The small snapshot `pejlemaerke check` runs every KPI on: two refugees, a young person who
 * starts an education, a long-term unemployed, a worker, a few companies and contacts — enough
 * for each shipped KPI to return rows whose columns, types and numerator ≤ denominator can be
 * checked. It is not a test of the numbers (tests/kpis/ does that on hand-made fixtures).
 */

/** 2016Q1..2017Q4: the report quarter 2017Q4 and the 7 before it, as compute asks for. */
export const CHECK_RANGE: QuarterRange = { fromQuarter: 2016 * 4, toQuarter: 2017 * 4 + 3 };

const PERSONS = [
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

/** An in-memory DuckDB with the curated tables filled from the fixture. Close it after use. */
export async function openCheckEngine(): Promise<DuckDbEngine> {
  const engine = await DuckDbEngine.open();
  try {
    const rows = fixtureRows();
    for (const table of CURATED_TABLES) {
      await engine.exec(`CREATE TABLE ${table} (${columnDdl(table)})`);
      if (isDerived(table)) continue;
      const columns = Object.keys(CURATED_SCHEMA[table]).join(', ');
      await engine.exec(`INSERT INTO ${table} (${columns}) VALUES ${rows[table].map((r) => `(${r.map(literal).join(', ')})`).join(',\n')}`);
    }
    // benefit_spells and the group lookups, derived as ingest derives them.
    for (const statement of deriveTablesSql()) await engine.exec(statement);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}

type Value = string | number | boolean | null | { date: string };

function literal(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'object') return `DATE ${sqlString(value.date)}`;
  if (typeof value === 'string') return sqlString(value);
  return String(value);
}

function week(label: string): number {
  const w = weekLabelToWeek(label);
  if (w === undefined) throw new Error(`check fixture: ${label} is not an ISO week`);
  return w;
}

function dateWeek(iso: string): number {
  const w = dateToWeek(iso);
  if (w === undefined) throw new Error(`check fixture: ${iso} is not a date`);
  return w;
}

/** Rows per table, values in CURATED_SCHEMA column order, derived as ingest derives them. */
function fixtureRows(): Record<Exclude<CuratedTable, DerivedTable>, Value[][]> {
  const benefitWeeks: Value[][] = SPELLS.flatMap(([person, from, to, status, visitation]) =>
    Array.from({ length: week(to) - week(from) + 1 }, (_, i) => [person, week(from) + i, status, visitation ?? null]),
  );
  const endOfData = Math.max(...benefitWeeks.map((r) => r[1] as number));
  const calendar: Value[][] = [];
  for (let w = week(`${CALENDAR_YEARS[0]}-W01`); weekInfo(w).isoYear <= CALENDAR_YEARS[1]; w++) {
    const info = weekInfo(w);
    const next = weekInfo(w + 1);
    calendar.push([w, info.isoLabel, info.isoYear, info.isoWeek, info.month, info.quarter, next.month !== info.month, next.quarter !== info.quarter]);
  }
  return {
    persons: PERSONS.map((p) => [
      p.person_id,
      p.sex,
      p.birth_year,
      p.integration_group ?? null,
      p.arrival_date ? { date: p.arrival_date } : null,
      p.arrival_date ? dateWeek(p.arrival_date) : null,
    ]),
    benefit_weeks: benefitWeeks,
    offers: OFFERS.map((o) => [
      o.person_id,
      o.offer_type,
      { date: o.start_date },
      o.end_date ? { date: o.end_date } : null,
      dateWeek(o.start_date),
      o.end_date ? dateWeek(o.end_date) : endOfData,
    ]),
    companies: COMPANIES,
    company_contacts: CONTACTS.map(([company, date, type]) => {
      const [year, month] = date.split('-').map(Number) as [number, number];
      return [company, { date }, type, year, year * 4 + Math.floor((month - 1) / 3)];
    }),
    benchmarks: BENCHMARKS.map(([kpi, period, area, value]) => {
      const q = /^(\d{4})Q([1-4])$/.exec(period);
      const m = /^(\d{4})-(\d{2})$/.exec(period);
      return [kpi, period, area, value, q ? Number(q[1]) * 4 + Number(q[2]) - 1 : null, m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null];
    }),
    calendar,
  };
}
