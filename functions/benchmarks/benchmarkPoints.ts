import type { Comparison, MunicipalityConfig } from '../config/municipality.ts';
import type { BenchmarkPoint, BenchmarkSource } from '../compute/results.ts';
import { formatQuarterShort } from '../publish/format.ts';
import { areaKey, COMPARABLE_AVERAGE_AREA, comparisonAreas, comparisonOf, NATIONAL_AREA } from './areas.ts';
import type { BenchmarkPull } from './benchmarkPull.ts';
import type { BenchmarkDefinition } from './definitions.ts';

/**
 * The bridge from a pull to the results' `benchmarks` (area, quarter, value): what compute
 * needs to record pulled benchmarks beside the hand-made benchmarks.csv ones, so a report is
 * still a function of its results (publish never reads the store for benchmarks).
 */

/** The report's words when there is no comparable series on Jobindsats. */
export const NO_SERIES = 'Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal.';
/** The report's words when a comparable series exists but no pull has it (yet). */
export const NOT_PULLED = 'Sammenligningstal fra Jobindsats er endnu ikke hentet for dette nøgletal.';

/** One KPI's quarter rows from a pull, for the given quarters, ordered by area then quarter. */
export function benchmarkPointsFromPull(pull: BenchmarkPull, kpiId: string, quarters: readonly string[]): BenchmarkPoint[] {
  const wanted = new Set(quarters);
  const areaOrder = pull.areas.map((a) => a.area);
  return pull.rows
    .filter((r) => r.kpi_id === kpiId && r.grain === 'quarter' && wanted.has(r.period))
    .sort((a, b) => areaOrder.indexOf(a.area) - areaOrder.indexOf(b.area) || (a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
    .map((r) => ({ area: r.area, quarter: r.period, value: r.value }));
}

/**
 * Hand-made points (benchmarks.csv) and pulled points for one KPI. Where the pull has a series
 * for an area, it replaces the hand-made series for that area as a whole: it names its table
 * and retrieval time, and one line in the chart must have one source (a hand-made point
 * filling a quarter Jobindsats has not published yet would sit under Jobindsats' source line).
 * The replaced points are returned (`<area> <quarter>`) so compute can say so in its log.
 */
export function mergeBenchmarkPoints(handMade: readonly BenchmarkPoint[], pulled: readonly BenchmarkPoint[]): { points: BenchmarkPoint[]; replaced: string[] } {
  const pulledAreas = new Set(pulled.map((p) => p.area));
  const replaced = handMade.filter((p) => pulledAreas.has(p.area)).map((p) => `${p.area} ${p.quarter}`);
  return { points: [...handMade.filter((p) => !pulledAreas.has(p.area)), ...pulled], replaced };
}

/** Display names for every benchmark area a report may show: benchmark_areas, then the comparison's. */
export function benchmarkAreaNames(config: MunicipalityConfig): Record<string, string> {
  const names: Record<string, string> = { ...config.benchmark_areas };
  for (const area of comparisonAreas(config)) names[area.area] ??= area.area_name;
  const count = comparisonOf(config).municipalities.length;
  if (count > 0) names[COMPARABLE_AVERAGE_AREA] = `Gennemsnit af ${count} sammenlignelige kommuner`;
  return names;
}

/** What compute records about one KPI's comparison (results.ts: benchmarks, benchmark_source, _note, _missing). */
export interface KpiBenchmarks {
  points: BenchmarkPoint[];
  source: BenchmarkSource | null;
  note: string | null;
  missing: string | null;
  /** Hand-made points a pulled series replaced (`<area> <quarter>`), for the log. */
  replaced: string[];
  /** Why the pull was not used for this KPI although it has rows for it, for the log. */
  warning?: string;
}

export interface KpiBenchmarksInput {
  kpiId: string;
  /** The report's trend quarters, oldest first (`2016Q1` … `2017Q4`). */
  quarters: readonly string[];
  /** benchmarks.csv's points for the KPI, in the config's area order. */
  handMade: readonly BenchmarkPoint[];
  /** The newest pull (undefined: none made yet, or it could not be read). */
  pull: BenchmarkPull | undefined;
  /** The KPI's file in dashboards/benchmarks, if it has one. */
  definition: BenchmarkDefinition | undefined;
  comparison: Comparison;
}

/**
 * One KPI's comparison as the results freeze it: the pulled series of the whole country and of
 * each comparable municipality the config names, their unweighted average as its own area
 * (`sammenlignelige_kommuner`, with how many had a figure), the hand-made series the pull does
 * not replace, the source to cite and the definition note — or, for a KPI without a Jobindsats
 * series, the Danish reason. Jobindsats' figures are published statistics: no disclosure control.
 */
export function kpiBenchmarks(input: KpiBenchmarksInput): KpiBenchmarks {
  const { definition, pull, kpiId } = input;
  const handMade = [...input.handMade];
  const without = (missing: string, warning?: string): KpiBenchmarks => ({
    points: handMade,
    source: null,
    note: null,
    missing,
    replaced: [],
    ...(warning ? { warning } : {}),
  });
  if (definition === undefined) return without(NO_SERIES);
  if (!definition.comparable) return without(`${NO_SERIES} ${definition.reason}`);

  const pulled = pull?.definitions.find((d) => d.kpi_id === kpiId);
  if (pull === undefined || pulled === undefined) return without(NOT_PULLED);
  const series = definition.jobindsats;
  const measure = `${series.measure.group}/${series.measure.id}`;
  if (pulled.table_id !== series.table || pulled.measure !== measure) {
    // The pull was made with another table or measure than the file now names: its figures would sit under the wrong source line.
    return without(
      NOT_PULLED,
      `${definition.file} nævner tabel ${series.table} (${measure}), men den nyeste hentning (${pull.pull_id}) er lavet med tabel ${pulled.table_id} (${pulled.measure}); kør pejlemaerke benchmarks pull.`,
    );
  }

  const all = benchmarkPointsFromPull(pull, kpiId, input.quarters);
  const national = input.comparison.national ? all.filter((p) => p.area === NATIONAL_AREA) : [];
  // The config decides who is compared; a member the pull has no figure for counts as missing.
  const members = [...new Set(input.comparison.municipalities.map((m) => areaKey(m.name)))];
  const municipalities = members.flatMap((area) => all.filter((p) => p.area === area));
  const average = averageOf(municipalities, input.quarters);
  const fromPull = [...national, ...municipalities, ...average];
  if (fromPull.length === 0) {
    const span = `${formatQuarterShort(input.quarters[0]!)} – ${formatQuarterShort(input.quarters.at(-1)!)}`;
    return without(`Den nyeste hentning fra Jobindsats har ingen sammenligningstal for ${span}.`);
  }

  const merged = mergeBenchmarkPoints(handMade, fromPull);
  return {
    points: merged.points,
    source: {
      name: 'Jobindsats',
      table_id: pulled.table_id,
      table_name: pulled.table_name,
      measure: pulled.measure,
      retrieved_at: pull.retrieved_at,
      pull_id: pull.pull_id,
      areas: [...new Set(fromPull.map((p) => p.area))],
    },
    note: definition.note,
    missing: null,
    replaced: merged.replaced,
  };
}

/**
 * The unweighted mean over the municipalities with a published figure that quarter (a small
 * municipality counts as much as a large one: the line answers "how do municipalities like us
 * do", not "how do their residents do"); the count goes with each point, so a sentence can say
 * "4 af de 5" when one is missing.
 */
function averageOf(points: readonly BenchmarkPoint[], quarters: readonly string[]): BenchmarkPoint[] {
  const out: BenchmarkPoint[] = [];
  for (const quarter of quarters) {
    const values = points.filter((p) => p.quarter === quarter).map((p) => p.value);
    if (values.length > 0)
      out.push({ area: COMPARABLE_AVERAGE_AREA, quarter, value: values.reduce((s, v) => s + v, 0) / values.length, members: values.length });
  }
  return out;
}
