import type { CsvWriter } from './csvWriter.ts';
import type { Random } from './random.ts';
import { rowTails, weekCode, type OfferType, type Status, type Visitation } from './statuses.ts';
import { dateIn, isoYearOf, weekCells, WEEK_COUNT } from './timeline.ts';

export type IntegrationGroup = '' | 'flygtning' | 'familiesammenfoert';

interface OfferRow {
  type: OfferType;
  startWeek: number;
  startDate: string;
  /** Empty when the offer is still running at the end of the data. */
  endDate: string;
}

/**
 * The person being simulated: their weeks as status codes from their first week in scope,
 * and their offers. One record is reused for every person and written out before the next,
 * so memory stays flat at any scale.
 */
export class PersonRecord {
  id = '';
  sex: 'M' | 'K' = 'M';
  birthYear = 0;
  group: IntegrationGroup = '';
  arrivalDate = '';
  /** Simulation week of the first row. */
  start = 0;
  /** Weeks filled so far. */
  length = 0;
  /** Moved away or died: no rows after the last one. */
  ended = false;
  /** Simulation week the person reaches pension age (may lie beyond the data). */
  pensionAt = Number.POSITIVE_INFINITY;
  private readonly codes = new Uint8Array(WEEK_COUNT);
  private offers: OfferRow[] = [];

  reset(id: string, start: number): void {
    this.id = id;
    this.start = start;
    this.length = 0;
    this.ended = false;
    this.group = '';
    this.arrivalDate = '';
    this.pensionAt = Number.POSITIVE_INFINITY;
    this.offers = [];
  }

  /** The next simulation week to fill. */
  get next(): number {
    return this.start + this.length;
  }

  get done(): boolean {
    return this.ended || this.next >= WEEK_COUNT;
  }

  /** Age in simulation week t by the contract's rule: ISO year of the week − birth year. */
  age(t: number): number {
    return isoYearOf[Math.min(t, WEEK_COUNT - 1)]! - this.birthYear;
  }

  /** Up to `weeks` weeks of one status; returns how many fit before the end of the data. */
  fill(status: Status, visitation: Visitation, weeks: number): number {
    const code = weekCode(status, visitation);
    const n = Math.max(0, Math.min(weeks, WEEK_COUNT - this.next));
    this.codes.fill(code, this.length, this.length + n);
    this.length += n;
    return n;
  }

  /** Status code of simulation week t (which must already be filled). */
  codeAt(t: number): number {
    return this.codes[t - this.start]!;
  }

  /**
   * An offer covering simulation weeks startWeek..endWeek; an end beyond the data means it
   * is still running (empty end_date). Days are weekdays drawn inside the weeks.
   */
  addOffer(type: OfferType, startWeek: number, endWeek: number, rng: Random): void {
    const startDay = rng.int(0, 4);
    const endDate = endWeek >= WEEK_COUNT ? '' : dateIn(endWeek, endWeek === startWeek ? rng.int(startDay, 4) : rng.int(0, 4));
    this.offers.push({ type, startWeek, startDate: dateIn(startWeek, startDay), endDate });
  }

  /** The person's row in persons.csv, their weeks and their offers (by start date). */
  writeTo(persons: CsvWriter, weeks: CsvWriter, offers: CsvWriter): void {
    persons.write(`${this.id},${this.sex},${this.birthYear},${this.group},${this.arrivalDate}\n`);
    const prefix = `${this.id},`;
    for (let i = 0; i < this.length; i++) weeks.write(prefix + weekCells[this.start + i] + rowTails[this.codes[i]!]);
    this.offers.sort((a, b) => a.startWeek - b.startWeek || (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0));
    for (const offer of this.offers) offers.write(`${this.id},${offer.type},${offer.startDate},${offer.endDate}\n`);
  }
}
