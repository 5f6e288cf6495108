/**
 * Hand-made curated snapshots, the one KPI-test helper: rows are written the way a person reads
 * them (ISO week labels, ISO dates) and turned into the curated columns of docs/architecture.md
 * in a real in-memory DuckDB, the derived tables (spells, status and offer groups) by the same
 * SQL ingest uses. `pejlemaerke check` runs every KPI on one such fixture (checkFixture.ts);
 * the KPI tests (tests/kpis/, and the one `new-kpi` writes) build their own.
 */
import { dateToWeek, lastWeekOfMonth, lastWeekOfQuarter, weekInfo, weekLabelToWeek } from '../calendar/isoWeek.ts';
import { QUARTER_LABEL, quarterIndex } from '../calendar/quarter.ts';
import { renderKpiSql } from '../compute/kpiSql.ts';
import { CURATED_SCHEMA, CURATED_TABLES, columnDdl, type CuratedTable } from '../engine/curatedSchema.ts';
import { DuckDbEngine } from '../engine/duckdbEngine.ts';
import type { SqlRow } from '../engine/engine.ts';
import { sqlString } from '../engine/sql.ts';
import { deriveTablesSql, isDerived, type DerivedTable } from '../ingest/derived.ts';

export interface FixturePerson {
  person_id: string;
  sex: 'M' | 'K';
  birth_year: number;
  integration_group?: 'flygtning' | 'familiesammenfoert';
  arrival_date?: string;
}
export interface FixtureWeek {
  person_id: string;
  /** `YYYY-Www` */
  week: string;
  status: string;
  visitation?: string;
}
export interface FixtureOffer {
  person_id: string;
  offer_type: string;
  start_date: string;
  end_date?: string;
}
export interface FixtureCompany {
  company_id: string;
  year: number;
  employees: number;
}
export interface FixtureContact {
  company_id: string;
  contact_date: string;
  contact_type: string;
}
export interface FixtureBenchmark {
  kpi_id: string;
  period: string;
  area: string;
  value: number;
}

export interface Fixture {
  persons?: FixturePerson[];
  benefit_weeks?: FixtureWeek[];
  offers?: FixtureOffer[];
  companies?: FixtureCompany[];
  company_contacts?: FixtureContact[];
  benchmarks?: FixtureBenchmark[];
  /** Calendar range (ISO years, inclusive). Default 2010..2022. */
  calendarYears?: [number, number];
}

/** Every week of `person_id` from `from` to `to` (inclusive) with one status. */
export function weeks(person_id: string, from: string, to: string, status: string, visitation?: string): FixtureWeek[] {
  const out: FixtureWeek[] = [];
  for (let w = mustWeek(from); w <= mustWeek(to); w++) {
    out.push({ person_id, week: weekInfo(w).isoLabel, status, ...(visitation ? { visitation } : {}) });
  }
  return out;
}

/** Shift an ISO week label by n weeks. */
export function addWeeks(label: string, n: number): string {
  return weekInfo(mustWeek(label) + n).isoLabel;
}

export function mustWeek(label: string): number {
  const w = weekLabelToWeek(label);
  if (w === undefined) throw new Error(`Ikke en ISO-uge som 2017-W05: ${label}`);
  return w;
}

/** Last week of a quarter (`2017Q4`) or month (`2017-03`) as a label: T and T(m) of kpis.md. */
export function lastWeekOf(period: string): string {
  if (QUARTER_LABEL.test(period)) return weekInfo(lastWeekOfQuarter(quarterIndex(period))).isoLabel;
  const month = monthOf(period);
  if (month !== undefined) return weekInfo(lastWeekOfMonth(month)).isoLabel;
  throw new Error(`Hverken et kvartal (2017Q4) eller en måned (2017-03): ${period}`);
}

/** The month index of `2017-03`, undefined for anything else. */
function monthOf(period: string): number | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : undefined;
}

function lit(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return sqlString(value);
}

function dateLit(iso: string | undefined): string {
  return iso ? `DATE ${sqlString(iso)}` : 'NULL';
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Ugyldig dato eller uge i fixturen: ${what}`);
  return value;
}

/** Build the curated rows (as SQL literal tuples, in CURATED_SCHEMA column order). */
function curatedRows(fixture: Fixture): Record<Exclude<CuratedTable, DerivedTable>, string[]> {
  const lastDataWeek = Math.max(...(fixture.benefit_weeks ?? []).map((r) => mustWeek(r.week)), 0);
  const [fromYear, toYear] = fixture.calendarYears ?? [2010, 2022];
  const calendar: string[] = [];
  for (let w = mustWeek(`${fromYear}-W01`); weekInfo(w).isoYear <= toYear; w++) {
    const info = weekInfo(w);
    const next = weekInfo(w + 1);
    calendar.push(
      [info.week, lit(info.isoLabel), info.isoYear, info.isoWeek, info.month, info.quarter, next.month !== info.month, next.quarter !== info.quarter].join(
        ', ',
      ),
    );
  }
  return {
    persons: (fixture.persons ?? []).map((p) =>
      [
        lit(p.person_id),
        lit(p.sex),
        p.birth_year,
        lit(p.integration_group),
        dateLit(p.arrival_date),
        p.arrival_date ? must(dateToWeek(p.arrival_date), p.arrival_date) : 'NULL',
      ].join(', '),
    ),
    benefit_weeks: (fixture.benefit_weeks ?? []).map((r) => [lit(r.person_id), mustWeek(r.week), lit(r.status), lit(r.visitation)].join(', ')),
    offers: (fixture.offers ?? []).map((o) =>
      [
        lit(o.person_id),
        lit(o.offer_type),
        dateLit(o.start_date),
        dateLit(o.end_date),
        must(dateToWeek(o.start_date), o.start_date),
        o.end_date ? must(dateToWeek(o.end_date), o.end_date) : lastDataWeek,
      ].join(', '),
    ),
    companies: (fixture.companies ?? []).map((c) => [lit(c.company_id), c.year, c.employees].join(', ')),
    company_contacts: (fixture.company_contacts ?? []).map((c) => {
      const [y, m] = c.contact_date.split('-').map(Number) as [number, number];
      return [lit(c.company_id), dateLit(c.contact_date), lit(c.contact_type), y, y * 4 + Math.floor((m - 1) / 3)].join(', ');
    }),
    benchmarks: (fixture.benchmarks ?? []).map((b) => {
      const quarter = QUARTER_LABEL.test(b.period) ? quarterIndex(b.period) : 'NULL';
      return [lit(b.kpi_id), lit(b.period), lit(b.area), b.value, quarter, monthOf(b.period) ?? 'NULL'].join(', ');
    }),
    calendar,
  };
}

/** An in-memory DuckDB holding the fixture as the curated tables. Close it after use. */
export async function fixtureEngine(fixture: Fixture): Promise<DuckDbEngine> {
  const engine = await DuckDbEngine.open();
  try {
    const rows = curatedRows(fixture);
    for (const table of CURATED_TABLES) {
      await engine.exec(`CREATE TABLE ${table} (${columnDdl(table)})`);
      if (isDerived(table)) continue;
      const tuples = rows[table];
      for (let i = 0; i < tuples.length; i += 1000) {
        const chunk = tuples
          .slice(i, i + 1000)
          .map((t) => `(${t})`)
          .join(',\n');
        await engine.exec(`INSERT INTO ${table} (${Object.keys(CURATED_SCHEMA[table]).join(', ')}) VALUES ${chunk}`);
      }
    }
    // benefit_spells and the group lookups, derived as ingest derives them.
    for (const statement of deriveTablesSql()) await engine.exec(statement);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}

/** Run a KPI's SQL for quarters given as labels (`2017Q4`), rows sorted for comparison. */
export async function runKpi(engine: DuckDbEngine, sql: string, from: string, to = from): Promise<SqlRow[]> {
  const rows = await engine.query(renderKpiSql(sql, { fromQuarter: quarterIndex(from), toQuarter: quarterIndex(to) }));
  const key = (r: SqlRow) => JSON.stringify([r.quarter, r.month ?? null, r.sex ?? null]);
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
