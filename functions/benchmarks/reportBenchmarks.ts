import { quarterIndex } from '../calendar/quarter.ts';
import type { BenchmarkPoint, BenchmarkSource } from '../compute/results.ts';
import type { Comparison } from '../config/municipality.ts';
import { formatDate, formatQuarter, formatValue, joinDanish, shownNumber } from '../publish/format.ts';
import { sentence } from '../publish/sentences.ts';
import { areaKey, COMPARABLE_AVERAGE_AREA, municipalityName, NATIONAL_AREA } from './areas.ts';
import type { Unit } from '../compute/kpiDefinition.ts';

/**
 * What the report says about one KPI against its comparison series: the series to draw, one
 * Danish sentence for the quarter, the source line and the definition note — or the text that
 * no comparable series exists. Pure: the results' numbers and texts in (compute froze them,
 * benchmarkPoints.ts), final Danish strings out; publish never reads the store for this.
 * Jobindsats' figures are published statistics (no disclosure control applies to them); the
 * municipality's own figure is always ours, from the trend after disclosure control.
 */

export interface OwnPoint {
  quarter: string;
  value: number | null;
  suppressed: boolean;
}

export interface BenchmarkReportInput {
  kpi: { id: string; unit: Unit };
  /** The municipality's trend after disclosure control (results' `trend`), oldest first. */
  trend: readonly OwnPoint[];
  /** The report's quarter, `2017Q4`. */
  quarter: string;
  /** "Allerød Kommune". */
  municipality: string;
  /** The KPI result's `benchmarks`: pulled and hand-made points, and the comparable average. */
  points: readonly BenchmarkPoint[];
  source: BenchmarkSource | null;
  note: string | null;
  missing: string | null;
  /** The config's comparison (functions/benchmarks/areas.ts `comparisonOf`). */
  comparison: Comparison;
  /** Display names by area (benchmarkPoints.ts `benchmarkAreaNames`). */
  areaNames: Readonly<Record<string, string>>;
}

/** `area`: a benchmarks.csv area other than the whole country (e.g. the region). */
export type SeriesRole = 'own' | 'national' | 'area' | 'comparable_average' | 'comparable';

export interface SeriesPoint {
  quarter: string;
  value: number;
  /** For the average: how many comparable municipalities had a figure that quarter. */
  members?: number;
}

export interface ReportSeries {
  /** `egen`, `hele_landet`, `sammenlignelige_kommuner`, a benchmarks.csv area or a municipality's key. */
  key: string;
  /** For tables, text alternatives and sentences: "Gennemsnit af 5 sammenlignelige kommuner". */
  name: string;
  /** The direct label in the chart, shorter where the name is long. */
  label: string;
  role: SeriesRole;
  /** The municipality bold, the whole country, other areas and the average normal, single municipalities thin. */
  stroke: 'bold' | 'normal' | 'thin';
  points: SeriesPoint[];
}

export interface BenchmarkReport {
  /** `series`: there is something to compare with; `none`: only our own line. */
  kind: 'series' | 'none';
  /** Own first, then the whole country, other areas, then the comparable municipalities. */
  series: ReportSeries[];
  /** Where the municipality stands in the report's quarter; absent without a comparison. */
  sentence?: string;
  /** "Kilde: Jobindsats, tabel mm13 (…), hentet 3. februar 2018." */
  citation?: string;
  /** How Jobindsats' definition differs from ours (from the definition file). */
  note?: string;
  /** Where the lines that do not come from Jobindsats come from (benchmarks.csv in the delivery). */
  handMade?: string;
  /** "Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal. <reason>" and the like. */
  missing?: string;
}

export const OWN_SERIES = 'egen';

export function benchmarkReport(input: BenchmarkReportInput): BenchmarkReport {
  const own: ReportSeries = {
    key: OWN_SERIES,
    name: input.municipality,
    label: input.municipality,
    role: 'own',
    stroke: 'bold',
    points: input.trend.filter((p) => !p.suppressed && p.value !== null).map((p) => ({ quarter: p.quarter, value: p.value as number })),
  };
  const others = comparisonSeries(input);
  // One source line per line drawn: a line that did not come from the pull came with the delivery.
  const pulled = new Set(input.source?.areas ?? []);
  const handMade = others.filter((s) => !pulled.has(s.key)).map((s) => s.name);
  const texts = {
    ...(input.source ? { citation: citationOf(input.source) } : {}),
    ...(input.source && input.note ? { note: input.note } : {}),
    ...(handMade.length > 0 ? { handMade: `Sammenligningstallene for ${joinDanish(handMade)} er leveret sammen med kommunens udtræk (benchmarks.csv).` } : {}),
    ...(input.missing ? { missing: input.missing } : {}),
  };
  if (others.length === 0) return { kind: 'none', series: [own], ...texts };
  const s = comparisonSentence(input, others);
  return { kind: 'series', series: [own, ...others], ...(s ? { sentence: s } : {}), ...texts };
}

/** "Kilde: Jobindsats, tabel mm13 (Ministerens mål: …), hentet 3. februar 2018." */
export function citationOf(source: BenchmarkSource): string {
  return `Kilde: ${source.name}, tabel ${source.table_id} (${source.table_name}), hentet ${formatDate(source.retrieved_at)}.`;
}

/** Which municipalities are "comparable", and the document that says so; undefined without a group. */
export function comparisonGroupNote(comparison: Comparison): string | undefined {
  if (comparison.municipalities.length === 0) return undefined;
  const names = joinDanish(comparison.municipalities.map((m) => municipalityName(m.name)));
  const how =
    comparison.show_municipalities === 'each'
      ? 'Hver kommune er vist med en tynd linje.'
      : 'Gennemsnittet er det simple gennemsnit af de kommuner, der har et offentliggjort tal i kvartalet.';
  return `Sammenlignelige kommuner: ${names}${comparison.source ? ` (${comparison.source})` : ''}. ${how}`;
}

/**
 * The series to draw beside our own, in reading order: the whole country, other hand-made
 * areas, then the comparable municipalities as one averaged line (or, when the config asks,
 * each as a thin line). Docs (jobindsats.md) say why the average is the default.
 */
function comparisonSeries(input: BenchmarkReportInput): ReportSeries[] {
  const members = new Set(input.comparison.municipalities.map((m) => areaKey(m.name)));
  const each = input.comparison.show_municipalities === 'each';
  const areas = [...new Set(input.points.map((p) => p.area))];
  const roleOf = (area: string): SeriesRole =>
    area === NATIONAL_AREA ? 'national' : area === COMPARABLE_AVERAGE_AREA ? 'comparable_average' : members.has(area) ? 'comparable' : 'area';
  const rank: Record<SeriesRole, number> = { own: 0, national: 1, area: 2, comparable_average: 3, comparable: 3 };
  const memberOrder = [...members];
  return areas
    .filter((area) => {
      const role = roleOf(area);
      return each ? role !== 'comparable_average' : role !== 'comparable';
    })
    .sort((a, b) => rank[roleOf(a)] - rank[roleOf(b)] || memberOrder.indexOf(a) - memberOrder.indexOf(b))
    .map((area) => {
      const role = roleOf(area);
      const name = input.areaNames[area] ?? area;
      const points = input.points
        .filter((p) => p.area === area)
        .sort((a, b) => quarterIndex(a.quarter) - quarterIndex(b.quarter))
        .map((p) => ({ quarter: p.quarter, value: p.value, ...(p.members !== undefined ? { members: p.members } : {}) }));
      return {
        key: area,
        name,
        label: role === 'comparable_average' ? 'Sammenlignelige kommuner' : name,
        role,
        stroke: role === 'comparable' ? 'thin' : 'normal',
        points,
      };
    });
}

function comparisonSentence(input: BenchmarkReportInput, series: readonly ReportSeries[]): string | undefined {
  const { unit } = input.kpi;
  const q = input.quarter;
  const memberCount = input.comparison.municipalities.length;
  const average = input.points.filter((p) => p.area === COMPARABLE_AVERAGE_AREA);
  // What a plain statement of levels names: every drawn line but single municipalities, and their average instead.
  const levels = [
    ...series.filter((s) => s.role !== 'comparable'),
    ...(series.some((s) => s.role === 'comparable') && average.length > 0 ? [averageSeries(average, input)] : []),
  ];
  const at = (s: ReportSeries, quarter: string) => s.points.find((p) => p.quarter === quarter);

  if (!series.some((s) => at(s, q))) {
    const quarters = series.flatMap((s) => s.points.map((p) => p.quarter));
    if (quarters.length === 0) return undefined;
    const latest = quarters.sort((a, b) => quarterIndex(b) - quarterIndex(a))[0]!;
    const parts = levels.flatMap((s) => {
      const p = at(s, latest);
      return p ? [`${levelPhrase(s, p, unit, memberCount)} var ${formatValue(unit, p.value)}`] : [];
    });
    const who = input.source ? 'Jobindsats har endnu ikke offentliggjort tal' : 'Der er endnu ikke sammenligningstal';
    return sentence(`${who} for ${formatQuarter(q)}; senest ${formatQuarter(latest)}, hvor ${joinDanish(parts)}`);
  }

  const own = input.trend.find((p) => p.quarter === q);
  // Never a judgement on a number we do not show (disclosure control), nor on counts of different-sized municipalities.
  if (!own || own.suppressed || own.value === null || unit === 'count') {
    const parts = levels.flatMap((s) => {
      const p = at(s, q);
      return p ? [`${levelPhrase(s, p, unit, memberCount)} ${formatValue(unit, p.value)}`] : [];
    });
    return sentence(`I ${formatQuarter(q)} var ${joinDanish(parts)}`);
  }

  const ours = shownNumber(unit, own.value);
  const relation = (value: number) => {
    const theirs = shownNumber(unit, value);
    return ours > theirs ? 'over' : ours < theirs ? 'under' : 'på niveau med';
  };
  const parts: string[] = [];
  for (const s of series.filter((x) => x.role !== 'comparable')) {
    const p = at(s, q);
    if (p) parts.push(`${relation(p.value)} ${levelPhrase(s, p, unit, memberCount)} på ${formatValue(unit, p.value)}`);
  }
  const now = series.filter((s) => s.role === 'comparable').flatMap((s) => (at(s, q) ? [at(s, q)!] : []));
  if (now.length > 0) {
    const above = now.filter((p) => shownNumber(unit, p.value) < ours).length;
    const missing = memberCount - now.length;
    parts.push(`over ${above} af de ${now.length} sammenlignelige kommuner${missing > 0 ? ` med et tal (${missing} mangler)` : ''}`);
  }
  return sentence(`I ${formatQuarter(q)} ligger ${input.municipality} ${joinDanish(parts)}`);
}

function averageSeries(points: readonly BenchmarkPoint[], input: BenchmarkReportInput): ReportSeries {
  const name = input.areaNames[COMPARABLE_AVERAGE_AREA] ?? COMPARABLE_AVERAGE_AREA;
  return {
    key: COMPARABLE_AVERAGE_AREA,
    name,
    label: name,
    role: 'comparable_average',
    stroke: 'normal',
    points: points.map((p) => ({ quarter: p.quarter, value: p.value, ...(p.members !== undefined ? { members: p.members } : {}) })),
  };
}

/** "landsgennemsnittet", "gennemsnittet for 4 af de 5 sammenlignelige kommuner", "tallet for Region Hovedstaden". */
function levelPhrase(s: ReportSeries, point: SeriesPoint, unit: Unit, memberCount: number): string {
  switch (s.role) {
    case 'national':
      return unit === 'share' ? 'landsgennemsnittet' : 'tallet for hele landet';
    case 'comparable_average': {
      const members = point.members ?? memberCount;
      return `gennemsnittet for ${members === memberCount ? `de ${memberCount}` : `${members} af de ${memberCount}`} sammenlignelige kommuner`;
    }
    default:
      return `tallet for ${s.name}`;
  }
}
