import { monthLabel, quarterLabel } from '../calendar/quarter.ts';

/**
 * Jobindsats period codes and how they map onto our labels. Jobindsats writes months
 * `2017M03`, quarters `2017Q4` and twelve-month running totals `2017QMAT03` (the year ending
 * with March 2017); we write months `2017-03` and quarters `2017Q4`. Jobindsats months are
 * calendar months; our monthly KPIs measure in the month's last ISO week (by its Thursday), so
 * a month means the same month in both, even when its last days fall in next year's week 1.
 */

export type PeriodType = 'M' | 'Q' | 'QMAT';

export interface JobindsatsPeriod {
  type: PeriodType;
  code: string;
  /** Month index (year · 12 + month − 1) for M and QMAT (the running year's last month). */
  month?: number;
  /** Quarter index (year · 4 + quarter − 1): the quarter the period is, or ends in. */
  quarter: number;
}

const PATTERNS: { type: PeriodType; pattern: RegExp }[] = [
  { type: 'QMAT', pattern: /^(\d{4})QMAT(0[1-9]|1[0-2])$/ },
  { type: 'M', pattern: /^(\d{4})M(0[1-9]|1[0-2])$/ },
  { type: 'Q', pattern: /^(\d{4})Q([1-4])$/ },
];

/** A Jobindsats period code, or undefined for a code of another type or an unknown form. */
export function parseJobindsatsPeriod(code: string, type?: PeriodType): JobindsatsPeriod | undefined {
  for (const p of PATTERNS) {
    if (type !== undefined && p.type !== type) continue;
    const m = p.pattern.exec(code.trim());
    if (!m) continue;
    const year = Number(m[1]);
    if (p.type === 'Q') return { type: 'Q', code, quarter: year * 4 + Number(m[2]) - 1 };
    const month = year * 12 + Number(m[2]) - 1;
    return { type: p.type, code, month, quarter: monthQuarter(month) };
  }
  return undefined;
}

/** The Jobindsats code for one of our months. */
export function jobindsatsMonthCode(month: number, type: 'M' | 'QMAT' = 'M'): string {
  return `${Math.floor(month / 12)}${type}${String((month % 12) + 1).padStart(2, '0')}`;
}

export function monthQuarter(month: number): number {
  return Math.floor(month / 12) * 4 + Math.floor((month % 12) / 3);
}

/** How a definition turns Jobindsats periods into ours. */
export interface PeriodMapping {
  type: PeriodType;
  /** Our grain for the comparison: the KPI's quarter, or also its months. */
  to: 'quarter' | 'month';
  /** Months → quarter: `mean` of all three months (our monthly KPIs), or the quarter's `last` month. */
  aggregate: 'mean' | 'last';
}

/** One value in our terms, with the Jobindsats periods it was made from. */
export interface MappedValue {
  grain: 'month' | 'quarter';
  /** `2017-03` or `2017Q4`. */
  period: string;
  value: number;
  sources: string[];
}

/**
 * Jobindsats values onto our months and quarters. Month-like series keep their months and,
 * for `to: quarter`, gain a quarter value: the mean of the quarter's three months (only when
 * all three are published, so a quarter is never two months compared with our three), or its
 * last month. A QMAT value is a running year, so only `last` makes sense for it.
 */
export function mapPeriods(points: readonly { period: JobindsatsPeriod; value: number }[], mapping: PeriodMapping): MappedValue[] {
  const sorted = [...points].sort((a, b) => (a.period.month ?? a.period.quarter * 3) - (b.period.month ?? b.period.quarter * 3));
  if (mapping.type === 'Q') {
    return sorted.map(({ period, value }) => ({ grain: 'quarter', period: quarterLabel(period.quarter), value, sources: [period.code] }));
  }
  const months: MappedValue[] = sorted.map(({ period, value }) => ({ grain: 'month', period: monthLabel(period.month!), value, sources: [period.code] }));
  if (mapping.to === 'month') return months;

  const byQuarter = new Map<number, { period: JobindsatsPeriod; value: number }[]>();
  for (const point of sorted) byQuarter.set(point.period.quarter, [...(byQuarter.get(point.period.quarter) ?? []), point]);
  const quarters: MappedValue[] = [];
  for (const [quarter, inQuarter] of [...byQuarter].sort((a, b) => a[0] - b[0])) {
    const lastMonth = Math.floor(quarter / 4) * 12 + (quarter % 4) * 3 + 2;
    if (mapping.aggregate === 'last') {
      const last = inQuarter.find((p) => p.period.month === lastMonth);
      if (last) quarters.push({ grain: 'quarter', period: quarterLabel(quarter), value: last.value, sources: [last.period.code] });
    } else if (inQuarter.length === 3) {
      const mean = inQuarter.reduce((s, p) => s + p.value, 0) / 3;
      quarters.push({ grain: 'quarter', period: quarterLabel(quarter), value: mean, sources: inQuarter.map((p) => p.period.code) });
    }
  }
  return [...months, ...quarters];
}

/** The newest `count` periods of a type from a table's list, oldest first. */
export function newestPeriods(codes: readonly string[], type: PeriodType, count: number): JobindsatsPeriod[] {
  const parsed = codes.map((c) => parseJobindsatsPeriod(c, type)).filter((p): p is JobindsatsPeriod => p !== undefined);
  const key = (p: JobindsatsPeriod) => p.month ?? p.quarter;
  return parsed.sort((a, b) => key(a) - key(b)).slice(-count);
}
