import { z } from 'zod';
import { grainSchema, unitSchema } from '../compute/kpiDefinition.ts';

/**
 * One pull of benchmarks from Jobindsats, as stored at `benchmarks/pulls/<pull_id>/benchmarks.json`:
 * public figures with their own history, kept apart from any municipality's delivery. Every row
 * says where it came from (table, measure, the Jobindsats periods it was made from) and when.
 * Read back with zod like any other boundary.
 */

export const BENCHMARK_PULL_FORMAT = 'pejlemaerke.benchmarks/1';
export const BENCHMARK_POINTER_FORMAT = 'pejlemaerke.benchmarks-pointer/1';

const isoInstant = z.iso.datetime({ offset: true });
/** `2018-02-03T101500Z-1a2b3c4d`: the retrieval time, then 8 hex of the content hash. */
export const pullIdSchema = z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);

export const benchmarkRowSchema = z
  .object({
    kpi_id: z.string(),
    /** `hele_landet` or a comparable municipality's key (functions/benchmarks/areas.ts). */
    area: z.string().regex(/^[a-z0-9_]+$/),
    area_name: z.string(),
    /** Our label: a quarter `2017Q4` or a month `2017-03`. */
    period: z.string().regex(/^\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))$/),
    grain: grainSchema,
    /** A share as a fraction 0..1, or a count. */
    value: z.number(),
    unit: unitSchema,
    source: z
      .object({
        table_id: z.string(),
        /** `<measure group>/<measure id>`. */
        measure: z.string(),
        retrieved_at: isoInstant,
        /** The Jobindsats periods the value was made from, e.g. three months for a quarter mean. */
        periods: z.array(z.string()).min(1),
      })
      .strict(),
  })
  .strict()
  .refine((r) => r.grain === (r.period.includes('Q') ? 'quarter' : 'month'), { message: 'grain passer ikke til period', path: ['grain'] })
  .refine((r) => (r.unit === 'share' ? r.value >= 0 && r.value <= 1 : r.value >= 0), { message: 'værdien ligger uden for enhedens område', path: ['value'] });
export type BenchmarkRow = z.infer<typeof benchmarkRowSchema>;

export const pulledDefinitionSchema = z
  .object({
    kpi_id: z.string(),
    file: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    table_id: z.string(),
    table_name: z.string(),
    measure: z.string(),
    note: z.string(),
    /** The newest Jobindsats period the table had when pulled. */
    latest_period: z.string().optional(),
  })
  .strict();
export type PulledDefinition = z.infer<typeof pulledDefinitionSchema>;

export const pulledAreaSchema = z
  .object({
    area: z.string(),
    area_name: z.string(),
    kind: z.enum(['national', 'municipality']),
  })
  .strict();

export const benchmarkPullSchema = z
  .object({
    format: z.literal(BENCHMARK_PULL_FORMAT),
    pull_id: pullIdSchema,
    retrieved_at: isoInstant,
    source: z.object({ name: z.literal('Jobindsats'), api_url: z.string() }).strict(),
    definitions: z.array(pulledDefinitionSchema),
    areas: z.array(pulledAreaSchema),
    rows: z.array(benchmarkRowSchema),
  })
  .strict();
export type BenchmarkPull = z.infer<typeof benchmarkPullSchema>;

/** `benchmarks/latest.json`, written last: which pull is the newest complete one. */
export const benchmarkPointerSchema = z
  .object({
    format: z.literal(BENCHMARK_POINTER_FORMAT),
    pull_id: pullIdSchema,
    key: z.string(),
    retrieved_at: isoInstant,
    /** sha256 of the pull file's bytes: a half-written or replaced file is not read. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    rows: z.number().int().nonnegative(),
  })
  .strict();
export type BenchmarkPointer = z.infer<typeof benchmarkPointerSchema>;
