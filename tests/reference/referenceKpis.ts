import { dateToDay, lastWeekOfMonth, lastWeekOfQuarter, weekInfo, weekLabelToWeek, type WeekInfo } from '../../functions/calendar/isoWeek.ts';
import { quarterMonths, quarterYear } from '../../functions/calendar/quarter.ts';
import type { Extracts, Offer, Person, PersonWeek } from './readExtracts.ts';

/**
 * The KPI catalogue (docs/kpis.md) written a second time, as plain loops over
 * persons, weeks and companies, to check the KPI SQL against: "two correct implementations
 * must give the same numbers on the same extracts". Slow on purpose: every rule is spelt out
 * the way kpis.md words it, with no shared code beyond the calendar.
 *
 * Readings chosen where kpis.md leaves room:
 * - "status in a week" needs a benefit_weeks row for that week; a person without one is not
 *   in any population that looks at that week's status (kpis.md "present in week w").
 * - Age in a week = ISO year of that week − birth_year, bounds inclusive (16–29, 18–64, ≥ 18).
 * - "A SUPPORT status in at least 42 of the 52 weeks": weeks without a row count as not SUPPORT.
 * - virksomhedsrettet_foerste_maaned has no presence condition: kpis.md names none, so
 *   persons who left before arrival week + 4 stay in the population.
 * - "An offer covers a week" = start_week ≤ week ≤ end_week; an offer that "starts in a week
 *   from A to B" has A ≤ start_week ≤ B.
 *   A running offer (empty end_date) that starts after the last week of benefit_weeks
 *   therefore covers no week at all.
 * - partnerskabsaftaler_nye counts distinct companies with a partnerskabsaftale contact in
 *   the year-to-date window, whether or not they had one in an earlier year.
 * - samarbejdsgrad: companies with a companies.csv row for Q's year and employees ≥ 1; the
 *   numerator needs a contact of any type dated from the first day of quarter Q − 3 to the
 *   last day of Q.
 * - The company KPIs have no sex breakdown (companies have no sex).
 */

/** One finest cell, as the KPI SQL returns it; `denominator` is absent for counts. */
export interface ReferenceRow {
  quarter: number;
  month?: number;
  sex?: string;
  numerator: number;
  denominator?: number;
}

const SELF = new Set(['beskaeftiget', 'ordinaer_uddannelse', 'igu', 'selvforsoergende_oevrig']);
const LT_BENEFITS = new Set(['a_dagpenge', 'kontanthjaelp', 'uddannelseshjaelp', 'integrationsydelse', 'ledighedsydelse', 'kontantydelse']);
const COMPANY_OFFERS = new Set(['virksomhedspraktik', 'loentilskud_privat', 'loentilskud_offentlig', 'nytteindsats']);
const INTEGRATION_GROUPS = new Set(['flygtning', 'familiesammenfoert']);
const SEXES = ['K', 'M'];

const isSupport = (status: string) => !SELF.has(status) && status !== 'pension';

const infoCache = new Map<number, WeekInfo>();
function info(week: number): WeekInfo {
  let found = infoCache.get(week);
  if (!found) {
    found = weekInfo(week);
    infoCache.set(week, found);
  }
  return found;
}

/** The person's age in a week by the contract's rule. */
function ageIn(person: Person, week: number): number {
  return info(week).isoYear - person.birthYear;
}

function isIntegration(person: Person): boolean {
  return person.integrationGroup !== undefined && INTEGRATION_GROUPS.has(person.integrationGroup);
}

/** Every week whose Thursday lies in quarter Q, found by walking back from its last week. */
function weeksOfQuarter(quarter: number): number[] {
  const weeks: number[] = [];
  for (let w = lastWeekOfQuarter(quarter); info(w).quarter === quarter; w--) weeks.unshift(w);
  return weeks;
}

function weeksOfMonth(month: number): number[] {
  const weeks: number[] = [];
  for (let w = lastWeekOfMonth(month); info(w).month === month; w--) weeks.unshift(w);
  return weeks;
}

/** First and last day (days since 1970-01-01) of a quarter, by calendar date. */
function quarterDays(quarter: number): [number, number] {
  const year = quarterYear(quarter);
  const firstMonth = (quarter % 4) * 3 + 1;
  const first = dateToDay(`${year}-${String(firstMonth).padStart(2, '0')}-01`)!;
  const nextFirst = quarter % 4 === 3 ? dateToDay(`${year + 1}-01-01`)! : dateToDay(`${year}-${String(firstMonth + 3).padStart(2, '0')}-01`)!;
  return [first, nextFirst - 1];
}

/** Counts persons into population/numerator per sex for one cell (quarter, or month). */
class Tally {
  private readonly counts = new Map<string, { numerator: number; denominator: number }>(SEXES.map((s) => [s, { numerator: 0, denominator: 0 }]));

  add(sex: string, inNumerator: boolean): void {
    const cell = this.counts.get(sex);
    if (!cell) throw new Error(`Unknown sex ${sex}`);
    cell.denominator++;
    if (inNumerator) cell.numerator++;
  }

  rows(quarter: number, month?: number): ReferenceRow[] {
    return SEXES.map((sex) => ({ quarter, ...(month === undefined ? {} : { month }), sex, ...this.counts.get(sex)! }));
  }
}

type ReferenceKpi = (data: Extracts, quarter: number) => ReferenceRow[];

function eachPerson(data: Extracts, visit: (id: string, person: Person, weeks: Map<number, PersonWeek>) => void): void {
  for (const [id, person] of data.persons) visit(id, person, data.weeks.get(id) ?? new Map());
}

const offersByPerson = new WeakMap<Extracts, Map<string, Offer[]>>();
/** A person's company-directed offers (indexed once per extracts object, for speed). */
function companyOffers(data: Extracts, personId: string): Offer[] {
  let index = offersByPerson.get(data);
  if (!index) {
    index = new Map();
    for (const offer of data.offers) {
      if (!COMPANY_OFFERS.has(offer.offerType)) continue;
      index.set(offer.personId, [...(index.get(offer.personId) ?? []), offer]);
    }
    offersByPerson.set(data, index);
  }
  return index.get(personId) ?? [];
}

/** True when a company-directed offer of the person covers at least one of the weeks from..to. */
function companyOfferCovers(data: Extracts, personId: string, from: number, to: number): boolean {
  return companyOffers(data, personId).some((offer) => {
    for (let w = from; w <= to; w++) if (offer.startWeek <= w && w <= offer.endWeek) return true;
    return false;
  });
}

const flygtningeJobFoersteAar: ReferenceKpi = (data, quarter) => {
  const tally = new Tally();
  eachPerson(data, (_id, person, weeks) => {
    if (!isIntegration(person) || person.arrivalWeek === undefined) return;
    if (ageIn(person, person.arrivalWeek) < 18) return;
    const week = person.arrivalWeek + 52;
    if (info(week).quarter !== quarter) return;
    const row = weeks.get(week);
    if (!row) return;
    tally.add(person.sex, row.status === 'beskaeftiget');
  });
  return tally.rows(quarter);
};

const langtidVirksomhedsrettet: ReferenceKpi = (data, quarter) =>
  quarterMonths(quarter).flatMap((month) => {
    const t = lastWeekOfMonth(month);
    const tally = new Tally();
    eachPerson(data, (id, person, weeks) => {
      const row = weeks.get(t);
      if (!row || !LT_BENEFITS.has(row.status)) return;
      let supportWeeks = 0;
      for (let w = t - 51; w <= t; w++) {
        const r = weeks.get(w);
        if (r && isSupport(r.status)) supportWeeks++;
      }
      if (supportWeeks < 42) return;
      tally.add(person.sex, companyOfferCovers(data, id, t - 25, t));
    });
    return tally.rows(quarter, month);
  });

const ungeUddannelsesstart: ReferenceKpi = (data, quarter) =>
  quarterMonths(quarter).flatMap((month) => {
    const previous = lastWeekOfMonth(month - 1);
    const weeksOfM = weeksOfMonth(month);
    const tally = new Tally();
    eachPerson(data, (_id, person, weeks) => {
      const row = weeks.get(previous);
      if (!row) return;
      const age = ageIn(person, previous);
      if (age < 16 || age > 29 || !isSupport(row.status)) return;
      tally.add(
        person.sex,
        weeksOfM.some((w) => weeks.get(w)?.status === 'ordinaer_uddannelse'),
      );
    });
    return tally.rows(quarter, month);
  });

const integrationSelvforsoergende: ReferenceKpi = (data, quarter) => {
  const t = lastWeekOfQuarter(quarter);
  const tally = new Tally();
  eachPerson(data, (_id, person, weeks) => {
    if (!isIntegration(person) || person.arrivalWeek === undefined) return;
    const row = weeks.get(t);
    if (!row) return;
    const age = ageIn(person, t);
    if (age < 18 || age > 64) return;
    const since = t - person.arrivalWeek;
    if (since < 0 || since >= 156) return;
    tally.add(person.sex, SELF.has(row.status));
  });
  return tally.rows(quarter);
};

const integrationAfgangJobUddannelse: ReferenceKpi = (data, quarter) => {
  const w0 = weekLabelToWeek(`${quarterYear(quarter)}-W01`)!;
  const t = lastWeekOfQuarter(quarter);
  const tally = new Tally();
  eachPerson(data, (_id, person, weeks) => {
    if (!isIntegration(person) || person.arrivalWeek === undefined) return;
    const row = weeks.get(w0);
    if (!row) return;
    const since = w0 - person.arrivalWeek;
    if (since < 0 || since >= 260) return;
    if (!['integrationsydelse', 'kontanthjaelp', 'uddannelseshjaelp'].includes(row.status)) return;
    let exited = false;
    for (let w = w0; w <= t; w++) {
      const status = weeks.get(w)?.status;
      if (status === 'beskaeftiget' || status === 'ordinaer_uddannelse') exited = true;
    }
    tally.add(person.sex, exited);
  });
  return tally.rows(quarter);
};

const integrationJobparate: ReferenceKpi = (data, quarter) => {
  const t = lastWeekOfQuarter(quarter);
  const tally = new Tally();
  eachPerson(data, (_id, person, weeks) => {
    if (!isIntegration(person) || person.arrivalWeek === undefined) return;
    const row = weeks.get(t);
    if (row?.status !== 'integrationsydelse') return;
    const since = t - person.arrivalWeek;
    if (since < 0 || since >= 260) return;
    tally.add(person.sex, row.visitation === 'jobparat');
  });
  return tally.rows(quarter);
};

const integrationVirksomhedsrettet: ReferenceKpi = (data, quarter) => {
  const t = lastWeekOfQuarter(quarter);
  const weeksOfQ = weeksOfQuarter(quarter);
  const tally = new Tally();
  eachPerson(data, (id, person, weeks) => {
    if (!isIntegration(person) || person.arrivalWeek === undefined) return;
    if (!weeksOfQ.some((w) => weeks.get(w)?.status === 'integrationsydelse')) return;
    const since = t - person.arrivalWeek;
    if (since < 0 || since >= 260) return;
    tally.add(person.sex, companyOfferCovers(data, id, weeksOfQ[0]!, weeksOfQ[weeksOfQ.length - 1]!));
  });
  return tally.rows(quarter);
};

const virksomhedsrettetFoersteMaaned: ReferenceKpi = (data, quarter) => {
  const tally = new Tally();
  eachPerson(data, (id, person) => {
    if (!isIntegration(person) || person.arrivalWeek === undefined) return;
    if (ageIn(person, person.arrivalWeek) < 18) return;
    if (info(person.arrivalWeek + 4).quarter !== quarter) return;
    const from = person.arrivalWeek;
    const to = person.arrivalWeek + 4;
    tally.add(
      person.sex,
      companyOffers(data, id).some((o) => from <= o.startWeek && o.startWeek <= to),
    );
  });
  return tally.rows(quarter);
};

/** From 1 January of Q's year to the last day of Q. */
function yearToDate(quarter: number): [number, number] {
  return [dateToDay(`${quarterYear(quarter)}-01-01`)!, quarterDays(quarter)[1]];
}

const virksomhederNye: ReferenceKpi = (data, quarter) => {
  const earliest = new Map<string, number>();
  for (const c of data.contacts) earliest.set(c.companyId, Math.min(earliest.get(c.companyId) ?? Infinity, c.day));
  const [from, to] = yearToDate(quarter);
  const numerator = [...earliest.values()].filter((day) => from <= day && day <= to).length;
  return [{ quarter, numerator }];
};

const partnerskabsaftalerNye: ReferenceKpi = (data, quarter) => {
  const [from, to] = yearToDate(quarter);
  const companies = new Set(data.contacts.filter((c) => c.contactType === 'partnerskabsaftale' && from <= c.day && c.day <= to).map((c) => c.companyId));
  return [{ quarter, numerator: companies.size }];
};

const samarbejdsgrad: ReferenceKpi = (data, quarter) => {
  const year = quarterYear(quarter);
  const population = new Set(data.companies.filter((c) => c.year === year && c.employees >= 1).map((c) => c.companyId));
  const from = quarterDays(quarter - 3)[0];
  const to = quarterDays(quarter)[1];
  const contacted = new Set(data.contacts.filter((c) => from <= c.day && c.day <= to).map((c) => c.companyId));
  const numerator = [...population].filter((id) => contacted.has(id)).length;
  return [{ quarter, numerator, denominator: population.size }];
};

export const REFERENCE_KPIS: Record<string, ReferenceKpi> = {
  flygtninge_job_foerste_aar: flygtningeJobFoersteAar,
  langtid_virksomhedsrettet: langtidVirksomhedsrettet,
  unge_uddannelsesstart: ungeUddannelsesstart,
  integration_selvforsoergende: integrationSelvforsoergende,
  integration_afgang_job_uddannelse: integrationAfgangJobUddannelse,
  integration_jobparate: integrationJobparate,
  integration_virksomhedsrettet: integrationVirksomhedsrettet,
  virksomhedsrettet_foerste_maaned: virksomhedsrettetFoersteMaaned,
  virksomheder_nye: virksomhederNye,
  partnerskabsaftaler_nye: partnerskabsaftalerNye,
  samarbejdsgrad,
};
