/**
 * The snapshot CTEs the Athena engine puts in front of KPI SQL: the text, that it still parses
 * as Trino (dt-sql-parser), and that it means the right thing: run on DuckDB against catalog
 * tables holding two snapshots, every KPI gives exactly what it gives on the bare tables.
 */
import { readdir, readFile } from 'node:fs/promises';
import { TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { renderKpiSql } from '../../functions/compute/kpiSql.ts';
import { prependCtes, snapshotCtes } from '../../functions/engine/athenaSnapshot.ts';
import { CURATED_TABLES } from '../../functions/engine/curatedSchema.ts';
import type { SqlRow } from '../../functions/engine/engine.ts';
import { fixtureEngine, weeks, type Fixture } from '../fixtures/curated.ts';

const SNAPSHOT = '0123456789abcdef';
const DECOY = 'fedcba9876543210';
const CTES = snapshotCtes({ catalog: 'AwsDataCatalog', database: 'pm_curated', snapshot: SNAPSHOT });
const trino = new TrinoSQL();

function trinoErrors(sql: string): string[] {
  return trino.validate(sql).map((e) => e.message);
}

describe('snapshotCtes', () => {
  it('selects the curated columns of one snapshot for every curated table', () => {
    const lines = CTES.split(',\n');
    expect(lines.length).toBe(CURATED_TABLES.length);
    expect(lines[0]).toBe(
      `persons AS (SELECT "person_id", "sex", "birth_year", "integration_group", "arrival_date", "arrival_week" ` +
        `FROM "AwsDataCatalog"."pm_curated"."persons" WHERE snapshot = '${SNAPSHOT}')`,
    );
    expect(lines.map((l) => l.slice(0, l.indexOf(' AS (')))).toEqual(CURATED_TABLES);
    expect(lines.every((l) => l.endsWith(`WHERE snapshot = '${SNAPSHOT}')`))).toBe(true);
  });

  it('quotes catalog and database names', () => {
    expect(snapshotCtes({ catalog: 'cat"x', database: 'db', snapshot: SNAPSHOT })).toContain(`FROM "cat""x"."db"."persons"`);
  });

  it('accepts only 16 lowercase hex digits as snapshot id', () => {
    for (const bad of ['0123456789ABCDEF', '0123456789abcde', "0123456789abcde'", '0123456789abcdef0', "x' OR '1'='1"]) {
      expect(() => snapshotCtes({ catalog: 'AwsDataCatalog', database: 'pm_curated', snapshot: bad })).toThrow(/Invalid snapshot id/);
    }
  });
});

describe('prependCtes', () => {
  it('puts one WITH list in front of a plain SELECT', () => {
    const sql = 'SELECT quarter, COUNT(*) AS numerator FROM persons JOIN calendar ON true GROUP BY quarter';
    const out = prependCtes(sql, CTES);
    expect(out).toBe(`WITH ${CTES}\n${sql}`);
    expect(trinoErrors(out)).toEqual([]);
  });

  it('merges with a query that has its own WITH, keeping leading comments in front', () => {
    const sql = [
      '-- Monthly KPI: population in T(m).',
      '-- second comment line',
      '',
      'with months AS (',
      '  SELECT quarter, month, week AS t FROM calendar WHERE last_of_month',
      '), people AS (SELECT person_id FROM persons)',
      'SELECT m.quarter, m.month, COUNT(*) AS numerator FROM months m JOIN benefit_weeks b ON b.week = m.t GROUP BY m.quarter, m.month',
    ].join('\n');
    const out = prependCtes(sql, CTES);
    expect(out.startsWith('-- Monthly KPI: population in T(m).\n-- second comment line\n\nWITH persons AS (')).toBe(true);
    expect(out).toContain(`WHERE snapshot = '${SNAPSHOT}'),\nmonths AS (\n`);
    expect(out.match(/\bwith\b/gi)?.length).toBe(1);
    expect(trinoErrors(out)).toEqual([]);
    // The check has teeth: a second WITH is not Trino.
    expect(trinoErrors(`WITH ${CTES}\n${sql}`).length).toBeGreaterThan(0);
  });

  it('handles block comments and a comment as the only first line', () => {
    const out = prependCtes('/* KPI\n   with notes */ -- and more\nWITH x AS (SELECT 1 AS a) SELECT a FROM x', 'y AS (SELECT 2 AS b)');
    expect(out).toBe('/* KPI\n   with notes */ -- and more\nWITH y AS (SELECT 2 AS b),\nx AS (SELECT 1 AS a) SELECT a FROM x');
    expect(trinoErrors(out)).toEqual([]);
  });

  it('does not take a name starting with "with" for the keyword', () => {
    // Not a valid KPI, but shows the keyword match is a whole word.
    expect(prependCtes('withdrawals', 'y AS (SELECT 1)')).toBe('WITH y AS (SELECT 1)\nwithdrawals');
  });

  it('refuses empty queries, recursive WITH and unterminated comments', () => {
    expect(() => prependCtes('  -- only a comment\n', CTES)).toThrow(/Forespørgslen er tom/);
    expect(() => prependCtes('WITH RECURSIVE t(n) AS (SELECT 1) SELECT n FROM t', CTES)).toThrow(/RECURSIVE/);
    expect(() => prependCtes('/* open SELECT 1', CTES)).toThrow(/kommentar, der ikke slutter/);
  });
});

/** Two refugees, a long-term recipient, a young person moving into education, and companies. */
const FIXTURE: Fixture = {
  persons: [
    { person_id: 'p1', sex: 'K', birth_year: 1990, integration_group: 'flygtning', arrival_date: '2016-11-15' },
    { person_id: 'p2', sex: 'M', birth_year: 1985, integration_group: 'familiesammenfoert', arrival_date: '2016-12-01' },
    { person_id: 'p3', sex: 'K', birth_year: 1975 },
    { person_id: 'p4', sex: 'M', birth_year: 1998 },
  ],
  benefit_weeks: [
    ...weeks('p1', '2016-W46', '2017-W40', 'integrationsydelse', 'jobparat'),
    ...weeks('p1', '2017-W41', '2017-W52', 'beskaeftiget'),
    ...weeks('p2', '2016-W48', '2017-W52', 'integrationsydelse', 'jobparat'),
    ...weeks('p3', '2015-W01', '2017-W52', 'kontanthjaelp'),
    ...weeks('p4', '2016-W01', '2017-W30', 'uddannelseshjaelp'),
    ...weeks('p4', '2017-W31', '2017-W52', 'ordinaer_uddannelse'),
  ],
  offers: [
    { person_id: 'p2', offer_type: 'virksomhedspraktik', start_date: '2016-12-05', end_date: '2017-11-30' },
    { person_id: 'p3', offer_type: 'loentilskud_privat', start_date: '2017-06-01' },
  ],
  companies: [
    { company_id: 'c1', year: 2017, employees: 10 },
    { company_id: 'c2', year: 2017, employees: 0.5 },
    { company_id: 'c3', year: 2017, employees: 3 },
  ],
  company_contacts: [
    { company_id: 'c1', contact_date: '2017-02-01', contact_type: 'partnerskabsaftale' },
    { company_id: 'c3', contact_date: '2016-05-05', contact_type: 'rekruttering' },
    { company_id: 'c3', contact_date: '2017-11-11', contact_type: 'fastholdelse' },
  ],
  benchmarks: [{ kpi_id: 'integration_selvforsoergende', period: '2017Q4', area: 'hele_landet', value: 0.3 }],
  calendarYears: [2014, 2019],
};

/** The decoy snapshot has every person and company twice (renamed), so ignoring the filter shows. */
const DECOY_COPY: Partial<Record<string, string>> = {
  persons: "person_id || 'x' AS person_id",
  benefit_weeks: "person_id || 'x' AS person_id",
  offers: "person_id || 'x' AS person_id",
  companies: "company_id || 'x' AS company_id",
  company_contacts: "company_id || 'x' AS company_id",
};

const sortRows = (rows: SqlRow[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('KPI SQL behind the snapshot CTEs', async () => {
  const kpiDir = new URL('../../dashboards/kpis/', import.meta.url);
  const files = (await readdir(kpiDir)).filter((f) => f.endsWith('.sql')).sort();
  const kpis = await Promise.all(
    files.map(async (file) => ({ file, sql: renderKpiSql(await readFile(new URL(file, kpiDir), 'utf8'), { fromQuarter: 2016 * 4, toQuarter: 2017 * 4 + 3 }) })),
  );

  it('finds the KPI catalogue', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s still parses as Trino', (file) => {
    const { sql } = kpis.find((k) => k.file === file)!;
    expect(trinoErrors(prependCtes(sql, CTES))).toEqual([]);
  });

  it('gives the same rows from the catalog tables of one snapshot as from the bare tables', async () => {
    const engine = await fixtureEngine(FIXTURE);
    try {
      const direct = new Map<string, SqlRow[]>();
      for (const { file, sql } of kpis) direct.set(file, await engine.query(sql));

      await engine.exec(`ATTACH ':memory:' AS "AwsDataCatalog"`);
      await engine.exec('CREATE SCHEMA "AwsDataCatalog".pm_curated');
      for (const table of CURATED_TABLES) {
        const decoy = DECOY_COPY[table];
        await engine.exec(
          `CREATE TABLE "AwsDataCatalog".pm_curated.${table} AS ` +
            `SELECT *, '${SNAPSHOT}' AS snapshot FROM main.${table} ` +
            `UNION ALL SELECT *, '${DECOY}' AS snapshot FROM main.${table}` +
            (decoy ? ` UNION ALL SELECT * REPLACE (${decoy}), '${DECOY}' AS snapshot FROM main.${table}` : ''),
        );
      }
      for (const table of CURATED_TABLES) await engine.exec(`DROP TABLE main.${table}`);

      const count = `SELECT COUNT(*) AS n FROM persons`;
      expect(await engine.query(prependCtes(count, CTES))).toEqual([{ n: 4 }]);
      const decoyCtes = snapshotCtes({ catalog: 'AwsDataCatalog', database: 'pm_curated', snapshot: DECOY });
      expect(await engine.query(prependCtes(count, decoyCtes))).toEqual([{ n: 8 }]);

      let nonEmpty = 0;
      let differsInDecoy = 0;
      for (const { file, sql } of kpis) {
        const viaCtes = await engine.query(prependCtes(sql, CTES));
        expect([file, sortRows(viaCtes)]).toEqual([file, sortRows(direct.get(file)!)]);
        if (viaCtes.length > 0) nonEmpty++;
        if (JSON.stringify(sortRows(await engine.query(prependCtes(sql, decoyCtes)))) !== JSON.stringify(sortRows(viaCtes))) differsInDecoy++;
      }
      // The comparison means something only if the fixture makes most KPIs produce rows.
      expect(nonEmpty).toBeGreaterThanOrEqual(Math.ceil(kpis.length / 2));
      expect(differsInDecoy).toBeGreaterThanOrEqual(Math.ceil(kpis.length / 2));
    } finally {
      await engine.close();
    }
  });
});
