import pMap from 'p-map';
import { z } from 'zod';
import { comparisonOf } from '../benchmarks/areas.ts';
import { kpiBenchmarks } from '../benchmarks/benchmarkPoints.ts';
import type { BenchmarkPull } from '../benchmarks/benchmarkPull.ts';
import type { BenchmarkDefinition } from '../benchmarks/definitions.ts';
import type { Log } from '../log.ts';
import { quarterLabel, quarterMonths, trendQuarters } from '../calendar/quarter.ts';
import { assertConfigMatchesCatalogue } from '../config/catalogue.ts';
import type { MunicipalityConfig } from '../config/municipality.ts';
import type { Engine, SqlRow } from '../engine/engine.ts';
import { discloseTrend, publishedHistory, type RawCell, type RawQuarter } from './disclosure.ts';
import { BREAKDOWN_GROUPS, type Kpi, type KpiDefinition } from './kpiDefinition.ts';
import { renderKpiSql } from './kpiSql.ts';
import { resultsSchema, type BenchmarkPoint, type KpiResult, type QuarterCell, type Results } from './results.ts';

export interface ComputeOptions {
  /** Quarter index of the report; the trend is it and the 7 before it. */
  quarter: number;
  kpis: Kpi[];
  config: MunicipalityConfig;
  snapshot: string;
  generatedAt: string;
  codeVersion: string;
  /**
   * Results documents already published for earlier quarters (each quarter's newest
   * `results/<quarter>/kpis.json`). Year-to-date KPIs about persons are disclosed against the
   * numbers in them as well as against this report's own trend (kpis.md, "Over time").
   */
  published?: readonly Results[];
  /**
   * Comparison series from Jobindsats (functions/benchmarks/): every definition in
   * dashboards/benchmarks and the newest pull, if any. Without `definitions` the results carry
   * only benchmarks.csv's points, as before pulls existed.
   */
  benchmarks?: { definitions: readonly BenchmarkDefinition[]; pull: BenchmarkPull | undefined };
  /** For what compute decided about benchmarks (a pulled series replacing hand-made points, a stale pull). */
  log?: Log;
}

export interface QuarterRange {
  from: number;
  to: number;
}

/** One row of a KPI query: the finest cell, parsed. `groups` holds one value per breakdown. */
export interface FineCell {
  quarter: number;
  month: number | undefined;
  groups: Record<string, string>;
  numerator: number;
  denominator: number;
}

/**
 * The compute stage: every KPI's SQL once over the 8 trend quarters, rows parsed, absent cells
 * as 0/0, breakdown cells added up to totals, monthly KPIs averaged over their months, and
 * disclosure control on every cell (along the whole trend and against `published`) before
 * anything leaves this function.
 */
export async function compute(engine: Engine, options: ComputeOptions): Promise<Results> {
  // A goal for a KPI that is not computed would vanish from the report without a word.
  assertConfigMatchesCatalogue(
    options.config,
    options.kpis.map((k) => k.definition.id),
  );
  const quarters = trendQuarters(options.quarter);
  const range: QuarterRange = { from: quarters[0]!, to: options.quarter };
  const kpis = [...options.kpis].sort((a, b) => (a.definition.id < b.definition.id ? -1 : a.definition.id > b.definition.id ? 1 : 0));
  const benchmarks = await readBenchmarks(engine, options.config, range);
  const trendLabels = quarters.map(quarterLabel);
  const jobindsats = options.benchmarks;
  const definitionOf = new Map((jobindsats?.definitions ?? []).map((d) => [d.kpi, d]));

  const kpiRows = await runAll(engine, kpis, range);
  const results: KpiResult[] = [];
  for (const [i, kpi] of kpis.entries()) {
    const rows = kpiRows[i]!;
    const cells = parseKpiRows(kpi.definition, rows, range);
    const d = kpi.definition;
    const disclosed = discloseTrend(
      quarters.map((quarter) => ({ quarter, raw: rawQuarter(d, cells, quarter) })),
      { n: options.config.min_cell_size, about: d.about, yearToDate: d.year_to_date },
      publishedHistory(options.published ?? [], d.id),
    );
    const trend: QuarterCell[] = disclosed.map((q, i) => ({ ...q.total, quarter: quarterLabel(quarters[i]!), breakdowns: q.breakdowns }));
    const last = trend[trend.length - 1]!;
    const handMade = benchmarks.filter((b) => b.kpi_id === d.id).map(({ area, quarter, value }) => ({ area, quarter, value }));
    const compared = jobindsats
      ? kpiBenchmarks({
          kpiId: d.id,
          quarters: trendLabels,
          handMade,
          pull: jobindsats.pull,
          definition: definitionOf.get(d.id),
          comparison: comparisonOf(options.config),
        })
      : { points: handMade, source: null, note: null, missing: null, replaced: [] };
    if (compared.replaced.length > 0) {
      const areas = [...new Set(compared.replaced.map((r) => r.split(' ')[0]))];
      options.log?.info(`${d.id}: tallene fra Jobindsats erstatter benchmarks.csv for ${areas.join(', ')}`, { kpi: d.id });
    }
    if ('warning' in compared && compared.warning) options.log?.warn(compared.warning, { kpi: d.id });
    results.push({
      value: last.value,
      numerator: last.numerator,
      denominator: last.denominator,
      suppressed: last.suppressed,
      ...(last.suppressed_because && { suppressed_because: last.suppressed_because }),
      id: d.id,
      title: d.title,
      unit: d.unit,
      grain: d.grain,
      direction: d.direction,
      year_to_date: d.year_to_date,
      about: d.about,
      definition_hash: kpi.hash,
      breakdowns: last.breakdowns,
      trend,
      benchmarks: compared.points,
      benchmark_source: compared.source,
      benchmark_note: compared.note,
      benchmark_missing: compared.missing,
    });
  }

  return resultsSchema.parse({
    quarter: quarterLabel(options.quarter),
    contract_version: 1,
    snapshot: options.snapshot,
    code_version: options.codeVersion,
    generated_at: options.generatedAt,
    municipality: options.config.municipality,
    min_cell_size: options.config.min_cell_size,
    kpis: results,
  });
}

/**
 * A KPI's query failed on the engine. The message carries the engine's text for logs and
 * tests; `summary` names only the KPI file, for a terminal (the engine's text can quote data).
 */
export class KpiQueryError extends Error {
  readonly summary: string;
  constructor(kpiId: string, engineName: string, cause: unknown) {
    super(`KPI ${kpiId}: forespørgslen ${kpiId}.sql fejlede på ${engineName}: ${(cause as Error).message}`, { cause });
    this.name = 'KpiQueryError';
    this.summary = `KPI’en ${kpiId} kunne ikke beregnes: forespørgslen ${kpiId}.sql fejlede på ${engineName}. Kør pejlemaerke check for at finde fejlen.`;
  }
}

/** KPI queries in flight at once: the engine runs them side by side (DuckDB connections, Athena executions). */
export const QUERY_CONCURRENCY = 4;

/**
 * Every KPI's rows, in the order given, with up to QUERY_CONCURRENCY queries running at once.
 * When queries fail, the first failing KPI in that order is the error, whatever finished first.
 */
async function runAll(engine: Engine, kpis: readonly Kpi[], range: QuarterRange): Promise<SqlRow[][]> {
  const outcomes = await pMap(
    kpis,
    (kpi) =>
      runKpiSql(engine, kpi, range).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      ),
    { concurrency: QUERY_CONCURRENCY },
  );
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<SqlRow[]>).value);
}

/** A failing query names its KPI file, so the analyst knows where to look. */
async function runKpiSql(engine: Engine, kpi: Kpi, range: QuarterRange): Promise<SqlRow[]> {
  try {
    return await engine.query(renderKpiSql(kpi.sql, { fromQuarter: range.from, toQuarter: range.to }));
  } catch (error) {
    throw new KpiQueryError(kpi.definition.id, engine.name, error);
  }
}

const count = z.number().int().nonnegative();

/**
 * Parses a KPI query's rows against the KPI SQL contract (docs/architecture.md): exactly the
 * expected columns, quarters in range, months inside their quarter, known groups, and at most
 * one row per cell. A mistake in a KPI's SQL stops the run instead of publishing wrong numbers.
 */
export function parseKpiRows(definition: KpiDefinition, rows: SqlRow[], range: QuarterRange): FineCell[] {
  const share = definition.unit === 'share';
  const monthly = definition.grain === 'month';
  const columns = ['quarter', ...(monthly ? ['month'] : []), ...definition.breakdowns, 'numerator', ...(share ? ['denominator'] : [])];
  const rowSchema = z
    .object({
      quarter: z.number().int().min(range.from).max(range.to),
      month: monthly ? z.number().int() : z.undefined().optional(),
      numerator: count,
      denominator: share ? count : z.undefined().optional(),
    })
    .refine((r) => r.month === undefined || monthQuarter(r.month) === r.quarter, { message: 'month ligger ikke i quarter', path: ['month'] })
    .refine((r) => r.denominator === undefined || r.numerator <= r.denominator, { message: 'numerator er større end denominator', path: ['numerator'] });

  const seen = new Set<string>();
  return rows.map((row, i) => {
    const fail = (message: string) => new Error(`KPI ${definition.id}, række ${i + 1} fra forespørgslen: ${message} (kolonner: ${columns.join(', ')})`);
    const extra = Object.keys(row).filter((c) => !columns.includes(c));
    if (extra.length > 0) throw fail(`ukendte kolonner ${extra.join(', ')}`);
    const parsed = rowSchema.safeParse(row);
    if (!parsed.success) throw fail(parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '));
    const groups: Record<string, string> = {};
    for (const breakdown of definition.breakdowns) {
      const group = z.enum(BREAKDOWN_GROUPS[breakdown]).safeParse(row[breakdown]);
      if (!group.success) throw fail(`${breakdown}: ${group.error.issues[0]?.message}`);
      groups[breakdown] = group.data;
    }
    const key = JSON.stringify([parsed.data.quarter, parsed.data.month ?? null, groups]);
    if (seen.has(key)) throw fail('samme celle står i flere rækker');
    seen.add(key);
    const { quarter, month, numerator, denominator } = parsed.data;
    return { quarter, month, groups, numerator, denominator: denominator ?? 0 };
  });
}

function monthQuarter(month: number): number {
  return Math.floor(month / 12) * 4 + Math.floor((month % 12) / 3);
}

/** One quarter of one KPI, true numbers: totals and groups added up from the finest cells. */
function rawQuarter(definition: KpiDefinition, cells: FineCell[], quarter: number): RawQuarter {
  const inQuarter = cells.filter((c) => c.quarter === quarter);
  const raw: RawQuarter = { total: aggregate(definition, inQuarter, quarter), breakdowns: {} };
  for (const breakdown of definition.breakdowns) {
    raw.breakdowns[breakdown] = BREAKDOWN_GROUPS[breakdown].map((group) => ({
      group,
      ...aggregate(
        definition,
        inQuarter.filter((c) => c.groups[breakdown] === group),
        quarter,
      ),
    }));
  }
  return raw;
}

/**
 * Adds up cells of one quarter. A share's value is numerator / denominator, or for a monthly
 * KPI the mean of the monthly shares over months with a population (kpis.md); a count's value
 * is the count.
 */
function aggregate(definition: KpiDefinition, cells: FineCell[], quarter: number): RawCell {
  const numerator = sum(cells.map((c) => c.numerator));
  if (definition.unit === 'count') return { value: numerator, numerator, denominator: null };
  const denominator = sum(cells.map((c) => c.denominator));
  if (definition.grain === 'quarter') return { value: denominator > 0 ? numerator / denominator : null, numerator, denominator };
  const shares: number[] = [];
  for (const month of quarterMonths(quarter)) {
    const inMonth = cells.filter((c) => c.month === month);
    const population = sum(inMonth.map((c) => c.denominator));
    if (population > 0) shares.push(sum(inMonth.map((c) => c.numerator)) / population);
  }
  return { value: shares.length > 0 ? sum(shares) / shares.length : null, numerator, denominator };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

const benchmarkRowSchema = z.object({
  kpi_id: z.string(),
  area: z.string(),
  quarter: z.number().int(),
  value: z.number(),
});

/**
 * Quarterly comparison series for the config's benchmark areas within the trend (published
 * statistics, so no disclosure control), ordered by the config's area order, then quarter.
 */
async function readBenchmarks(engine: Engine, config: MunicipalityConfig, range: QuarterRange): Promise<(BenchmarkPoint & { kpi_id: string })[]> {
  const areas = Object.keys(config.benchmark_areas);
  if (areas.length === 0) return [];
  const rows = await engine.query(
    `SELECT kpi_id, area, quarter, value FROM benchmarks WHERE quarter BETWEEN ${range.from} AND ${range.to} ORDER BY kpi_id, area, quarter`,
  );
  const points = z
    .array(benchmarkRowSchema)
    .parse(rows)
    .filter((r) => areas.includes(r.area));
  const seen = new Set<string>();
  for (const p of points) {
    const key = `${p.kpi_id} ${p.area} ${quarterLabel(p.quarter)}`;
    if (seen.has(key)) throw new Error(`benchmarks.csv har flere værdier for ${key}`);
    seen.add(key);
  }
  return points
    .sort((a, b) => areas.indexOf(a.area) - areas.indexOf(b.area) || a.quarter - b.quarter)
    .map((p) => ({ kpi_id: p.kpi_id, area: p.area, quarter: quarterLabel(p.quarter), value: p.value }));
}
