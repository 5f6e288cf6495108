import { z } from 'zod';
import { QUARTER_LABEL } from '../calendar/quarter.ts';
import { runInputSchema } from './runInput.ts';

/**
 * What the state machine passes between the stage Lambdas (infra/constructs/runStateMachine.ts
 * builds these payloads). Each handler parses its event here; each output stays small
 * (Step Functions caps state at 256 KB) and never carries a data value.
 */
const quarterLabel = z.string().regex(QUARTER_LABEL);
const snapshotId = z.string().regex(/^[0-9a-f]{16}$/);

export const ingestEventSchema = z.object({ run: runInputSchema });
export type IngestEvent = z.infer<typeof ingestEventSchema>;

export const rejectedFileSchema = z.object({ file: z.string(), deliveryId: z.string(), problems: z.number().int() });

export const ingestOutputSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('accepted'),
    deliveryId: z.string(),
    snapshot: snapshotId,
    /** The quarter a person asked for; null = the newest quarter the delivery covers. */
    quarter: quarterLabel.nullable(),
  }),
  z.object({
    status: z.literal('rejected'),
    deliveryId: z.string(),
    files: z.array(rejectedFileSchema),
    /** Danish, one line per file: what the e-mail to data staff says. */
    summary: z.string(),
  }),
  z.object({ status: z.literal('incomplete'), deliveryId: z.string(), summary: z.string() }),
]);
export type IngestOutput = z.infer<typeof ingestOutputSchema>;

export const computeEventSchema = z.object({ deliveryId: z.string(), snapshot: snapshotId, quarter: quarterLabel.nullable() });
export type ComputeEvent = z.infer<typeof computeEventSchema>;

export const computeOutputSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('computed'), quarter: quarterLabel, snapshot: snapshotId, kpis: z.number().int().nonnegative() }),
  z.object({ status: z.literal('not_covered'), message: z.string() }),
]);
export type ComputeOutput = z.infer<typeof computeOutputSchema>;

/**
 * `preview`: a draft for a person (approval required); `publish`: straight to the report
 * (approval automatic; a changed published quarter still stops at a preview); `approve`: a
 * person's approval of a preview, with the approval input as `request`.
 */
export const publishEventSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.enum(['preview', 'publish']), quarter: quarterLabel, snapshot: snapshotId }),
  z.object({ mode: z.literal('approve'), request: z.unknown() }),
]);
export type PublishEvent = z.infer<typeof publishEventSchema>;

export const publishOutputSchema = z.object({
  status: z.enum(['published', 'unchanged', 'previewed', 'needs_correction']),
  quarter: quarterLabel,
  /** The report's stable address, or the preview's. */
  url: z.string(),
  /** Danish e-mail to data staff (absent when there is nothing to tell: `unchanged`). */
  subject: z.string().optional(),
  message: z.string().optional(),
});
export type PublishOutput = z.infer<typeof publishOutputSchema>;
