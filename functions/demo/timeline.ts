import { dayToDate, weekInfo, weekLabelToWeek, weekThursday } from '../calendar/isoWeek.ts';

/**
 * The demo's period: 2013-W01 to 2017-W52, enough for 2017Q4 with its trend and a year
 * of history behind every rolling window. The simulation counts weeks from 0 = 2013-W01.
 */
export const FIRST_WEEK = weekLabelToWeek('2013-W01') as number;
export const LAST_WEEK = weekLabelToWeek('2017-W52') as number;
export const WEEK_COUNT = LAST_WEEK - FIRST_WEEK + 1;
export const FIRST_YEAR = 2013;
export const LAST_YEAR = 2017;

/** Everything the generator needs per simulation week, computed once. */
const infos = Array.from({ length: WEEK_COUNT }, (_, t) => weekInfo(FIRST_WEEK + t));

/** ISO year of simulation week t (the age rule uses it). */
export const isoYearOf: Int16Array = Int16Array.from(infos, (info) => info.isoYear);

/** `2015-W07,`: the week column with its delimiter, ready to concatenate. */
export const weekCells: readonly string[] = infos.map((info) => `${info.isoLabel},`);

/** Simulation week of the first ISO week of a year (clamped to the period). */
export function firstWeekOfYear(year: number): number {
  const week = weekLabelToWeek(`${year}-W01`) as number;
  return Math.min(Math.max(week - FIRST_WEEK, 0), WEEK_COUNT);
}

export function weekOfDay(day: number): number {
  return Math.floor((day - (weekThursday(FIRST_WEEK) - 3)) / 7);
}

/** ISO date of a weekday (0 = Monday) in simulation week t. */
export function dateIn(t: number, weekday: number): string {
  return dayToDate(weekThursday(FIRST_WEEK + t) - 3 + weekday);
}
