import { createHash } from 'node:crypto';
import type { Log } from '../log.ts';
import { normalise, type ComparisonArea } from './areas.ts';
import { BENCHMARK_PULL_FORMAT, benchmarkPullSchema, type BenchmarkPull, type BenchmarkRow, type PulledDefinition } from './benchmarkPull.ts';
import type { BenchmarkDefinition, ComparableDefinition } from './definitions.ts';
import { JobindsatsError, type JobindsatsClient } from './jobindsatsClient.ts';
import type { JobindsatsDataTable, JobindsatsHierarchy, JobindsatsTableMetadata } from './jobindsatsSchemas.ts';
import { mapPeriods, newestPeriods, parseJobindsatsPeriod, type JobindsatsPeriod } from './periods.ts';

/** The column every data answer has for the period (confirmed by public v3 clients). */
export const PERIOD_COLUMN = 'Periode';
/** The area hierarchy's total: the whole country (`hierarchy._nykom=/` in public v3 clients). */
export const TOTAL_VALUE = '/';

/** A pull that stopped: which definition, and why, in Danish. Nothing has been written. */
export class BenchmarkPullError extends Error {
  override readonly name = 'BenchmarkPullError';

  constructor(
    message: string,
    /** The client's error code (`auth`, `rate_limited`, …) or `definition`/`data` for our own checks. */
    readonly code: string,
    readonly kpi?: string,
  ) {
    super(message);
  }
}

export interface PullOptions {
  client: JobindsatsClient;
  definitions: readonly BenchmarkDefinition[];
  areas: readonly ComparisonArea[];
  /** The retrieval time recorded on every row. */
  now?: () => Date;
  log?: Log;
}

/**
 * Every comparable definition, for every comparison area: the table's metadata checked against
 * the definition (period type, measure, area hierarchy, filters, area names), then one data
 * request per area, every cell parsed, scaled to our units and mapped onto our periods.
 * All or nothing: the first problem stops the pull, so a pull is never half of the series.
 */
export async function pullBenchmarks(options: PullOptions): Promise<BenchmarkPull> {
  const comparable = options.definitions.filter((d): d is ComparableDefinition => d.comparable);
  if (comparable.length === 0)
    throw new BenchmarkPullError('Ingen benchmark-definition har en sammenlignelig Jobindsats-serie (comparable: true); der er intet at hente.', 'definition');
  if (options.areas.length === 0)
    throw new BenchmarkPullError('Konfigurationen sammenligner ikke med nogen områder (comparison: national: false og ingen kommuner).', 'definition');

  const retrievedAt = (options.now ?? (() => new Date()))().toISOString();
  const rows: BenchmarkRow[] = [];
  const definitions: PulledDefinition[] = [];
  for (const definition of comparable) {
    const where = `${definition.file} (tabel ${definition.jobindsats.table})`;
    try {
      const pulled = await pullOne(options.client, definition, options.areas, retrievedAt);
      rows.push(...pulled.rows);
      definitions.push(pulled.definition);
      options.log?.info(`${where}: ${pulled.rows.length} rækker`, { kpi: definition.kpi, table: definition.jobindsats.table, rows: pulled.rows.length });
    } catch (error) {
      if (error instanceof JobindsatsError) throw new BenchmarkPullError(`${where}: ${error.message}`, error.code, definition.kpi);
      if (error instanceof BenchmarkPullError) throw new BenchmarkPullError(`${where}: ${error.message}`, error.code, definition.kpi);
      throw error;
    }
  }

  const content = { definitions, areas: options.areas.map(({ area, area_name, kind }) => ({ area, area_name, kind })), rows };
  const hash = createHash('sha256')
    .update(JSON.stringify({ retrievedAt, ...content }))
    .digest('hex');
  return benchmarkPullSchema.parse({
    format: BENCHMARK_PULL_FORMAT,
    pull_id: `${retrievedAt.replace(/[-:]/g, '').replace(/\.\d+/, '')}-${hash.slice(0, 8)}`,
    retrieved_at: retrievedAt,
    source: { name: 'Jobindsats', api_url: options.client.baseUrl },
    ...content,
  });
}

async function pullOne(
  client: JobindsatsClient,
  definition: ComparableDefinition,
  areas: readonly ComparisonArea[],
  retrievedAt: string,
): Promise<{ rows: BenchmarkRow[]; definition: PulledDefinition }> {
  const series = definition.jobindsats;
  const metadata = await client.table(series.table);
  const periods = choosePeriods(metadata, definition);
  checkMeasure(metadata, definition);
  const hierarchy = findHierarchy(metadata, series.area_hierarchy, 'områdehierarkiet');
  for (const filter of Object.keys(series.filters)) findHierarchy(metadata, filter, 'filteret');

  const measure = `${series.measure.group}/${series.measure.id}`;
  const rows: BenchmarkRow[] = [];
  for (const area of areas) {
    const value = area.kind === 'national' ? TOTAL_VALUE : areaValue(hierarchy, area);
    const data = await client.data(series.table, {
      measures: { [series.measure.group]: [series.measure.id] },
      period: { type: series.period.type, values: periods.map((p) => p.code) },
      hierarchies: { [series.area_hierarchy]: [value], ...Object.fromEntries(Object.entries(series.filters).map(([h, v]) => [h, [v]])) },
    });
    const points = readPoints(data, definition, area);
    for (const mapped of mapPeriods(points, { type: series.period.type, to: series.period.to, aggregate: series.period.aggregate })) {
      rows.push({
        kpi_id: definition.kpi,
        area: area.area,
        area_name: area.area_name,
        period: mapped.period,
        grain: mapped.grain,
        value: mapped.value,
        unit: series.value.unit,
        source: { table_id: series.table, measure, retrieved_at: retrievedAt, periods: mapped.sources },
      });
    }
  }
  return {
    rows,
    definition: {
      kpi_id: definition.kpi,
      file: definition.file,
      sha256: definition.sha256,
      table_id: series.table,
      table_name: series.table_name,
      measure,
      note: definition.note,
      latest_period: periods[periods.length - 1]?.code,
    },
  };
}

/** The newest `latest` periods of the definition's type, which the table must have. */
function choosePeriods(metadata: JobindsatsTableMetadata, definition: ComparableDefinition): JobindsatsPeriod[] {
  const { type, latest } = definition.jobindsats.period;
  const periodType = metadata.periodTypes.find((p) => p.type === type);
  if (!periodType) {
    throw new BenchmarkPullError(
      `tabellen har ikke periodetypen ${type} (den har ${metadata.periodTypes.map((p) => p.type).join(', ')}). Ret period.type.`,
      'definition',
    );
  }
  const periods = newestPeriods(periodType.periods, type, latest);
  if (periods.length === 0) {
    throw new BenchmarkPullError(
      `tabellens perioder af typen ${type} har ingen kendt form (fx ${periodType.periods.slice(0, 3).join(', ')}); se functions/benchmarks/periods.ts.`,
      'data',
    );
  }
  return periods;
}

/** When the metadata lists measure groups (and their measures), the definition's must be there. */
function checkMeasure(metadata: JobindsatsTableMetadata, definition: ComparableDefinition): void {
  const { group, id } = definition.jobindsats.measure;
  if (metadata.mgroups.length === 0) return;
  const found = metadata.mgroups.find((g) => g.id === group);
  if (!found)
    throw new BenchmarkPullError(
      `tabellen har ikke målingsgruppen ${group} (den har ${metadata.mgroups.map((g) => g.id).join(', ')}). Ret measure.group.`,
      'definition',
    );
  if (found.measures.length > 0 && !found.measures.some((m) => m.id === id)) {
    const known = found.measures.map((m) => (m.name ? `${m.id} »${m.name}«` : m.id)).join(', ');
    throw new BenchmarkPullError(`målingsgruppen ${group} har ikke målingen ${id} (den har ${known}). Ret measure.id.`, 'definition');
  }
}

function findHierarchy(metadata: JobindsatsTableMetadata, id: string, what: string): JobindsatsHierarchy {
  const hierarchy = metadata.hierarchies.find((h) => h.id === id);
  if (!hierarchy) {
    const known = metadata.hierarchies.map((h) => (h.name ? `${h.id} »${h.name}«` : h.id)).join(', ') || 'ingen';
    throw new BenchmarkPullError(`tabellen har ikke ${what} ${id} (den har ${known}).`, 'definition');
  }
  return hierarchy;
}

/** A municipality's value id: the config's code (which the table must know), or found by name. */
function areaValue(hierarchy: JobindsatsHierarchy, area: ComparisonArea): string {
  if (area.jobindsats_area_code !== undefined) {
    if (hierarchy.values.length > 0 && !hierarchy.values.some((v) => v.id === area.jobindsats_area_code)) {
      throw new BenchmarkPullError(
        `områdekoden ${area.jobindsats_area_code} for ${area.area_name} findes ikke i ${hierarchy.id}. Ret jobindsats_area_code i konfigurationen.`,
        'definition',
      );
    }
    return area.jobindsats_area_code;
  }
  const wanted = normalise(area.area_name);
  const matches = hierarchy.values.filter((v) => v.name !== undefined && normalise(v.name) === wanted);
  if (matches.length === 1) return matches[0]!.id;
  const problem =
    matches.length === 0
      ? `findes ikke blandt områderne i ${hierarchy.id}`
      : `passer på flere områder i ${hierarchy.id} (${matches.map((m) => m.id).join(', ')})`;
  throw new BenchmarkPullError(
    `kommunen ${area.area_name} ${problem}. Skriv navnet, som Jobindsats gør, eller angiv jobindsats_area_code i konfigurationens comparison.municipalities.`,
    'definition',
  );
}

/**
 * The answer's rows as (period, value): exactly one row per period (more means a dimension is
 * not fixed by a filter), periods of the requested type, numbers in the definition's unit.
 * A gap (`..`, `-`, empty) is no value, never zero.
 */
function readPoints(data: JobindsatsDataTable, definition: ComparableDefinition, area: ComparisonArea): { period: JobindsatsPeriod; value: number }[] {
  const series = definition.jobindsats;
  const periodIndex = data.columns.indexOf(PERIOD_COLUMN);
  const valueIndex = data.columns.indexOf(series.measure.column);
  if (periodIndex < 0 || valueIndex < 0) {
    const missing = [periodIndex < 0 ? PERIOD_COLUMN : undefined, valueIndex < 0 ? series.measure.column : undefined].filter(Boolean).join(' og ');
    throw new BenchmarkPullError(
      `svaret for ${area.area_name} mangler kolonnen ${missing} (kolonnerne er ${data.columns.join(', ')}). Ret measure.column, eller se om STAR har omdøbt målingen.`,
      'data',
    );
  }
  const seen = new Set<string>();
  const points: { period: JobindsatsPeriod; value: number }[] = [];
  for (const row of data.rows) {
    const code = String(row[periodIndex] ?? '');
    const period = parseJobindsatsPeriod(code, series.period.type);
    if (!period) throw new BenchmarkPullError(`svaret for ${area.area_name} har perioden »${code}«, som ikke er af typen ${series.period.type}.`, 'data');
    if (seen.has(code)) {
      throw new BenchmarkPullError(
        `svaret for ${area.area_name} har flere rækker for ${code}: en dimension er ikke låst. Tilføj den under filters (kolonnerne er ${data.columns.join(', ')}).`,
        'data',
      );
    }
    seen.add(code);
    const cell = parseJobindsatsNumber(row[valueIndex] ?? null);
    if (cell === 'invalid')
      throw new BenchmarkPullError(`svaret for ${area.area_name}, ${code} har værdien »${String(row[valueIndex])}«, som ikke er et tal.`, 'data');
    if (cell === undefined) continue;
    points.push({ period, value: scaled(cell, definition, `${area.area_name}, ${code}`) });
  }
  return points;
}

function scaled(value: number, definition: ComparableDefinition, where: string): number {
  const { unit, scale } = definition.jobindsats.value;
  const result = scale === 'percent' ? value / 100 : value;
  if (unit === 'share' && (result < 0 || result > 1)) {
    const shown = scale === 'percent' ? `${value} pct.` : String(value);
    throw new BenchmarkPullError(
      `${where}: værdien ${shown} er ikke en andel mellem 0 og ${scale === 'percent' ? '100 pct' : '1'}. Tjek value.scale (percent eller fraction) og measure.`,
      'data',
    );
  }
  if (unit === 'count' && result < 0) throw new BenchmarkPullError(`${where}: et antal kan ikke være negativt (${value}).`, 'data');
  return result;
}

const GAPS = new Set(['', '-', '..', '.', ':', 'x', 'null']);

/**
 * A cell as a number: JSON numbers as they are; text in Danish form ("12,3", "1.234,5",
 * "1.234") or plain ("12.5"); Jobindsats' gaps as undefined; anything else `invalid`.
 */
export function parseJobindsatsNumber(cell: number | string | null): number | undefined | 'invalid' {
  if (cell === null) return undefined;
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : 'invalid';
  const text = cell.replace(/[\s\u00a0]/g, '');
  if (GAPS.has(text.toLowerCase())) return undefined;
  let normalised = text;
  if (text.includes(',')) normalised = text.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d{1,3}(\.\d{3})+$/.test(text)) normalised = text.replace(/\./g, '');
  if (!/^-?\d+(\.\d+)?$/.test(normalised)) return 'invalid';
  return Number(normalised);
}
