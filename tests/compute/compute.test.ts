import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKpis } from '../../functions/compute/catalog.ts';
import { compute, parseKpiRows } from '../../functions/compute/compute.ts';
import { isPrimarySuppressed } from '../../functions/compute/disclosure.ts';
import type { Kpi } from '../../functions/compute/kpiDefinition.ts';
import type { Results } from '../../functions/compute/results.ts';
import { municipalityConfigSchema } from '../../functions/config/municipality.ts';
import type { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import { fixtureEngine, runKpi } from '../fixtures/curated.ts';
import { headlineFixture } from '../fixtures/headlineFixture.ts';
import { cellsIn } from './cells.ts';
import { UnknownKpiError } from '../../functions/config/catalogue.ts';
import { companies, counted, monthly, OCT, quarterly, yearToDate } from './sampleKpis.ts';

const Q4_2017 = 2017 * 4 + 3;
const HEADLINE = ['flygtninge_job_foerste_aar', 'integration_selvforsoergende', 'langtid_virksomhedsrettet', 'unge_uddannelsesstart'];

const config = municipalityConfigSchema.parse({
  municipality: 'Testkommune',
  committee: 'Udvalget',
  benchmark_areas: { hele_landet: 'Hele landet', region_hovedstaden: 'Region Hovedstaden' },
});
const run = { snapshot: 'abc123', generatedAt: '2018-01-15T08:00:00.000Z', codeVersion: '0.1.0' };

const hidden = { value: null, numerator: null, denominator: null, suppressed: true };
/** Hidden because it rests on under n persons, or only so that another hidden number cannot be worked out. */
const small = { ...hidden, suppressed_because: 'small' };
const complementary = { ...hidden, suppressed_because: 'complementary' };

describe('compute on hand-made KPI rows', () => {
  let engine: DuckDbEngine;
  let results: Results;
  beforeAll(async () => {
    engine = await fixtureEngine({
      benchmarks: [
        { kpi_id: 'test_andel', period: '2017Q4', area: 'region_hovedstaden', value: 0.4 },
        { kpi_id: 'test_andel', period: '2017Q3', area: 'hele_landet', value: 0.41 },
        { kpi_id: 'test_andel', period: '2017Q4', area: 'hele_landet', value: 0.42 },
        { kpi_id: 'test_andel', period: '2017-11', area: 'hele_landet', value: 0.5 },
        { kpi_id: 'test_andel', period: '2015Q4', area: 'hele_landet', value: 0.3 },
        { kpi_id: 'test_andel', period: '2017Q4', area: 'rudersdal', value: 0.6 },
        { kpi_id: 'ukendt_kpi', period: '2017Q4', area: 'hele_landet', value: 0.1 },
      ],
    });
    results = await compute(engine, { quarter: Q4_2017, kpis: [monthly, counted, quarterly], config, ...run });
  });
  afterAll(() => engine.close());

  it('records the run and orders KPIs by id', () => {
    expect(results).toMatchObject({
      quarter: '2017Q4',
      contract_version: 1,
      snapshot: 'abc123',
      code_version: '0.1.0',
      generated_at: '2018-01-15T08:00:00.000Z',
      municipality: 'Testkommune',
      min_cell_size: 5,
    });
    expect(results.kpis.map((k) => [k.id, k.definition_hash])).toEqual([
      ['test_andel', 'hash-test_andel'],
      ['test_antal', 'hash-test_antal'],
      ['test_maaned', 'hash-test_maaned'],
    ]);
  });

  it('adds the sexes up to the total and keeps 8 quarters, oldest first', () => {
    const andel = results.kpis[0]!;
    expect(andel.trend.map((q) => q.quarter)).toEqual(['2016Q1', '2016Q2', '2016Q3', '2016Q4', '2017Q1', '2017Q2', '2017Q3', '2017Q4']);
    // 2017Q4: K 5/10, M 7/15, total 12/25.
    expect(andel).toMatchObject({ value: 12 / 25, numerator: 12, denominator: 25, suppressed: false });
    expect(andel.breakdowns).toEqual({
      sex: [
        { group: 'K', value: 0.5, numerator: 5, denominator: 10, suppressed: false },
        { group: 'M', value: 7 / 15, numerator: 7, denominator: 15, suppressed: false },
      ],
    });
    // 2017Q3: total 12/30 published; K 2/10 hidden, so M 10/20 is hidden as well.
    expect(andel.trend[6]).toEqual({
      quarter: '2017Q3',
      value: 0.4,
      numerator: 12,
      denominator: 30,
      suppressed: false,
      breakdowns: {
        sex: [
          { group: 'K', ...small },
          { group: 'M', ...complementary },
        ],
      },
    });
    // Quarters without rows are 0/0: a denominator below 5, so hidden.
    expect(andel.trend[0]).toEqual({
      quarter: '2016Q1',
      ...small,
      breakdowns: {
        sex: [
          { group: 'K', ...small },
          { group: 'M', ...small },
        ],
      },
    });
  });

  it('averages the monthly shares over months with a population, and sums the counts', () => {
    const maaned = results.kpis[2]!;
    // Total: October 5/10, November 3/4, December 2/6 → mean of 0.5, 0.75, 1/3; sums 10/20.
    expect(maaned.value).toBeCloseTo((0.5 + 0.75 + 1 / 3) / 3, 15);
    expect([maaned.numerator, maaned.denominator, maaned.suppressed]).toEqual([10, 20, false]);
    const [k, m] = maaned.breakdowns.sex!;
    // K: 2/4, 3/4, 0/2 → (0.5 + 0.75 + 0) / 3, sums 5/10. M: 3/6, –, 2/4 → 0.5, sums 5/10.
    expect(k!.value).toBeCloseTo(1.25 / 3, 15);
    expect([k!.numerator, k!.denominator]).toEqual([5, 10]);
    expect(m).toEqual({ group: 'M', value: 0.5, numerator: 5, denominator: 10, suppressed: false });
  });

  it('gives a count its count as value, and hides small counts', () => {
    const antal = results.kpis[1]!;
    expect(antal).toMatchObject({ value: 7, numerator: 7, denominator: null, suppressed: false, breakdowns: {} });
    expect(antal.trend[5]).toEqual({ quarter: '2017Q2', ...small, breakdowns: {} });
    expect(antal.trend[4]).toEqual({ quarter: '2017Q1', value: 0, numerator: 0, denominator: null, suppressed: false, breakdowns: {} });
  });

  it('reads quarterly benchmarks of the configured areas within the trend, in config order', () => {
    expect(results.kpis[0]!.benchmarks).toEqual([
      { area: 'hele_landet', quarter: '2017Q3', value: 0.41 },
      { area: 'hele_landet', quarter: '2017Q4', value: 0.42 },
      { area: 'region_hovedstaden', quarter: '2017Q4', value: 0.4 },
    ]);
    expect(results.kpis[1]!.benchmarks).toEqual([]);
  });

  it('is deterministic', async () => {
    const again = await compute(engine, { quarter: Q4_2017, kpis: [quarterly, counted, monthly], config, ...run });
    expect(JSON.stringify(again)).toBe(JSON.stringify(results));
  });

  it('honours the configured minimum cell size', async () => {
    const strict = await compute(engine, { quarter: Q4_2017, kpis: [quarterly], config: { ...config, min_cell_size: 8 }, ...run });
    // n = 8: K 5/10 (numerator 5) and M 7/15 (numerator 7) are hidden, the total 12/25 is not.
    expect(strict.min_cell_size).toBe(8);
    expect(strict.kpis[0]).toMatchObject({ numerator: 12, denominator: 25, suppressed: false });
    expect(strict.kpis[0]!.breakdowns.sex!.map((g) => g.suppressed)).toEqual([true, true]);
  });
});

describe('compute: disclosure over time and what a KPI counts', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await fixtureEngine({});
  });
  afterAll(() => engine.close());
  const counts = (r: Results, id: string) =>
    r.kpis
      .find((k) => k.id === id)!
      .trend.slice(4)
      .map((q) => q.numerator);

  it('publishes a year-to-date series whose steps are 0 or at least n', async () => {
    const results = await compute(engine, { quarter: Q4_2017, kpis: [yearToDate], config, ...run });
    expect(counts(results, 'test_aar_til_dato')).toEqual([6, 11, 16, 21]);
    expect(results.kpis[0]!.about).toBe('persons');
  });

  it('compares with the published documents: 21 is only 3 more than the 18 published for 2017Q3', async () => {
    const before = await compute(engine, { quarter: Q4_2017 - 1, kpis: [yearToDate], config, ...run });
    const kpi = before.kpis[0]!;
    const q3 = { ...kpi.trend[7]!, value: 18, numerator: 18 };
    const published: Results = { ...before, kpis: [{ ...kpi, value: 18, numerator: 18, trend: [...kpi.trend.slice(0, 7), q3] }] };
    const results = await compute(engine, { quarter: Q4_2017, kpis: [yearToDate], config, ...run, published: [published] });
    expect(counts(results, 'test_aar_til_dato')).toEqual([6, 11, 16, null]);
    expect(results.kpis[0]!.suppressed).toBe(true);
  });

  it('publishes counts of companies as they are, small or not', async () => {
    const results = await compute(engine, { quarter: Q4_2017, kpis: [companies], config, ...run });
    expect(results.kpis[0]).toMatchObject({ about: 'companies', value: 3, numerator: 3, suppressed: false });
    expect(results.kpis[0]!.trend[6]).toMatchObject({ numerator: 1, suppressed: false });
  });

  it('stops on a goal for a KPI that is not in the catalogue, naming the closest id', async () => {
    const withGoal = municipalityConfigSchema.parse({ ...config, goals: [{ kpi: 'test_aar_til_datoo', target: 10, source: 'Planen' }] });
    const failed = compute(engine, { quarter: Q4_2017, kpis: [yearToDate, companies], config: withGoal, ...run });
    await expect(failed).rejects.toThrow(UnknownKpiError);
    await expect(failed).rejects.toThrow('goals.0.kpi: »test_aar_til_datoo« findes ikke i KPI-kataloget. Mente du »test_aar_til_dato«?');
  });
});

describe('KPI rows are parsed against the contract', () => {
  const share = quarterly.definition;
  const range = { from: 8064, to: 8071 };
  const ok = { quarter: 8071, sex: 'K', numerator: 1, denominator: 2 };

  it('accepts a well-formed row', () => {
    expect(parseKpiRows(share, [ok], range)).toEqual([{ quarter: 8071, month: undefined, groups: { sex: 'K' }, numerator: 1, denominator: 2 }]);
  });

  it.each([
    ['an unknown column', { ...ok, extra: 1 }, /ukendte kolonner extra/],
    ['a missing denominator', { quarter: 8071, sex: 'K', numerator: 1 }, /denominator/],
    ['a quarter outside the range', { ...ok, quarter: 8063 }, /quarter/],
    ['an unknown sex', { ...ok, sex: 'X' }, /sex/],
    ['a numerator above the denominator', { ...ok, numerator: 3 }, /numerator er større end denominator/],
    ['a number as text', { ...ok, numerator: '1' }, /numerator/],
    ['a fraction', { ...ok, numerator: 0.5 }, /numerator/],
  ])('rejects %s', (_what, row, message) => {
    expect(() => parseKpiRows(share, [row], range)).toThrow(message);
  });

  it('names the KPI when its query fails on the engine', async () => {
    const engine = await fixtureEngine({});
    const broken = { ...quarterly, sql: `${quarterly.sql} AND no_such_column = 1` };
    await expect(compute(engine, { quarter: Q4_2017, kpis: [broken], config, ...run })).rejects.toThrow(
      /KPI test_andel: forespørgslen test_andel.sql fejlede på duckdb: .*no_such_column/,
    );
    await engine.close();
  });

  it('rejects a month outside its quarter and the same cell twice', () => {
    const month = monthly.definition;
    expect(() => parseKpiRows(month, [{ ...ok, month: 24212 }], range)).toThrow(/month ligger ikke i quarter/);
    expect(() =>
      parseKpiRows(
        month,
        [
          { ...ok, month: OCT },
          { ...ok, month: OCT },
        ],
        range,
      ),
    ).toThrow(/række 2.*samme celle/);
  });
});

describe('compute end to end on the headline KPIs', () => {
  let engine: DuckDbEngine;
  let results: Results;
  let kpis: Kpi[];
  beforeAll(async () => {
    kpis = (await loadKpis(fileURLToPath(new URL('../../dashboards/kpis/', import.meta.url)))).filter((k) => HEADLINE.includes(k.definition.id));
    engine = await fixtureEngine(headlineFixture());
    results = await compute(engine, { quarter: Q4_2017, kpis, config, ...run });
  });
  afterAll(() => engine.close());

  it('has every KPI with 8 trend quarters, oldest first, the last equal to the top-level cell', () => {
    expect(results.kpis.map((k) => k.id)).toEqual(HEADLINE);
    for (const k of results.kpis) {
      expect(k.trend.map((q) => q.quarter)).toEqual(['2016Q1', '2016Q2', '2016Q3', '2016Q4', '2017Q1', '2017Q2', '2017Q3', '2017Q4']);
      const last = k.trend[7]!;
      expect({ value: k.value, numerator: k.numerator, denominator: k.denominator, suppressed: k.suppressed, breakdowns: k.breakdowns }).toEqual({
        value: last.value,
        numerator: last.numerator,
        denominator: last.denominator,
        suppressed: last.suppressed,
        breakdowns: last.breakdowns,
      });
    }
  });

  it('publishes no suppressed number anywhere, and nothing under the minimum cell size', () => {
    const cells = cellsIn(JSON.parse(JSON.stringify(results)));
    const suppressed = cells.filter((c) => c.cell.suppressed === true);
    const published = cells.filter((c) => c.cell.suppressed === false);
    // The fixture is meant to exercise both sides of the rule.
    expect(suppressed.length).toBeGreaterThan(10);
    expect(published.length).toBeGreaterThan(10);
    for (const { path, cell } of suppressed) expect([path, cell.value, cell.numerator, cell.denominator]).toEqual([path, null, null, null]);
    for (const { path, cell } of published) {
      const raw = { value: cell.value as number, numerator: cell.numerator as number, denominator: cell.denominator as number };
      expect([path, isPrimarySuppressed(raw, 5)]).toEqual([path, false]);
    }
  });

  it('publishes the numbers the KPI SQL returns, added up', async () => {
    for (const k of kpis) {
      const rows = await runKpi(engine, k.sql, '2016Q1', '2017Q4');
      const result = results.kpis.find((r) => r.id === k.definition.id)!;
      for (const q of result.trend.filter((t) => !t.suppressed)) {
        const inQuarter = rows.filter((r) => r.quarter === Number(q.quarter.slice(0, 4)) * 4 + Number(q.quarter.slice(5)) - 1);
        const sum = (column: string) => inQuarter.reduce((a, r) => a + Number(r[column]), 0);
        expect([k.definition.id, q.quarter, q.numerator, q.denominator]).toEqual([k.definition.id, q.quarter, sum('numerator'), sum('denominator')]);
      }
    }
  });

  it('attaches the national benchmark to integration_selvforsoergende', () => {
    expect(results.kpis.find((k) => k.id === 'integration_selvforsoergende')!.benchmarks).toEqual([
      { area: 'hele_landet', quarter: '2017Q3', value: 0.31 },
      { area: 'hele_landet', quarter: '2017Q4', value: 0.33 },
    ]);
  });
});
