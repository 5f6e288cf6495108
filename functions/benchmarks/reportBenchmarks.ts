import { parseQuarter } from '../calendar/quarter.ts';
import type { Comparison } from '../config/municipality.ts';
import { formatDateTime, formatQuarter, formatValue, joinDanish, shownNumber } from '../publish/format.ts';
import { sentence } from '../publish/sentences.ts';
import { areaKey, COMPARABLE_AVERAGE_AREA, municipalityName, NATIONAL_AREA } from './areas.ts';
import type { BenchmarkPull, BenchmarkRow } from './benchmarkPull.ts';
import type { BenchmarkDefinition } from './definitions.ts';

/**
 * What the report says about one KPI against Jobindsats: the series to draw, one Danish
 * sentence for the quarter, the source line, and the definition note — or the sentence that no
 * comparable series exists. Pure: numbers in, texts out. Jobindsats' figures are published
 * statistics (no disclosure control applies to them); the municipality's own figure is always
 * ours, from the results' trend after disclosure control, never Jobindsats' figure for it.
 */

export interface OwnPoint {
  quarter: string;
  value: number | null;
  suppressed: boolean;
}

export interface BenchmarkReportInput {
  kpi: { id: string; unit: 'share' | 'count' };
  /** The municipality's trend after disclosure control (results' `trend`), oldest first. */
  trend: readonly OwnPoint[];
  /** The report's quarter, `2017Q4`. */
  quarter: string;
  /** "Allerød Kommune". */
  municipality: string;
  /** The KPI's file in dashboards/benchmarks, if any. */
  definition: BenchmarkDefinition | undefined;
  /** The pull to compare with (readNewestBenchmarks, or the one the quarter was computed with). */
  pull: BenchmarkPull | undefined;
  /** The config's comparison (functions/benchmarks/areas.ts `comparisonOf`). */
  comparison: Comparison;
}

export type SeriesRole = 'own' | 'national' | 'comparable_average' | 'comparable';

export interface SeriesPoint {
  quarter: string;
  value: number;
  /** For the average: how many comparable municipalities had a figure that quarter. */
  members?: number;
}

export interface ReportSeries {
  /** `egen`, `hele_landet`, `sammenlignelige_kommuner` or a municipality's key. */
  key: string;
  name: string;
  role: SeriesRole;
  /** The municipality bold, the national line and the average normal, single municipalities thin. */
  stroke: 'bold' | 'normal' | 'thin';
  points: SeriesPoint[];
}

export interface BenchmarkReport {
  /** `series`: there is a comparison to draw; `none`: no comparable series (see `sentence`). */
  kind: 'series' | 'none';
  /** Own first, then the whole country, then the comparable municipalities. */
  series: ReportSeries[];
  /** One Danish sentence about the report's quarter. */
  sentence: string;
  /** "Kilde: Jobindsats, tabel mm13 (…), hentet 3. februar 2018." */
  citation?: string;
  /** Which municipalities are "comparable", and the document that says so. */
  groupNote?: string;
  /** How Jobindsats' definition differs from ours (from the definition file). */
  note?: string;
}

export const OWN_SERIES = 'egen';
const NO_SERIES = 'Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal.';

export function benchmarkReport(input: BenchmarkReportInput): BenchmarkReport {
  const { definition, kpi } = input;
  const own: ReportSeries = {
    key: OWN_SERIES,
    name: input.municipality,
    role: 'own',
    stroke: 'bold',
    points: input.trend.filter((p) => !p.suppressed && p.value !== null).map((p) => ({ quarter: p.quarter, value: p.value as number })),
  };
  if (definition === undefined) return { kind: 'none', series: [own], sentence: NO_SERIES };
  if (!definition.comparable) return { kind: 'none', series: [own], sentence: `${NO_SERIES} ${definition.reason}` };

  const note = definition.note;
  const pulled = input.pull?.definitions.find((d) => d.kpi_id === kpi.id);
  const quarters = new Set(input.trend.map((p) => p.quarter));
  const rows = (input.pull?.rows ?? []).filter((r) => r.kpi_id === kpi.id && r.grain === 'quarter' && quarters.has(r.period));
  if (input.pull === undefined || pulled === undefined || rows.length === 0) {
    return { kind: 'none', series: [own], sentence: 'Sammenligningstal fra Jobindsats er endnu ikke hentet for dette nøgletal.', note };
  }

  const national = input.comparison.national ? seriesOf(rows, NATIONAL_AREA) : undefined;
  // The config decides who is compared; a member the pull has no figures for counts as missing.
  const members = input.comparison.municipalities.map((m) => ({ area: areaKey(m.name), area_name: municipalityName(m.name) }));
  const municipalities = members.map((m) => ({ key: m.area, name: m.area_name, points: seriesOf(rows, m.area)?.points ?? [] }));
  const average = averageSeries(municipalities, [...quarters]);

  const series: ReportSeries[] = [own];
  if (national) series.push({ key: NATIONAL_AREA, name: national.name, role: 'national', stroke: 'normal', points: national.points });
  if (members.length > 0) {
    if (input.comparison.show_municipalities === 'each') {
      for (const m of municipalities) series.push({ key: m.key, name: m.name, role: 'comparable', stroke: 'thin', points: m.points });
    } else {
      series.push({ key: COMPARABLE_AVERAGE_AREA, name: `Gennemsnit af ${members.length} sammenlignelige kommuner`, role: 'comparable_average', stroke: 'normal', points: average });
    }
  }

  const retrieved = formatDateTime(input.pull.retrieved_at).replace(/ kl\. .*$/, '');
  const citation = `Kilde: Jobindsats, tabel ${pulled.table_id} (${pulled.table_name}), hentet ${retrieved}.`;
  const groupNote =
    members.length > 0
      ? `Sammenlignelige kommuner: ${joinDanish(members.map((m) => m.area_name))}${input.comparison.source ? ` (${input.comparison.source})` : ''}.`
      : undefined;
  return {
    kind: 'series',
    series,
    sentence: comparisonSentence(input, national?.points ?? [], average, municipalities, members.length),
    citation,
    ...(groupNote ? { groupNote } : {}),
    note,
  };
}

function seriesOf(rows: readonly BenchmarkRow[], area: string): { name: string; points: SeriesPoint[] } | undefined {
  const mine = rows.filter((r) => r.area === area).sort((a, b) => quarterIndex(a.period) - quarterIndex(b.period));
  if (mine.length === 0) return undefined;
  return { name: mine[0]!.area_name, points: mine.map((r) => ({ quarter: r.period, value: r.value })) };
}

/**
 * The unweighted mean over the municipalities with a published figure that quarter; the count
 * goes with each point, so a sentence can say "4 af de 5" when one is missing.
 */
function averageSeries(municipalities: readonly { points: readonly SeriesPoint[] }[], quarters: readonly string[]): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const quarter of [...quarters].sort((a, b) => quarterIndex(a) - quarterIndex(b))) {
    const values = municipalities.flatMap((m) => m.points.filter((p) => p.quarter === quarter).map((p) => p.value));
    if (values.length > 0) out.push({ quarter, value: values.reduce((s, v) => s + v, 0) / values.length, members: values.length });
  }
  return out;
}

function comparisonSentence(
  input: BenchmarkReportInput,
  national: readonly SeriesPoint[],
  average: readonly SeriesPoint[],
  municipalities: readonly { name: string; points: readonly SeriesPoint[] }[],
  memberCount: number,
): string {
  const { unit } = input.kpi;
  const q = input.quarter;
  const nationalNow = national.find((p) => p.quarter === q);
  const averageNow = average.find((p) => p.quarter === q);
  if (!nationalNow && !averageNow) {
    const latest = [...national, ...average].sort((a, b) => quarterIndex(b.quarter) - quarterIndex(a.quarter))[0]!;
    const latestNational = national.find((p) => p.quarter === latest.quarter);
    const latestAverage = average.find((p) => p.quarter === latest.quarter);
    const parts = [
      latestNational ? `${unit === 'share' ? 'landsgennemsnittet' : 'tallet for hele landet'} var ${formatValue(unit, latestNational.value)}` : undefined,
      latestAverage ? `gennemsnittet for ${groupPhrase(latestAverage, memberCount)} var ${formatValue(unit, latestAverage.value)}` : undefined,
    ].filter((p): p is string => p !== undefined);
    return sentence(`Jobindsats har endnu ikke offentliggjort tal for ${formatQuarter(q)}; senest ${formatQuarter(latest.quarter)}, hvor ${joinDanish(parts)}`);
  }

  const own = input.trend.find((p) => p.quarter === q);
  const ownValue = own && !own.suppressed && own.value !== null ? own.value : undefined;
  const each = input.comparison.show_municipalities === 'each';
  if (ownValue === undefined || unit === 'count') {
    const parts = [
      nationalNow ? `${unit === 'share' ? 'landsgennemsnittet' : 'tallet for hele landet'} ${formatValue(unit, nationalNow.value)}` : undefined,
      averageNow ? `gennemsnittet for ${groupPhrase(averageNow, memberCount)} ${formatValue(unit, averageNow.value)}` : undefined,
    ].filter((p): p is string => p !== undefined);
    return sentence(`I ${formatQuarter(q)} var ${joinDanish(parts)}`);
  }

  const ours = shownNumber(unit, ownValue);
  const relation = (value: number) => {
    const theirs = shownNumber(unit, value);
    return ours > theirs ? 'over' : ours < theirs ? 'under' : 'på niveau med';
  };
  const parts: string[] = [];
  if (nationalNow) parts.push(`${relation(nationalNow.value)} landsgennemsnittet på ${formatValue(unit, nationalNow.value)}`);
  if (each) {
    const now = municipalities.flatMap((m) => m.points.filter((p) => p.quarter === q));
    if (now.length > 0) {
      const above = now.filter((p) => shownNumber(unit, p.value) < ours).length;
      const missing = memberCount - now.length;
      parts.push(`over ${above} af de ${now.length} sammenlignelige kommuner${missing > 0 ? ` med et tal (${missing} mangler)` : ''}`);
    }
  } else if (averageNow) {
    parts.push(`${relation(averageNow.value)} gennemsnittet for ${groupPhrase(averageNow, memberCount)} på ${formatValue(unit, averageNow.value)}`);
  }
  return sentence(`I ${formatQuarter(q)} ligger ${input.municipality} ${joinDanish(parts)}`);
}

/** "de 5 sammenlignelige kommuner", or "4 af de 5 sammenlignelige kommuner" when one has no figure. */
function groupPhrase(point: SeriesPoint, memberCount: number): string {
  const members = point.members ?? memberCount;
  return members === memberCount ? `de ${memberCount} sammenlignelige kommuner` : `${members} af de ${memberCount} sammenlignelige kommuner`;
}

function quarterIndex(label: string): number {
  const q = parseQuarter(label);
  if (q === undefined) throw new Error(`Ukendt kvartal: ${label}`);
  return q;
}
