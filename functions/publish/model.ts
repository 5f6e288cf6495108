import { quarterYear, quarterIndex } from '../calendar/quarter.ts';
import type { Goal, MunicipalityConfig } from '../config/municipality.ts';
import { BREAKDOWN_LABELS, type Breakdown, type KpiDefinition, type Unit } from '../compute/kpiDefinition.ts';
import { suppressionReason, type Cell, type KpiResult, type Results, type SuppressionReason } from '../compute/results.ts';
import { formatCount, formatQuarterShort, formatSuppressed, formatValue, formatGoalValue } from './format.ts';
import { assessGoal, comparisonOf, goalForYear, goalsOf, STATUS_TEXT, thresholdFor, type Assessment, type Comparison, type GoalStatus } from './goals.ts';
import { kpiChanges, type KpiChanges } from './changes.ts';
import type { Commentary, CommentarySection } from './commentary.ts';
import { comparisonOf as benchmarkComparisonOf } from '../benchmarks/areas.ts';
import { benchmarkAreaNames } from '../benchmarks/benchmarkPoints.ts';
import { benchmarkReport, comparisonGroupNote, type SeriesRole } from '../benchmarks/reportBenchmarks.ts';
import { goalCellText, goalLineLabel, goalSentences, trendDescription, valueSentence, type HiddenQuarter, type SeriesPoint } from './sentences.ts';

/**
 * Everything the report shows about one KPI, derived once from the results, the KPI's
 * definition and the config: texts are final Danish strings, numbers are published ones only.
 */

export interface GoalView {
  goal: Goal;
  comparison: Comparison;
  /** "Mål 2017: 33 pct." — the chart's label for the goal line. */
  lineLabel: string;
}

/** A comparison line beside the municipality's own (functions/benchmarks/reportBenchmarks.ts). */
export interface BenchmarkSeries {
  area: string;
  /** For the table's column, the text alternative and the legend. */
  name: string;
  /** The chart's direct label. */
  label: string;
  role: Exclude<SeriesRole, 'own'>;
  stroke: 'normal' | 'thin';
  points: SeriesPoint[];
}

/** What the report says about the comparison under the chart (every text final Danish). */
export interface ComparisonView {
  /** "Kilde: Jobindsats, tabel mm13 (…), hentet 3. februar 2018." */
  citation?: string;
  /** How Jobindsats' definition differs from ours. */
  note?: string;
  /** Where lines that do not come from Jobindsats come from. */
  handMade?: string;
  /** "Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal. <reason>". */
  missing?: string;
}

export interface TrendRow {
  quarter: string;
  /** "4. kv. 2017". */
  label: string;
  value: string;
  /** "43 af 110" for a share, empty for a count. */
  basis: string;
  suppressed: boolean;
  hiddenBecause?: SuppressionReason;
  /** One text per benchmark series, "–" where the area has no value. */
  benchmarks: string[];
  /** The threshold that applies to the quarter ("–" without a goal). */
  goal: string;
}

export interface GroupRow {
  group: string;
  label: string;
  value: string;
  basis: string;
  suppressed: boolean;
  hiddenBecause?: SuppressionReason;
  /** The published value, absent when suppressed or empty. */
  number?: number;
}

export interface BreakdownView {
  breakdown: string;
  /** "Kvinder og mænd". */
  title: string;
  rows: GroupRow[];
}

export interface KpiView {
  id: string;
  title: string;
  unit: Unit;
  definition: KpiDefinition;
  result: KpiResult;
  quarter: string;
  municipality: string;
  minCellSize: number;
  goals: GoalView[];
  assessment: Assessment;
  status: GoalStatus;
  statusLabel: string;
  statusSymbol: string;
  valueText: string;
  goalText: string;
  /** The plain-Danish summary, sentence by sentence. */
  sentences: string[];
  own: SeriesPoint[];
  hiddenQuarters: HiddenQuarter[];
  /** The comparison lines, in the order of the chart's labels and the table's columns. */
  benchmarks: BenchmarkSeries[];
  comparison: ComparisonView;
  trendRows: TrendRow[];
  breakdowns: BreakdownView[];
  chartTitle: string;
  chartDescription: string;
  /** Against the previous quarter and the same quarter last year (changes.ts); its sentences are in `sentences`. */
  changes?: KpiChanges;
  /** The administration's words about this KPI, when the commentary has a section for it. */
  commentary?: CommentarySection;
}

/** Where a page stands in the quarter's life: a draft, or a published (perhaps corrected) revision. */
export interface PublicationView {
  status: 'draft' | 'published';
  revision?: number;
  /** A correction: "Rettet 8. februar 2018: <reason>". */
  correction?: { date: string; reason: string; replaces: number };
  /** Earlier revisions of the quarter, newest first, with links relative to the page. */
  earlier: { revision: number; text: string; href: string }[];
  /** A draft of a quarter already published with other numbers: approving it makes revision n. */
  wouldCorrect?: number;
}

export interface ReportView {
  quarter: string;
  municipality: string;
  committee: string;
  minCellSize: number;
  snapshot: string;
  codeVersion: string;
  generatedAt: string;
  kpis: KpiView[];
  publication?: PublicationView;
  /** The administration's commentary file, parsed (commentary.ts); its KPI sections are also on each KpiView. */
  commentary?: Commentary;
  /** Which municipalities are "comparable" and why, when a KPI shows them (once, under "Om tallene"). */
  comparisonNote?: string;
}

export interface ReportViewOptions {
  commentary?: Commentary;
}

function cellText(unit: Unit, cell: Cell, n: number): string {
  const hidden = suppressionReason(cell);
  if (hidden) return formatSuppressed(n, hidden);
  return cell.value === null ? '–' : formatValue(unit, cell.value);
}

function basisText(unit: Unit, cell: Cell): string {
  if (unit === 'count' || cell.suppressed || cell.numerator === null || cell.denominator === null) return '';
  return `${formatCount(cell.numerator)} af ${formatCount(cell.denominator)}`;
}

const BREAKDOWN_TITLES: Record<Breakdown, string> = { sex: 'Kvinder og mænd' };

function breakdownViews(result: KpiResult, n: number): BreakdownView[] {
  return Object.entries(result.breakdowns).map(([breakdown, groups]) => {
    const labels = BREAKDOWN_LABELS[breakdown as Breakdown] ?? {};
    return {
      breakdown,
      title: BREAKDOWN_TITLES[breakdown as Breakdown] ?? breakdown,
      rows: groups.map((g) => ({
        group: g.group,
        label: labels[g.group] ?? g.group,
        value: cellText(result.unit, g, n),
        basis: basisText(result.unit, g),
        suppressed: g.suppressed,
        hiddenBecause: suppressionReason(g),
        ...(g.suppressed || g.value === null ? {} : { number: g.value }),
      })),
    };
  });
}

export function kpiView(result: KpiResult, definition: KpiDefinition, config: MunicipalityConfig, results: Results): KpiView {
  const n = results.min_cell_size;
  const quarter = quarterIndex(results.quarter);
  const goals = goalsOf(result.id, config);
  const compare = (g: Goal) => comparisonOf(g, result.direction);
  const goalViews = goals.map((goal) => ({ goal, comparison: compare(goal), lineLabel: goalLineLabel(result.unit, compare(goal), goal, result.year_to_date) }));
  const assessment = assessGoal(result, goals, quarter);
  const subject = { unit: result.unit, grain: result.grain, year_to_date: result.year_to_date, subject: definition.subject };

  const own = result.trend.filter((q) => !q.suppressed && q.value !== null).map((q) => ({ quarter: q.quarter, value: q.value as number }));
  const hiddenQuarters = result.trend.flatMap((q) => {
    const because = suppressionReason(q);
    return because ? [{ quarter: q.quarter, because }] : [];
  });
  const compared = benchmarkReport({
    kpi: { id: result.id, unit: result.unit },
    trend: result.trend,
    quarter: results.quarter,
    municipality: results.municipality,
    points: result.benchmarks,
    source: result.benchmark_source,
    note: result.benchmark_note,
    missing: result.benchmark_missing,
    comparison: benchmarkComparisonOf(config),
    areaNames: benchmarkAreaNames(config),
  });
  const benchmarks: BenchmarkSeries[] = compared.series.flatMap((s) =>
    s.role === 'own'
      ? []
      : [
          {
            area: s.key,
            name: s.name,
            label: s.label,
            role: s.role,
            stroke: s.stroke === 'thin' ? 'thin' : 'normal',
            points: s.points.map((p) => ({ quarter: p.quarter, value: p.value })),
          },
        ],
  );
  const comparison: ComparisonView = {
    ...(compared.citation && { citation: compared.citation }),
    ...(compared.note && { note: compared.note }),
    ...(compared.handMade && { handMade: compared.handMade }),
    ...(compared.missing && { missing: compared.missing }),
  };

  const changes = kpiChanges(result, results.quarter);
  const sentences = [valueSentence(subject, results.quarter, result.value, suppressionReason(result), n), ...changes.sentences];
  if (compared.sentence) sentences.push(compared.sentence);
  sentences.push(...goalSentences(subject, assessment, goals, compare, quarter));

  const trendRows = result.trend.map((q) => {
    const index = quarterIndex(q.quarter);
    const goal = goalForYear(goals, Math.floor(index / 4));
    return {
      quarter: q.quarter,
      label: formatQuarterShort(q.quarter),
      value: cellText(result.unit, q, n),
      basis: basisText(result.unit, q),
      suppressed: q.suppressed,
      hiddenBecause: suppressionReason(q),
      benchmarks: benchmarks.map((b) => {
        const point = b.points.find((p) => p.quarter === q.quarter);
        return point ? formatValue(result.unit, point.value) : '–';
      }),
      goal: goal ? `${compare(goal) === '<=' ? 'højst ' : ''}${formatGoalValue(result.unit, thresholdFor(goal, result, index))}` : '–',
    };
  });

  const first = result.trend[0]?.quarter ?? results.quarter;
  const status = STATUS_TEXT[assessment.status];
  return {
    id: result.id,
    title: result.title,
    unit: result.unit,
    definition,
    result,
    quarter: results.quarter,
    municipality: results.municipality,
    minCellSize: n,
    goals: goalViews,
    assessment,
    status: assessment.status,
    statusLabel: status.label,
    statusSymbol: status.symbol,
    valueText: cellText(result.unit, result, n),
    goalText: goalCellText(result.unit, assessment),
    sentences,
    own,
    hiddenQuarters,
    benchmarks,
    comparison,
    trendRows,
    breakdowns: breakdownViews(result, n),
    chartTitle: `${result.title}: udviklingen fra ${formatQuarterShort(first)} til ${formatQuarterShort(results.quarter)}`,
    chartDescription: trendDescription({
      unit: result.unit,
      yearToDate: result.year_to_date,
      municipality: results.municipality,
      own,
      // "For gennemsnittet af de 5 sammenlignelige kommuner steg tallet …": a name that reads inside a sentence.
      benchmarks: benchmarks.map((b) => (b.role === 'comparable_average' ? { ...b, name: b.name.replace(/^Gennemsnit af /, 'gennemsnittet af de ') } : b)),
      goalLabels: goalViews.map((g) => g.lineLabel),
      hiddenQuarters,
      minCellSize: n,
    }),
    changes,
  };
}

/**
 * The report's KPIs in the plan's order: KPIs with goals in the order the config lists them
 * (the order of the committee's plan), then the rest as the results list them.
 */
export function reportView(
  results: Results,
  definitions: ReadonlyMap<string, KpiDefinition>,
  config: MunicipalityConfig,
  options: ReportViewOptions = {},
): ReportView {
  const planOrder = [...new Set(config.goals.map((g) => g.kpi))];
  const rank = (id: string) => (planOrder.includes(id) ? planOrder.indexOf(id) : planOrder.length);
  const ordered = results.kpis.map((k, i) => ({ k, i })).sort((a, b) => rank(a.k.id) - rank(b.k.id) || a.i - b.i);
  const kpis = ordered.map(({ k }) => {
    const definition = definitions.get(k.id);
    if (!definition) throw new Error(`Resultaterne har nøgletallet ${k.id}, men der er ingen definition af det i KPI-kataloget`);
    const view = kpiView(k, definition, config, results);
    const commentary = options.commentary?.kpis.get(k.id);
    return commentary ? { ...view, commentary } : view;
  });
  const groupShown = kpis.some((k) => k.benchmarks.some((b) => b.role === 'comparable' || b.role === 'comparable_average'));
  const comparisonNote = groupShown ? comparisonGroupNote(benchmarkComparisonOf(config)) : undefined;
  return {
    quarter: results.quarter,
    municipality: results.municipality,
    committee: config.committee,
    minCellSize: results.min_cell_size,
    snapshot: results.snapshot,
    codeVersion: results.code_version,
    generatedAt: results.generated_at,
    kpis,
    ...(options.commentary ? { commentary: options.commentary } : {}),
    ...(comparisonNote ? { comparisonNote } : {}),
  };
}

export interface GoalOverview {
  /** KPIs with a goal this year. */
  total: number;
  met: number;
  onTrack: number;
  notMet: number;
  unknown: number;
  /** KPIs without a goal this year. */
  noGoal: number;
  /** "5 af 7 mål er nået eller på vej. 2 er ikke nået. …" */
  sentence: string;
}

/** The report's goals at a glance, for the top of the report and the note. */
export function goalOverview(report: Pick<ReportView, 'quarter' | 'kpis'>): GoalOverview {
  const count = (status: GoalStatus) => report.kpis.filter((k) => k.status === status).length;
  const [met, onTrack, notMet, unknown, noGoal] = (['met', 'on_track', 'not_met', 'unknown', 'no_goal'] as const).map(count) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const total = met + onTrack + notMet + unknown;
  const year = quarterYear(quarterIndex(report.quarter));
  const parts =
    total === 0
      ? [`Ingen af nøgletallene har et mål for ${year}.`]
      : [
          `${met + onTrack} af ${total} mål er nået eller på vej.`,
          ...(notMet > 0 ? [`${notMet} er ikke nået.`] : []),
          ...(unknown > 0 ? [`${unknown} kan ikke vurderes, fordi tallet ikke vises af hensyn til diskretion.`] : []),
          ...(noGoal > 0 ? [`${noGoal} nøgletal har ikke et mål for ${year}.`] : []),
        ];
  return { total, met, onTrack, notMet, unknown, noGoal, sentence: parts.join(' ') };
}
