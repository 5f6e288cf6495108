import type { CsvWriter } from './csvWriter.ts';
import type { Random } from './random.ts';
import { FIRST_YEAR, LAST_YEAR } from './timeline.ts';

/**
 * The municipality's companies per year and the jobcenter's contacts with them. Sizes follow
 * seed 001: about 1,000 companies, a collaboration rate of 17.5 % in May 2016 growing towards
 * the 25 % goal, about 45 companies a year collaborating for the first time and about ten new
 * partnership agreements a year. A share of the contacts is with companies outside the
 * municipality (they are not in companies.csv).
 */

const COMPANIES = 1050;
const YEARLY_TURNOVER = 0.04;
const WITHOUT_EMPLOYEES = 0.08;
const OUTSIDE_SHARE = 0.15;
/** Companies the jobcenter already worked with in the first year of the data. */
const FIRST_YEAR_COLLABORATORS = 280;
const NEW_COLLABORATORS: Readonly<Record<number, number>> = { 2014: 38, 2015: 41, 2016: 43, 2017: 47 };
/** The chance that an earlier collaborator is contacted again in a year. */
const RETURNING: Readonly<Record<number, number>> = { 2014: 0.45, 2015: 0.45, 2016: 0.47, 2017: 0.64 };
const PARTNERSHIPS: Readonly<Record<number, number>> = { 2013: 6, 2014: 7, 2015: 8, 2016: 9, 2017: 11 };
const CONTACT_TYPES = [
  ['rekruttering', 0.4],
  ['virksomhedsrettet_aktivering', 0.4],
  ['fastholdelse', 0.2],
] as const;

interface Company {
  id: string;
  from: number;
  to: number;
  /** Average employees by year; 0 for holding companies and the like. */
  employees: Map<number, number>;
  outside: boolean;
}

interface Contact {
  day: number;
  companyId: string;
  type: string;
}

const companyId = (n: number) => `v${String(n).padStart(7, '0')}`;

function dayInYear(year: number, rng: Random): number {
  const first = Date.UTC(year, 0, 1) / 86_400_000;
  return first + rng.int(0, Date.UTC(year + 1, 0, 1) / 86_400_000 - first - 1);
}

function isoDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export async function writeCompanies(companiesOut: CsvWriter, contactsOut: CsvWriter, scale: number, rng: Random): Promise<void> {
  const companies: Company[] = [];
  const add = (from: number, to: number, outside: boolean) => {
    const company: Company = { id: companyId(companies.length + 1), from, to, employees: new Map(), outside };
    const empty = !outside && rng.chance(WITHOUT_EMPLOYEES);
    let size = Math.exp(Math.log(3) + 1.3 * rng.normal());
    for (let year = from; year <= to; year++) {
      company.employees.set(year, empty ? 0 : Math.max(1, Math.round(size * 10) / 10));
      size *= Math.exp(0.15 * rng.normal());
    }
    companies.push(company);
    return company;
  };
  const lifetime = (from: number) => {
    let to = from;
    while (to < LAST_YEAR && !rng.chance(YEARLY_TURNOVER)) to++;
    return to;
  };
  for (let i = 0; i < rng.round(COMPANIES * scale); i++) add(FIRST_YEAR, lifetime(FIRST_YEAR), false);
  for (let year = FIRST_YEAR + 1; year <= LAST_YEAR; year++) {
    for (let i = 0; i < rng.round(COMPANIES * YEARLY_TURNOVER * scale); i++) add(year, lifetime(year), false);
  }

  const contacts: Contact[] = [];
  const collaborators: Company[] = [];
  const contacted = new Set<Company>();
  const newCollaborator = (year: number): Company => {
    if (!rng.chance(OUTSIDE_SHARE)) {
      // a tiny scale can run out of local companies; then the newcomer is from outside
      for (let attempt = 0; attempt < 1000; attempt++) {
        const company = companies[rng.int(0, companies.length - 1)]!;
        if (!company.outside && !contacted.has(company) && company.from <= year && company.to >= year && company.employees.get(year)! > 0) return company;
      }
    }
    return add(FIRST_YEAR, LAST_YEAR, true);
  };
  /** A year's contacts with a company; a newcomer's first contact opens the collaboration. */
  const contactsIn = (company: Company, year: number, from: number) => {
    const count = rng.geometric(2.5);
    const end = Date.UTC(year + 1, 0, 1) / 86_400_000;
    for (let i = 0; i < count; i++) {
      const day = i === 0 ? from : rng.int(from, end - 1);
      contacts.push({ day, companyId: company.id, type: rng.pick(CONTACT_TYPES) });
    }
  };

  for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
    const active: Company[] = [];
    for (const company of collaborators) {
      if (company.to >= year && rng.chance(RETURNING[year] ?? 0)) {
        active.push(company);
        contactsIn(company, year, dayInYear(year, rng));
      }
    }
    const fresh = rng.round((year === FIRST_YEAR ? FIRST_YEAR_COLLABORATORS : NEW_COLLABORATORS[year]!) * scale);
    for (let i = 0; i < fresh; i++) {
      const company = newCollaborator(year);
      contacted.add(company);
      collaborators.push(company);
      active.push(company);
      contactsIn(company, year, dayInYear(year, rng));
    }
    const partners = new Set<Company>();
    const wanted = Math.min(rng.round(PARTNERSHIPS[year]! * scale), active.length);
    while (partners.size < wanted) partners.add(active[rng.int(0, active.length - 1)]!);
    for (const company of partners) contacts.push({ day: dayInYear(year, rng), companyId: company.id, type: 'partnerskabsaftale' });
  }

  for (const company of companies) {
    if (company.outside) continue;
    for (const [year, employees] of company.employees) companiesOut.write(`${company.id},${year},${employees}\n`);
    await companiesOut.flushIfFull();
  }
  contacts.sort((a, b) => a.day - b.day || (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0));
  for (const contact of contacts) {
    contactsOut.write(`${contact.companyId},${isoDate(contact.day)},${contact.type}\n`);
    await contactsOut.flushIfFull();
  }
}
