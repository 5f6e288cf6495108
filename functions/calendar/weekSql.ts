/**
 * The week arithmetic of functions/calendar/isoWeek.ts as DuckDB macros, so ingest turns
 * millions of dates and week labels into week indexes inside DuckDB. Same formulas: a day's
 * week index = (days since 1970-01-01 − offset to its Monday − 4) / 7, where 1970-01-05 is the
 * Monday of week 0. DuckDB's `%` keeps the dividend's sign, hence the double modulo.
 * tests/ingest/weekSql.test.ts checks them against the TypeScript functions.
 */
export const WEEK_SQL_MACROS = `
CREATE OR REPLACE MACRO day_number(d) AS CAST(d - DATE '1970-01-01' AS BIGINT);
CREATE OR REPLACE MACRO week_of_day(x) AS CAST((x - (((x + 3) % 7) + 7) % 7 - 4) // 7 AS INTEGER);
CREATE OR REPLACE MACRO week_of_date(d) AS week_of_day(day_number(d));
CREATE OR REPLACE MACRO weeks_in_iso_year(y) AS
  week_of_date(make_date(CAST(y AS BIGINT), 12, 28)) - week_of_date(make_date(CAST(y AS BIGINT), 1, 4)) + 1;
CREATE OR REPLACE MACRO week_of_label(s) AS
  week_of_date(make_date(CAST(substr(s, 1, 4) AS BIGINT), 1, 4)) + CAST(substr(s, 7, 2) AS INTEGER) - 1;
CREATE OR REPLACE MACRO quarter_of_date(d) AS CAST(year(d) * 4 + (month(d) - 1) // 3 AS INTEGER);
`;
