import { z } from 'zod';
import { parseQuarter } from '../calendar/quarter.ts';

/**
 * What starts a run: the quarterly schedule, a delivery landing in incoming/, or a person
 * (`aws stepfunctions start-execution --input '{"quarter":"2017Q4"}'`). Only a manual run
 * names its quarter; the others report on the quarter that had ended when the run started.
 */
export const runInputSchema = z.object({
  quarter: z.string().optional(),
  trigger: z.enum(['schedule', 'delivery', 'manual']).default('manual'),
  /** The uploaded object for a delivery-triggered run (for the log only). */
  key: z.string().optional(),
});
export type RunInput = z.infer<typeof runInputSchema>;

/** A run input the pipeline cannot act on; Step Functions does not retry it. */
export class InvalidRunInput extends Error {
  override readonly name = 'InvalidRunInput';
}

/** The time zone quarters turn in: the municipality's, not UTC. */
export const RUN_TIME_ZONE = 'Europe/Copenhagen';

/** The quarter a run reports on, as a quarter index. */
export function reportQuarter(run: RunInput, startedAt: Date): number {
  if (run.quarter !== undefined) {
    const quarter = parseQuarter(run.quarter);
    if (quarter === undefined) throw new InvalidRunInput(`"quarter" skal skrives som 2017Q4 eller 2017K4, ikke "${run.quarter}"`);
    return quarter;
  }
  return quarterContaining(startedAt, RUN_TIME_ZONE) - 1;
}

/** The quarter index of the calendar quarter an instant falls in, in a given time zone. */
export function quarterContaining(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric' }).formatToParts(at);
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  return year * 4 + Math.floor((month - 1) / 3);
}
