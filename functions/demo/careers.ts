import { offersDuringSpell } from './offerPlans.ts';
import type { PersonRecord } from './personRecord.ts';
import type { Random } from './random.ts';
import type { Status, Visitation } from './statuses.ts';
import { firstWeekOfYear, isoYearOf, WEEK_COUNT } from './timeline.ts';

/**
 * Benefit careers of the municipality's residents outside the integration programme: spells
 * of one status each, from a benefit to a job or another benefit, until they move away or die.
 * Stocks and durations are set for a municipality of ~25,000 inhabitants with the country's
 * lowest unemployment (seed 001): about 1,000 people on a benefit in any week.
 *
 * After a spell ends in self-support, a person stays in the extract for a follow-up of a few
 * months and then, mostly, their rows stop, as if they had moved away. Keeping everyone who
 * ever had a benefit until the end of 2017 would make the extract several times larger than
 * the people it is about; the KPIs only need the self-supporting weeks of the integration
 * programme (integration.ts keeps all of those) and the weeks just after a benefit.
 */

type Next = Status | 'gone';

interface Track {
  status: Status;
  /** People in this status in an average week, at scale 1. */
  stock: number;
  /** Spell length as a mixture of geometric durations: [share, mean weeks]. */
  durations: readonly (readonly [number, number])[];
  ages: readonly [number, number];
  womenShare: number;
}

export const TRACKS: readonly Track[] = [
  { status: 'foertidspension', stock: 330, durations: [[1, 1500]], ages: [35, 64], womenShare: 0.55 },
  { status: 'fleksjob', stock: 115, durations: [[1, 300]], ages: [30, 64], womenShare: 0.6 },
  { status: 'ledighedsydelse', stock: 10, durations: [[1, 18]], ages: [30, 64], womenShare: 0.6 },
  {
    status: 'sygedagpenge',
    stock: 125,
    durations: [
      [0.75, 5],
      [0.25, 30],
    ],
    ages: [20, 64],
    womenShare: 0.6,
  },
  {
    status: 'a_dagpenge',
    stock: 180,
    durations: [
      [0.65, 9],
      [0.35, 40],
    ],
    ages: [23, 64],
    womenShare: 0.5,
  },
  {
    status: 'kontanthjaelp',
    stock: 60,
    durations: [
      [0.4, 20],
      [0.6, 150],
    ],
    ages: [30, 64],
    womenShare: 0.45,
  },
  {
    status: 'uddannelseshjaelp',
    stock: 45,
    durations: [
      [0.5, 12],
      [0.5, 60],
    ],
    ages: [18, 29],
    womenShare: 0.45,
  },
  { status: 'ressourceforloeb', stock: 20, durations: [[1, 90]], ages: [25, 60], womenShare: 0.55 },
  { status: 'jobafklaring', stock: 10, durations: [[1, 35]], ages: [25, 60], womenShare: 0.6 },
  { status: 'barsel', stock: 55, durations: [[1, 39]], ages: [22, 42], womenShare: 1 },
  { status: 'kontantydelse', stock: 3, durations: [[1, 26]], ages: [30, 64], womenShare: 0.5 },
  { status: 'oevrig_ydelse', stock: 14, durations: [[1, 16]], ages: [20, 64], womenShare: 0.5 },
];

/** Fewer insured unemployed as the economy improved 2013–2017 (seed 001: −13.5 pct. to 2017). */
const DAGPENGE_INFLOW: Record<number, number> = { 2013: 1.15, 2014: 1.08, 2015: 1.0, 2016: 0.93, 2017: 0.87 };

/** New spells per week from outside the data (people not yet in the extract). */
export function inflowPerWeek(track: Track, t: number): number {
  const mean = track.durations.reduce((sum, [share, weeks]) => sum + share * weeks, 0);
  const trend = track.status === 'a_dagpenge' ? (DAGPENGE_INFLOW[isoYearOf[t]!] ?? 1) : 1;
  return (track.stock / mean) * trend * INFLOW_SHARE[track.status]!;
}

/** The part of a status's inflow that comes from outside; the rest comes from other spells. */
const INFLOW_SHARE: Partial<Record<Status, number>> = {
  foertidspension: 0.75,
  fleksjob: 0.5,
  ledighedsydelse: 0.1,
  sygedagpenge: 0.9,
  a_dagpenge: 0.85,
  kontanthjaelp: 0.6,
  uddannelseshjaelp: 0.9,
  ressourceforloeb: 0.4,
  jobafklaring: 0.1,
  barsel: 0.9,
  kontantydelse: 1,
  oevrig_ydelse: 1,
};

/** Youth education starts grew with the 2016–2017 focus on ordinary education (ministermål 2). */
const EDUCATION_EFFORT: Record<number, number> = { 2013: 0.7, 2014: 0.7, 2015: 0.75, 2016: 0.9, 2017: 1.1 };

function spellWeeks(status: Status, rng: Random): number {
  switch (status) {
    case 'beskaeftiget':
    case 'ordinaer_uddannelse':
    case 'selvforsoergende_oevrig':
      // follow-up in the extract after leaving benefits, before the next event
      return 4 + rng.geometric(12);
    case 'pension':
      return rng.geometric(26);
    case 'barsel':
      return rng.int(30, 48);
    default:
      return rng.geometric(rng.pick(trackOf(status).durations.map(([share, mean]) => [mean, share] as const)));
  }
}

function trackOf(status: Status): Track {
  return TRACKS.find((track) => track.status === status) as Track;
}

function visitationFor(status: Status, rng: Random): Visitation {
  switch (status) {
    case 'a_dagpenge':
      return 'jobparat';
    case 'kontanthjaelp':
      return rng.chance(0.4) ? 'jobparat' : 'aktivitetsparat';
    case 'uddannelseshjaelp':
      return rng.chance(0.55) ? 'uddannelsesparat' : 'aktivitetsparat';
    default:
      return '';
  }
}

function nextStatus(status: Status, person: PersonRecord, weeks: number, rng: Random): Next {
  const t = person.next;
  if (t >= person.pensionAt) return status === 'pension' ? 'gone' : 'pension';
  const age = person.age(t);
  const young = age < 30;
  const mother = person.sex === 'K' && age < 42;
  const education = EDUCATION_EFFORT[isoYearOf[Math.min(t, WEEK_COUNT - 1)]!] ?? 1;
  switch (status) {
    case 'a_dagpenge':
      return rng.pick<Next>([
        ['beskaeftiget', 0.78],
        ['sygedagpenge', 0.05],
        ['ordinaer_uddannelse', (young ? 0.2 : 0.02) * education],
        ['kontanthjaelp', weeks > 80 ? 0.15 : 0.01],
        ['pension', age >= 60 ? 0.3 : 0],
        ['barsel', mother ? 0.05 : 0],
        ['gone', 0.03],
      ]);
    case 'sygedagpenge':
      return rng.pick<Next>([
        ['beskaeftiget', 0.8],
        ['a_dagpenge', 0.07],
        ['jobafklaring', weeks > 40 ? 0.3 : 0.005],
        ['ressourceforloeb', 0.015],
        ['foertidspension', 0.01],
        ['gone', 0.03],
      ]);
    case 'kontanthjaelp':
      return rng.pick<Next>([
        ['beskaeftiget', 0.45],
        ['sygedagpenge', 0.08],
        ['ressourceforloeb', 0.08],
        ['fleksjob', 0.04],
        ['foertidspension', 0.02],
        ['ordinaer_uddannelse', (young ? 0.2 : 0.04) * education],
        ['gone', 0.12],
      ]);
    case 'uddannelseshjaelp':
      if (age >= 30) return 'kontanthjaelp';
      return rng.pick<Next>([
        ['ordinaer_uddannelse', 0.5 * education],
        ['beskaeftiget', 0.35],
        ['kontanthjaelp', 0.04],
        ['sygedagpenge', 0.03],
        ['gone', 0.07],
      ]);
    case 'ressourceforloeb':
      return rng.pick<Next>([
        ['fleksjob', 0.3],
        ['foertidspension', 0.25],
        ['kontanthjaelp', 0.25],
        ['beskaeftiget', 0.1],
        ['gone', 0.1],
      ]);
    case 'jobafklaring':
      return rng.pick<Next>([
        ['sygedagpenge', 0.3],
        ['beskaeftiget', 0.3],
        ['ressourceforloeb', 0.25],
        ['fleksjob', 0.1],
        ['gone', 0.05],
      ]);
    case 'fleksjob':
      return rng.pick<Next>([
        ['ledighedsydelse', 0.35],
        ['foertidspension', 0.15],
        ['beskaeftiget', 0.1],
        ['gone', 0.4],
      ]);
    case 'ledighedsydelse':
      return rng.pick<Next>([
        ['fleksjob', 0.85],
        ['foertidspension', 0.05],
        ['gone', 0.1],
      ]);
    case 'barsel':
      return rng.pick<Next>([
        ['beskaeftiget', 0.8],
        ['a_dagpenge', 0.15],
        ['gone', 0.05],
      ]);
    case 'kontantydelse':
      return rng.pick<Next>([
        ['beskaeftiget', 0.5],
        ['kontanthjaelp', 0.4],
        ['gone', 0.1],
      ]);
    case 'oevrig_ydelse':
      return rng.pick<Next>([
        ['beskaeftiget', 0.7],
        ['a_dagpenge', 0.2],
        ['gone', 0.1],
      ]);
    case 'beskaeftiget':
    case 'ordinaer_uddannelse':
    case 'selvforsoergende_oevrig':
      return rng.pick<Next>([
        ['gone', 0.8],
        ['a_dagpenge', 0.08],
        ['sygedagpenge', 0.09],
        ['barsel', mother ? 0.03 : 0],
      ]);
    default:
      // foertidspension ends in death or moving away; pension ends the follow-up
      return 'gone';
  }
}

/** Sex, birth year and pension week of a person entering the track in simulation week t. */
export function setPerson(person: PersonRecord, track: Track, t: number, rng: Random): void {
  person.sex = rng.chance(track.womenShare) ? 'K' : 'M';
  const [min, max] = track.ages;
  // older people are more common among the long-term benefits
  const age = track.status === 'foertidspension' ? max - Math.floor(rng.float() ** 1.6 * (max - min + 1)) : rng.int(min, max);
  person.birthYear = isoYearOf[t]! - age;
  person.pensionAt = firstWeekOfYear(person.birthYear + 65) + rng.int(0, 51);
}

/** What is left of a spell under way when the data begins (long spells weigh by their length). */
function remainingWeeks(track: Track, rng: Random): number {
  if (track.status === 'barsel') return rng.int(1, 48);
  return rng.geometric(rng.pick(track.durations.map(([share, mean]) => [mean, share * mean] as const)));
}

/**
 * One career from a first spell of the track's status starting in week `person.start`. A
 * person already in the spell when the data begins gets what is left of it.
 */
export function simulateCareer(person: PersonRecord, track: Track, inStock: boolean, rng: Random): void {
  let status: Status = track.status;
  let first = true;
  while (!person.done) {
    const from = person.next;
    let weeks = first && inStock ? remainingWeeks(track, rng) : spellWeeks(status, rng);
    if (status !== 'pension' && person.pensionAt > from) weeks = Math.min(weeks, person.pensionAt - from);
    if (status === 'uddannelseshjaelp') {
      const thirty = firstWeekOfYear(person.birthYear + 30);
      if (thirty > from) weeks = Math.min(weeks, thirty - from);
    }
    const visitation = visitationFor(status, rng);
    const filled = person.fill(status, visitation, weeks);
    const runsOn = filled < weeks;
    offersDuringSpell(person, status, visitation, from, from + filled, runsOn, rng);
    if (runsOn) return;
    const next = nextStatus(status, person, weeks, rng);
    if (next === 'gone') {
      person.ended = true;
      return;
    }
    status = next;
    first = false;
  }
}
