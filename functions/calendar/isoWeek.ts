/**
 * ISO weeks as integer indexes, so that KPI SQL compares integers instead of calling
 * engine-specific date functions. Week 0 is the ISO week starting Monday 1970-01-05.
 * A week belongs to the month, quarter and year that contain its Thursday (extracts.md).
 */

const DAY_MS = 86_400_000;
const EPOCH_MONDAY = 4; // 1970-01-05 in days since 1970-01-01

export const ISO_WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;
export const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for an ISO date string, or undefined when it is not a real date. */
export function dateToDay(iso: string): number | undefined {
  const m = ISO_DATE_PATTERN.exec(iso);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

export function dayToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Week index of the ISO week containing the given day. */
export function dayToWeek(day: number): number {
  const mondayOffset = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return (day - mondayOffset - EPOCH_MONDAY) / 7;
}

export function dateToWeek(iso: string): number | undefined {
  const day = dateToDay(iso);
  return day === undefined ? undefined : dayToWeek(day);
}

/** Week index for an ISO week label `YYYY-Www`, or undefined when the week does not exist. */
export function weekLabelToWeek(label: string): number | undefined {
  const m = ISO_WEEK_PATTERN.exec(label);
  if (!m) return undefined;
  const [year, week] = [Number(m[1]), Number(m[2])];
  if (week < 1 || week > weeksInIsoYear(year)) return undefined;
  const jan4 = Date.UTC(year, 0, 4) / DAY_MS;
  return dayToWeek(jan4) + week - 1;
}

export function weeksInIsoYear(year: number): number {
  // A year has 53 ISO weeks when 28 December falls in week 53.
  const dec28 = Date.UTC(year, 11, 28) / DAY_MS;
  const jan4 = Date.UTC(year, 0, 4) / DAY_MS;
  return dayToWeek(dec28) - dayToWeek(jan4) + 1;
}

export function weekThursday(week: number): number {
  return EPOCH_MONDAY + week * 7 + 3;
}

export interface WeekInfo {
  week: number;
  isoLabel: string;
  isoYear: number;
  isoWeek: number;
  /** Month index = year * 12 + (month - 1), of the week's Thursday. */
  month: number;
  /** Quarter index = year * 4 + (quarter - 1), of the week's Thursday. */
  quarter: number;
}

export function weekInfo(week: number): WeekInfo {
  const thursday = new Date(weekThursday(week) * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const monthOfYear = thursday.getUTCMonth();
  const isoWeek = week - (weekLabelToWeek(`${isoYear}-W01`) as number) + 1;
  return {
    week,
    isoLabel: `${isoYear}-W${String(isoWeek).padStart(2, '0')}`,
    isoYear,
    isoWeek,
    month: isoYear * 12 + monthOfYear,
    quarter: isoYear * 4 + Math.floor(monthOfYear / 3),
  };
}

/** The last ISO week whose Thursday lies in the given month index. */
export function lastWeekOfMonth(month: number): number {
  const year = Math.floor(month / 12);
  const lastDay = Date.UTC(year, (month % 12) + 1, 0) / DAY_MS;
  return lastWeekOnOrBefore(lastDay);
}

/** The last ISO week whose Thursday lies in the given quarter index. */
export function lastWeekOfQuarter(quarter: number): number {
  return lastWeekOfMonth(Math.floor(quarter / 4) * 12 + (quarter % 4) * 3 + 2);
}

/** The last ISO week whose Thursday is on or before the given day (the Thursday rule). */
export function lastWeekOnOrBefore(day: number): number {
  const week = dayToWeek(day);
  return weekThursday(week) <= day ? week : week - 1;
}
