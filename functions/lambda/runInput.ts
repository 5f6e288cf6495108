import { z } from 'zod';
import { parseQuarter, quarterLabel } from '../calendar/quarter.ts';
import { DELIVERY_ID_PATTERN } from '../deliveries/manifest.ts';

/**
 * What starts a run: a manifest landing in incoming/<id>/ (a complete delivery), the
 * quarterly schedule (the newest delivery), or a person (`aws stepfunctions start-execution`,
 * optionally naming a delivery and a quarter). A run reports on the quarter it is asked for,
 * or else on the newest quarter its delivery covers — never on what the clock suggests.
 */
export const runInputSchema = z.object({
  trigger: z.enum(['schedule', 'delivery', 'manual']).default('manual'),
  /** The object that arrived, for a delivery-triggered run: `incoming/<id>/manifest.json`. */
  key: z.string().optional(),
  delivery: z.string().regex(DELIVERY_ID_PATTERN).optional(),
  quarter: z.string().optional(),
});
export type RunInput = z.infer<typeof runInputSchema>;

/** A person approving a preview: `{"action":"approve","quarter":"2017Q4","snapshot":"…"}`. */
export const approveInputSchema = z.object({
  action: z.literal('approve'),
  quarter: z.string(),
  snapshot: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
  correction: z.string().trim().min(3).optional(),
});
export type ApproveInput = z.infer<typeof approveInputSchema>;

/** A run input the pipeline cannot act on; Step Functions does not retry it. */
export class InvalidRunInput extends Error {
  override readonly name = 'InvalidRunInput';
}

/** The quarter label a person asked for, or undefined for "the newest the delivery covers". */
export function requestedQuarter(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const quarter = parseQuarter(text);
  if (quarter === undefined) throw new InvalidRunInput(`"quarter" skal skrives som 2017Q4 eller 2017K4, ikke "${text}"`);
  return quarterLabel(quarter);
}

/** The delivery a run is about: the manifest that arrived, the one named, or (undefined) the newest. */
export function requestedDelivery(run: RunInput): string | undefined {
  if (run.key !== undefined) {
    const m = /^incoming\/([^/]+)\/manifest\.json$/.exec(run.key);
    if (!m || !DELIVERY_ID_PATTERN.test(m[1]!)) throw new InvalidRunInput(`${run.key} er ikke et manifest i incoming/<levering>/manifest.json`);
    return m[1];
  }
  return run.delivery;
}

/** Parses an approval, with a Danish message naming the wrong field. */
export function parseApproveInput(value: unknown): ApproveInput {
  const parsed = approveInputSchema.safeParse(value);
  if (!parsed.success) throw new InvalidRunInput(`Godkendelsen er ugyldig: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  requestedQuarter(parsed.data.quarter);
  return parsed.data;
}
