import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateToWeek, weekInfo, weekLabelToWeek, weeksInIsoYear } from '../../functions/calendar/isoWeek.ts';
import { WEEK_SQL_MACROS } from '../../functions/calendar/weekSql.ts';

let db: DuckDBConnection;
beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
  await db.run(WEEK_SQL_MACROS);
});
afterAll(() => db.closeSync());

const rows = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJS();

describe('week SQL macros agree with functions/calendar', () => {
  it('week_of_date for every day from 1900 to 2100', async () => {
    const result = await rows(
      `SELECT CAST(CAST(d AS DATE) AS VARCHAR) AS date, week_of_date(CAST(d AS DATE)) AS week FROM range(DATE '1900-01-01', DATE '2101-01-01', INTERVAL 1 DAY) t(d) ORDER BY d`,
    );
    expect(result.length).toBe(73414);
    const wrong = result.filter((r) => Number(r.week) !== dateToWeek(String(r.date)));
    expect(wrong).toEqual([]);
  });

  it('week_of_label for every ISO week label from 1900 to 2100', async () => {
    const labels: string[] = [];
    for (let y = 1900; y <= 2100; y++) for (let w = 1; w <= weeksInIsoYear(y); w++) labels.push(`${y}-W${String(w).padStart(2, '0')}`);
    const result = await rows(`SELECT l, week_of_label(l) AS week FROM unnest([${labels.map((l) => `'${l}'`).join(',')}]) t(l)`);
    expect(result).toHaveLength(labels.length);
    expect(result.filter((r) => Number(r.week) !== weekLabelToWeek(String(r.l)))).toEqual([]);
  });

  it('weeks_in_iso_year, with 53-week years by hand', async () => {
    const result = await rows(`SELECT y, weeks_in_iso_year(y) AS n FROM range(1900, 2101) t(y)`);
    expect(result.filter((r) => Number(r.n) !== weeksInIsoYear(Number(r.y)))).toEqual([]);
    const long = result.filter((r) => Number(r.n) === 53 && Number(r.y) >= 2000 && Number(r.y) <= 2030).map((r) => Number(r.y));
    expect(long.sort()).toEqual([2004, 2009, 2015, 2020, 2026]);
  });

  it('hand-checked points: week 0, ISO week 53 and the Thursday rule', async () => {
    const [r] = await rows(
      `SELECT week_of_date(DATE '1970-01-05') AS w0, week_of_date(DATE '1970-01-04') AS wm1, week_of_label('2015-W53') AS w2015, ` +
        `week_of_date(DATE '2016-01-03') AS sun, week_of_label('2020-W53') AS w2020, week_of_date(DATE '2021-01-03') AS sun2021`,
    );
    expect(r!.w0).toBe(0);
    expect(r!.wm1).toBe(-1);
    // 2015-W53 starts Monday 2015-12-28: (days from 1970-01-05) / 7.
    const w2015 = (Date.UTC(2015, 11, 28) - Date.UTC(1970, 0, 5)) / 86_400_000 / 7;
    expect(r!.w2015).toBe(w2015);
    expect(r!.sun).toBe(w2015); // Sunday 2016-01-03 still belongs to 2015-W53
    const w2020 = (Date.UTC(2020, 11, 28) - Date.UTC(1970, 0, 5)) / 86_400_000 / 7;
    expect(r!.w2020).toBe(w2020);
    expect(r!.sun2021).toBe(w2020);
    expect(weekInfo(w2020).isoLabel).toBe('2020-W53');
  });

  it('quarter_of_date is the calendar quarter of the date itself', async () => {
    const [r] = await rows(`SELECT quarter_of_date(DATE '2017-03-31') AS a, quarter_of_date(DATE '2017-04-01') AS b, quarter_of_date(DATE '2016-12-31') AS c`);
    expect([r!.a, r!.b, r!.c]).toEqual([2017 * 4, 2017 * 4 + 1, 2016 * 4 + 3]);
  });
});
