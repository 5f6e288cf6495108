import { escapeControls } from '../contract/echo.ts';
import { ConfigError, type MunicipalityConfig } from './municipality.ts';

/**
 * A municipality config names KPIs by id (a goal's `kpi`). An id that is not in the KPI
 * catalogue used to be dropped without a word, so a misspelt goal simply vanished from the
 * report; here it stops the run, naming the id and the closest one that exists.
 */

/** One place in a config that names a KPI. */
export interface KpiReference {
  /** Where in the YAML, e.g. `goals.3.kpi`. */
  path: string;
  kpi: string;
}

/** Every per-KPI entry of a config. A new per-KPI field must be listed here to be checked. */
export function kpiReferences(config: MunicipalityConfig): KpiReference[] {
  return config.goals.map((goal, i) => ({ path: `goals.${i}.kpi`, kpi: goal.kpi }));
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The catalogue id nearest to `id` (the alphabetically first on a tie), or undefined for an empty catalogue. */
export function closestId(id: string, ids: Iterable<string>): string | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const candidate of [...ids].sort()) {
    const distance = levenshtein(id, candidate);
    if (!best || distance < best.distance) best = { id: candidate, distance };
  }
  return best?.id;
}

export interface UnknownKpi extends KpiReference {
  closest: string | undefined;
}

/** The config's per-KPI entries whose id is not in the catalogue, each with its closest valid id. */
export function unknownKpis(config: MunicipalityConfig, kpiIds: Iterable<string>): UnknownKpi[] {
  const ids = new Set(kpiIds);
  return kpiReferences(config)
    .filter((ref) => !ids.has(ref.kpi))
    .map((ref) => ({ ...ref, closest: closestId(ref.kpi, ids) }));
}

/** A config that names KPIs outside the catalogue (a usage error: exit 2). */
export class UnknownKpiError extends ConfigError {
  constructor(
    readonly unknown: UnknownKpi[],
    source?: string,
  ) {
    const lines = unknown.map((u) => `  ${u.path}: »${escapeControls(u.kpi)}« findes ikke i KPI-kataloget.${u.closest ? ` Mente du »${u.closest}«?` : ''}`);
    super(
      [
        `Konfigurationen${source ? ` ${escapeControls(source)}` : ''} nævner ${unknown.length === 1 ? 'en KPI' : `${unknown.length} KPI’er`}, som ikke findes:`,
        ...lines,
        'Ret id’et til en KPI i dashboards/kpis, eller opret KPI’en med pejlemaerke new-kpi <id>. Intet er udgivet.',
      ].join('\n'),
    );
    this.name = 'UnknownKpiError';
  }
}

/**
 * Throws UnknownKpiError when a goal (or any per-KPI entry) of the config names a KPI that is
 * not in the catalogue. `source` (the config's path) goes into the message.
 */
export function assertConfigMatchesCatalogue(config: MunicipalityConfig, kpiIds: Iterable<string>, source?: string): void {
  const unknown = unknownKpis(config, kpiIds);
  if (unknown.length > 0) throw new UnknownKpiError(unknown, source);
}
