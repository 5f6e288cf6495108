import type { MunicipalityConfig } from '../config/municipality.ts';
import type { BenchmarkPoint } from '../compute/results.ts';
import { COMPARABLE_AVERAGE_AREA, comparisonAreas, comparisonOf } from './areas.ts';
import type { BenchmarkPull } from './benchmarkPull.ts';

/**
 * The bridge from a pull to the results' `benchmarks` (area, quarter, value): what compute
 * needs to record pulled benchmarks beside the hand-made benchmarks.csv ones, so a report is
 * still a function of its results.
 */

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
 * Hand-made points (benchmarks.csv) and pulled points for one KPI. A pulled point wins over a
 * hand-made one for the same area and quarter: it names its table and retrieval time. The
 * replaced keys are returned so compute can say so in its log.
 */
export function mergeBenchmarkPoints(handMade: readonly BenchmarkPoint[], pulled: readonly BenchmarkPoint[]): { points: BenchmarkPoint[]; replaced: string[] } {
  const key = (p: BenchmarkPoint) => `${p.area} ${p.quarter}`;
  const pulledKeys = new Set(pulled.map(key));
  const replaced = handMade.filter((p) => pulledKeys.has(key(p))).map(key);
  return { points: [...handMade.filter((p) => !pulledKeys.has(key(p))), ...pulled], replaced };
}

/** Display names for every benchmark area a report may show: benchmark_areas, then the comparison's. */
export function benchmarkAreaNames(config: MunicipalityConfig): Record<string, string> {
  const names: Record<string, string> = { ...config.benchmark_areas };
  for (const area of comparisonAreas(config)) names[area.area] ??= area.area_name;
  const count = comparisonOf(config).municipalities.length;
  if (count > 0) names[COMPARABLE_AVERAGE_AREA] = `Gennemsnit af ${count} sammenlignelige kommuner`;
  return names;
}
