import type { PersonRecord } from './personRecord.ts';
import type { Random } from './random.ts';
import type { OfferType, Status, Visitation } from './statuses.ts';
import { isoYearOf, WEEK_COUNT } from './timeline.ts';

/** How long each kind of offer lasts, in weeks (min, max). */
const OFFER_WEEKS: Record<OfferType, readonly [number, number]> = {
  virksomhedspraktik: [4, 13],
  loentilskud_privat: [13, 26],
  loentilskud_offentlig: [13, 26],
  nytteindsats: [8, 13],
  vejledning_opkvalificering: [2, 10],
  mentor: [13, 52],
  danskuddannelse: [100, 156],
  oevrigt: [4, 13],
};

export function offerWeeks(type: OfferType, rng: Random): number {
  const [min, max] = OFFER_WEEKS[type];
  return rng.int(min, max);
}

/**
 * The jobcenter's company-directed effort by year: rising towards the 2017 goal
 * (ministermål 3: 45 pct. of the long-term supported within 6 months; 37 pct. in March 2016).
 */
const COMPANY_EFFORT: Record<number, number> = { 2013: 0.62, 2014: 0.62, 2015: 0.66, 2016: 0.72, 2017: 1.0 };

export function companyEffort(t: number): number {
  return COMPANY_EFFORT[isoYearOf[Math.min(t, WEEK_COUNT - 1)]!] ?? 1;
}

export const COMPANY_OFFERS: readonly OfferType[] = ['virksomhedspraktik', 'loentilskud_privat', 'loentilskud_offentlig', 'nytteindsats'];

interface OfferPlan {
  /** Chance per week of starting one while none of this plan is running. */
  hazard: number;
  /** Weeks into the spell before the first one can start. */
  delay: number;
  types: readonly (readonly [OfferType, number])[];
  /** Only for these visitation categories (all when absent). */
  visitations?: readonly Visitation[];
}

const companyMix = (praktik: number, privat: number, offentlig: number, nytte: number) =>
  [
    ['virksomhedspraktik', praktik],
    ['loentilskud_privat', privat],
    ['loentilskud_offentlig', offentlig],
    ['nytteindsats', nytte],
  ] as const;

/** Offers people get during a benefit spell, by status. Integration offers live in integration.ts. */
const PLANS: Partial<Record<Status, readonly OfferPlan[]>> = {
  a_dagpenge: [
    { hazard: 0.016, delay: 10, types: companyMix(0.45, 0.35, 0.2, 0) },
    { hazard: 0.01, delay: 4, types: [['vejledning_opkvalificering', 1]] },
  ],
  kontanthjaelp: [
    { hazard: 0.028, delay: 2, types: companyMix(0.5, 0.15, 0.15, 0.2), visitations: ['jobparat'] },
    { hazard: 0.018, delay: 4, types: companyMix(0.7, 0, 0.15, 0.15), visitations: ['aktivitetsparat'] },
    {
      hazard: 0.008,
      delay: 4,
      types: [
        ['mentor', 0.6],
        ['oevrigt', 0.4],
      ],
      visitations: ['aktivitetsparat'],
    },
  ],
  uddannelseshjaelp: [
    { hazard: 0.024, delay: 2, types: companyMix(0.6, 0.1, 0, 0.3) },
    {
      hazard: 0.012,
      delay: 2,
      types: [
        ['vejledning_opkvalificering', 0.7],
        ['mentor', 0.3],
      ],
    },
  ],
  ledighedsydelse: [{ hazard: 0.02, delay: 2, types: companyMix(0.7, 0, 0.3, 0) }],
  sygedagpenge: [{ hazard: 0.004, delay: 8, types: [['virksomhedspraktik', 1]] }],
  jobafklaring: [
    { hazard: 0.008, delay: 4, types: [['virksomhedspraktik', 1]] },
    { hazard: 0.01, delay: 2, types: [['oevrigt', 1]] },
  ],
  ressourceforloeb: [
    { hazard: 0.01, delay: 8, types: [['virksomhedspraktik', 1]] },
    { hazard: 0.02, delay: 2, types: [['mentor', 1]] },
  ],
};

/**
 * Offers during one spell of `status` that filled weeks from..to-1. When the spell runs past
 * the end of the data an offer may too (then it has no end date); otherwise it stops with the
 * spell, since a job or a new benefit ends the offer.
 */
export function offersDuringSpell(person: PersonRecord, status: Status, visitation: Visitation, from: number, to: number, runsOn: boolean, rng: Random): void {
  for (const plan of PLANS[status] ?? []) {
    if (plan.visitations && !plan.visitations.includes(visitation)) continue;
    const company = COMPANY_OFFERS.includes(plan.types[0]![0]);
    let t = from + plan.delay;
    while (t < to) {
      const hazard = company ? plan.hazard * companyEffort(t) : plan.hazard;
      if (!rng.chance(hazard)) {
        t++;
        continue;
      }
      const type = rng.pick(plan.types);
      let end = t + offerWeeks(type, rng) - 1;
      if (end >= to && !runsOn) end = to - 1;
      person.addOffer(type, t, end, rng);
      t = end + 1 + rng.int(2, 8);
    }
  }
}
