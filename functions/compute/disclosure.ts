import type { Cell, GroupCell, Results } from './results.ts';

/**
 * Disclosure control (domain/kpis.md), the one place between compute and publish where true
 * numbers become publishable ones. Everything here is pure: numbers in, numbers out.
 */
export const DEFAULT_MIN_CELL_SIZE = 5;
export const SMALLEST_MIN_CELL_SIZE = 3;

/** A cell's true numbers. `denominator` is null for a count KPI (the count is the numerator). */
export interface RawCell {
  value: number | null;
  numerator: number;
  denominator: number | null;
}

export interface RawGroupCell extends RawCell {
  group: string;
}

/** One quarter of one KPI before disclosure: the total and, per breakdown, its groups. */
export interface RawQuarter {
  total: RawCell;
  breakdowns: Record<string, RawGroupCell[]>;
}

export interface DisclosedQuarter {
  total: Cell;
  breakdowns: Record<string, GroupCell[]>;
}

/** A smaller minimum cell size than 3 is never allowed, whatever a config says. */
export function assertMinCellSize(n: number): void {
  if (!Number.isInteger(n) || n < SMALLEST_MIN_CELL_SIZE) {
    throw new RangeError(`Mindste cellestørrelse skal være et helt tal på mindst ${SMALLEST_MIN_CELL_SIZE}, ikke ${n}`);
  }
}

const isSmall = (count: number, n: number) => count >= 1 && count <= n - 1;

/**
 * The primary rule: a count 0 < c < n; a share whose denominator is below n, or whose
 * numerator or (denominator − numerator) is 1..n−1. A monthly KPI passes its summed numbers.
 */
export function isPrimarySuppressed(cell: RawCell, n: number): boolean {
  assertMinCellSize(n);
  if (cell.denominator === null) return isSmall(cell.numerator, n);
  return cell.denominator < n || isSmall(cell.numerator, n) || isSmall(cell.denominator - cell.numerator, n);
}

/**
 * Which groups of a breakdown to suppress. When the total is published and exactly one group
 * is suppressed, the smallest other group goes too (the earliest on a tie), so the suppressed
 * one cannot be recovered as total minus the rest.
 */
export function suppressedGroups(groups: readonly RawCell[], totalSuppressed: boolean, n: number): boolean[] {
  const suppressed = groups.map((g) => isPrimarySuppressed(g, n));
  if (totalSuppressed || suppressed.filter(Boolean).length !== 1) return suppressed;
  let smallest = -1;
  groups.forEach((g, i) => {
    if (suppressed[i]) return;
    if (smallest === -1 || size(g) < size(groups[smallest]!)) smallest = i;
  });
  if (smallest !== -1) suppressed[smallest] = true;
  return suppressed;
}

/** Population size for a share, the count for a count KPI: what "smallest" compares. */
function size(cell: RawCell): number {
  return cell.denominator ?? cell.numerator;
}

export function publishCell(cell: RawCell, suppressed: boolean): Cell {
  return suppressed
    ? { value: null, numerator: null, denominator: null, suppressed: true }
    : { value: cell.value, numerator: cell.numerator, denominator: cell.denominator, suppressed: false };
}

/** Disclosure control for one quarter of one KPI: the total and every breakdown. */
export function discloseQuarter(raw: RawQuarter, n: number): DisclosedQuarter {
  const totalSuppressed = isPrimarySuppressed(raw.total, n);
  const breakdowns: Record<string, GroupCell[]> = {};
  for (const [breakdown, groups] of Object.entries(raw.breakdowns)) {
    const suppressed = suppressedGroups(groups, totalSuppressed, n);
    breakdowns[breakdown] = groups.map((g, i) => ({ ...publishCell(g, suppressed[i]!), group: g.group }));
  }
  return { total: publishCell(raw.total, totalSuppressed), breakdowns };
}

/**
 * Re-checks finished results as an outsider would read them: a suppressed cell carries no
 * number, a published one passes the primary rule, and no breakdown of a published total has
 * exactly one suppressed group. Returns what is wrong; empty means safe to write.
 */
export function disclosureViolations(results: Results): string[] {
  const n = results.min_cell_size;
  assertMinCellSize(n);
  const problems: string[] = [];
  for (const kpi of results.kpis) {
    const quarters = [{ ...kpi, quarter: results.quarter }, ...kpi.trend];
    for (const q of quarters) {
      const where = `${kpi.id} ${q.quarter}`;
      checkCell(q, kpi.unit, n, `${where} total`, problems);
      for (const [breakdown, groups] of Object.entries(q.breakdowns)) {
        groups.forEach((g) => checkCell(g, kpi.unit, n, `${where} ${breakdown}=${g.group}`, problems));
        if (!q.suppressed && groups.filter((g) => g.suppressed).length === 1) {
          problems.push(`${where} ${breakdown}: præcis én gruppe er diskretioneret, mens totalen er offentliggjort`);
        }
      }
    }
  }
  return problems;
}

function checkCell(cell: Cell, unit: 'share' | 'count', n: number, where: string, problems: string[]): void {
  if (cell.suppressed) {
    if (cell.value !== null || cell.numerator !== null || cell.denominator !== null) {
      problems.push(`${where}: diskretioneret celle har tal`);
    }
    return;
  }
  if (cell.numerator === null || (unit === 'share' && cell.denominator === null)) {
    problems.push(`${where}: offentliggjort celle mangler tal`);
    return;
  }
  const raw: RawCell = { value: cell.value, numerator: cell.numerator, denominator: unit === 'share' ? cell.denominator : null };
  if (unit === 'count' && cell.value !== cell.numerator) problems.push(`${where}: antal og værdi er forskellige`);
  if (isPrimarySuppressed(raw, n)) problems.push(`${where}: offentliggjort celle er under mindste cellestørrelse ${n}`);
}
