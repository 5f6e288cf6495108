import { describe, expect, it } from 'vitest';
import { assertMinCellSize, discloseQuarter, isPrimarySuppressed, suppressedGroups, type RawCell } from '../../functions/compute/disclosure.ts';

const share = (numerator: number, denominator: number): RawCell => ({
  value: denominator > 0 ? numerator / denominator : null,
  numerator,
  denominator,
});
const count = (c: number): RawCell => ({ value: c, numerator: c, denominator: null });
const hidden = { value: null, numerator: null, denominator: null, suppressed: true };
/** Hidden because it rests on under n persons, or only so that another hidden number cannot be worked out. */
const small = { ...hidden, suppressed_because: 'small' };
const complementary = { ...hidden, suppressed_because: 'complementary' };

describe('primary suppression', () => {
  it('hides counts 0 < c < n and nothing else', () => {
    expect([0, 1, 4, 5, 6].map((c) => isPrimarySuppressed(count(c), 5))).toEqual([false, true, true, false, false]);
    expect([1, 2, 3].map((c) => isPrimarySuppressed(count(c), 3))).toEqual([true, true, false]);
  });

  it('hides shares with a small denominator, numerator or remainder', () => {
    const cases: [number, number, boolean][] = [
      [0, 0, true], // empty population: denominator 0 < 5
      [0, 4, true], // denominator 4
      [0, 5, false],
      [5, 5, false], // 100 %: remainder 0
      [0, 10, false],
      [1, 10, true],
      [4, 10, true],
      [5, 10, false],
      [6, 10, true], // remainder 4
      [10, 10, false],
    ];
    for (const [num, den, suppressed] of cases) expect([num, den, isPrimarySuppressed(share(num, den), 5)]).toEqual([num, den, suppressed]);
  });

  it('uses the configured n: with n = 3, 2 and 8 of 10 are hidden, 3 and 7 are not', () => {
    expect([2, 3, 7, 8].map((num) => isPrimarySuppressed(share(num, 10), 3))).toEqual([true, false, false, true]);
    expect(isPrimarySuppressed(share(0, 3), 3)).toBe(false);
    expect(isPrimarySuppressed(share(0, 4), 5)).toBe(true);
  });
});

describe('the minimum cell size is never below 3', () => {
  it('rejects 2, 0 and fractions wherever n is used', () => {
    expect(() => assertMinCellSize(3)).not.toThrow();
    for (const n of [2, 0, -5, 4.5]) expect(() => assertMinCellSize(n)).toThrow(/mindst 3/);
    expect(() => isPrimarySuppressed(count(1), 2)).toThrow(/mindst 3/);
    expect(() => discloseQuarter({ total: share(2, 10), breakdowns: {} }, 2)).toThrow(/mindst 3/);
  });
});

describe('secondary suppression', () => {
  it('hides the other sex when one is hidden and the total is published', () => {
    // Total 12/20 published; K 3/8 hidden (numerator 3) → M 9/10 would give K as 12 − 9, so it goes too.
    const out = discloseQuarter(
      {
        total: share(12, 20),
        breakdowns: {
          sex: [
            { group: 'K', ...share(3, 8) },
            { group: 'M', ...share(9, 14) },
          ],
        },
      },
      5,
    );
    expect(out.total).toEqual({ value: 0.6, numerator: 12, denominator: 20, suppressed: false });
    expect(out.breakdowns.sex).toEqual([
      { group: 'K', ...small },
      { group: 'M', ...complementary },
    ]);
  });

  it('leaves the breakdown alone when the total itself is hidden', () => {
    // Total 6/8: remainder 2 → hidden. K 1/3 hidden, M 5/5 published: nothing to subtract from.
    const out = discloseQuarter(
      {
        total: share(6, 8),
        breakdowns: {
          sex: [
            { group: 'K', ...share(1, 3) },
            { group: 'M', ...share(5, 5) },
          ],
        },
      },
      5,
    );
    expect(out.total).toEqual(small);
    expect(out.breakdowns.sex).toEqual([
      { group: 'K', ...small },
      { group: 'M', value: 1, numerator: 5, denominator: 5, suppressed: false },
    ]);
  });

  it('publishes every group when none is hidden, and adds nothing when two already are', () => {
    expect(suppressedGroups([share(5, 10), share(0, 10)], false, 5)).toEqual([false, false]);
    expect(suppressedGroups([share(1, 10), share(2, 10), share(5, 10)], false, 5)).toEqual([true, true, false]);
  });

  it('picks the smallest other group by population, the earliest on a tie', () => {
    expect(suppressedGroups([share(2, 10), share(5, 20), share(5, 15)], false, 5)).toEqual([true, false, true]);
    expect(suppressedGroups([share(5, 10), share(5, 10), share(2, 10)], false, 5)).toEqual([true, false, true]);
  });

  it('applies to counts too, comparing the counts', () => {
    const out = discloseQuarter(
      {
        total: count(12),
        breakdowns: {
          sex: [
            { group: 'K', ...count(3) },
            { group: 'M', ...count(9) },
          ],
        },
      },
      5,
    );
    expect(out.total).toEqual({ value: 12, numerator: 12, denominator: null, suppressed: false });
    expect(out.breakdowns.sex).toEqual([
      { group: 'K', ...small },
      { group: 'M', ...complementary },
    ]);
    // A zero is not a small count: 0 and 7 both stand.
    const zero = discloseQuarter(
      {
        total: count(7),
        breakdowns: {
          sex: [
            { group: 'K', ...count(0) },
            { group: 'M', ...count(7) },
          ],
        },
      },
      5,
    );
    expect(zero.breakdowns.sex!.map((g) => g.suppressed)).toEqual([false, false]);
  });
});

describe('monthly KPIs', () => {
  it('are judged on the summed numerator and denominator, while the value stays the mean of months', () => {
    // Months 2/4, 3/4, 0/2: every month is below 5, the quarter 5/10 is not; value = (0.5 + 0.75 + 0) / 3.
    const monthly: RawCell = { value: (0.5 + 0.75 + 0) / 3, numerator: 5, denominator: 10 };
    expect(discloseQuarter({ total: monthly, breakdowns: {} }, 5).total).toEqual({
      value: 1.25 / 3,
      numerator: 5,
      denominator: 10,
      suppressed: false,
    });
    // Months 1/2, 1/2, 1/2: summed 3/6 has numerator 3 → hidden, though 3 of 6 and 50 % look harmless.
    expect(discloseQuarter({ total: { value: 0.5, numerator: 3, denominator: 6 }, breakdowns: {} }, 5).total).toEqual(small);
  });
});
