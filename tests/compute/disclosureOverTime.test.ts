import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quarterLabel, trendQuarters } from '../../functions/calendar/quarter.ts';
import {
  discloseTrend,
  disclosureViolations,
  groupCellKey,
  publishedHistory,
  TOTAL_CELL,
  type DisclosedQuarter,
  type RawCell,
  type RawQuarter,
} from '../../functions/compute/disclosure.ts';
import { resultsSchema, type Cell, type Results } from '../../functions/compute/results.ts';
import type { Unit } from '../../functions/compute/kpiDefinition.ts';

/*
 * The over-time rule of kpis.md on random small populations: quarterly reports (and
 * revisions, in any order) of one year-to-date KPI by sex, each disclosed against everything
 * published before it. Whatever the population, no published count about persons is 1..n−1,
 * no breakdown of a published total has exactly one hidden group, no total is the sum of
 * published groups when hidden, and no two published values of one cell in one year differ by
 * 1..n−1.
 */

const FIRST = 2016 * 4;
const QUARTERS = 12; // 2016Q1 … 2018Q4

/** A person in a year-to-date KPI: joins the population in a quarter of the year and may leave (the numerator) later in it. */
interface Person {
  sex: 'K' | 'M';
  /** Per year: the quarter (0–3) the person joins the population, or null; the quarter they count in the numerator, or null. */
  years: { join: number | null; exit: number | null }[];
}

const personArb = fc.record({
  sex: fc.constantFrom<'K' | 'M'>('K', 'M'),
  years: fc.array(
    fc.record({ join: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }), exit: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) }),
    {
      minLength: 3,
      maxLength: 3,
    },
  ),
});

function cellOf(people: Person[], quarter: number, unit: Unit): RawCell {
  const year = Math.floor(quarter / 4) - 2016;
  const q = quarter % 4;
  let numerator = 0;
  let denominator = 0;
  for (const p of people) {
    const y = p.years[year];
    if (!y || y.join === null || y.join > q) continue;
    denominator++;
    if (y.exit !== null && y.exit >= y.join && y.exit <= q) numerator++;
  }
  if (unit === 'count') return { value: numerator, numerator, denominator: null };
  return { value: denominator > 0 ? numerator / denominator : null, numerator, denominator };
}

function rawQuarter(people: Person[], quarter: number, unit: Unit): RawQuarter {
  if (quarter < FIRST) {
    const empty: RawCell = unit === 'count' ? { value: 0, numerator: 0, denominator: null } : { value: null, numerator: 0, denominator: 0 };
    return {
      total: empty,
      breakdowns: {
        sex: [
          { group: 'K', ...empty },
          { group: 'M', ...empty },
        ],
      },
    };
  }
  return {
    total: cellOf(people, quarter, unit),
    breakdowns: {
      sex: (['K', 'M'] as const).map((group) => ({
        group,
        ...cellOf(
          people.filter((p) => p.sex === group),
          quarter,
          unit,
        ),
      })),
    },
  };
}

function document(reportQuarter: number, disclosed: DisclosedQuarter[], unit: Unit, n: number): Results {
  const trend = disclosed.map((d, i) => ({ ...d.total, quarter: quarterLabel(trendQuarters(reportQuarter)[i]!), breakdowns: d.breakdowns }));
  const last = trend[trend.length - 1]!;
  return resultsSchema.parse({
    quarter: quarterLabel(reportQuarter),
    contract_version: 1,
    snapshot: 'test',
    code_version: 'test',
    generated_at: '2019-01-01T00:00:00.000Z',
    municipality: 'Testkommune',
    min_cell_size: n,
    kpis: [
      {
        ...last,
        id: 'afgang',
        title: 'Afgang',
        unit,
        grain: 'quarter',
        direction: 'higher_is_better',
        year_to_date: true,
        about: 'persons',
        definition_hash: 'x',
        breakdowns: last.breakdowns,
        trend,
      },
    ],
  });
}

const small = (count: number | null, n: number) => count !== null && count >= 1 && count <= n - 1;

/** Every published (quarter, cell, counts) of a document. */
function publishedCells(doc: Results): { quarter: number; key: string; cell: Cell }[] {
  const out: { quarter: number; key: string; cell: Cell }[] = [];
  for (const q of doc.kpis[0]!.trend) {
    const quarter = Number(q.quarter.slice(0, 4)) * 4 + Number(q.quarter.slice(5)) - 1;
    if (!q.suppressed) out.push({ quarter, key: TOTAL_CELL, cell: q });
    for (const g of q.breakdowns.sex!) if (!g.suppressed) out.push({ quarter, key: groupCellKey('sex', g.group), cell: g });
  }
  return out;
}

function expectSafe(docs: Results[], n: number): void {
  docs.forEach((doc, i) => {
    // The re-check before writing agrees with disclosure control, against what came before.
    expect(disclosureViolations(doc, docs.slice(0, i))).toEqual([]);
    for (const q of doc.kpis[0]!.trend) {
      const groups = q.breakdowns.sex!;
      for (const cell of [q, ...groups]) {
        if (cell.suppressed) expect([cell.value, cell.numerator, cell.denominator]).toEqual([null, null, null]);
        else {
          expect(small(cell.numerator, n)).toBe(false);
          if (cell.denominator !== null) {
            expect(cell.denominator === 0 || cell.denominator >= n).toBe(true);
            expect(small(cell.denominator - cell.numerator!, n)).toBe(false);
          }
        }
      }
      if (!q.suppressed) expect(groups.filter((g) => g.suppressed).length).not.toBe(1);
      else expect(groups.every((g) => !g.suppressed)).toBe(false);
    }
  });
  // Over time: any two published values of one cell in one year, from any two documents.
  const all = docs.flatMap(publishedCells);
  for (const a of all) {
    for (const b of all) {
      if (a.key !== b.key || Math.floor(a.quarter / 4) !== Math.floor(b.quarter / 4) || a.quarter >= b.quarter) continue;
      const where = `${a.key} ${quarterLabel(a.quarter)} → ${quarterLabel(b.quarter)}`;
      expect(small(Math.abs(b.cell.numerator! - a.cell.numerator!), n), `${where} numerator ${a.cell.numerator} → ${b.cell.numerator}`).toBe(false);
      if (a.cell.denominator !== null && b.cell.denominator !== null) {
        expect(small(Math.abs(b.cell.denominator - a.cell.denominator), n), `${where} denominator ${a.cell.denominator} → ${b.cell.denominator}`).toBe(false);
      }
    }
  }
}

/** Reports in the given order (a quarter may come again: a revision), each disclosed against all before it. */
function publishAll(reports: { quarter: number; people: Person[] }[], unit: Unit, n: number): Results[] {
  const docs: Results[] = [];
  for (const report of reports) {
    const quarters = trendQuarters(report.quarter);
    const disclosed = discloseTrend(
      quarters.map((quarter) => ({ quarter, raw: rawQuarter(report.people, quarter, unit) })),
      { n, about: 'persons', yearToDate: true },
      publishedHistory(docs, 'afgang'),
    );
    docs.push(document(report.quarter, disclosed, unit, n));
  }
  return docs;
}

describe('disclosure over time (kpis.md), property-based', () => {
  const n = fc.integer({ min: 3, max: 6 });
  const people = fc.array(personArb, { maxLength: 40 });
  const unit = fc.constantFrom<Unit>('share', 'count');

  it('a quarterly series of reports on one population never lets two published values of a cell differ by 1..n−1', () => {
    fc.assert(
      fc.property(n, people, unit, (n, people, unit) => {
        const reports = Array.from({ length: QUARTERS }, (_, i) => ({ quarter: FIRST + i, people }));
        expectSafe(publishAll(reports, unit, n), n);
      }),
      { numRuns: 300 },
    );
  });

  it('holds with corrected deliveries and revisions of earlier quarters published in any order', () => {
    fc.assert(
      fc.property(
        n,
        fc.array(people, { minLength: 1, maxLength: 3 }),
        unit,
        fc.array(fc.record({ quarter: fc.integer({ min: 0, max: QUARTERS - 1 }), version: fc.nat() }), { minLength: 1, maxLength: 10 }),
        (n, versions, unit, order) => {
          const reports = order.map(({ quarter, version }) => ({ quarter: FIRST + quarter, people: versions[version % versions.length]! }));
          expectSafe(publishAll(reports, unit, n), n);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('disclosure over time (kpis.md), by hand', () => {
  const share = (numerator: number, denominator: number): RawCell => ({ value: numerator / denominator, numerator, denominator });
  const quarter = (total: RawCell, k: RawCell, m: RawCell): RawQuarter => ({
    total,
    breakdowns: {
      sex: [
        { group: 'K', ...k },
        { group: 'M', ...m },
      ],
    },
  });
  const Q3 = 2017 * 4 + 2;
  const rules = { n: 5, about: 'persons' as const, yearToDate: true };

  it('hides 2017Q4 when it is 2 more than the published 2017Q3 (the issue: 49 → 51), with its groups', () => {
    const [q3, q4] = discloseTrend(
      [
        { quarter: Q3, raw: quarter(share(49, 200), share(24, 100), share(25, 100)) },
        { quarter: Q3 + 1, raw: quarter(share(51, 200), share(25, 100), share(26, 100)) },
      ],
      rules,
    );
    expect(q3!.total.numerator).toBe(49);
    expect(q4!.total.suppressed).toBe(true);
    expect(q4!.breakdowns.sex!.map((g) => g.suppressed)).toEqual([true, true]);
    // 51 of 200 is not a small number: the report must not call it "under 5".
    expect(q4!.total.suppressed_because).toBe('complementary');
    expect(q4!.breakdowns.sex!.map((g) => g.suppressed_because)).toEqual(['complementary', 'complementary']);
    expect(q3!.total.suppressed_because).toBeUndefined();
  });

  it('compares with the most recent published value of the year, also from an earlier document', () => {
    const published = new Map([[TOTAL_CELL, new Map([[Q3, [{ numerator: 49, denominator: 200 }]]])]]);
    const [q4] = discloseTrend([{ quarter: Q3 + 1, raw: quarter(share(51, 200), share(20, 100), share(31, 100)) }], rules, published);
    expect(q4!.total.suppressed).toBe(true);
    // 2018Q1 starts a new year: nothing to compare with.
    const [next] = discloseTrend([{ quarter: Q3 + 2, raw: quarter(share(6, 200), share(0, 100), share(6, 100)) }], rules, published);
    expect(next!.total.suppressed).toBe(false);
  });

  it('skips hidden quarters: 2017Q4 is compared with 2017Q2, as 2017Q3 is hidden', () => {
    const out = discloseTrend(
      [
        { quarter: Q3 - 1, raw: quarter(share(40, 200), share(20, 100), share(20, 100)) },
        { quarter: Q3, raw: quarter(share(42, 200), share(21, 100), share(21, 100)) },
        { quarter: Q3 + 1, raw: quarter(share(46, 200), share(23, 100), share(23, 100)) },
      ],
      rules,
    );
    // 42 is 2 more than 40: hidden. 46 is 6 more than 40, the last published: shown.
    expect(out.map((q) => q.total.suppressed)).toEqual([false, true, false]);
  });

  it('a fall is not safe either, and a group hidden over time takes the smallest other group along', () => {
    const out = discloseTrend(
      [
        { quarter: Q3, raw: quarter(share(40, 200), share(20, 100), share(20, 100)) },
        { quarter: Q3 + 1, raw: quarter(share(50, 200), share(22, 100), share(28, 100)) },
      ],
      rules,
    );
    expect(out[1]!.total.suppressed).toBe(false);
    expect(out[1]!.breakdowns.sex!.map((g) => g.suppressed)).toEqual([true, true]);
    expect(out[1]!.breakdowns.sex!.map((g) => g.suppressed_because)).toEqual(['complementary', 'complementary']);
    const fall = discloseTrend(
      [
        { quarter: Q3, raw: quarter(share(40, 200), share(20, 100), share(20, 100)) },
        { quarter: Q3 + 1, raw: quarter(share(38, 200), share(19, 100), share(19, 100)) },
      ],
      rules,
    );
    expect(fall[1]!.total.suppressed).toBe(true);
  });

  it('leaves KPIs that are not year to date, and counts of companies, alone', () => {
    const raws = [
      { quarter: Q3, raw: quarter(share(49, 200), share(24, 100), share(25, 100)) },
      { quarter: Q3 + 1, raw: quarter(share(51, 200), share(25, 100), share(26, 100)) },
    ];
    expect(discloseTrend(raws, { ...rules, yearToDate: false }).map((q) => q.total.suppressed)).toEqual([false, false]);
    const companies = discloseTrend([{ quarter: Q3, raw: { total: { value: 2, numerator: 2, denominator: null }, breakdowns: {} } }], {
      ...rules,
      about: 'companies',
    });
    expect(companies[0]!.total).toEqual({ value: 2, numerator: 2, denominator: null, suppressed: false });
  });

  it('disclosureViolations finds a step of 1..n−1 in a finished trend and against earlier documents', () => {
    const doc = (label: string, trend: [string, number][]): Results =>
      resultsSchema.parse({
        quarter: label,
        contract_version: 1,
        snapshot: 's',
        code_version: 'c',
        generated_at: '2018-01-01T00:00:00.000Z',
        municipality: 'K',
        min_cell_size: 5,
        kpis: [
          {
            id: 'afgang',
            title: 'Afgang',
            unit: 'count',
            grain: 'quarter',
            direction: 'higher_is_better',
            year_to_date: true,
            definition_hash: 'x',
            value: trend.at(-1)![1],
            numerator: trend.at(-1)![1],
            denominator: null,
            suppressed: false,
            breakdowns: {},
            trend: trend.map(([quarter, count]) => ({ quarter, value: count, numerator: count, denominator: null, suppressed: false, breakdowns: {} })),
          },
        ],
      });
    expect(
      disclosureViolations(
        doc('2017Q4', [
          ['2017Q3', 49],
          ['2017Q4', 51],
        ]),
      ),
    ).toEqual(['afgang 2017Q4 total: ændringen fra det senest offentliggjorte tal i året er mellem 1 og 4 (eller negativ)']);
    expect(disclosureViolations(doc('2017Q4', [['2017Q4', 51]]), [doc('2017Q3', [['2017Q3', 49]])])).toHaveLength(1);
    expect(disclosureViolations(doc('2017Q4', [['2017Q4', 54]]), [doc('2017Q3', [['2017Q3', 49]])])).toEqual([]);
    // Counts of companies are published as they are.
    const companies = doc('2017Q4', [
      ['2017Q3', 2],
      ['2017Q4', 3],
    ]);
    companies.kpis[0]!.about = 'companies';
    expect(disclosureViolations(companies)).toEqual([]);
  });
});
