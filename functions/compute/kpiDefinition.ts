import { z } from 'zod';

/**
 * A KPI is data: `dashboards/kpis/<id>.sql` plus `<id>.yaml` beside it, validated here.
 * Goals are not part of a KPI: they are political and live in a municipality's config.
 */
export const KPI_ID_PATTERN = /^[a-z][a-z0-9_]{2,63}$/;

export const breakdownSchema = z.enum(['sex']);
export type Breakdown = z.infer<typeof breakdownSchema>;

/** The groups every breakdown has, so a group with no rows still shows as 0/0. */
export const BREAKDOWN_GROUPS: Record<Breakdown, readonly string[]> = { sex: ['K', 'M'] };
export const BREAKDOWN_LABELS: Record<Breakdown, Record<string, string>> = {
  sex: { K: 'Kvinder', M: 'Mænd' },
};

/**
 * Who a KPI's numbers count. Numbers about persons pass disclosure control (kpis.md); counts of
 * companies are not about persons and are published as they are, small or not.
 */
export const aboutSchema = z.enum(['persons', 'companies']);
export type About = z.infer<typeof aboutSchema>;

/** `share`: a fraction with a numerator and denominator; `count`: a whole number. */
export const unitSchema = z.enum(['share', 'count']);
export type Unit = z.infer<typeof unitSchema>;

/** How often a KPI is measured: each quarter, or each month (the quarter is the mean of its months). */
export const grainSchema = z.enum(['quarter', 'month']);
export type Grain = z.infer<typeof grainSchema>;

export const directionSchema = z.enum(['higher_is_better', 'lower_is_better']);
export type Direction = z.infer<typeof directionSchema>;

export const kpiDefinitionSchema = z
  .object({
    id: z.string().regex(KPI_ID_PATTERN),
    /** Danish, short: the heading in the report. */
    title: z.string().min(3),
    /** Danish, one or two plain sentences: what the number is. */
    description: z.string().min(10),
    /** Danish: who is counted (the denominator), and who of them counts (the numerator). */
    population: z.string().min(3),
    numerator: z.string().min(3).optional(),
    unit: unitSchema,
    /** `month`: SQL returns one row per month; the quarter value is the mean of monthly shares. */
    grain: grainSchema,
    direction: directionSchema,
    /** Year-to-date KPIs accumulate from 1 January; goals are judged pro rata. */
    year_to_date: z.boolean().default(false),
    /** `persons` (the default) or `companies`: what the numbers count, for disclosure control. */
    about: aboutSchema.default('persons'),
    breakdowns: z.array(breakdownSchema).default([]),
    /** Where the KPI comes from: plan, page, seed file. */
    source: z.string().min(3),
    /** Short Danish noun phrase for sentences, e.g. "voksne flygtninge i ordinær beskæftigelse". */
    subject: z.string().min(3),
  })
  .strict()
  .refine((d) => d.unit === 'share' || d.grain === 'quarter', {
    message: 'et antal (unit: count) opgøres pr. kvartal: skriv grain: quarter',
  });
export type KpiDefinition = z.infer<typeof kpiDefinitionSchema>;

export interface Kpi {
  definition: KpiDefinition;
  sql: string;
  /** sha256 of the SQL and the definition file, hex. */
  hash: string;
}
