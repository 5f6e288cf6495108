import { describe, expect, it } from 'vitest';
import { quarterLabel, trendQuarters, quarterIndex } from '../../functions/calendar/quarter.ts';
import type { QuarterCell } from '../../functions/compute/results.ts';
import { changeHeaders, compareCells, kpiChanges, type ChangeSubject } from '../../functions/publish/changes.ts';
import { fixtureResults } from '../fixtures/results.ts';

/** A trend ending in `last`, oldest first, from [numerator, denominator] pairs (shares) or counts; null = suppressed. */
function trend(last: string, cells: readonly (readonly [number, number] | number | null | 'empty')[]): QuarterCell[] {
  const quarters = trendQuarters(quarterIndex(last), cells.length).map(quarterLabel);
  return cells.map((c, i) => {
    const quarter = quarters[i]!;
    if (c === null) return { quarter, value: null, numerator: null, denominator: null, suppressed: true, breakdowns: {} };
    if (c === 'empty') return { quarter, value: null, numerator: 0, denominator: 0, suppressed: false, breakdowns: {} };
    if (typeof c === 'number') return { quarter, value: c, numerator: c, denominator: null, suppressed: false, breakdowns: {} };
    return { quarter, value: c[0] / c[1], numerator: c[0], denominator: c[1], suppressed: false, breakdowns: {} };
  });
}

const share = (cells: Parameters<typeof trend>[1], last = '2017Q4', yearToDate = false): ChangeSubject => ({
  unit: 'share',
  year_to_date: yearToDate,
  trend: trend(last, cells),
});
const count = (cells: Parameters<typeof trend>[1], last = '2017Q4', yearToDate = false): ChangeSubject => ({
  unit: 'count',
  year_to_date: yearToDate,
  trend: trend(last, cells),
});

describe('changes since the previous quarter and the same quarter last year', () => {
  it('a share: percentage points between the printed numbers', () => {
    // 2016Q4 28/100 = 28,0; 2017Q3 36/100 = 36,0; 2017Q4 39.1 pct. (391/1000).
    const c = kpiChanges(
      share([
        [1, 10],
        [1, 10],
        [1, 10],
        [28, 100],
        [1, 10],
        [1, 10],
        [36, 100],
        [391, 1000],
      ]),
      '2017Q4',
    );
    expect(c.previous).toMatchObject({
      from: '2017Q3',
      delta: 3.1,
      direction: 'up',
      phrase: 'steget 3,1 procentpoint siden 3. kvartal 2017',
      cell: 'op 3,1 pct.-point',
    });
    expect(c.lastYear).toMatchObject({ from: '2016Q4', delta: 11.1, direction: 'up', cell: 'op 11,1 pct.-point' });
    expect(c.sentences).toEqual(['Andelen er steget 3,1 procentpoint siden 3. kvartal 2017 og 11,1 procentpoint siden 4. kvartal 2016.']);
    expect(changeHeaders('2017Q4')).toEqual(['Ændring siden 3. kv. 2017', 'Ændring siden 4. kv. 2016']);
  });

  it('"uændret" when the printed numbers are equal, even if the true ones differ a little', () => {
    // 39,04 and 38,96 pct. both print as 39,0 pct.
    const c = kpiChanges(
      share(
        [
          [3896, 10000],
          [3904, 10000],
        ],
        '2017Q4',
      ),
      '2017Q4',
    );
    expect(c.previous).toMatchObject({ delta: 0, direction: 'unchanged', phrase: 'uændret siden 3. kvartal 2017', cell: 'uændret' });
    // 39,49 − 38,51 = 0,98 points before rounding; printed 39,5 − 38,5 = 1,0: the reader's subtraction wins.
    expect(compareCells('share', 'previous_quarter', '2017Q3', trend('2017Q4', [[3949, 10000]])[0], trend('2017Q3', [[3851, 10000]])[0]).delta).toBe(1);
  });

  it('a count: by a number, "flere"/"færre" in the overview; opposite directions are joined with "men"', () => {
    const c = kpiChanges(count([40, 41, 42, 30, 30, 31, 35, 31]), '2017Q4');
    expect(c.previous).toMatchObject({ delta: -4, direction: 'down', phrase: 'faldet med 4 siden 3. kvartal 2017', cell: '4 færre' });
    expect(c.lastYear).toMatchObject({ delta: 1, direction: 'up', phrase: 'steget med 1 siden 4. kvartal 2016', cell: '1 flere' });
    expect(c.sentences).toEqual(['Antallet er faldet med 4 siden 3. kvartal 2017, men steget med 1 siden 4. kvartal 2016.']);
    expect(kpiChanges(count([5, 5, 5, 5, 5, 5, 5, 1234 + 5]), '2017Q4').previous.phrase).toBe('steget med 1.234 siden 3. kvartal 2017');
  });

  it('"uændret" and a change are joined with "og", each with its own verb', () => {
    const c = kpiChanges(count([10, 10, 10, 8, 10, 10, 12, 12]), '2017Q4');
    expect(c.sentences).toEqual(['Antallet er uændret siden 3. kvartal 2017 og steget med 4 siden 4. kvartal 2016.']);
    const down = kpiChanges(count([10, 10, 10, 20, 10, 10, 15, 12]), '2017Q4');
    expect(down.sentences).toEqual(['Antallet er faldet med 3 siden 3. kvartal 2017 og med 8 siden 4. kvartal 2016.']);
  });

  it('no difference when the earlier quarter is suppressed, and says why without a number', () => {
    const c = kpiChanges(share([[1, 10], [1, 10], [1, 10], null, [1, 10], [1, 10], [30, 100], [40, 100]]), '2017Q4');
    expect(c.previous.delta).toBe(10);
    expect(c.lastYear).toEqual({ basis: 'same_quarter_last_year', from: '2016Q4', reason: 'suppressed_then', phrase: '', cell: 'tallet vises ikke' });
    expect(c.sentences).toEqual([
      'Andelen er steget 10,0 procentpoint siden 3. kvartal 2017.',
      'Ændringen siden 4. kvartal 2016 kan ikke opgøres, fordi tallet for det kvartal ikke vises af hensyn til diskretion.',
    ]);
    const both = kpiChanges(count([1, 1, 1, null, 1, 1, null, 9]), '2017Q4');
    expect(both.sentences).toEqual([
      'Ændringen siden 3. kvartal 2017 og 4. kvartal 2016 kan ikke opgøres, fordi tallene for de kvartaler ikke vises af hensyn til diskretion.',
    ]);
  });

  it('no difference when this quarter is suppressed: one sentence for both', () => {
    const c = kpiChanges(count([10, 10, 10, 10, 10, 10, 10, null]), '2017Q4');
    expect([c.previous.reason, c.lastYear.reason]).toEqual(['suppressed_now', 'suppressed_now']);
    expect(c.sentences).toEqual([
      'Ændringen siden 3. kvartal 2017 og 4. kvartal 2016 kan ikke opgøres, fordi kvartalets tal ikke vises af hensyn til diskretion.',
    ]);
    expect([c.previous.cell, c.lastYear.cell]).toEqual(['kan ikke opgøres', 'kan ikke opgøres']);
  });

  it('no difference when nobody was in the population (0/0), now or then', () => {
    const then = kpiChanges(share([[1, 10], [1, 10], [1, 10], 'empty', [1, 10], [1, 10], [30, 100], [40, 100]]), '2017Q4');
    expect(then.lastYear).toMatchObject({ reason: 'no_value_then', cell: 'ingen i målgruppen' });
    expect(then.sentences[1]).toBe('Ændringen siden 4. kvartal 2016 kan ikke opgøres, fordi der ikke var nogen i målgruppen i det kvartal.');
    const now = kpiChanges(share([[1, 10], [1, 10], [1, 10], [1, 10], [1, 10], [1, 10], [30, 100], 'empty']), '2017Q4');
    expect(now.sentences).toEqual([
      'Ændringen siden 3. kvartal 2017 og 4. kvartal 2016 kan ikke opgøres, fordi der ikke var nogen i målgruppen i 4. kvartal 2017.',
    ]);
  });

  it('the first quarter of a KPI has nothing to compare with', () => {
    const c = kpiChanges(share([[40, 100]], '2017Q4'), '2017Q4');
    expect([c.previous.reason, c.lastYear.reason]).toEqual(['missing', 'missing']);
    expect(c.sentences).toEqual(['Ændringen siden 3. kvartal 2017 og 4. kvartal 2016 kan ikke opgøres, fordi der ikke er tal for de kvartaler.']);
    expect([c.previous.cell, c.lastYear.cell]).toEqual(['intet tal', 'intet tal']);
    // Two quarters: the previous one is there, a year ago is not.
    const two = kpiChanges(
      share(
        [
          [30, 100],
          [40, 100],
        ],
        '2017Q4',
      ),
      '2017Q4',
    );
    expect(two.sentences).toEqual([
      'Andelen er steget 10,0 procentpoint siden 3. kvartal 2017.',
      'Ændringen siden 4. kvartal 2016 kan ikke opgøres, fordi der ikke er et tal for det kvartal.',
    ]);
  });

  it('a year-to-date KPI is compared with the same quarter last year only, also across the year boundary', () => {
    // 1st quarter: the count started again on 1 January, so 2016Q4's 41 is not comparable; 2016Q1's 12 is.
    const q1 = kpiChanges(count([12, 21, 30, 41, 9], '2017Q1', true), '2017Q1');
    expect(q1.previous).toEqual({ basis: 'previous_quarter', from: '2016Q4', reason: 'year_to_date', phrase: '', cell: 'sammenlignes ikke' });
    expect(q1.lastYear).toMatchObject({ from: '2016Q1', delta: -3 });
    expect(q1.sentences).toEqual(['Antallet er faldet med 3 siden 1. kvartal 2016 (samme tidspunkt året før).']);
    expect(q1.lastYear.cell).toBe('3 færre');
    // Within a year it is the same rule, so every quarter reads the same way.
    const q3 = kpiChanges(count([12, 21, 30, 41, 9, 17, 28], '2017Q3', true), '2017Q3');
    expect(q3.previous.reason).toBe('year_to_date');
    expect([q3.previous.cell, q3.lastYear.cell]).toEqual(['sammenlignes ikke', '2 færre']);
  });

  it('a year-to-date KPI whose comparison quarter is hidden says why and gives no number', () => {
    // A year-to-date KPI with 2016Q1, 2016Q2 and 2017Q1 hidden (as person counts under 5 would be).
    const hidden = { value: null, numerator: null, denominator: null, suppressed: true };
    const source = fixtureResults.kpis.find((k) => k.id === 'partnerskabsaftaler_nye')!;
    const partnerships = { ...source, trend: source.trend.map((q, i) => (i === 0 || i === 1 || i === 4 ? { ...q, ...hidden } : q)) };
    const q1 = { ...partnerships, trend: partnerships.trend.slice(0, 5) };
    expect(kpiChanges(q1, '2017Q1').sentences).toEqual([
      'Ændringen siden 1. kvartal 2016 kan ikke opgøres, fordi kvartalets tal ikke vises af hensyn til diskretion.',
    ]);
    const q2 = { ...partnerships, trend: partnerships.trend.slice(0, 6) };
    expect(kpiChanges(q2, '2017Q2').sentences).toEqual([
      'Ændringen siden 2. kvartal 2016 kan ikke opgøres, fordi tallet for det kvartal ikke vises af hensyn til diskretion.',
    ]);
  });

  it('never gives a difference that touches a suppressed cell, in any quarter of any fixture KPI', () => {
    let checked = 0;
    for (const kpi of fixtureResults.kpis) {
      kpi.trend.forEach((cell, i) => {
        const subject = { ...kpi, trend: kpi.trend.slice(0, i + 1) };
        const c = kpiChanges(subject, cell.quarter);
        for (const change of [c.previous, c.lastYear]) {
          const then = kpi.trend.find((q) => q.quarter === change.from);
          const published = !cell.suppressed && cell.value !== null && then !== undefined && !then.suppressed && then.value !== null;
          expect(change.delta !== undefined, `${kpi.id} ${cell.quarter} vs ${change.from}`).toBe(
            published && !(kpi.year_to_date && change.basis === 'previous_quarter'),
          );
          if (change.delta === undefined) expect(change.phrase).toBe('');
          checked++;
        }
        // A sentence without a difference has no number in it but quarters and years.
        for (const s of c.sentences.filter((s) => s.startsWith('Ændringen'))) expect(s.replace(/\d\. kvartal \d{4}/g, '')).not.toMatch(/\d/);
      });
    }
    expect(checked).toBe(fixtureResults.kpis.length * 8 * 2);
  });
});
