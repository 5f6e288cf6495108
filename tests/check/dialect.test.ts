import { describe, expect, it } from 'vitest';
import { CHECK_RANGE } from '../../functions/check/checkFixture.ts';
import { checkDialect } from '../../functions/check/dialect.ts';

/** Lines joined with \n, so a test can count lines and columns the way an editor shows them. */
const sql = (...lines: string[]) => lines.join('\n');
const check = (text: string) => checkDialect('dashboards/kpis/x.sql', text, CHECK_RANGE);
const where = (text: string) => check(text).map((p) => ({ rule: p.rule, line: p.line, column: p.columnNumber }));

const TAIL = ['FROM calendar t', 'WHERE t.last_of_quarter AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}', 'GROUP BY t.quarter'];

describe('checkDialect: the traps', () => {
  it('`::` is a DuckDB cast Trino cannot read: one problem at the first colon, and no syntax echoes after it', () => {
    const problems = check(sql('SELECT', '  t.quarter AS quarter,', '  COUNT(*)::BIGINT AS numerator', ...TAIL));
    // Line 3: two spaces and COUNT(*) take columns 1-10, so `::` starts in column 11.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'dashboards/kpis/x.sql', line: 3, columnNumber: 11, column: '::', rule: 'double_colon_cast' });
    expect(problems[0]!.message).toMatch(/Trino \(Athena\) kan ikke læse den/);
    expect(problems[0]!.hint).toBe('Skriv CAST(udtryk AS BIGINT) i stedet for udtryk::BIGINT.');
  });

  it('integer division: count(x) / count(y) fails at the `/`; CAST(count(x) AS DOUBLE) / count(y) passes', () => {
    const problems = check(
      sql(
        'SELECT',
        '  t.quarter AS quarter,',
        '  COUNT(b.person_id) / COUNT(*) AS bad,',
        '  CAST(COUNT(b.person_id) AS DOUBLE) / COUNT(*) AS good,',
        '  (CAST(COUNT(b.person_id) AS DOUBLE) * 100) / COUNT(*) AS also_good',
        'FROM calendar t',
        'LEFT JOIN benefit_weeks b ON b.week = t.week',
        'WHERE t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}',
        'GROUP BY t.quarter',
      ),
    );
    // Line 3: 2 spaces + COUNT(b.person_id) (18 characters) + a space put `/` in column 22.
    expect(problems.map((p) => [p.rule, p.line, p.columnNumber])).toEqual([['integer_division', 3, 22]]);
    expect(problems[0]!.message).toContain('COUNT(b.person_id) / COUNT(*)');
    expect(problems[0]!.message).toMatch(/Trino kasserer decimalerne.*7 \/ 2 = 3\b.*DuckDB gør ikke/);
    expect(problems[0]!.hint).toContain('Skriv CAST(COUNT(b.person_id) AS DOUBLE) / COUNT(*).');
  });

  it('positions are the .sql file’s, not the rendered SQL’s: placeholders are longer than the integers they become', () => {
    // {{from_quarter}} is columns 25-40 and {{to_quarter}} 46-59; then " AND t.week " puts `/` in
    // column 72. Rendered (8064, 8071) it would be column 50.
    const problems = where(
      sql('SELECT t.quarter AS quarter', 'FROM calendar t', 'WHERE t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}} AND t.week / 2 > 1'),
    );
    expect(problems).toEqual([{ rule: 'integer_division', line: 3, column: 72 }]);
    expect(check(sql('SELECT {{to_quarter}} / 2 AS quarter'))[0]!.message).toContain('{{to_quarter}} / 2');
  });

  it('QUALIFY: one problem at the keyword, no syntax echoes', () => {
    const problems = check(
      sql('SELECT t.quarter AS quarter', 'FROM calendar t', 'QUALIFY row_number() OVER (PARTITION BY t.quarter ORDER BY t.week DESC) = 1'),
    );
    expect(problems.map((p) => [p.rule, p.line, p.columnNumber])).toEqual([['qualify', 3, 1]]);
    expect(problems[0]!.message).toBe('QUALIFY findes i DuckDB, men ikke i Trino (Athena engine v3)');
    expect(problems[0]!.hint).toMatch(/CTE.*WHERE/);
  });

  it('date functions, date syntax and intervals point to the calendar’s integer indexes', () => {
    const problems = check(
      sql(
        'SELECT c.quarter AS quarter, COUNT(*) AS numerator',
        'FROM offers o JOIN calendar c ON c.week = o.start_week',
        "WHERE date_diff('week', o.start_date, o.end_date) < 4",
        "  AND o.start_date > current_date - INTERVAL '1' YEAR",
        '  AND c.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}',
        'GROUP BY c.quarter',
      ),
    );
    // date_diff at line 3 column 7; current_date at line 4 column 22; INTERVAL at column 37.
    expect(problems.map((p) => [p.rule, p.line, p.columnNumber, p.column])).toEqual([
      ['date_function', 3, 7, 'date_diff'],
      ['date_function', 4, 22, 'current_date'],
      ['date_function', 4, 37, "INTERVAL '1' YEAR"],
    ]);
    expect(problems[0]!.hint).toContain('kalendertabellens heltal: week, month, quarter og iso_year');
  });

  it('a function outside the allowlist fails with its name; known engine-only ones say what to write instead', () => {
    const problems = check(
      sql(
        'SELECT t.quarter AS quarter,',
        "  COUNT(CASE WHEN regexp_like(p.person_id, '^x') THEN 1 END) AS numerator,",
        '  greatest(COUNT(*), 1) AS denominator',
        'FROM calendar t JOIN persons p ON p.arrival_week = t.week',
        'WHERE t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}',
        'GROUP BY t.quarter',
      ),
    );
    expect(problems.map((p) => [p.rule, p.line, p.columnNumber, p.column])).toEqual([
      ['function_not_portable', 2, 19, 'regexp_like'],
      ['engine_only_function', 3, 3, 'greatest'],
    ]);
    expect(problems[0]!.message).toBe(
      'funktionen regexp_like er ikke i den portable delmængde: den findes ikke med samme betydning i både Athena engine v3 (Trino) og DuckDB',
    );
    expect(problems[0]!.hint).toMatch(/^Tilladte funktioner: count, sum, min, max, avg, coalesce/);
    expect(problems[1]!.hint).toMatch(/NULL i Trino.*springer NULL over i DuckDB/);
  });

  it('a Trino syntax error (DuckDB’s SELECT * EXCLUDE) is reported once, where Trino stops reading', () => {
    const problems = check(sql('SELECT * EXCLUDE (sex)', 'FROM persons'));
    expect(problems.map((p) => [p.rule, p.line, p.columnNumber, p.column])).toEqual([['trino_syntax', 1, 10, 'EXCLUDE']]);
    expect(problems[0]!.message).toMatch(/^Trino kan ikke læse forespørgslen her: 'EXCLUDE' is not valid at this position/);
  });

  it('`::` and QUALIFY do not hide the problems after them', () => {
    const problems = where(sql('SELECT t.quarter AS quarter FROM calendar t', "WHERE t.week::INTEGER > 1 AND date_add('day', 1, t.week) > t.week / 2"));
    // "WHERE " then t.week (columns 7-12): `::` at 13; date_add at 31; `/` at 67.
    expect(problems).toEqual([
      { rule: 'double_colon_cast', line: 2, column: 13 },
      { rule: 'date_function', line: 2, column: 31 },
      { rule: 'integer_division', line: 2, column: 67 },
    ]);
    expect(where(sql('SELECT t.quarter AS quarter, ifnull(t.week, 0) AS w FROM calendar t', 'QUALIFY row_number() OVER (ORDER BY t.week) = 1'))).toEqual([
      { rule: 'engine_only_function', line: 1, column: 30 },
      { rule: 'qualify', line: 2, column: 1 },
    ]);
  });

  it('after a syntax error, the date and engine-only calls the parser skipped are still named', () => {
    const problems = where(sql('SELECT t.quarter AS quarter FROM calendar t', "WHERE t.iso_label ILIKE '2017%' AND date_add('day', 1, t.week) > 0"));
    // ILIKE at column 19 (after "WHERE t.iso_label "); date_add at 37.
    expect(problems).toEqual([
      { rule: 'trino_syntax', line: 2, column: 19 },
      { rule: 'date_function', line: 2, column: 37 },
    ]);
  });

  it('a double-quoted "text" is an identifier on both engines, not a string', () => {
    const problems = check(sql('SELECT t.quarter AS quarter FROM calendar t JOIN benefit_weeks b ON b.week = t.week', 'WHERE b.status = "beskaeftiget"'));
    expect(problems.map((p) => [p.rule, p.line, p.columnNumber])).toEqual([['double_quoted_string', 2, 18]]);
    expect(problems[0]!.hint).toMatch(/^Skriv tekster med enkelte anførselstegn: 'beskaeftiget'\./);
  });

  it('casts only to portable types, and no TRY_CAST', () => {
    expect(where(sql('SELECT CAST(t.week AS DECIMAL(10, 2)) AS a, TRY_CAST(t.week AS DOUBLE) AS b, CAST(t.week AS DOUBLE) AS c FROM calendar t'))).toEqual([
      { rule: 'cast_type', line: 1, column: 23 },
      { rule: 'engine_only_function', line: 1, column: 45 },
    ]);
  });

  it('round keeps one argument', () => {
    expect(where('SELECT round(AVG(t.week)) AS a, round(AVG(t.week), 2) AS b FROM calendar t')).toEqual([
      { rule: 'function_not_portable', line: 1, column: 33 },
    ]);
  });

  it('one SELECT only, no CTE named like a curated table, no schema-qualified tables', () => {
    expect(where(sql('SELECT 1 AS quarter;', 'SELECT 2 AS quarter'))).toEqual([{ rule: 'single_select', line: 2, column: 1 }]);
    expect(where('CREATE TABLE x AS SELECT 1 AS quarter')).toEqual([{ rule: 'single_select', line: 1, column: 1 }]);
    expect(where(sql('WITH calendar AS (SELECT 1 AS quarter)', 'SELECT quarter FROM calendar'))).toEqual([{ rule: 'cte_shadows_table', line: 1, column: 6 }]);
    expect(where('SELECT p.sex AS sex FROM pejlemaerke.persons p')).toEqual([{ rule: 'qualified_table', line: 1, column: 26 }]);
  });

  it('accepts the portable subset: CTEs, joins, CASE, IN, BETWEEN, COUNT(DISTINCT), windows, a trailing semicolon', () => {
    const problems = check(
      sql(
        '-- a comment with :: and date_diff( and a / b is not code',
        'WITH q AS (',
        '  SELECT quarter, MIN(week) AS first_week, MAX(week) AS t FROM calendar',
        '  WHERE quarter BETWEEN {{from_quarter}} AND {{to_quarter}} GROUP BY quarter',
        ')',
        'SELECT q.quarter AS quarter, p.sex AS sex,',
        "  COUNT(DISTINCT CASE WHEN b.status IN ('beskaeftiget', 'igu') THEN p.person_id END) AS numerator,",
        '  COUNT(DISTINCT p.person_id) AS denominator,',
        '  row_number() OVER (PARTITION BY q.quarter ORDER BY p.sex) AS n,',
        "  COALESCE(NULLIF(p.integration_group, ''), 'ingen') AS g, (q.t - q.first_week) % 4 AS m, DATE '2017-01-01' AS d",
        'FROM q',
        'JOIN benefit_weeks b ON b.week BETWEEN q.first_week AND q.t',
        'LEFT JOIN persons p ON p.person_id = b.person_id',
        "WHERE p.birth_year IS NOT NULL AND p.sex <> 'X' AND b.status LIKE '%a%'",
        'GROUP BY q.quarter, p.sex, p.integration_group, q.t, q.first_week;',
      ),
    );
    expect(problems).toEqual([]);
  });
});
