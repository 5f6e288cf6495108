import { quarterYear, quarterIndex } from '../calendar/quarter.ts';
import type { Goal } from '../config/municipality.ts';
import { formatGoalValue, formatQuarter, formatQuarterShort, formatSuppressed, formatValue, joinDanish, shownNumber } from './format.ts';
import type { Assessment, Comparison } from './goals.ts';
import type { SuppressionReason } from '../compute/results.ts';
import type { Grain, Unit } from '../compute/kpiDefinition.ts';

/** A quarter the trend does not show, and why. */
export interface HiddenQuarter {
  quarter: string;
  because: SuppressionReason;
}

/**
 * The report's Danish sentences, generated from numbers. Kept in one place so the wording is
 * consistent between the summary, the sections, the embeds and the charts' text alternatives.
 */

/** What a reader needs to know about a KPI to read a sentence about it. */
export interface Subject {
  unit: Unit;
  grain: Grain;
  year_to_date: boolean;
  /** Short Danish noun phrase, from the KPI definition. */
  subject: string;
}

/** "mindst 33 pct.", "højst 10 pct.", "45" (a count to reach needs no "mindst"). */
export function goalPhrase(unit: Unit, comparison: Comparison, target: number): string {
  const value = formatGoalValue(unit, target);
  if (comparison === '<=') return `højst ${value}`;
  return unit === 'share' ? `mindst ${value}` : value;
}

/** The label on a chart's goal line: "Mål 2017: 33 pct.", "Årsmål 2017: 45", "Mål: højst 10 pct.". */
export function goalLineLabel(unit: Unit, comparison: Comparison, goal: Goal, yearToDate: boolean): string {
  const name = yearToDate ? 'Årsmål' : 'Mål';
  const value = formatGoalValue(unit, goal.target);
  return `${goal.year === undefined ? name : `${name} ${goal.year}`}: ${comparison === '<=' ? `højst ${value}` : value}`;
}

/** The goal column of the summary table. */
export function goalCellText(unit: Unit, assessment: Assessment): string {
  const { goal, comparison, threshold, proRata, quartersElapsed } = assessment;
  if (!goal || !comparison) return 'Intet mål';
  const phrase = goalPhrase(unit, comparison, goal.target);
  const dated = goal.year === undefined ? phrase : `${phrase} i ${goal.year}`;
  if (!proRata || threshold === undefined) return dated;
  return `${dated} (${formatGoalValue(unit, threshold)} efter ${quartersElapsed}. kvartal)`;
}

/** A subject with a trailing relative clause needs a closing comma before the verb. */
function closed(subject: string): string {
  return /, (der|som) /.test(subject) ? `${subject},` : subject;
}

/** Why a hidden number is hidden, as the end of a sentence. */
const COMPLEMENTARY_CLAUSE = 'af hensyn til diskretion: ellers ville et andet skjult tal kunne regnes ud, fx som forskellen til et tidligere kvartal';

/** The first sentence: what the number was. `suppressed` says why it is hidden, if it is. */
export function valueSentence(
  kpi: Subject,
  quarterLabel: string,
  value: number | null,
  suppressed: SuppressionReason | undefined,
  minCellSize: number,
): string {
  const quarter = formatQuarter(quarterLabel);
  if (kpi.unit === 'count') {
    const period = kpi.year_to_date ? `fra årets start til udgangen af ${quarter}` : `i ${quarter}`;
    if (suppressed === 'complementary') return `Antallet af ${closed(kpi.subject)} vises ikke for ${quarter} ${COMPLEMENTARY_CLAUSE}.`;
    const count = suppressed ? formatSuppressed(minCellSize, suppressed) : value === null ? null : formatValue('count', value);
    if (count === null) return `Der er ikke et tal for ${kpi.subject} ${period}.`;
    return `${capitalise(period)} var der ${count} ${kpi.subject}.`;
  }
  const period = kpi.year_to_date ? `ved udgangen af ${quarter} (år til dato)` : `i ${quarter}`;
  if (suppressed === 'complementary') return `Andelen af ${closed(kpi.subject)} ${period} vises ikke ${COMPLEMENTARY_CLAUSE}.`;
  if (suppressed) {
    return `Andelen af ${closed(kpi.subject)} ${period} vises ikke: den bygger på så få, at den ikke kan offentliggøres af hensyn til diskretion.`;
  }
  if (value === null) return `Der var ingen i målgruppen ${period}, så andelen af ${kpi.subject} kan ikke opgøres.`;
  const monthly = kpi.grain === 'month' ? 'i gennemsnit ' : '';
  const perMonth = kpi.grain === 'month' ? ' pr. måned' : '';
  return `Andelen af ${closed(kpi.subject)} var ${monthly}${formatValue('share', value)}${perMonth} ${period}.`;
}

const STATUS_CLAUSE = {
  met: 'målet er nået',
  not_met: 'målet er ikke nået',
  on_track: 'kommunen er på vej mod målet',
} as const;

/** The goal sentence(s): this year's goal and the status, then later goals. */
export function goalSentences(kpi: Subject, assessment: Assessment, goals: readonly Goal[], comparisonOf: (g: Goal) => Comparison, quarter: number): string[] {
  const year = quarterYear(quarter);
  const out: string[] = [];
  const { goal, comparison, status, threshold, proRata, quartersElapsed } = assessment;
  if (goal && comparison) {
    const phrase = goalPhrase(kpi.unit, comparison, goal.target);
    const who = kpi.year_to_date ? 'Årets mål' : goal.year === undefined ? 'Målet' : `Målet for ${goal.year}`;
    if (status === 'unknown') {
      out.push(`${who} er ${phrase}; om det er nået, kan ikke vurderes, når tallet ikke vises.`);
    } else if (proRata && threshold !== undefined) {
      const clause = status === 'not_met' ? 'målet er ikke nået endnu' : status === 'met' ? 'målet er allerede nået' : STATUS_CLAUSE.on_track;
      out.push(`${who} er ${phrase}, og efter ${quartersElapsed}. kvartal svarer det til ${formatGoalValue(kpi.unit, threshold)}; ${clause}.`);
    } else if (status === 'met' || status === 'not_met' || status === 'on_track') {
      out.push(`${who} er ${phrase}, så ${STATUS_CLAUSE[status]}.`);
    }
  } else if (goals.length === 0) {
    out.push('Der er ikke fastsat et politisk mål for dette nøgletal.');
  } else {
    out.push(`Der er ikke fastsat et mål for ${year}.`);
  }
  for (const later of goals.filter((g) => g.year !== undefined && g.year > year)) {
    out.push(sentence(`Målet for ${later.year} er ${goalPhrase(kpi.unit, comparisonOf(later), later.target)}`));
  }
  return out;
}

/** Where the municipality lies against each benchmark area: "Kommunen ligger over niveauet for Hele landet (37,2 pct.)." */
export function benchmarkSentence(unit: Unit, value: number, areas: readonly { name: string; value: number }[]): string {
  const ours = shownNumber(unit, value);
  const parts = areas.map((a) => {
    const theirs = shownNumber(unit, a.value);
    const where = ours > theirs ? 'over niveauet for' : ours < theirs ? 'under niveauet for' : 'på niveau med';
    return `${where} ${a.name} (${formatValue(unit, a.value)})`;
  });
  return `Kommunen ligger ${joinDanish(parts)}.`;
}

/** A series for the chart's text alternative: published points only, oldest first. */
export interface SeriesPoint {
  quarter: string;
  value: number;
}

/** "steg fra 28,0 pct. i 1. kv. 2016 til 39,1 pct. i 4. kv. 2017". */
export function movement(unit: Unit, points: readonly SeriesPoint[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return 'er der ingen tal, der kan vises';
  if (first === last) return `var tallet ${formatValue(unit, last.value)} i ${formatQuarterShort(last.quarter)}`;
  const a = shownNumber(unit, first.value);
  const b = shownNumber(unit, last.value);
  const from = `${formatValue(unit, first.value)} i ${formatQuarterShort(first.quarter)}`;
  const to = `${formatValue(unit, last.value)} i ${formatQuarterShort(last.quarter)}`;
  if (a === b) return `var tallet ${formatValue(unit, last.value)} både i ${formatQuarterShort(first.quarter)} og ${formatQuarterShort(last.quarter)}`;
  return `${b > a ? 'steg' : 'faldt'} tallet fra ${from} til ${to}`;
}

/**
 * A year-to-date series starts again every January, so it is compared with the same quarter
 * a year before: "47 i 4. kv. 2017 mod 41 i 4. kv. 2016".
 */
function yearOnYear(unit: Unit, points: readonly SeriesPoint[]): string {
  const last = points[points.length - 1];
  if (!last) return 'er der ingen tal, der kan vises';
  const lastIndex = quarterIndex(last.quarter);
  const before = points.find((p) => quarterIndex(p.quarter) === lastIndex - 4);
  const now = `var tallet ${formatValue(unit, last.value)} i ${formatQuarterShort(last.quarter)}`;
  return before ? `${now} mod ${formatValue(unit, before.value)} i ${formatQuarterShort(before.quarter)}` : now;
}

/** The trend chart's text alternative: every series' movement, the goal lines, the gaps. */
export function trendDescription(options: {
  unit: Unit;
  yearToDate: boolean;
  municipality: string;
  own: readonly SeriesPoint[];
  benchmarks: readonly { name: string; points: readonly SeriesPoint[] }[];
  goalLabels: readonly string[];
  hiddenQuarters: readonly HiddenQuarter[];
  minCellSize: number;
}): string {
  const { unit, own } = options;
  const move = options.yearToDate ? yearOnYear : movement;
  const parts: string[] = [];
  if (options.yearToDate) parts.push('Tallet opgøres år til dato og begynder forfra hvert år.');
  parts.push(sentence(`For ${options.municipality} ${move(unit, own)}`));
  if (own.length > 2 && !options.yearToDate) {
    const high = own.reduce((m, p) => (p.value > m.value ? p : m));
    const low = own.reduce((m, p) => (p.value < m.value ? p : m));
    parts.push(
      `Højest ${formatValue(unit, high.value)} i ${formatQuarterShort(high.quarter)}, lavest ${formatValue(unit, low.value)} i ${formatQuarterShort(low.quarter)}.`,
    );
  }
  for (const b of options.benchmarks) parts.push(sentence(`For ${b.name} ${move(unit, b.points)}`));
  if (options.goalLabels.length > 0) {
    parts.push(sentence(`Stiplede vandrette linjer viser ${options.goalLabels.length === 1 ? 'målet' : 'målene'}: ${joinDanish(options.goalLabels)}`));
  }
  if (options.hiddenQuarters.length > 0) {
    const quarters = joinDanish(options.hiddenQuarters.map((h) => formatQuarterShort(h.quarter)));
    // "(tal under 5)" only when that is what every hidden quarter is: a complementary one may be large.
    const small = options.hiddenQuarters.every((h) => h.because === 'small') ? ` (tal under ${options.minCellSize})` : '';
    parts.push(`${capitalise(quarters)} vises ikke af hensyn til diskretion${small}.`);
  }
  return parts.join(' ');
}

/** Ends a sentence with one full stop, also after a value ending in "pct.". */
export function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
