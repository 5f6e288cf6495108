import { quarterDanish, quarterDanishShort, quarterIndex } from '../calendar/quarter.ts';
import type { SuppressionReason } from '../compute/results.ts';
import type { Unit } from '../compute/kpiDefinition.ts';

/**
 * Danish formatting for readers: "39,1 pct.", "1.234", "under 5", "4. kvartal 2017".
 * Digits come from a fixed en-US formatter and the Danish separators are put in here, so the
 * output does not depend on the CLDR data of the machine that publishes.
 */

const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'];

const integerDigits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0, useGrouping: true });
const percentOneDecimal = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: true });
const percentUpToTwoDecimals = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 2, useGrouping: true });
const percentExact = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 6, useGrouping: false });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: true });

/** "1,234.5" (en-US) → "1.234,5". */
function danishSeparators(text: string): string {
  return text.replace(/[,.]/g, (c) => (c === ',' ? '.' : ','));
}

function percentText(formatter: Intl.NumberFormat, fraction: number): string {
  return `${danishSeparators(formatter.format(fraction).replace('%', ''))} pct.`;
}

/** A result share: always one decimal, "39,1 pct.". */
export function formatShare(fraction: number): string {
  return percentText(percentOneDecimal, fraction);
}

/** A goal share as written in plans: "33 pct.", "17,5 pct.", "8,25 pct.". */
export function formatGoalShare(fraction: number): string {
  return percentText(percentUpToTwoDecimals, fraction);
}

/** A count with thousands separator, "1.234"; rounded to an integer. */
export function formatCount(count: number): string {
  return danishSeparators(integerDigits.format(count));
}

/**
 * A number replaced by disclosure control: "under 5" when it rests on fewer persons, "skjult"
 * when it is hidden so that another hidden number cannot be worked out (it may be large).
 */
export function formatSuppressed(minCellSize: number, because: SuppressionReason = 'small'): string {
  return because === 'small' ? `under ${minCellSize}` : 'skjult';
}

/** A size of a change in percentage points, always one decimal as shares are printed: "2,3". */
export function formatPoints(points: number): string {
  return danishSeparators(oneDecimal.format(points));
}

export function formatValue(unit: Unit, value: number): string {
  return unit === 'share' ? formatShare(value) : formatCount(value);
}

export function formatGoalValue(unit: Unit, value: number): string {
  return unit === 'share' ? formatGoalShare(value) : formatCount(value);
}

/**
 * The number a reader sees, in the unit they see it in (percent points for shares), so that
 * a status is judged on the printed figure: 32,96 % prints as "33,0 pct." and meets 33 pct.
 */
export function shownNumber(unit: Unit, value: number): number {
  if (unit === 'count') return Math.round(value);
  return Number(percentOneDecimal.format(value).replace(/[%,]/g, ''));
}

/** A goal or threshold in the same unit as `shownNumber`, without rounding it. */
export function goalNumber(unit: Unit, value: number): number {
  return unit === 'count' ? value : Number(percentExact.format(value).replace('%', ''));
}

/** "2017Q4" → "4. kvartal 2017". */
export function formatQuarter(label: string): string {
  return quarterDanish(quarterIndex(label));
}

/** "2017Q4" → "4. kv. 2017", for axes and tables. */
export function formatQuarterShort(label: string): string {
  return quarterDanishShort(quarterIndex(label));
}

const copenhagenParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Copenhagen',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** An ISO instant as Danish local time: "15. januar 2018 kl. 11.05". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Ugyldigt tidspunkt: ${iso}`);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(copenhagenParts.formatToParts(date).find((p) => p.type === type)?.value);
  const minute = String(part('minute')).padStart(2, '0');
  const hour = String(part('hour')).padStart(2, '0');
  return `${part('day')}. ${MONTHS[part('month') - 1]} ${part('year')} kl. ${hour}.${minute}`;
}

/** An ISO date or instant as a Danish date in Copenhagen: "3. februar 2018". */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Ugyldig dato: ${iso}`);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(copenhagenParts.formatToParts(date).find((p) => p.type === type)?.value);
  return `${part('day')}. ${MONTHS[part('month') - 1]} ${part('year')}`;
}

/** "a", "a og b", "a, b og c". */
export function joinDanish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} og ${items[items.length - 1]}`;
}
