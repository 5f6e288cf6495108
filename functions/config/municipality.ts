import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_MIN_CELL_SIZE, SMALLEST_MIN_CELL_SIZE } from '../compute/disclosure.ts';
import { parse as parseYaml, YAMLError } from 'yaml';
import { areaKey } from '../benchmarks/areas.ts';
import { escapeControls } from '../contract/echo.ts';
import { UsageError } from '../usageError.ts';

/** A political goal for one KPI, with the document it comes from. */
export const goalSchema = z
  .object({
    kpi: z.string(),
    /** A share as a fraction (0.33) or a count (45). */
    target: z.number().nonnegative(),
    /** `>=` for higher-is-better goals, `<=` for lower-is-better. Defaults from the KPI's direction. */
    comparison: z.enum(['>=', '<=']).optional(),
    /** The year the goal applies to; omit for a standing goal. */
    year: z.number().int().min(2000).max(2100).optional(),
    /** Danish, e.g. "Beskæftigelsesplan 2017, ministermål 4". */
    source: z.string().min(3),
    note: z.string().optional(),
  })
  .strict();
export type Goal = z.infer<typeof goalSchema>;

/** A municipality the committee compares itself with, as Jobindsats names it. */
export const comparisonMunicipalitySchema = z
  .object({
    /** The name as Jobindsats shows it, e.g. "Egedal" or "Lyngby-Taarbæk" ("Kommune" may be left out). */
    name: z.string().min(2),
    /** Jobindsats' value id for the municipality in the table's area hierarchy; found by name when left out. */
    jobindsats_area_code: z.string().min(1).optional(),
  })
  .strict();
export type ComparisonMunicipality = z.infer<typeof comparisonMunicipalitySchema>;

/**
 * Who the municipality is compared with in the report (dashboards/benchmarks/, pulled from
 * Jobindsats): the whole country, and a group of comparable municipalities with the document
 * the group comes from. Optional: without it the national average is the comparison.
 */
export const comparisonSchema = z
  .object({
    /** The national average, area `hele_landet`. */
    national: z.boolean().default(true),
    municipalities: z.array(comparisonMunicipalitySchema).default([]),
    /** `average`: the comparable municipalities as one averaged line; `each`: one thin line each. */
    show_municipalities: z.enum(['average', 'each']).default('average'),
    /** Where the group comes from, e.g. "STAR's klynge af kommuner med samme rammevilkår (2017)". */
    source: z.string().min(3).optional(),
  })
  .strict()
  .refine((c) => c.municipalities.length === 0 || c.source !== undefined, {
    message: 'skriv i source, hvor listen over sammenlignelige kommuner kommer fra',
    path: ['source'],
  })
  .refine((c) => new Set(c.municipalities.map((m) => m.name.toLowerCase())).size === c.municipalities.length, {
    message: 'en kommune står flere gange i listen',
    path: ['municipalities'],
  });
export type Comparison = z.infer<typeof comparisonSchema>;

export const municipalityConfigSchema = z
  .object({
    municipality: z.string().min(2),
    committee: z.string().min(2),
    /** Smallest number of persons published; kpis.md: default 5, never below 3. */
    min_cell_size: z.number().int().min(SMALLEST_MIN_CELL_SIZE).default(DEFAULT_MIN_CELL_SIZE),
    /** Benchmark areas (benchmarks.csv `area`) drawn beside the municipality, with Danish names. */
    benchmark_areas: z.record(z.string(), z.string()).default({}),
    /** Comparison areas for the benchmarks pulled from Jobindsats (functions/benchmarks/). */
    comparison: comparisonSchema.optional(),
    goals: z.array(goalSchema).default([]),
    /** Where the committee opens the reports (`https://…`), for the link in the follow-up note; on AWS the site's address. */
    reports_url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict()
  // The municipality's own line is always its own numbers after disclosure control, never Jobindsats' figure for it.
  .refine((c) => !(c.comparison?.municipalities ?? []).some((m) => areaKey(m.name) === areaKey(c.municipality)), {
    message: 'kommunen selv kan ikke stå blandt de sammenlignelige kommuner: rapporten viser altid kommunens egne tal',
    path: ['comparison', 'municipalities'],
  });
export type MunicipalityConfig = z.infer<typeof municipalityConfigSchema>;

/** Neutral defaults for a run without --config: min cell size 5, no goals. */
export const defaultConfig: MunicipalityConfig = municipalityConfigSchema.parse({
  municipality: 'Kommunen',
  committee: 'Udvalget',
});

/** A municipality config that cannot be used; the message says which file, where and why, in Danish. */
export class ConfigError extends UsageError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** Reads and parses a config file; every failure is a ConfigError with a Danish message. */
export async function loadConfig(path: string): Promise<MunicipalityConfig> {
  const where = `Konfigurationen ${escapeControls(path)}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(
      missing
        ? `${where} findes ikke. Angiv stien til kommunens YAML-fil med --config.`
        : `${where} kan ikke læses (${(error as NodeJS.ErrnoException).code ?? 'ukendt fejl'}).`,
      {
        cause: error,
      },
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const line = error instanceof YAMLError ? error.linePos?.[0].line : undefined;
    throw new ConfigError(
      `${where} er ikke gyldig YAML${line ? ` (linje ${line})` : ''}. Ret syntaksen: indrykning, kolon efter feltnavne, anførselstegn om tekster med kolon.`,
      { cause: error },
    );
  }
  const parsed = municipalityConfigSchema.safeParse(data, { error: z.locales.da().localeError });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(hele filen)'}: ${escapeControls(i.message)}`).join('\n');
    throw new ConfigError(`${where} er ugyldig:\n${issues}`);
  }
  return parsed.data;
}
