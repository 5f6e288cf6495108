import { OFFER_TYPES, STATUSES } from './extracts.ts';

/**
 * The groups of statuses and offer types the KPI definitions use (../../shared/domain/kpis.md
 * "Status groups"), as data: ingest writes them into every snapshot as the curated lookup
 * tables `status_groups` and `offer_groups`, so KPI SQL joins them instead of repeating lists of
 * statuses, and a change in the benefit system (a new benefit, a benefit that moves group) is
 * one edit here. A status added to the contract (extracts.ts) must be placed in the groups it
 * belongs to; tests/contract/groups.test.ts checks that every group only names contract values.
 */

export type Status = (typeof STATUSES)[number];
export type OfferType = (typeof OFFER_TYPES)[number];

const SELF: readonly Status[] = ['beskaeftiget', 'ordinaer_uddannelse', 'igu', 'selvforsoergende_oevrig'];

/** One BOOLEAN column of `status_groups` per group, in this order. */
export const STATUS_GROUPS = {
  /** SELF: self-supporting (ordinary job, ordinary education, IGU, other means). */
  self: SELF,
  /** SUPPORT (offentlig forsørgelse): every status except SELF and `pension`. */
  support: STATUSES.filter((s) => !SELF.includes(s) && s !== 'pension'),
  /** LT_BENEFITS: the benefits of ministermål 3 (long-term supported citizens). */
  lt_benefits: ['a_dagpenge', 'kontanthjaelp', 'uddannelseshjaelp', 'integrationsydelse', 'ledighedsydelse', 'kontantydelse'],
  /** The integration programme's own benefit (also selvforsørgelses- og hjemrejseydelse / overgangsydelse). */
  integration: ['integrationsydelse'],
  /** The cash benefits (kontanthjælpsområdet) of Esbjerg's exit goal: integrationsydelse, kontanthjælp, uddannelseshjælp. */
  cash_benefits: ['integrationsydelse', 'kontanthjaelp', 'uddannelseshjaelp'],
  /** An exit to ordinary work or education. */
  job_or_education: ['beskaeftiget', 'ordinaer_uddannelse'],
} as const satisfies Record<string, readonly Status[]>;

/** One BOOLEAN column of `offer_groups` per group. */
export const OFFER_GROUPS = {
  /** COMPANY_OFFERS: company-directed offers (virksomhedsrettede tilbud). */
  company_directed: ['virksomhedspraktik', 'loentilskud_privat', 'loentilskud_offentlig', 'nytteindsats'],
} as const satisfies Record<string, readonly OfferType[]>;

export type StatusGroup = keyof typeof STATUS_GROUPS;
export type OfferGroup = keyof typeof OFFER_GROUPS;

/** One row per contract status: the status and a flag per group, in STATUS_GROUPS order. */
export function statusGroupRows(): [string, ...boolean[]][] {
  return STATUSES.map((status) => [status, ...Object.values(STATUS_GROUPS).map((members) => (members as readonly string[]).includes(status))]);
}

/** One row per contract offer type: the type and a flag per group, in OFFER_GROUPS order. */
export function offerGroupRows(): [string, ...boolean[]][] {
  return OFFER_TYPES.map((type) => [type, ...Object.values(OFFER_GROUPS).map((members) => (members as readonly string[]).includes(type))]);
}
