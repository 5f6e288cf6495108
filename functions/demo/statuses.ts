/**
 * The contract's status and visitation values (extracts.md) as small integer codes, so a
 * person's weeks fit in a byte array and each row's tail is one precomputed string.
 */
export const STATUSES = [
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
] as const;
export type Status = (typeof STATUSES)[number];

export const VISITATIONS = ['', 'jobparat', 'aktivitetsparat', 'uddannelsesparat'] as const;
export type Visitation = (typeof VISITATIONS)[number];

export const SELF_STATUSES: readonly Status[] = ['beskaeftiget', 'ordinaer_uddannelse', 'igu', 'selvforsoergende_oevrig'];

export const OFFER_TYPES = [
  'virksomhedspraktik',
  'loentilskud_privat',
  'loentilskud_offentlig',
  'nytteindsats',
  'vejledning_opkvalificering',
  'mentor',
  'danskuddannelse',
  'oevrigt',
] as const;
export type OfferType = (typeof OFFER_TYPES)[number];

export function weekCode(status: Status, visitation: Visitation): number {
  return STATUSES.indexOf(status) * VISITATIONS.length + VISITATIONS.indexOf(visitation);
}

/** `kontanthjaelp,aktivitetsparat\n` for every code: the end of a benefit_weeks row. */
export const rowTails: readonly string[] = STATUSES.flatMap((status) => VISITATIONS.map((visitation) => `${status},${visitation}\n`));
