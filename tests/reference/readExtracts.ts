import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dateToDay, dateToWeek, weekLabelToWeek } from '../../functions/calendar/isoWeek.ts';

/**
 * The raw CSV extracts read into plain maps, for the reference KPI implementation. It shares
 * nothing with ingest on purpose (only the calendar functions), so that a mistake in ingest or
 * the KPI SQL cannot hide in both implementations at once.
 */

export interface Person {
  sex: string;
  birthYear: number;
  integrationGroup: string | undefined;
  /** ISO week containing arrival_date (extracts.md "arrival week"). */
  arrivalWeek: number | undefined;
}

export interface PersonWeek {
  status: string;
  visitation: string | undefined;
}

export interface Offer {
  personId: string;
  offerType: string;
  startWeek: number;
  /** Week of end_date, or the last week in benefit_weeks when end_date is empty. */
  endWeek: number;
}

export interface CompanyYear {
  companyId: string;
  year: number;
  employees: number;
}

export interface Contact {
  companyId: string;
  /** Days since 1970-01-01: company KPIs go by date, not by week. */
  day: number;
  contactType: string;
}

export interface Extracts {
  persons: Map<string, Person>;
  weeks: Map<string, Map<number, PersonWeek>>;
  offers: Offer[];
  companies: CompanyYear[];
  contacts: Contact[];
}

/** Header and rows of one CSV file; cells split on the delimiter the header line uses. */
async function readCsv(path: string): Promise<{ header: string[]; rows: Record<string, string>[] }> {
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  const delimiter = lines[0]!.includes(';') ? ';' : ',';
  const header = lines[0]!.split(delimiter);
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(delimiter);
    if (cells.length !== header.length) throw new Error(`${path}:${i + 2}: ${cells.length} cells, header has ${header.length}`);
    return Object.fromEntries(header.map((name, j) => [name, cells[j]!]));
  });
  return { header, rows };
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Cannot read ${what}`);
  return value;
}

export async function readExtracts(dir: string): Promise<Extracts> {
  const persons = new Map<string, Person>();
  for (const row of (await readCsv(join(dir, 'persons.csv'))).rows) {
    persons.set(row.person_id!, {
      sex: row.sex!,
      birthYear: Number(row.birth_year),
      integrationGroup: row.integration_group || undefined,
      arrivalWeek: row.arrival_date ? must(dateToWeek(row.arrival_date), `arrival_date ${row.arrival_date}`) : undefined,
    });
  }

  const weeks = new Map<string, Map<number, PersonWeek>>();
  let lastWeek = Number.NEGATIVE_INFINITY;
  for (const row of (await readCsv(join(dir, 'benefit_weeks.csv'))).rows) {
    const week = must(weekLabelToWeek(row.week!), `week ${row.week}`);
    let byWeek = weeks.get(row.person_id!);
    if (!byWeek) {
      byWeek = new Map();
      weeks.set(row.person_id!, byWeek);
    }
    byWeek.set(week, { status: row.status!, visitation: row.visitation || undefined });
    lastWeek = Math.max(lastWeek, week);
  }

  const offers = (await readCsv(join(dir, 'offers.csv'))).rows.map((row) => ({
    personId: row.person_id!,
    offerType: row.offer_type!,
    startWeek: must(dateToWeek(row.start_date!), `start_date ${row.start_date}`),
    endWeek: row.end_date ? must(dateToWeek(row.end_date), `end_date ${row.end_date}`) : lastWeek,
  }));

  const companies = (await readCsv(join(dir, 'companies.csv'))).rows.map((row) => ({
    companyId: row.company_id!,
    year: Number(row.year),
    employees: Number(row.employees!.replace(',', '.')),
  }));

  const contacts = (await readCsv(join(dir, 'company_contacts.csv'))).rows.map((row) => ({
    companyId: row.company_id!,
    day: must(dateToDay(row.contact_date!), `contact_date ${row.contact_date}`),
    contactType: row.contact_type!,
  }));

  return { persons, weeks, offers, companies, contacts };
}
