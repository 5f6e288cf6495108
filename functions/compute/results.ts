import { z } from 'zod';
import { SMALLEST_MIN_CELL_SIZE } from './disclosure.ts';
import { aboutSchema } from './kpiDefinition.ts';

/**
 * `results/<quarter>/kpis.json`: a public interface (downloads, embeds, other tools).
 * Every number in it has passed disclosure control: a suppressed cell has null numbers.
 */
export const cellSchema = z.object({
  value: z.number().nullable(),
  numerator: z.number().int().nullable(),
  denominator: z.number().int().nullable(),
  suppressed: z.boolean(),
});
export type Cell = z.infer<typeof cellSchema>;

export const groupCellSchema = cellSchema.extend({ group: z.string() });
export type GroupCell = z.infer<typeof groupCellSchema>;

export const breakdownsSchema = z.record(z.string(), z.array(groupCellSchema));

export const quarterCellSchema = cellSchema.extend({
  quarter: z.string(),
  breakdowns: breakdownsSchema,
});
export type QuarterCell = z.infer<typeof quarterCellSchema>;

export const benchmarkPointSchema = z.object({
  area: z.string(),
  quarter: z.string(),
  value: z.number(),
});
export type BenchmarkPoint = z.infer<typeof benchmarkPointSchema>;

export const kpiResultSchema = cellSchema.extend({
  id: z.string(),
  title: z.string(),
  unit: z.enum(['share', 'count']),
  grain: z.enum(['quarter', 'month']),
  direction: z.enum(['higher_is_better', 'lower_is_better']),
  year_to_date: z.boolean(),
  /** What the numbers count; documents from before this field are read as `persons`, the safe side. */
  about: aboutSchema.default('persons'),
  definition_hash: z.string(),
  breakdowns: breakdownsSchema,
  /** The quarter and the 7 before it, oldest first; the last entry equals the top-level cell. */
  trend: z.array(quarterCellSchema),
  benchmarks: z.array(benchmarkPointSchema).default([]),
});
export type KpiResult = z.infer<typeof kpiResultSchema>;

/**
 * Where a results document stands: a draft (a preview waiting for a person), or a published
 * revision; a revision after the first corrects the one before and says why.
 */
export const publicationSchema = z.object({
  status: z.enum(['draft', 'published']),
  /** 1 for the first publication of a quarter, 2, 3, … for corrections; absent on a draft. */
  revision: z.number().int().positive().optional(),
  corrects: z
    .object({
      revision: z.number().int().positive(),
      snapshot: z.string(),
      reason: z.string(),
    })
    .optional(),
});
export type Publication = z.infer<typeof publicationSchema>;

export const resultsSchema = z.object({
  quarter: z.string(),
  contract_version: z.literal(1),
  snapshot: z.string(),
  code_version: z.string(),
  /** The delivery's `extracted_at` (or SOURCE_DATE_EPOCH), so reruns are byte-identical. */
  generated_at: z.string(),
  municipality: z.string(),
  min_cell_size: z.number().int().min(SMALLEST_MIN_CELL_SIZE),
  kpis: z.array(kpiResultSchema),
  /** Set when the results are written as a preview or a published revision. */
  publication: publicationSchema.optional(),
});
export type Results = z.infer<typeof resultsSchema>;
