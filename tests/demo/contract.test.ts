import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateToDay, dateToWeek, weekLabelToWeek } from '../../functions/calendar/isoWeek.ts';
import { generateInTemp, readCsv, type Csv } from './demoCsv.ts';

/**
 * The demo against the extract contract (docs/contract.md), checked here without the
 * ingest module: header, value patterns, one gap-free run of weeks per person, references.
 */

const PSEUDONYM = /^[A-Za-z0-9_-]{6,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STATUSES = new Set([
  'beskaeftiget',
  'ordinaer_uddannelse',
  'igu',
  'selvforsoergende_oevrig',
  'a_dagpenge',
  'kontanthjaelp',
  'uddannelseshjaelp',
  'integrationsydelse',
  'ledighedsydelse',
  'kontantydelse',
  'sygedagpenge',
  'jobafklaring',
  'ressourceforloeb',
  'fleksjob',
  'foertidspension',
  'barsel',
  'oevrig_ydelse',
  'pension',
]);
const OFFER_TYPES = new Set([
  'virksomhedspraktik',
  'loentilskud_privat',
  'loentilskud_offentlig',
  'nytteindsats',
  'vejledning_opkvalificering',
  'mentor',
  'danskuddannelse',
  'oevrigt',
]);
const VISITATIONS = new Set(['', 'jobparat', 'aktivitetsparat', 'uddannelsesparat']);
const CONTACT_TYPES = new Set(['rekruttering', 'fastholdelse', 'virksomhedsrettet_aktivering', 'partnerskabsaftale']);
const LAST_WEEK = weekLabelToWeek('2017-W52')!;

const validDate = (text: string) => DATE.test(text) && dateToDay(text) !== undefined;

let dir = '';
const csv: Record<string, Csv> = {};

beforeAll(async () => {
  ({ dir } = await generateInTemp(1));
  for (const file of ['persons', 'benefit_weeks', 'offers', 'companies', 'company_contacts', 'benchmarks']) {
    csv[file] = await readCsv(dir, `${file}.csv`);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo extracts follow the contract', () => {
  it('have the contract headers in a fixed order', () => {
    expect(csv.persons!.header).toEqual(['person_id', 'sex', 'birth_year', 'integration_group', 'arrival_date']);
    expect(csv.benefit_weeks!.header).toEqual(['person_id', 'week', 'status', 'visitation']);
    expect(csv.offers!.header).toEqual(['person_id', 'offer_type', 'start_date', 'end_date']);
    expect(csv.companies!.header).toEqual(['company_id', 'year', 'employees']);
    expect(csv.company_contacts!.header).toEqual(['company_id', 'contact_date', 'contact_type']);
    expect(csv.benchmarks!.header).toEqual(['kpi_id', 'period', 'area', 'value']);
  });

  it('are plain LF-terminated text with no BOM and nothing that looks like a CPR number', () => {
    for (const [file, { text, header, rows }] of Object.entries(csv)) {
      expect(text.includes('\r'), file).toBe(false);
      expect(text.charCodeAt(0), file).not.toBe(0xfeff);
      expect(text.endsWith('\n'), file).toBe(true);
      expect(/\d{10}/.test(text), file).toBe(false);
      expect(/\d{6}-\d{4}/.test(text), file).toBe(false);
      expect(
        rows.every((row) => row.length === header.length),
        file,
      ).toBe(true);
    }
  });

  it('persons: unique pseudonyms, M/K, plausible birth years, arrival date exactly for the integration groups', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const [id, sex, birthYear, group, arrival] of csv.persons!.rows) {
      if (!PSEUDONYM.test(id!) || ids.has(id!)) problems.push(`${id}: not a unique pseudonym`);
      ids.add(id!);
      if (sex !== 'M' && sex !== 'K') problems.push(`${id}: sex ${sex}`);
      if (!/^\d{4}$/.test(birthYear!) || Number(birthYear) < 1900 || Number(birthYear) > 2017) problems.push(`${id}: birth year ${birthYear}`);
      if (!['', 'flygtning', 'familiesammenfoert'].includes(group!)) problems.push(`${id}: group ${group}`);
      if (group ? !validDate(arrival!) : arrival !== '') problems.push(`${id}: arrival ${arrival} for group '${group}'`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(ids.size).toBeGreaterThan(1000);
  });

  it('benefit_weeks: one gap-free run of valid weeks per known person, integration people from their arrival week', () => {
    // plain checks collected into a list: 400,000 rows are too many for one expect each
    const problems: string[] = [];
    const persons = new Map(csv.persons!.rows.map((row) => [row[0]!, row]));
    const seen = new Set<string>();
    let current = '';
    let previous = 0;
    for (const [id, label, status, visitation] of csv.benefit_weeks!.rows) {
      const week = weekLabelToWeek(label!);
      const where = `${id} ${label}`;
      if (week === undefined) problems.push(`${where}: not an ISO week`);
      if (!STATUSES.has(status!)) problems.push(`${where}: status ${status}`);
      if (!VISITATIONS.has(visitation!)) problems.push(`${where}: visitation ${visitation}`);
      if (id !== current) {
        // a new person starts: their rows must not have appeared before (one run each)
        if (!persons.has(id!)) problems.push(`${where}: not in persons.csv`);
        if (seen.has(id!)) problems.push(`${where}: a second run of weeks`);
        seen.add(id!);
        current = id!;
        const arrival = persons.get(id!)?.[4];
        if (arrival && week !== dateToWeek(arrival)) problems.push(`${where}: first week is not the arrival week`);
      } else if (week !== previous + 1) {
        problems.push(`${where}: follows week ${previous} (duplicate or gap)`);
      }
      previous = week ?? previous;
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(seen.size).toBe(persons.size);
  });

  it('offers: known people, contract types, end after start or empty only while the person is still here', () => {
    const problems: string[] = [];
    const lastWeek = new Map<string, number>();
    for (const [id, label] of csv.benefit_weeks!.rows) lastWeek.set(id!, weekLabelToWeek(label!)!);
    for (const [id, type, start, end] of csv.offers!.rows) {
      const where = `${id} ${type} ${start}–${end}`;
      if (!lastWeek.has(id!)) problems.push(`${where}: unknown person`);
      if (!OFFER_TYPES.has(type!)) problems.push(`${where}: offer type`);
      if (!validDate(start!)) problems.push(`${where}: start date`);
      if (end ? !validDate(end) || end < start! : lastWeek.get(id!) !== LAST_WEEK) problems.push(`${where}: end date`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(csv.offers!.rows.some(([, , , end]) => end === '')).toBe(true);
  });

  it('companies and contacts: pseudonyms, years of the data, employees ≥ 0, one row per company and year', () => {
    const problems: string[] = [];
    const companyYears = new Set<string>();
    for (const [id, year, employees] of csv.companies!.rows) {
      if (!PSEUDONYM.test(id!)) problems.push(`${id}: not a pseudonym`);
      if (!['2013', '2014', '2015', '2016', '2017'].includes(year!)) problems.push(`${id}: year ${year}`);
      if (!/^\d+(\.\d+)?$/.test(employees!)) problems.push(`${id} ${year}: employees ${employees}`);
      if (companyYears.has(`${id}/${year}`)) problems.push(`${id} ${year}: twice`);
      companyYears.add(`${id}/${year}`);
    }
    for (const [id, date, type] of csv.company_contacts!.rows) {
      if (!PSEUDONYM.test(id!)) problems.push(`${id}: not a pseudonym`);
      if (!validDate(date!) || date! < '2013-01-01' || date! > '2017-12-31') problems.push(`${id}: contact date ${date}`);
      if (!CONTACT_TYPES.has(type!)) problems.push(`${id}: contact type ${type}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('benchmarks: the three Rambøll KPIs, both areas, every quarter 2015Q1–2017Q4, shares as fractions', () => {
    const keys = new Set<string>();
    for (const [kpi, period, area, value] of csv.benchmarks!.rows) {
      expect(['integration_selvforsoergende', 'integration_jobparate', 'integration_virksomhedsrettet']).toContain(kpi);
      expect(period).toMatch(/^201[5-7]Q[1-4]$/);
      expect(['hele_landet', 'region_hovedstaden']).toContain(area);
      expect(Number(value)).toBeGreaterThan(0);
      expect(Number(value)).toBeLessThan(1);
      keys.add(`${kpi}/${period}/${area}`);
    }
    expect(keys.size).toBe(3 * 12 * 2);
    expect(csv.benchmarks!.rows.length).toBe(3 * 12 * 2);
  });
});
