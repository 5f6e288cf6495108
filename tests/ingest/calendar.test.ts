import { describe, expect, it } from 'vitest';
import { calendarRows } from '../../functions/ingest/calendar.ts';

/** Week index of the ISO week starting on a Monday, computed from the date alone. */
const weekOfMonday = (y: number, m: number, d: number) => (Date.UTC(y, m - 1, d) - Date.UTC(1970, 0, 5)) / 86_400_000 / 7;

describe('calendar table', () => {
  const rows = calendarRows(2015, 2018);
  const byLabel = new Map(rows.map((r) => [r.iso_label, r]));

  it('runs from ISO week 01 of the first year to the last week two years after the last', () => {
    expect(rows[0]!.iso_label).toBe('2015-W01');
    expect(rows[0]!.week).toBe(weekOfMonday(2014, 12, 29)); // 2015-W01 starts Monday 29 December 2014
    expect(rows.at(-1)!.iso_label).toBe('2020-W53');
    expect(rows.at(-1)!.week).toBe(weekOfMonday(2020, 12, 28));
    // 2015..2020: 53 + 52 + 52 + 52 + 52 + 53 weeks, consecutive indexes.
    expect(rows).toHaveLength(314);
    expect(rows.every((r, i) => r.week === rows[0]!.week + i)).toBe(true);
  });

  it('puts a week in the month and quarter of its Thursday', () => {
    // 2015-W53: Monday 28 Dec 2015, Thursday 31 Dec 2015 → December 2015, Q4 2015.
    expect(byLabel.get('2015-W53')).toMatchObject({
      iso_year: 2015,
      iso_week: 53,
      month: 2015 * 12 + 11,
      quarter: 2015 * 4 + 3,
      last_of_month: true,
      last_of_quarter: true,
    });
    expect(byLabel.get('2015-W52')).toMatchObject({ last_of_month: false, last_of_quarter: false });
    // 2019-W01: Monday 31 Dec 2018, Thursday 3 Jan 2019 → January 2019.
    expect(byLabel.get('2019-W01')).toMatchObject({ week: weekOfMonday(2018, 12, 31), iso_year: 2019, month: 2019 * 12, quarter: 2019 * 4 });
    // 2016-W13: Monday 28 March, Thursday 31 March → the last week of March and of Q1 2016.
    expect(byLabel.get('2016-W13')).toMatchObject({ month: 2016 * 12 + 2, last_of_month: true, last_of_quarter: true });
    // 2016-W17: Monday 25 April, Thursday 28 April → last week of April, not of a quarter.
    expect(byLabel.get('2016-W17')).toMatchObject({ month: 2016 * 12 + 3, last_of_month: true, last_of_quarter: false });
    // 2020-W53: Thursday 31 Dec 2020.
    expect(byLabel.get('2020-W53')).toMatchObject({ iso_year: 2020, month: 2020 * 12 + 11, last_of_quarter: true });
  });

  it('has exactly one last week per month', () => {
    const months = new Map<number, number>();
    for (const r of rows) if (r.last_of_month) months.set(r.month, (months.get(r.month) ?? 0) + 1);
    expect(months.size).toBe(6 * 12);
    expect([...months.values()].every((n) => n === 1)).toBe(true);
  });
});
