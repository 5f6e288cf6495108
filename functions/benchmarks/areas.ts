import type { Comparison, MunicipalityConfig } from '../config/municipality.ts';

/**
 * The areas a municipality is compared with, from its config's `comparison` block: the whole
 * country (`hele_landet`, the same key benchmarks.csv uses) and comparable municipalities
 * (keyed by their name as a slug, e.g. `lyngby_taarbaek`). A config without the block is
 * compared with the whole country only.
 */

export const NATIONAL_AREA = 'hele_landet';
/** The comparable municipalities' average, computed for the report (never stored). */
export const COMPARABLE_AVERAGE_AREA = 'sammenlignelige_kommuner';

export interface ComparisonArea {
  area: string;
  area_name: string;
  kind: 'national' | 'municipality';
  /** Set in the config, or found by name in the table's area hierarchy at pull time. */
  jobindsats_area_code?: string;
}

const DEFAULT_COMPARISON: Comparison = { national: true, municipalities: [], show_municipalities: 'average' };

export function comparisonOf(config: MunicipalityConfig): Comparison {
  return config.comparison ?? DEFAULT_COMPARISON;
}

export function comparisonAreas(config: MunicipalityConfig): ComparisonArea[] {
  const comparison = comparisonOf(config);
  const areas: ComparisonArea[] = [];
  if (comparison.national) {
    areas.push({ area: NATIONAL_AREA, area_name: config.benchmark_areas[NATIONAL_AREA] ?? 'Hele landet', kind: 'national' });
  }
  for (const m of comparison.municipalities) {
    const name = municipalityName(m.name);
    areas.push({
      area: areaKey(name),
      area_name: name,
      kind: 'municipality',
      ...(m.jobindsats_area_code ? { jobindsats_area_code: m.jobindsats_area_code } : {}),
    });
  }
  return areas;
}

/** "Lyngby-Taarbæk Kommune" → "Lyngby-Taarbæk": the name as Jobindsats lists areas. */
export function municipalityName(name: string): string {
  return name.trim().replace(/\s+kommune$/i, '');
}

/** "Lyngby-Taarbæk" → `lyngby_taarbaek`. */
export function areaKey(name: string): string {
  return normalise(municipalityName(name))
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Lower case, Danish letters spelled out, "Kommune" dropped: what two spellings of a name share. */
export function normalise(name: string): string {
  return municipalityName(name)
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'oe')
    .replaceAll('å', 'aa')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}
