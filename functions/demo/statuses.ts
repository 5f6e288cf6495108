/**
 * The contract's status and visitation values (extracts.md) as small integer codes, so a
 * person's weeks fit in a byte array and each row's tail is one precomputed string.
 */
import { OFFER_TYPES, STATUSES, VISITATIONS as CONTRACT_VISITATIONS } from '../contract/extracts.ts';

export { OFFER_TYPES, STATUSES };
export type Status = (typeof STATUSES)[number];

/** '' (no visitation) first, then the contract's categories. */
export const VISITATIONS = ['', ...CONTRACT_VISITATIONS] as const;
export type Visitation = (typeof VISITATIONS)[number];

export const SELF_STATUSES: readonly Status[] = ['beskaeftiget', 'ordinaer_uddannelse', 'igu', 'selvforsoergende_oevrig'];

export type OfferType = (typeof OFFER_TYPES)[number];

export function weekCode(status: Status, visitation: Visitation): number {
  return STATUSES.indexOf(status) * VISITATIONS.length + VISITATIONS.indexOf(visitation);
}

/** `kontanthjaelp,aktivitetsparat\n` for every code: the end of a benefit_weeks row. */
export const rowTails: readonly string[] = STATUSES.flatMap((status) => VISITATIONS.map((visitation) => `${status},${visitation}\n`));
