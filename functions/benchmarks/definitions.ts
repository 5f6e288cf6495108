import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KPI_ID_PATTERN, type Unit, unitSchema } from '../compute/kpiDefinition.ts';
import { UsageError } from '../usageError.ts';

/**
 * A benchmark is data: `dashboards/benchmarks/<kpi_id>.yaml` says which Jobindsats table,
 * measure and filters give the series comparable with one KPI, how its periods map onto ours
 * and how its values scale — or that no comparable series exists, and why. Nothing in
 * TypeScript lists benchmarks; the pull reads every file here.
 */

const HIERARCHY_ID = /^_[A-Za-z0-9_]{1,40}$/;
const HIERARCHY_MESSAGE = 'et hierarki-id fra Jobindsats begynder med _, fx _nykom';
const hierarchyId = z.string().regex(HIERARCHY_ID, HIERARCHY_MESSAGE);

export const jobindsatsSeriesSchema = z
  .object({
    /** The table id in `/v3/table/{id}`, e.g. `y35a02`. */
    table: z.string().regex(/^[A-Za-z0-9_]{1,40}$/, 'et tabel-id består af bogstaver, tal og _'),
    /** Danish, as Jobindsats names the table: it goes into the report's source line. */
    table_name: z.string().min(3),
    measure: z
      .object({
        /** Measure group id (`mgroup.<group>=<id>`). */
        group: z.string().min(1),
        id: z.string().min(1),
        /** The measure's column label in the data answer, e.g. "Andel i beskæftigelse (pct.)". */
        column: z.string().min(1),
      })
      .strict(),
    /** The area hierarchy the municipalities and the whole country (`/`) are chosen in. */
    area_hierarchy: hierarchyId.default('_nykom'),
    /** Every other dimension fixed to one value, so each period gives exactly one row. */
    filters: z
      .record(z.string(), z.string().min(1))
      .refine((f) => Object.keys(f).every((k) => HIERARCHY_ID.test(k)), { message: HIERARCHY_MESSAGE })
      .default({}),
    period: z
      .object({
        type: z.enum(['M', 'Q', 'QMAT']),
        /** How many of the newest periods to pull (the report's 8 quarters need 24 months). */
        latest: z.number().int().min(1).max(120),
        to: z.enum(['quarter', 'month']).default('quarter'),
        aggregate: z.enum(['mean', 'last']).default('mean'),
      })
      .strict()
      .refine((p) => p.type !== 'QMAT' || p.to === 'month' || p.aggregate === 'last', {
        message: 'en QMAT-værdi er et løbende år: et kvartal kan kun tage kvartalets sidste måned (aggregate: last)',
        path: ['aggregate'],
      })
      .refine((p) => p.type !== 'Q' || p.to === 'quarter', { message: 'en kvartalsserie kan ikke fordeles på måneder', path: ['to'] }),
    value: z
      .object({
        unit: unitSchema,
        /** `percent`: Jobindsats publishes 0–100, we store fractions 0..1. */
        scale: z.enum(['percent', 'fraction', 'count']),
      })
      .strict()
      .refine((v) => (v.unit === 'count') === (v.scale === 'count'), {
        message: 'en andel har scale percent eller fraction, et antal har scale count',
        path: ['scale'],
      }),
  })
  .strict();
export type JobindsatsSeries = z.infer<typeof jobindsatsSeriesSchema>;

const kpiId = z.string().regex(KPI_ID_PATTERN, 'et KPI-id fra dashboards/kpis, fx flygtninge_job_foerste_aar');

export const benchmarkDefinitionSchema = z.discriminatedUnion('comparable', [
  z
    .object({
      kpi: kpiId,
      comparable: z.literal(true),
      jobindsats: jobindsatsSeriesSchema,
      /** Danish, one line: how Jobindsats' definition differs from ours (shown in the report). */
      note: z.string().min(10),
      /** Where the table and measure were found; "antaget" when not yet checked against the API. */
      source: z.string().min(3),
    })
    .strict(),
  z
    .object({
      kpi: kpiId,
      comparable: z.literal(false),
      /** Danish: why Jobindsats has no comparable series (shown in the report). */
      reason: z.string().min(10),
    })
    .strict(),
]);

export type BenchmarkDefinition = z.infer<typeof benchmarkDefinitionSchema> & {
  /** `<kpi_id>.yaml`, for messages. */
  file: string;
  /** sha256 of the file, recorded with every pulled row. */
  sha256: string;
};
export type ComparableDefinition = Extract<BenchmarkDefinition, { comparable: true }>;

/**
 * Every problem in the folder at once, with the file and the field. A usage error (exit 2):
 * the files are the project's own, and a person fixes them, as with a KPI file.
 */
export class BenchmarkDefinitionsError extends UsageError {
  override readonly name = 'BenchmarkDefinitionsError';

  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`Benchmark-definitionerne i ${dir} har fejl:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/**
 * Every `*.yaml` in the folder, parsed, sorted by KPI id. `kpis` (id → unit), when given, is
 * the KPI catalogue: a definition must name a KPI in it and measure in the same unit.
 */
export async function loadBenchmarkDefinitions(dir: string, kpis?: ReadonlyMap<string, Unit>): Promise<BenchmarkDefinition[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new BenchmarkDefinitionsError(dir, [
      `mappen kan ikke læses (${error.code ?? 'ukendt fejl'}); angiv mappen med benchmark-definitioner (dashboards/benchmarks)`,
    ]);
  });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => e.name)
    .sort();
  const problems: string[] = [];
  const definitions: BenchmarkDefinition[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    const found = parseBenchmarkDefinition(file, text, kpis);
    if (typeof found === 'string') problems.push(found);
    else definitions.push(found);
  }
  if (problems.length > 0) throw new BenchmarkDefinitionsError(dir, problems);
  return definitions;
}

/** One definition file, or one line saying what is wrong with it. */
export function parseBenchmarkDefinition(file: string, text: string, kpis?: ReadonlyMap<string, Unit>): BenchmarkDefinition | string {
  let yaml: unknown;
  try {
    yaml = parseYaml(text);
  } catch (error) {
    return `${file}: er ikke gyldig YAML: ${(error as Error).message.split('\n')[0]}`;
  }
  const parsed = benchmarkDefinitionSchema.safeParse(yaml);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(hele filen)'}: ${i.message}`).join('; ');
    return `${file}: ${issues}. Felterne er beskrevet i functions/benchmarks/definitions.ts og docs/jobindsats.md.`;
  }
  const d = parsed.data;
  if (file !== `${d.kpi}.yaml`) return `${file}: filen skal hedde ${d.kpi}.yaml, som KPI’en den hører til.`;
  if (kpis) {
    const unit = kpis.get(d.kpi);
    if (unit === undefined) return `${file}: KPI’en ${d.kpi} findes ikke i dashboards/kpis.`;
    if (d.comparable && d.jobindsats.value.unit !== unit) {
      return `${file}: KPI’en ${d.kpi} er ${unit === 'share' ? 'en andel' : 'et antal'}, men Jobindsats-serien er ${d.jobindsats.value.unit === 'share' ? 'en andel' : 'et antal'}.`;
    }
  }
  return { ...d, file, sha256: createHash('sha256').update(text).digest('hex') };
}
