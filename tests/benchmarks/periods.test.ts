import { describe, expect, it } from 'vitest';
import { lastWeekOfMonth, lastWeekOfQuarter, weekInfo, weekLabelToWeek } from '../../functions/calendar/isoWeek.ts';
import { parseQuarter, quarterLabel, quarterIndex } from '../../functions/calendar/quarter.ts';
import { jobindsatsMonthCode, mapPeriods, newestPeriods, parseJobindsatsPeriod, type JobindsatsPeriod } from '../../functions/benchmarks/periods.ts';

function points(values: Record<string, number>): { period: JobindsatsPeriod; value: number }[] {
  return Object.entries(values).map(([code, value]) => ({ period: parseJobindsatsPeriod(code)!, value }));
}

describe('Jobindsats period codes', () => {
  it('reads months, quarters and running years, and nothing else', () => {
    expect(parseJobindsatsPeriod('2017M03')).toMatchObject({ type: 'M', month: 2017 * 12 + 2, quarter: parseQuarter('2017Q1') });
    expect(parseJobindsatsPeriod('2017Q4')).toMatchObject({ type: 'Q', quarter: parseQuarter('2017Q4') });
    expect(parseJobindsatsPeriod('2017QMAT12')).toMatchObject({ type: 'QMAT', month: 2017 * 12 + 11, quarter: parseQuarter('2017Q4') });
    for (const bad of ['2017M13', '2017M00', '2017Q5', '2017-03', '2017K4', '2017', '17M03', '2017QMAT13'])
      expect(parseJobindsatsPeriod(bad), bad).toBeUndefined();
    expect(parseJobindsatsPeriod('2017M03', 'Q')).toBeUndefined();
  });

  it('crosses the year end: December is the fourth quarter, January the first of the next year', () => {
    expect(quarterLabel(parseJobindsatsPeriod('2017M12')!.quarter)).toBe('2017Q4');
    expect(quarterLabel(parseJobindsatsPeriod('2018M01')!.quarter)).toBe('2018Q1');
    expect(parseJobindsatsPeriod('2018Q1')!.quarter - parseJobindsatsPeriod('2017Q4')!.quarter).toBe(1);
    expect(parseJobindsatsPeriod('2018M01')!.month! - parseJobindsatsPeriod('2017M12')!.month!).toBe(1);
    expect(jobindsatsMonthCode(2017 * 12 + 11)).toBe('2017M12');
    expect(jobindsatsMonthCode(2018 * 12)).toBe('2018M01');
    expect(jobindsatsMonthCode(2018 * 12, 'QMAT')).toBe('2018QMAT01');
  });

  it('puts a Jobindsats month in the same quarter as our KPI’s measuring week for that month, also at year ends', () => {
    // Our monthly KPIs measure in T(m), the last ISO week whose Thursday lies in m; Jobindsats
    // months are calendar months. Both must name the same month and quarter.
    for (const code of ['2015M12', '2016M01', '2017M12', '2018M01', '2018M12', '2019M01', '2020M12', '2021M01']) {
      const period = parseJobindsatsPeriod(code)!;
      const week = weekInfo(lastWeekOfMonth(period.month!));
      expect(week.month, code).toBe(period.month);
      expect(week.quarter, code).toBe(period.quarter);
    }
  });

  it('keeps the ISO rule at the edges: a week belongs to its Thursday’s month and quarter', () => {
    // 2015-W53 (Thursday 31 December 2015) is 2015Q4; 2019-W01 starts Monday 31 December 2018 but is 2019Q1;
    // 2020-W53 (Thursday 31 December 2020) is 2020Q4; 2018-W01 (Thursday 4 January) is 2018Q1.
    expect(quarterLabel(weekInfo(weekLabelToWeek('2015-W53')!).quarter)).toBe('2015Q4');
    expect(quarterLabel(weekInfo(weekLabelToWeek('2019-W01')!).quarter)).toBe('2019Q1');
    expect(quarterLabel(weekInfo(weekLabelToWeek('2020-W53')!).quarter)).toBe('2020Q4');
    expect(quarterLabel(weekInfo(weekLabelToWeek('2018-W01')!).quarter)).toBe('2018Q1');
    // So our 2017Q4 ends with 2017-W52 and 2018Q1 starts with 2018-W01, as Jobindsats' quarters do with the months.
    expect(weekInfo(lastWeekOfQuarter(quarterIndex('2017Q4'))).isoLabel).toBe('2017-W52');
    expect(weekInfo(lastWeekOfQuarter(quarterIndex('2017Q4')) + 1).isoLabel).toBe('2018-W01');
  });
});

describe('mapping Jobindsats periods onto ours', () => {
  it('averages a quarter’s three months, keeping the months, across the year end', () => {
    const mapped = mapPeriods(points({ '2017M10': 0.3, '2017M11': 0.33, '2017M12': 0.36, '2018M01': 0.4, '2018M02': 0.41, '2018M03': 0.45 }), {
      type: 'M',
      to: 'quarter',
      aggregate: 'mean',
    });
    expect(mapped.filter((m) => m.grain === 'month').map((m) => m.period)).toEqual(['2017-10', '2017-11', '2017-12', '2018-01', '2018-02', '2018-03']);
    const quarters = mapped.filter((m) => m.grain === 'quarter');
    expect(quarters.map((q) => q.period)).toEqual(['2017Q4', '2018Q1']);
    expect(quarters[0]!.value).toBeCloseTo(0.33, 10);
    expect(quarters[0]!.sources).toEqual(['2017M10', '2017M11', '2017M12']);
    expect(quarters[1]!.value).toBeCloseTo(0.42, 10);
  });

  it('gives no quarter mean when a month is missing, rather than two months against our three', () => {
    const mapped = mapPeriods(points({ '2017M11': 0.33, '2017M12': 0.36, '2018M01': 0.4 }), { type: 'M', to: 'quarter', aggregate: 'mean' });
    expect(mapped.filter((m) => m.grain === 'quarter')).toEqual([]);
  });

  it('takes the quarter’s last month for a measure taken at the quarter’s end', () => {
    const mapped = mapPeriods(points({ '2017M11': 0.2, '2017M12': 0.25, '2018M01': 0.3 }), { type: 'M', to: 'quarter', aggregate: 'last' });
    expect(mapped.filter((m) => m.grain === 'quarter')).toEqual([{ grain: 'quarter', period: '2017Q4', value: 0.25, sources: ['2017M12'] }]);
  });

  it('maps a running year ending in a quarter’s last month onto that quarter', () => {
    const mapped = mapPeriods(points({ '2017QMAT11': 0.17, '2017QMAT12': 0.18, '2018QMAT03': 0.19 }), { type: 'QMAT', to: 'quarter', aggregate: 'last' });
    expect(mapped.filter((m) => m.grain === 'quarter').map((m) => [m.period, m.value])).toEqual([
      ['2017Q4', 0.18],
      ['2018Q1', 0.19],
    ]);
  });

  it('passes quarters through', () => {
    expect(mapPeriods(points({ '2018Q1': 0.5, '2017Q4': 0.4 }), { type: 'Q', to: 'quarter', aggregate: 'mean' })).toEqual([
      { grain: 'quarter', period: '2017Q4', value: 0.4, sources: ['2017Q4'] },
      { grain: 'quarter', period: '2018Q1', value: 0.5, sources: ['2018Q1'] },
    ]);
  });

  it('picks the newest periods of a type from a table’s list, in time order', () => {
    const codes = ['2018M01', '2017M11', '2017Q4', '2017M12', '2016M12', 'x'];
    expect(newestPeriods(codes, 'M', 3).map((p) => p.code)).toEqual(['2017M11', '2017M12', '2018M01']);
    expect(newestPeriods(codes, 'Q', 5).map((p) => p.code)).toEqual(['2017Q4']);
  });
});
