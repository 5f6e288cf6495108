import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDateTime,
  formatGoalShare,
  formatQuarter,
  formatQuarterShort,
  formatShare,
  formatSuppressed,
  goalNumber,
  joinDanish,
  shownNumber,
} from '../../functions/publish/format.ts';

describe('Danish numbers', () => {
  it('writes shares with one decimal, a decimal comma and "pct."', () => {
    expect(formatShare(0.391)).toBe('39,1 pct.');
    expect(formatShare(9 / 23)).toBe('39,1 pct.'); // 0.3913…
    expect(formatShare(0.02)).toBe('2,0 pct.');
    expect(formatShare(0.0205)).toBe('2,1 pct.'); // the printed decimal 2.05 rounds half up
    expect(formatShare(1)).toBe('100,0 pct.');
    expect(formatShare(0)).toBe('0,0 pct.');
    expect(formatShare(12.345)).toBe('1.234,5 pct.');
  });

  it('writes goal shares as plans do: no trailing zeros, up to two decimals', () => {
    expect(formatGoalShare(0.33)).toBe('33 pct.');
    expect(formatGoalShare(0.175)).toBe('17,5 pct.');
    expect(formatGoalShare((0.33 * 1) / 4)).toBe('8,25 pct.');
    expect(formatGoalShare(0.02)).toBe('2 pct.');
  });

  it('writes counts as integers with "." between thousands', () => {
    expect(formatCount(1234)).toBe('1.234');
    expect(formatCount(1234567)).toBe('1.234.567');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(33.75)).toBe('34');
  });

  it('writes a suppressed number with the configured minimum cell size', () => {
    expect(formatSuppressed(5)).toBe('under 5');
    expect(formatSuppressed(3)).toBe('under 3');
  });

  it('judges on the printed number: 32,96 % prints and counts as 33,0', () => {
    expect(shownNumber('share', 0.3296)).toBe(33);
    expect(shownNumber('share', 0.3294)).toBe(32.9);
    expect(goalNumber('share', 0.33)).toBe(33);
    expect(goalNumber('share', 0.07)).toBe(7); // 0.07 × 100 is 7.000000000000001 in floating point
    expect(shownNumber('count', 28)).toBe(28);
  });
});

describe('Danish periods and times', () => {
  it('names quarters in full and short', () => {
    expect(formatQuarter('2017Q4')).toBe('4. kvartal 2017');
    expect(formatQuarter('2018Q1')).toBe('1. kvartal 2018');
    expect(formatQuarterShort('2016Q2')).toBe('2. kv. 2016');
    expect(() => formatQuarter('2017Q5')).toThrow(/2017Q5/);
  });

  it('gives local Copenhagen time, winter (UTC+1) and summer (UTC+2)', () => {
    expect(formatDateTime('2018-01-15T06:30:00.000Z')).toBe('15. januar 2018 kl. 07.30');
    expect(formatDateTime('2017-07-01T22:05:00Z')).toBe('2. juli 2017 kl. 00.05');
  });

  it('joins lists the Danish way', () => {
    expect(joinDanish(['a'])).toBe('a');
    expect(joinDanish(['a', 'b'])).toBe('a og b');
    expect(joinDanish(['a', 'b', 'c'])).toBe('a, b og c');
  });
});
