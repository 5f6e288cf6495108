import { weekInfo, weekLabelToWeek, weeksInIsoYear } from '../calendar/isoWeek.ts';

/**
 * The `calendar` table: week index → ISO label, month, quarter, and whether the week is the
 * last of its month/quarter (the last week whose Thursday lies in it). Built from the
 * TypeScript calendar functions, so KPI SQL and the TypeScript side agree by construction.
 */
export interface CalendarRow {
  week: number;
  iso_label: string;
  iso_year: number;
  iso_week: number;
  month: number;
  quarter: number;
  last_of_month: boolean;
  last_of_quarter: boolean;
}

/** Years the calendar runs past the latest data year, so KPIs near the end have their weeks. */
export const CALENDAR_YEARS_AFTER = 2;

/** ISO week 01 of `firstIsoYear` to the last ISO week of `lastIsoYear + 2`. */
export function calendarRows(firstIsoYear: number, lastIsoYear: number): CalendarRow[] {
  const endYear = lastIsoYear + CALENDAR_YEARS_AFTER;
  const from = weekLabelToWeek(`${firstIsoYear}-W01`)!;
  const to = weekLabelToWeek(`${endYear}-W${weeksInIsoYear(endYear)}`)!;
  const rows: CalendarRow[] = [];
  for (let week = from; week <= to; week++) {
    const info = weekInfo(week);
    const next = weekInfo(week + 1);
    rows.push({
      week,
      iso_label: info.isoLabel,
      iso_year: info.isoYear,
      iso_week: info.isoWeek,
      month: info.month,
      quarter: info.quarter,
      last_of_month: next.month !== info.month,
      last_of_quarter: next.quarter !== info.quarter,
    });
  }
  return rows;
}
