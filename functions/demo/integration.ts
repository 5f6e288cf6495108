import { dateToDay, dayToDate } from '../calendar/isoWeek.ts';
import { COMPANY_OFFERS, companyEffort, offerWeeks } from './offerPlans.ts';
import type { IntegrationGroup, PersonRecord } from './personRecord.ts';
import type { Random } from './random.ts';
import type { OfferType, Status, Visitation } from './statuses.ts';
import { isoYearOf, weekOfDay, WEEK_COUNT } from './timeline.ts';

/**
 * Refugees and family-reunified under the integration act. Allerød received 282 in 2014–2017
 * (seed 000), most in 2015–2016. Each adult starts on integrationsydelse in the arrival week
 * and moves, week by week, into jobs, IGU, education, parental leave or away. Job chances are
 * set so about a third are in ordinary work a year after arrival (the 2017 goal's level) and
 * the programme's self-supporting share climbs to 35–40 % by the end of 2017 (39 % in seed 000).
 */

export const ARRIVALS_PER_YEAR: Readonly<Record<number, number>> = { 2014: 38, 2015: 92, 2016: 104, 2017: 48 };

/** Arrivals by month: the autumn 2015 wave carrying into 2016, family reunification after it. */
const MONTH_WEIGHTS: Readonly<Record<number, readonly number[]>> = {
  2014: [4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 12],
  2015: [5, 5, 5, 6, 6, 7, 8, 10, 13, 15, 16, 16],
  2016: [11, 10, 9, 9, 8, 8, 8, 8, 9, 10, 10, 10],
  2017: [7, 7, 6, 6, 6, 5, 5, 5, 5, 4, 4, 4],
};

/** The 2016 integration programme: job-ready at first, company-directed work within a month, IGU. */
const REFORM_DAY = dateToDay('2016-07-01') as number;
const REFORM_WEEK = weekOfDay(REFORM_DAY);

/** Better job chances each year: a stronger labour market and the 2016 strategy (seed 001). */
const JOB_CLIMATE: Readonly<Record<number, number>> = { 2014: 0.75, 2015: 0.85, 2016: 1.0, 2017: 1.25 };

/** Weekly chance of moving away; people with a job move more (often for the job). */
const MOVE_AWAY_PER_WEEK = 0.0015;
const MOVE_AWAY_IN_JOB_PER_WEEK = 0.003;

const COMPANY_OFFER_MIX: readonly (readonly [OfferType, number])[] = [
  [COMPANY_OFFERS[0]!, 0.65],
  [COMPANY_OFFERS[1]!, 0.15],
  [COMPANY_OFFERS[2]!, 0.1],
  [COMPANY_OFFERS[3]!, 0.1],
];

export interface Arrival {
  day: number;
  group: IntegrationGroup;
}

/** All arrivals at the given scale, in date order. */
export function arrivals(scale: number, rng: Random): Arrival[] {
  const list: Arrival[] = [];
  for (const [yearText, count] of Object.entries(ARRIVALS_PER_YEAR)) {
    const year = Number(yearText);
    const months = MONTH_WEIGHTS[year]!.map((weight, month) => [month, weight] as const);
    // family reunification grew as the refugees of 2015–2016 brought their families
    const reunified = year >= 2016 ? 0.45 : 0.25;
    const n = rng.round(count * scale);
    for (let i = 0; i < n; i++) {
      const month = rng.pick(months);
      const first = Date.UTC(year, month, 1) / 86_400_000;
      const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
      list.push({ day: first + rng.int(0, days - 1), group: rng.chance(reunified) ? 'familiesammenfoert' : 'flygtning' });
    }
  }
  return list.sort((a, b) => a.day - b.day);
}

type State = 'ydelse' | 'job' | 'dagpenge' | 'igu' | 'education' | 'spouse' | 'barsel' | 'sick' | 'minor';

const STATE_STATUS: Record<State, Status> = {
  ydelse: 'integrationsydelse',
  job: 'beskaeftiget',
  dagpenge: 'a_dagpenge',
  igu: 'igu',
  education: 'ordinaer_uddannelse',
  spouse: 'selvforsoergende_oevrig',
  barsel: 'barsel',
  sick: 'sygedagpenge',
  minor: 'ordinaer_uddannelse',
};

interface PlannedOffer {
  type: OfferType;
  start: number;
  end: number;
}

function ageAtArrival(rng: Random): number {
  const [min, max] = rng.pick<readonly [number, number]>([
    [[16, 17], 0.07],
    [[18, 24], 0.25],
    [[25, 39], 0.45],
    [[40, 54], 0.18],
    [[55, 60], 0.05],
  ]);
  return rng.int(min, max);
}

/** One arrival's person: their weeks from the arrival week until they move away or the data ends. */
export function simulateArrival(person: PersonRecord, arrival: Arrival, rng: Random): void {
  const a = weekOfDay(arrival.day);
  person.group = arrival.group;
  person.arrivalDate = dayToDate(arrival.day);
  person.sex = rng.chance(arrival.group === 'flygtning' ? 0.38 : 0.7) ? 'K' : 'M';
  const arrivalAge = ageAtArrival(rng);
  person.birthYear = isoYearOf[a]! - arrivalAge;
  const woman = person.sex === 'K';
  const reform = arrival.day >= REFORM_DAY;

  let jobReady = rng.chance((woman ? 0.45 : 0.62) * (arrivalAge >= 50 ? 0.5 : 1));
  const notReady: Visitation = arrivalAge < 30 && rng.chance(0.5) ? 'uddannelsesparat' : 'aktivitetsparat';
  let state: State = arrivalAge < 18 ? 'minor' : 'ydelse';
  let weeksLeft = 0; // in a fixed-length state
  let weeksIn = 0;
  let company: PlannedOffer | undefined;
  let nextCompanyFrom = Number.POSITIVE_INFINITY;
  let firstCompanyAt: number | undefined;
  let danish: PlannedOffer | undefined;

  if (state === 'ydelse') {
    const firstMonth = reform ? (isoYearOf[a]! >= 2017 ? 0.9 : 0.85) : arrival.day >= REFORM_DAY - 365 ? 0.55 : 0.35;
    if (rng.chance(firstMonth)) firstCompanyAt = a + rng.int(0, 4);
    nextCompanyFrom = a + 5;
    const start = a + rng.int(1, 3);
    danish = { type: 'danskuddannelse', start, end: start + offerWeeks('danskuddannelse', rng) - 1 };
  }

  /** Write an offer, ending no later than lastWeek (the offer stops when the person leaves). */
  const finish = (offer: PlannedOffer | undefined, lastWeek: number) => {
    if (offer && offer.start <= lastWeek) person.addOffer(offer.type, offer.start, Math.min(offer.end, lastWeek), rng);
  };

  for (let t = a; t < WEEK_COUNT; t++) {
    if (t > a && rng.chance(state === 'job' ? MOVE_AWAY_IN_JOB_PER_WEEK : MOVE_AWAY_PER_WEEK)) {
      person.ended = true;
      finish(company, t - 1);
      finish(danish, t - 1);
      return;
    }
    const visitation: Visitation = state !== 'ydelse' ? '' : jobReady || (reform && t - a < 13) ? 'jobparat' : notReady;
    person.fill(STATE_STATUS[state], visitation, 1);
    weeksIn++;

    if (company && t >= company.end) {
      finish(company, company.end);
      company = undefined;
      nextCompanyFrom = t + rng.int(2, 6);
    }
    if (state === 'ydelse' && !company) {
      const due = firstCompanyAt === t || (t >= nextCompanyFrom && rng.chance((jobReady ? 0.04 : 0.02) * companyEffort(t)));
      if (due) {
        const type = rng.pick(COMPANY_OFFER_MIX);
        company = { type, start: t, end: t + offerWeeks(type, rng) - 1 };
      }
    }

    const next = transition(t);
    if (next !== state) {
      if (state === 'ydelse' && company) {
        finish(company, t);
        company = undefined;
        nextCompanyFrom = t + 1;
      }
      state = next;
      weeksIn = 0;
    }
    weeksLeft--;
  }
  finish(company, Number.POSITIVE_INFINITY);
  finish(danish, Number.POSITIVE_INFINITY);

  function transition(t: number): State {
    const sinceArrival = t - a;
    const age = person.age(t);
    switch (state) {
      case 'minor':
        if (age < 18) return 'minor';
        return rng.chance(0.5) ? 'education' : 'ydelse';
      case 'ydelse': {
        if (!jobReady && rng.chance(0.004)) jobReady = true;
        if (sinceArrival < 4) return 'ydelse';
        // the job-ready find work in their first year and a half; the rest have a longer way (seed 000)
        const chance = jobReady ? (sinceArrival < 78 ? 0.027 : 0.002) : 0.0025;
        const job = chance * (JOB_CLIMATE[isoYearOf[t]!] ?? 1) * (company ? 1.6 : 1);
        const igu = t >= REFORM_WEEK && jobReady && age <= 40 ? 0.0025 : 0;
        const education = age < 30 ? 0.004 : 0;
        const spouse = woman ? 0.0008 : 0;
        const barsel = woman && age >= 20 && age <= 40 ? 0.0025 : 0;
        // One draw, the probabilities taken off it in this order (the demo's numbers depend on it).
        let u = rng.float();
        u -= job;
        if (u < 0) return 'job';
        u -= igu;
        if (u < 0) return fixed('igu', 104);
        u -= education;
        if (u < 0) return 'education';
        u -= spouse;
        if (u < 0) return 'spouse';
        u -= barsel;
        if (u < 0) return fixed('barsel', rng.int(30, 46));
        return 'ydelse';
      }
      case 'job':
        if (rng.chance(0.002)) return fixed('sick', rng.int(2, 10));
        if (!rng.chance(1 / 45)) return 'job';
        return weeksIn >= 52 && rng.chance(0.4) ? 'dagpenge' : 'ydelse';
      case 'dagpenge':
        if (!rng.chance(1 / 12)) return 'dagpenge';
        return rng.chance(0.6) ? 'job' : 'ydelse';
      case 'sick':
        return weeksLeft > 1 ? 'sick' : 'job';
      case 'igu':
        if (weeksLeft > 1) return 'igu';
        return rng.chance(0.65) ? 'job' : 'ydelse';
      case 'education':
        if (!rng.chance(1 / 150)) return 'education';
        return rng.chance(0.5) ? 'job' : 'ydelse';
      case 'spouse':
        return rng.chance(1 / 100) ? 'ydelse' : 'spouse';
      case 'barsel':
        return weeksLeft > 1 ? 'barsel' : 'ydelse';
    }
  }

  /** Enter a state that lasts exactly `weeks` weeks from next week. */
  function fixed(next: State, weeks: number): State {
    weeksLeft = weeks + 1;
    return next;
  }
}
