/**
 * The functions KPI SQL may call: those that exist with the same semantics on Athena engine v3
 * (Trino) and DuckDB. Everything else fails `pejlemaerke check`, because a function that runs
 * locally but not on Athena — or runs on both with different results — would publish numbers
 * that depend on where the report was made.
 */

/** Lower-case names. */
export const PORTABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  // Aggregates. sum keeps integers integer (BIGINT on Trino, HUGEINT on DuckDB); avg is DOUBLE on both.
  'count',
  'sum',
  'min',
  'max',
  'avg',
  // NULL handling with the same rules on both.
  'coalesce',
  'nullif',
  // Numbers. round only with one argument (half away from zero on both).
  'abs',
  'floor',
  'ceil',
  'ceiling',
  'round',
  // Text.
  'lower',
  'upper',
  // Window functions.
  'row_number',
  'rank',
  'dense_rank',
]);

/** Functions that only take one argument to stay portable, with the reason. */
export const SINGLE_ARGUMENT_ONLY: ReadonlyMap<string, string> = new Map([
  ['round', 'round(x, d) runder binære decimaltal forskelligt på de to motorer ved grænsen'],
]);

/** Date and time functions: KPI SQL uses the calendar table's integer indexes instead. */
export const DATE_FUNCTIONS: ReadonlySet<string> = new Set([
  'age',
  'current_date',
  'current_time',
  'current_timestamp',
  'date',
  'date_add',
  'date_diff',
  'date_format',
  'date_parse',
  'date_part',
  'date_sub',
  'date_trunc',
  'dateadd',
  'datediff',
  'datepart',
  'datesub',
  'datetrunc',
  'day',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'dayofmonth',
  'dayofweek',
  'dayofyear',
  'dow',
  'doy',
  'epoch',
  'epoch_ms',
  'extract',
  'from_iso8601_date',
  'from_iso8601_timestamp',
  'from_unixtime',
  'hour',
  'isodow',
  'isoyear',
  'last_day',
  'last_day_of_month',
  'localtime',
  'localtimestamp',
  'make_date',
  'make_timestamp',
  'minute',
  'month',
  'monthname',
  'now',
  'quarter',
  'second',
  'strftime',
  'strptime',
  'time_bucket',
  'to_date',
  'to_iso8601',
  'to_timestamp',
  'to_unixtime',
  'today',
  'week',
  'week_of_year',
  'weekday',
  'weekofyear',
  'year',
  'year_of_week',
  'yearweek',
  'yow',
]);

/**
 * Functions that exist on only one engine, or on both with different results, and what to
 * write instead (Danish, shown to the author).
 */
export const ENGINE_ONLY_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['if', 'if() findes kun i den ene motor. Skriv CASE WHEN betingelse THEN a ELSE b END.'],
  ['iif', 'iif() findes kun i DuckDB. Skriv CASE WHEN betingelse THEN a ELSE b END.'],
  ['ifnull', 'ifnull() findes kun i DuckDB. Skriv COALESCE(x, standardværdi).'],
  ['nvl', 'nvl() findes ikke i Trino. Skriv COALESCE(x, standardværdi).'],
  ['count_if', 'count_if() er ikke med i den portable delmængde. Skriv COUNT(CASE WHEN betingelse THEN 1 END).'],
  ['countif', 'countif() findes kun i DuckDB. Skriv COUNT(CASE WHEN betingelse THEN 1 END).'],
  ['greatest', 'greatest() giver NULL i Trino, hvis et argument er NULL, men springer NULL over i DuckDB. Skriv CASE WHEN a >= b THEN a ELSE b END.'],
  ['least', 'least() giver NULL i Trino, hvis et argument er NULL, men springer NULL over i DuckDB. Skriv CASE WHEN a <= b THEN a ELSE b END.'],
  ['concat', 'concat() giver NULL i Trino, hvis et argument er NULL, men springer NULL over i DuckDB. Skriv a || b.'],
  ['div', 'Heltalsdivision giver forskellige resultater på de to motorer. Skriv FLOOR(CAST(a AS DOUBLE) / b).'],
  ['mod', 'Skriv a % b.'],
  ['try_cast', 'Skriv CAST(x AS type): data i de kuraterede tabeller har allerede de rigtige typer.'],
  ['list', 'Lister hører ikke til i KPI-SQL: returnér én række pr. celle; TypeScript lægger sammen.'],
  ['array_agg', 'Lister hører ikke til i KPI-SQL: returnér én række pr. celle; TypeScript lægger sammen.'],
  ['string_agg', 'Tekstlister hører ikke til i KPI-SQL: returnér én række pr. celle.'],
  ['listagg', 'Tekstlister hører ikke til i KPI-SQL: returnér én række pr. celle.'],
  ['group_concat', 'Tekstlister hører ikke til i KPI-SQL: returnér én række pr. celle.'],
  ['approx_distinct', 'Tilnærmede tal er forskellige på de to motorer. Skriv COUNT(DISTINCT x).'],
  ['approx_count_distinct', 'Tilnærmede tal er forskellige på de to motorer. Skriv COUNT(DISTINCT x).'],
  ['median', 'Medianer er ikke i den portable delmængde; KPI-SQL tæller personer (tæller og nævner).'],
  ['quantile', 'Kvantiler er ikke i den portable delmængde; KPI-SQL tæller personer (tæller og nævner).'],
  ['approx_percentile', 'Kvantiler er ikke i den portable delmængde; KPI-SQL tæller personer (tæller og nævner).'],
]);

/** Types a CAST may target: the same name and meaning on both engines. */
export const PORTABLE_CAST_TYPES: ReadonlySet<string> = new Set(['bigint', 'integer', 'double', 'varchar', 'boolean', 'date']);
