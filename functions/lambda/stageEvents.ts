import { z } from 'zod';
import { runInputSchema } from './runInput.ts';

/**
 * What the state machine passes between the stage Lambdas (infra/constructs/runStateMachine.ts
 * builds these payloads). Each handler parses its event here; each output stays small
 * (Step Functions caps state at 256 KB) and never carries a data value.
 */
const quarterLabel = z.string().regex(/^\d{4}Q[1-4]$/);
const snapshotId = z.string().regex(/^[0-9a-f]{16}$/);

export const ingestEventSchema = z.object({
  run: runInputSchema,
  /** `$$.Execution.StartTime`: a scheduled or delivery run reports on the quarter before it. */
  startedAt: z.iso.datetime({ offset: true }),
});
export type IngestEvent = z.infer<typeof ingestEventSchema>;

export const rejectedFileSchema = z.object({ file: z.string(), deliveryId: z.string(), problems: z.number().int() });

export const ingestOutputSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('accepted'),
    quarter: quarterLabel,
    snapshot: snapshotId,
    deliveredAtMs: z.number().int().nonnegative(),
    warnings: z.number().int().nonnegative(),
  }),
  z.object({
    status: z.literal('rejected'),
    quarter: quarterLabel,
    files: z.array(rejectedFileSchema),
    /** Danish, one line per file: what the e-mail to data staff says. */
    summary: z.string(),
  }),
]);
export type IngestOutput = z.infer<typeof ingestOutputSchema>;

export const computeEventSchema = z.object({
  quarter: quarterLabel,
  snapshot: snapshotId,
  deliveredAtMs: z.number().int().nonnegative(),
});
export type ComputeEvent = z.infer<typeof computeEventSchema>;

export const computeOutputSchema = z.object({
  quarter: quarterLabel,
  snapshot: snapshotId,
  kpis: z.number().int().nonnegative(),
  written: z.array(z.string()),
});
export type ComputeOutput = z.infer<typeof computeOutputSchema>;

export const publishEventSchema = z.object({ quarter: quarterLabel });
export type PublishEvent = z.infer<typeof publishEventSchema>;

export const publishOutputSchema = z.object({
  quarter: quarterLabel,
  /** The report's stable address, for the e-mail that says it is published. */
  url: z.string(),
  files: z.number().int().nonnegative(),
});
export type PublishOutput = z.infer<typeof publishOutputSchema>;
