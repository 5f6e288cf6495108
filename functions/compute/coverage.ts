import { dateToDay, lastWeekOfQuarter, lastWeekOnOrBefore, weekInfo } from '../calendar/isoWeek.ts';
import { quarterDanish } from '../calendar/quarter.ts';

/**
 * Which quarters a delivery can report. A quarter is reported only when both the manifest's
 * `data_until` and the data itself (the last week in benefit_weeks) reach the quarter's last
 * week T, and the data begins no later than the quarter's first week. A quarter the data does
 * not cover would publish zeros and "under 5" cells that look like real numbers.
 *
 * `data_until` reaches week T when it is on or after T's Thursday: the day that puts a week in
 * its quarter (the ISO rule all KPIs use), so "data until 31 March" covers the first quarter.
 */
export interface DataSpan {
  /** The manifest's last day described, `YYYY-MM-DD`. */
  dataUntil: string;
  /** First and last week index in benefit_weeks; null when it has no rows. */
  firstWeek: number | null;
  lastWeek: number | null;
}

export type Coverage = { covered: true } | { covered: false; message: string };

export function firstWeekOfQuarter(quarter: number): number {
  return lastWeekOfQuarter(quarter - 1) + 1;
}

/** The last week `data_until` reaches: the last week whose Thursday is on or before it. */
export function lastWeekReached(dataUntil: string): number {
  const day = dateToDay(dataUntil);
  if (day === undefined) throw new Error(`data_until er ikke en dato: ${dataUntil}`);
  return lastWeekOnOrBefore(day);
}

/** The newest quarter both the manifest and the data reach, or undefined when there is none. */
export function newestCoveredQuarter(span: DataSpan): number | undefined {
  if (span.lastWeek === null || span.firstWeek === null) return undefined;
  const last = Math.min(span.lastWeek, lastWeekReached(span.dataUntil));
  let quarter = weekInfo(last).quarter;
  while (lastWeekOfQuarter(quarter) > last) quarter--;
  return firstWeekOfQuarter(quarter) >= span.firstWeek ? quarter : undefined;
}

export function checkCoverage(quarter: number, span: DataSpan): Coverage {
  const needed = lastWeekOfQuarter(quarter);
  const label = (week: number) => weekInfo(week).isoLabel;
  const newest = newestCoveredQuarter(span);
  const instead = newest === undefined ? '' : ` Det nyeste kvartal, leveringen dækker, er ${quarterDanish(newest)}.`;
  if (span.lastWeek === null || span.firstWeek === null) {
    return { covered: false, message: `Leveringen dækker ikke ${quarterDanish(quarter)}: benefit_weeks.csv har ingen uger.` };
  }
  const reached = Math.min(span.lastWeek, lastWeekReached(span.dataUntil));
  if (reached < needed) {
    const missing = reached + 1 === needed ? `uge ${label(needed)}` : `ugerne ${label(reached + 1)} til ${label(needed)}`;
    const source =
      span.lastWeek < needed
        ? `data i benefit_weeks.csv slutter med uge ${label(span.lastWeek)}`
        : `manifestets data_until er ${span.dataUntil} (uge ${label(reached)})`;
    return {
      covered: false,
      message:
        `Leveringen dækker ikke ${quarterDanish(quarter)}: ${source}, men kvartalet kræver data til og med uge ${label(needed)} – ${missing} mangler.` +
        `${instead} Intet er beregnet eller udgivet; vent på en levering, der når kvartalets sidste uge.`,
    };
  }
  const first = firstWeekOfQuarter(quarter);
  if (span.firstWeek > first) {
    return {
      covered: false,
      message:
        `Leveringen dækker ikke ${quarterDanish(quarter)}: data i benefit_weeks.csv begynder først med uge ${label(span.firstWeek)}, ` +
        `men kvartalet begynder med uge ${label(first)}.${instead} Intet er beregnet eller udgivet.`,
    };
  }
  return { covered: true };
}
