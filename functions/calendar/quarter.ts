/**
 * Quarters as integer indexes (year * 4 + quarter - 1), labelled `2017Q4` in data and
 * "4. kvartal 2017" for readers. `2017K4` (Danish "kvartal") is accepted on input.
 */

const QUARTER_PATTERN = /^(\d{4})[QqKk]([1-4])$/;

/** A quarter label as data and file names carry it: `2017Q4`. */
export const QUARTER_LABEL = /^\d{4}Q[1-4]$/;

/** A quarter typed by a person (`2017Q4`, `2017K4`); undefined when it is not one, for a usage error. */
export function parseQuarter(text: string): number | undefined {
  const m = QUARTER_PATTERN.exec(text.trim());
  return m ? Number(m[1]) * 4 + Number(m[2]) - 1 : undefined;
}

/**
 * A quarter label the program wrote itself (results, revisions, store keys): its index. Not a
 * quarter is a bug, never a reader's typo, so it throws.
 */
export function quarterIndex(label: string): number {
  const quarter = parseQuarter(label);
  if (quarter === undefined) throw new RangeError(`Ukendt kvartal «${label.slice(0, 16)}»: et kvartal skrives som 2017Q4`);
  return quarter;
}

export function quarterLabel(quarter: number): string {
  return `${Math.floor(quarter / 4)}Q${(quarter % 4) + 1}`;
}

export function quarterDanish(quarter: number): string {
  return `${(quarter % 4) + 1}. kvartal ${Math.floor(quarter / 4)}`;
}

/** Short form for chart axes: "4. kv. 2017". */
export function quarterDanishShort(quarter: number): string {
  return `${(quarter % 4) + 1}. kv. ${Math.floor(quarter / 4)}`;
}

export function quarterYear(quarter: number): number {
  return Math.floor(quarter / 4);
}

/** 1..4: how many quarters of its year have passed when this quarter ends. */
export function quartersElapsed(quarter: number): number {
  return (quarter % 4) + 1;
}

/** The months (month indexes) of a quarter. */
export function quarterMonths(quarter: number): [number, number, number] {
  const first = Math.floor(quarter / 4) * 12 + (quarter % 4) * 3;
  return [first, first + 1, first + 2];
}

/** The quarter and the `count - 1` quarters before it, oldest first. */
export function trendQuarters(quarter: number, count = 8): number[] {
  return Array.from({ length: count }, (_, i) => quarter - count + 1 + i);
}

export function monthLabel(month: number): string {
  return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
}
