import { quarterYear, quartersElapsed } from '../calendar/quarter.ts';
import type { Goal, MunicipalityConfig } from '../config/municipality.ts';
import { goalNumber, shownNumber } from './format.ts';
import type { Direction, Unit } from '../compute/kpiDefinition.ts';

/**
 * Goals come from the municipality's config, several per KPI: a goal with a year applies to
 * that year's quarters, a standing goal (no year) to every quarter.
 */

export type Comparison = '>=' | '<=';
export type GoalStatus = 'met' | 'not_met' | 'on_track' | 'no_goal' | 'unknown';

/** Status in words and as a symbol, so it never depends on colour. */
export const STATUS_TEXT: Record<GoalStatus, { label: string; symbol: string }> = {
  met: { label: 'Nået', symbol: '✓' },
  not_met: { label: 'Ikke nået', symbol: '✗' },
  on_track: { label: 'På vej', symbol: '…' },
  no_goal: { label: 'Intet mål', symbol: '–' },
  unknown: { label: 'Kan ikke vurderes', symbol: '?' },
};

/** What `assessGoal` needs of a KPI result. */
export interface Judged {
  unit: Unit;
  direction: Direction;
  year_to_date: boolean;
  value: number | null;
  suppressed: boolean;
}

export interface Assessment {
  status: GoalStatus;
  /** The goal the status is judged against: this year's, else the standing one. */
  goal?: Goal;
  comparison?: Comparison;
  /**
   * The threshold the value was compared with. For a year-to-date KPI before the 4th quarter,
   * the annual target × quarters elapsed / 4; a count's threshold is rounded to a whole count
   * in the goal's favour (up for `>=`, down for `<=`), since counts are whole.
   */
  threshold?: number;
  /** True when `threshold` is a pro-rata share of an annual target. */
  proRata: boolean;
  /** Quarters of the year that have passed (1–4). */
  quartersElapsed: number;
}

/** The KPI's goals in the config: dated ones by year, then standing ones, config order kept within. */
export function goalsOf(kpiId: string, config: MunicipalityConfig): Goal[] {
  return config.goals
    .map((goal, index) => ({ goal, index }))
    .filter(({ goal }) => goal.kpi === kpiId)
    .sort((a, b) => (a.goal.year ?? Infinity) - (b.goal.year ?? Infinity) || a.index - b.index)
    .map(({ goal }) => goal);
}

export function comparisonOf(goal: Goal, direction: Direction): Comparison {
  return goal.comparison ?? (direction === 'lower_is_better' ? '<=' : '>=');
}

/** The goal a quarter is judged against: the one for its year, else the standing goal. */
export function goalForYear(goals: readonly Goal[], year: number): Goal | undefined {
  return goals.find((g) => g.year === year) ?? goals.find((g) => g.year === undefined);
}

/** Goals for years after `year`, which the text mentions as what comes next. */
export function laterGoals(goals: readonly Goal[], year: number): Goal[] {
  return goals.filter((g) => g.year !== undefined && g.year > year);
}

/** The threshold a quarter's value is compared with (see `Assessment.threshold`). */
export function thresholdFor(goal: Goal, kpi: Pick<Judged, 'unit' | 'direction' | 'year_to_date'>, quarter: number): number {
  const elapsed = kpi.year_to_date ? quartersElapsed(quarter) : 4;
  const raw = (goal.target * elapsed) / 4;
  if (kpi.unit !== 'count' || elapsed === 4) return raw;
  return comparisonOf(goal, kpi.direction) === '>=' ? Math.ceil(raw) : Math.floor(raw);
}

function reaches(kpi: Judged, value: number, threshold: number, comparison: Comparison): boolean {
  const shown = shownNumber(kpi.unit, value);
  const limit = goalNumber(kpi.unit, threshold);
  const tolerance = 1e-9;
  return comparison === '>=' ? shown >= limit - tolerance : shown <= limit + tolerance;
}

/**
 * Status of one quarter (quarter index) against its goal, judged on the number as printed.
 *
 * - No goal applies this year → "Intet mål". A suppressed or missing value → "Kan ikke vurderes"
 *   (judging it would reveal something about the hidden number).
 * - A KPI measured per quarter: the quarter's value against the target → "Nået" / "Ikke nået".
 * - A year-to-date KPI (it accumulates from 1 January) in the 4th quarter: as above, the year
 *   is complete.
 * - A year-to-date KPI before the 4th quarter is compared with the pro-rata target
 *   (target × quarters elapsed / 4). "På vej" is used only here: the accumulated value is at or
 *   past the pro-rata target, so the year is on course, but it is not over. A higher-is-better
 *   value that already reaches the whole annual target is "Nået" (it cannot fall back: it is
 *   accumulated). Behind the pro-rata target → "Ikke nået" (the text says "endnu").
 */
export function assessGoal(kpi: Judged, goals: readonly Goal[], quarter: number): Assessment {
  const elapsed = quartersElapsed(quarter);
  const goal = goalForYear(goals, quarterYear(quarter));
  if (!goal) return { status: 'no_goal', proRata: false, quartersElapsed: elapsed };
  const comparison = comparisonOf(goal, kpi.direction);
  const threshold = thresholdFor(goal, kpi, quarter);
  const proRata = kpi.year_to_date && elapsed < 4;
  const base = { goal, comparison, threshold, proRata, quartersElapsed: elapsed };
  if (kpi.suppressed || kpi.value === null) return { ...base, status: 'unknown' };
  if (!proRata) return { ...base, status: reaches(kpi, kpi.value, threshold, comparison) ? 'met' : 'not_met' };
  if (comparison === '>=' && reaches(kpi, kpi.value, goal.target, comparison)) return { ...base, status: 'met' };
  return { ...base, status: reaches(kpi, kpi.value, threshold, comparison) ? 'on_track' : 'not_met' };
}
