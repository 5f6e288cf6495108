import { z } from 'zod';
import { QUARTER_LABEL } from '../calendar/quarter.ts';
import { SMALLEST_MIN_CELL_SIZE } from './disclosure.ts';
import { aboutSchema, directionSchema, grainSchema, unitSchema } from './kpiDefinition.ts';

/**
 * `results/<quarter>/kpis.json`: a public interface (downloads, embeds, other tools).
 * Every number in it has passed disclosure control: a suppressed cell has null numbers.
 */
/**
 * Why a cell is not published: `small`, it rests on fewer than n persons (the share rule);
 * `complementary`, it is not small itself but would let a reader work out a small one (the
 * breakdown rule, or the over-time rule's difference from an earlier quarter). Readers see
 * "under 5" only for the first.
 */
export const suppressionReasonSchema = z.enum(['small', 'complementary']);
export type SuppressionReason = z.infer<typeof suppressionReasonSchema>;

export const cellSchema = z.object({
  value: z.number().nullable(),
  numerator: z.number().int().nullable(),
  denominator: z.number().int().nullable(),
  suppressed: z.boolean(),
  /** Present on every suppressed cell computed since it was introduced. */
  suppressed_because: suppressionReasonSchema.optional(),
});
export type Cell = z.infer<typeof cellSchema>;

/** Why a cell is not published, undefined when it is. Results from before the reason was recorded only hid small cells. */
export function suppressionReason(cell: Cell): SuppressionReason | undefined {
  return cell.suppressed ? (cell.suppressed_because ?? 'small') : undefined;
}

export const groupCellSchema = cellSchema.extend({ group: z.string() });
export type GroupCell = z.infer<typeof groupCellSchema>;

export const breakdownsSchema = z.record(z.string(), z.array(groupCellSchema));

/** Results carry quarters as the program writes them, so readers may use `quarterIndex` on them. */
const quarterSchema = z.string().regex(QUARTER_LABEL);

export const quarterCellSchema = cellSchema.extend({
  quarter: quarterSchema,
  breakdowns: breakdownsSchema,
});
export type QuarterCell = z.infer<typeof quarterCellSchema>;

export const benchmarkPointSchema = z.object({
  /** `hele_landet`, a benchmarks.csv area, a comparable municipality's key, or `sammenlignelige_kommuner` (their average). */
  area: z.string(),
  quarter: quarterSchema,
  value: z.number(),
  /** Only on the comparable municipalities' average: how many of them had a figure that quarter. */
  members: z.number().int().positive().optional(),
});
export type BenchmarkPoint = z.infer<typeof benchmarkPointSchema>;

/**
 * Where a KPI's pulled comparison series come from (functions/benchmarks/): the Jobindsats
 * table and measure, and the pull they were read from. The report's source line is made from it.
 */
export const benchmarkSourceSchema = z.object({
  name: z.literal('Jobindsats'),
  table_id: z.string(),
  table_name: z.string(),
  /** `<measure group>/<measure id>`. */
  measure: z.string(),
  /** When the pull was made (ISO 8601): the "hentet" date in the report. */
  retrieved_at: z.string(),
  pull_id: z.string(),
  /** The areas of `benchmarks` that come from this pull (the others come from benchmarks.csv). */
  areas: z.array(z.string()),
});
export type BenchmarkSource = z.infer<typeof benchmarkSourceSchema>;

export const kpiResultSchema = cellSchema.extend({
  id: z.string(),
  title: z.string(),
  unit: unitSchema,
  grain: grainSchema,
  direction: directionSchema,
  year_to_date: z.boolean(),
  /** What the numbers count; documents from before this field are read as `persons`, the safe side. */
  about: aboutSchema.default('persons'),
  definition_hash: z.string(),
  breakdowns: breakdownsSchema,
  /** The quarter and the 7 before it, oldest first; the last entry equals the top-level cell. */
  trend: z.array(quarterCellSchema),
  benchmarks: z.array(benchmarkPointSchema).default([]),
  /**
   * The Jobindsats table the pulled points come from; null when none are used (no comparable
   * series, nothing pulled yet, or documents from before benchmarks were pulled).
   */
  benchmark_source: benchmarkSourceSchema.nullable().default(null),
  /** Danish, from dashboards/benchmarks/<kpi>.yaml: how Jobindsats' definition differs from ours. */
  benchmark_note: z.string().nullable().default(null),
  /** Danish: why the report shows no Jobindsats series for the KPI ("Der findes ingen sammenlignelig serie …"). */
  benchmark_missing: z.string().nullable().default(null),
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
  quarter: quarterSchema,
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
