import { quarterIndex } from '../calendar/quarter.ts';
import type { About, Unit } from './kpiDefinition.ts';
import type { Cell, GroupCell, Results, SuppressionReason } from './results.ts';

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
  const reasons: Reasons = groups.map((g) => (isPrimarySuppressed(g, n) ? 'small' : undefined));
  completeBreakdown(groups, reasons, totalSuppressed);
  return reasons.map((r) => r !== undefined);
}

/** Per cell: why it is suppressed, undefined while it is published. */
type Reasons = (SuppressionReason | undefined)[];

/** Population size for a share, the count for a count KPI: what "smallest" compares. */
function size(cell: RawCell): number {
  return cell.denominator ?? cell.numerator;
}

export function publishCell(cell: RawCell, because: SuppressionReason | undefined): Cell {
  return because
    ? { value: null, numerator: null, denominator: null, suppressed: true, suppressed_because: because }
    : { value: cell.value, numerator: cell.numerator, denominator: cell.denominator, suppressed: false };
}

/** Disclosure control for one quarter of one KPI about persons, with no history: the total and every breakdown. */
export function discloseQuarter(raw: RawQuarter, n: number): DisclosedQuarter {
  return discloseTrend([{ quarter: 0, raw }], { n, about: 'persons', yearToDate: false })[0]!;
}

export interface DisclosureRules {
  /** Minimum cell size. */
  n: number;
  about: About;
  /** Year-to-date KPIs about persons are controlled over time as well. */
  yearToDate: boolean;
}

/** A cell's published counts; `denominator` is null for a count KPI. */
export interface PublishedCounts {
  numerator: number;
  denominator: number | null;
}

/**
 * Every number already published for one KPI, from earlier results documents: cell
 * (`total` or `<breakdown>=<group>`) → quarter index → the counts published for it, one entry
 * per document that published the cell (revisions and later reports may differ).
 */
export type PublishedHistory = Map<string, Map<number, PublishedCounts[]>>;

export const TOTAL_CELL = 'total';
export const groupCellKey = (breakdown: string, group: string) => `${breakdown}=${group}`;

/** The published cells of one KPI in results documents (a suppressed cell published nothing). */
export function publishedHistory(documents: readonly Results[], kpiId: string): PublishedHistory {
  const history: PublishedHistory = new Map();
  const add = (key: string, quarter: number, cell: Cell) => {
    if (cell.suppressed || cell.numerator === null) return;
    let byQuarter = history.get(key);
    if (!byQuarter) {
      byQuarter = new Map();
      history.set(key, byQuarter);
    }
    const counts = { numerator: cell.numerator, denominator: cell.denominator };
    const seen = byQuarter.get(quarter) ?? [];
    if (!seen.some((c) => c.numerator === counts.numerator && c.denominator === counts.denominator)) byQuarter.set(quarter, [...seen, counts]);
  };
  for (const doc of documents) {
    for (const kpi of doc.kpis) {
      if (kpi.id !== kpiId) continue;
      for (const q of kpi.trend) {
        const quarter = quarterIndex(q.quarter);
        add(TOTAL_CELL, quarter, q);
        for (const [breakdown, groups] of Object.entries(q.breakdowns)) for (const g of groups) add(groupCellKey(breakdown, g.group), quarter, g);
      }
    }
  }
  return history;
}

/**
 * A year-to-date count may move from one published value to the next by 0 or by at least n
 * (kpis.md, "Over time"); anything else, a fall included, tells how many persons came or went.
 */
const safeStep = (from: number, to: number, n: number) => to === from || to - from >= n;

function safeSteps(earlier: PublishedCounts, later: PublishedCounts, n: number): boolean {
  if (!safeStep(earlier.numerator, later.numerator, n)) return false;
  return earlier.denominator === null || later.denominator === null || safeStep(earlier.denominator, later.denominator, n);
}

/**
 * The over-time rule for one cell in `quarter`: against every value published for the same
 * cell in the most recent earlier quarter of the same year that has one (this report's trend as
 * finally disclosed, or an earlier document), and, as no earlier document should be contradicted
 * either, against every value documents published for the nearest later quarter of that year.
 */
function overTimeSafe(
  counts: PublishedCounts,
  quarter: number,
  n: number,
  cell: { trend: Map<number, PublishedCounts[]> | undefined; documents: Map<number, PublishedCounts[]> | undefined },
): boolean {
  const firstOfYear = Math.floor(quarter / 4) * 4;
  for (let q = quarter - 1; q >= firstOfYear; q--) {
    const earlier = [...(cell.trend?.get(q) ?? []), ...(cell.documents?.get(q) ?? [])];
    if (earlier.length === 0) continue;
    if (!earlier.every((e) => safeSteps(e, counts, n))) return false;
    break;
  }
  for (let q = quarter + 1; q < firstOfYear + 4; q++) {
    const later = cell.documents?.get(q) ?? [];
    if (later.length === 0) continue;
    return later.every((l) => safeSteps(counts, l, n));
  }
  return true;
}

/**
 * Disclosure control for a KPI's whole trend (oldest quarter first), the one place where true
 * numbers become publishable ones (kpis.md):
 * - counts of companies are published as they are;
 * - per quarter, the share rule (isPrimarySuppressed) on the total and every group;
 * - for a year-to-date KPI about persons, then the over-time rule: each count minus the same
 *   cell's most recent published value earlier in the year (`published` documents and this
 *   trend as finally disclosed) must be 0 or at least n, else the cell is suppressed, and a
 *   total suppressed so takes its groups with it;
 * - then the breakdown rule (suppressedGroups).
 * A later quarter compares with what was finally published for the earlier ones.
 */
export function discloseTrend(
  quarters: readonly { quarter: number; raw: RawQuarter }[],
  rules: DisclosureRules,
  published: PublishedHistory = new Map(),
): DisclosedQuarter[] {
  const { n } = rules;
  assertMinCellSize(n);
  if (rules.about === 'companies') {
    return quarters.map(({ raw }) => ({
      total: publishCell(raw.total, undefined),
      breakdowns: Object.fromEntries(
        Object.entries(raw.breakdowns).map(([b, groups]) => [b, groups.map((g) => ({ ...publishCell(g, undefined), group: g.group }))]),
      ),
    }));
  }
  const overTime = rules.yearToDate;
  // This trend's finally published counts, per cell and quarter, for the quarters after them.
  const mine: PublishedHistory = new Map();
  const remember = (key: string, quarter: number, cell: RawCell) => {
    if (!mine.has(key)) mine.set(key, new Map());
    mine.get(key)!.set(quarter, [{ numerator: cell.numerator, denominator: cell.denominator }]);
  };
  const unsafe = (key: string, quarter: number, cell: RawCell) =>
    overTime &&
    !overTimeSafe({ numerator: cell.numerator, denominator: cell.denominator }, quarter, n, { trend: mine.get(key), documents: published.get(key) });

  return quarters.map(({ quarter, raw }) => {
    const totalPrimary = isPrimarySuppressed(raw.total, n);
    const totalOverTime = !totalPrimary && unsafe(TOTAL_CELL, quarter, raw.total);
    const totalReason: SuppressionReason | undefined = totalPrimary ? 'small' : totalOverTime ? 'complementary' : undefined;
    if (!totalReason) remember(TOTAL_CELL, quarter, raw.total);
    const breakdowns: Record<string, GroupCell[]> = {};
    for (const [breakdown, groups] of Object.entries(raw.breakdowns)) {
      const reasons: Reasons = groups.map((g) => {
        if (isPrimarySuppressed(g, n)) return 'small';
        return totalOverTime || unsafe(groupCellKey(breakdown, g.group), quarter, g) ? 'complementary' : undefined;
      });
      completeBreakdown(groups, reasons, totalReason !== undefined);
      breakdowns[breakdown] = groups.map((g, i) => {
        if (!reasons[i]) remember(groupCellKey(breakdown, g.group), quarter, g);
        return { ...publishCell(g, reasons[i]), group: g.group };
      });
    }
    return { total: publishCell(raw.total, totalReason), breakdowns };
  });
}

/**
 * The breakdown rule on groups already judged: when the total is published and exactly one
 * group is suppressed, the smallest other group goes too (the earliest on a tie).
 */
function completeBreakdown(groups: readonly RawCell[], reasons: Reasons, totalSuppressed: boolean): void {
  if (totalSuppressed || reasons.filter((r) => r !== undefined).length !== 1) return;
  let smallest = -1;
  groups.forEach((g, i) => {
    if (reasons[i]) return;
    if (smallest === -1 || size(g) < size(groups[smallest]!)) smallest = i;
  });
  if (smallest !== -1) reasons[smallest] = 'complementary';
}

/**
 * Re-checks finished results as an outsider would read them: a suppressed cell carries no
 * number; for KPIs about persons, a published cell passes the share rule, no breakdown of a
 * published total has exactly one suppressed group, and a year-to-date KPI's published counts
 * move by 0 or at least n from the most recent earlier published value in the year (in this
 * trend or in the `published` documents), a total recoverable as the sum of its published
 * groups counting as published. Returns what is wrong; empty means safe to write.
 */
export function disclosureViolations(results: Results, published: readonly Results[] = []): string[] {
  const n = results.min_cell_size;
  assertMinCellSize(n);
  const problems: string[] = [];
  for (const kpi of results.kpis) {
    const aboutPersons = kpi.about !== 'companies';
    const quarters = [{ ...kpi, quarter: results.quarter }, ...kpi.trend];
    for (const q of quarters) {
      const where = `${kpi.id} ${q.quarter}`;
      checkCell(q, kpi.unit, n, `${where} total`, problems, aboutPersons);
      for (const [breakdown, groups] of Object.entries(q.breakdowns)) {
        for (const g of groups) checkCell(g, kpi.unit, n, `${where} ${breakdown}=${g.group}`, problems, aboutPersons);
        if (aboutPersons && !q.suppressed && groups.filter((g) => g.suppressed).length === 1) {
          problems.push(`${where} ${breakdown}: præcis én gruppe er diskretioneret, mens totalen er offentliggjort`);
        }
      }
    }
    if (aboutPersons && kpi.year_to_date) problems.push(...overTimeViolations(kpi, n, publishedHistory(published, kpi.id)));
  }
  return problems;
}

/** The over-time rule along one KPI's published trend, as disclosureViolations reads it. */
function overTimeViolations(kpi: Results['kpis'][number], n: number, published: PublishedHistory): string[] {
  const problems: string[] = [];
  const shown: PublishedHistory = new Map();
  const show = (key: string, quarter: number, counts: PublishedCounts) => {
    if (!shown.has(key)) shown.set(key, new Map());
    shown.get(key)!.set(quarter, [counts]);
  };
  const counts = (cell: Cell): PublishedCounts | undefined =>
    cell.suppressed || cell.numerator === null ? undefined : { numerator: cell.numerator, denominator: kpi.unit === 'share' ? cell.denominator : null };
  for (const q of kpi.trend) {
    const quarter = quarterIndex(q.quarter);
    const cells: [string, PublishedCounts | undefined][] = [[TOTAL_CELL, counts(q)]];
    for (const [breakdown, groups] of Object.entries(q.breakdowns)) {
      const groupCounts = groups.map(counts);
      groups.forEach((g, i) => {
        cells.push([groupCellKey(breakdown, g.group), groupCounts[i]]);
      });
      // A suppressed total whose groups are all published is published all the same: their sum.
      if (cells[0]![1] === undefined && groups.length > 0 && groupCounts.every((c) => c !== undefined)) {
        const sum = (pick: (c: PublishedCounts) => number | null) => groupCounts.reduce((s, c) => s + (pick(c!) ?? 0), 0);
        cells[0] = [TOTAL_CELL, { numerator: sum((c) => c.numerator), denominator: kpi.unit === 'share' ? sum((c) => c.denominator) : null }];
      }
    }
    for (const [key, value] of cells) {
      if (!value) continue;
      if (!overTimeSafe(value, quarter, n, { trend: shown.get(key), documents: published.get(key) })) {
        problems.push(`${kpi.id} ${q.quarter} ${key}: ændringen fra det senest offentliggjorte tal i året er mellem 1 og ${n - 1} (eller negativ)`);
      }
      show(key, quarter, value);
    }
  }
  return problems;
}

function checkCell(cell: Cell, unit: Unit, n: number, where: string, problems: string[], aboutPersons: boolean): void {
  if (!cell.suppressed && cell.suppressed_because !== undefined) problems.push(`${where}: offentliggjort celle har en grund til diskretion`);
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
  if (aboutPersons && isPrimarySuppressed(raw, n)) problems.push(`${where}: offentliggjort celle er under mindste cellestørrelse ${n}`);
}
