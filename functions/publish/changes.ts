import { quarterLabel, quarterIndex } from '../calendar/quarter.ts';
import type { Cell, KpiResult } from '../compute/results.ts';
import { formatCount, formatPoints, formatQuarter, formatQuarterShort, shownNumber } from './format.ts';
import type { Unit } from '../compute/kpiDefinition.ts';

/**
 * What changed: a KPI's number against the quarter before and the same quarter a year before,
 * both read from the result's 8-quarter trend (published cells only).
 *
 * Rules, and why:
 * - A difference is given only when both numbers are published. If either side is suppressed,
 *   the difference plus the published side would give the hidden number back, so no difference
 *   is computed and the text says why in plain words. A side without a value (nobody in the
 *   population, 0/0) or a quarter missing from the trend also gives no difference.
 * - The difference is taken between the numbers as printed (shares rounded to one decimal of a
 *   percent, counts whole), so a reader who subtracts the two printed numbers gets the same
 *   result, and "uændret" means the printed numbers are equal.
 * - Shares change in percentage points ("steget 2,3 procentpoint"); counts by a number
 *   ("faldet med 4").
 * - A year-to-date KPI starts from zero every 1 January, so its 1st quarter is not comparable
 *   with the 4th quarter before it. To read the same way in every quarter, a year-to-date KPI is
 *   compared only with the same quarter a year before (the same point in the year), never with
 *   the previous quarter; its previous-quarter change has the reason `year_to_date` and is left
 *   out of the sentence and the overview.
 */

export type ChangeBasis = 'previous_quarter' | 'same_quarter_last_year';

/** Why a change has no difference. */
export type NoChangeReason =
  /** This quarter's number is suppressed. */
  | 'suppressed_now'
  /** The earlier quarter's number is suppressed. */
  | 'suppressed_then'
  /** Nobody in the population this quarter (0/0). */
  | 'no_value_now'
  /** This quarter is not in the trend (results always have it; kept total for safety). */
  | 'missing_now'
  /** Nobody in the population in the earlier quarter. */
  | 'no_value_then'
  /** The earlier quarter is not in the results (e.g. the first quarter of a new KPI). */
  | 'missing'
  /** A year-to-date KPI is not compared with the previous quarter (see above). */
  | 'year_to_date';

export interface Change {
  basis: ChangeBasis;
  /** The quarter compared with, `2017Q3`. */
  from: string;
  /** Set exactly when there is a difference: percentage points (one decimal) for a share, a whole number for a count. */
  delta?: number;
  direction?: 'up' | 'down' | 'unchanged';
  /** Set exactly when there is no difference. */
  reason?: NoChangeReason;
  /** Sentence fragment: "steget 2,3 procentpoint siden 3. kvartal 2017", "uændret siden …"; empty without a difference. */
  phrase: string;
  /** The overview's cell: "op 2,3 pct.-point", "4 færre", "uændret", "tallet vises ikke", "sammenlignes ikke". */
  cell: string;
}

export interface KpiChanges {
  previous: Change;
  lastYear: Change;
  /** The sentences for the KPI's summary, after the value sentence. */
  sentences: string[];
}

/** What `kpiChanges` needs of a KPI result. */
export type ChangeSubject = Pick<KpiResult, 'unit' | 'year_to_date' | 'trend'>;

const CELL_REASON: Record<NoChangeReason, string> = {
  suppressed_now: 'kan ikke opgøres',
  suppressed_then: 'tallet vises ikke',
  no_value_now: 'kan ikke opgøres',
  missing_now: 'kan ikke opgøres',
  no_value_then: 'ingen i målgruppen',
  missing: 'intet tal',
  year_to_date: 'sammenlignes ikke',
};

function cellAt(subject: ChangeSubject, quarter: number): Cell | undefined {
  return subject.trend.find((q) => quarterIndex(q.quarter) === quarter);
}

/** The difference in printed units, rounded away from float noise (0.1 pp for shares). */
function difference(unit: Unit, now: number, then: number): number {
  const d = shownNumber(unit, now) - shownNumber(unit, then);
  return unit === 'share' ? Math.round(d * 10) / 10 : Math.round(d);
}

function movedPhrase(unit: Unit, delta: number): string {
  if (delta === 0) return 'uændret';
  const verb = delta > 0 ? 'steget' : 'faldet';
  const size = Math.abs(delta);
  return unit === 'share' ? `${verb} ${formatPoints(size)} procentpoint` : `${verb} med ${formatCount(size)}`;
}

function movedCell(unit: Unit, delta: number): string {
  if (delta === 0) return 'uændret';
  const size = Math.abs(delta);
  if (unit === 'share') return `${delta > 0 ? 'op' : 'ned'} ${formatPoints(size)} pct.-point`;
  return `${formatCount(size)} ${delta > 0 ? 'flere' : 'færre'}`;
}

/**
 * One comparison between this quarter's cell and an earlier one. Pure: cells in, change out;
 * `now`/`then` undefined means the quarter is not in the results.
 */
export function compareCells(unit: Unit, basis: ChangeBasis, from: string, now: Cell | undefined, then: Cell | undefined): Change {
  const without = (reason: NoChangeReason): Change => ({ basis, from, reason, phrase: '', cell: CELL_REASON[reason] });
  // This quarter first: when it is hidden, nothing is said about the earlier one either.
  if (!now) return without('missing_now');
  if (now.suppressed) return without('suppressed_now');
  if (now.value === null) return without('no_value_now');
  if (!then) return without('missing');
  if (then.suppressed) return without('suppressed_then');
  if (then.value === null) return without('no_value_then');
  const delta = difference(unit, now.value, then.value);
  return {
    basis,
    from,
    delta,
    direction: delta > 0 ? 'up' : delta < 0 ? 'down' : 'unchanged',
    phrase: `${movedPhrase(unit, delta)} siden ${formatQuarter(from)}`,
    cell: movedCell(unit, delta),
  };
}

/** "fordi …" for a change without a difference, about the quarter(s) named before it. */
function because(reason: NoChangeReason, plural: boolean, quarter: string): string {
  switch (reason) {
    case 'suppressed_now':
      return 'fordi kvartalets tal ikke vises af hensyn til diskretion';
    case 'no_value_now':
      return `fordi der ikke var nogen i målgruppen i ${formatQuarter(quarter)}`;
    case 'missing_now':
      return `fordi der ikke er et tal for ${formatQuarter(quarter)}`;
    case 'suppressed_then':
      return plural ? 'fordi tallene for de kvartaler ikke vises af hensyn til diskretion' : 'fordi tallet for det kvartal ikke vises af hensyn til diskretion';
    case 'no_value_then':
      return plural ? 'fordi der ikke var nogen i målgruppen i de kvartaler' : 'fordi der ikke var nogen i målgruppen i det kvartal';
    case 'missing':
      return plural ? 'fordi der ikke er tal for de kvartaler' : 'fordi der ikke er et tal for det kvartal';
    case 'year_to_date':
      return 'fordi tallet opgøres år til dato';
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Andelen er steget 2,3 procentpoint siden 3. kvartal 2017 og 9,0 procentpoint siden 4. kvartal 2016." */
function differenceSentence(unit: Unit, yearToDate: boolean, shown: Change[]): string {
  const subject = unit === 'share' ? 'Andelen' : 'Antallet';
  const parts = shown.map((c, i) => {
    const previous = shown[i - 1];
    // The second verb is left out when both moved the same way: "steget 2,3 … og 9,0 …".
    const phrase = previous && previous.direction === c.direction && c.direction !== 'unchanged' ? c.phrase.replace(/^(steget|faldet) /, '') : c.phrase;
    return c.basis === 'same_quarter_last_year' && yearToDate ? `${phrase} (samme tidspunkt året før)` : phrase;
  });
  const opposite = shown.length === 2 && shown[0]!.direction !== shown[1]!.direction && shown.every((c) => c.direction !== 'unchanged');
  return `${subject} er ${parts.join(opposite ? ', men ' : ' og ')}.`;
}

/**
 * The changes of a KPI in `quarter` (label, `2017Q4`): against the previous quarter (not for a
 * year-to-date KPI) and the same quarter a year before, with the sentences and overview lines.
 */
export function kpiChanges(subject: ChangeSubject, quarter: string): KpiChanges {
  const index = quarterIndex(quarter);
  const now = cellAt(subject, index);
  const previousLabel = quarterLabel(index - 1);
  const lastYearLabel = quarterLabel(index - 4);
  const previous: Change = subject.year_to_date
    ? { basis: 'previous_quarter', from: previousLabel, reason: 'year_to_date', phrase: '', cell: CELL_REASON.year_to_date }
    : compareCells(subject.unit, 'previous_quarter', previousLabel, now, cellAt(subject, index - 1));
  const lastYear = compareCells(subject.unit, 'same_quarter_last_year', lastYearLabel, now, cellAt(subject, index - 4));

  const compared = subject.year_to_date ? [lastYear] : [previous, lastYear];
  const sentences: string[] = [];
  const withDifference = compared.filter((c) => c.delta !== undefined);
  if (withDifference.length > 0) sentences.push(differenceSentence(subject.unit, subject.year_to_date, withDifference));
  const without = compared.filter((c) => c.reason !== undefined);
  // Changes without a difference for the same reason share one sentence.
  for (const reason of [...new Set(without.map((c) => c.reason!))]) {
    const same = without.filter((c) => c.reason === reason);
    const quarters = same.map((c) => formatQuarter(c.from)).join(' og ');
    sentences.push(`${capitalise(`ændringen siden ${quarters} kan ikke opgøres, ${because(reason, same.length > 1, quarter)}`)}.`);
  }
  return { previous, lastYear, sentences };
}

/** The overview's two change columns for a report quarter: "Ændring siden 3. kv. 2017", "Ændring siden 4. kv. 2016". */
export function changeHeaders(quarter: string): [string, string] {
  const index = quarterIndex(quarter);
  return [`Ændring siden ${formatQuarterShort(quarterLabel(index - 1))}`, `Ændring siden ${formatQuarterShort(quarterLabel(index - 4))}`];
}
