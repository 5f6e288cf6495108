import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LineScanner } from './csvScan.ts';

/**
 * Cutting a file's text into parts, while it is read once, so DuckDB can convert the parts in
 * parallel, each with one thread: a single-threaded COPY writes the same Parquet bytes on every
 * run, a parallel one cuts its row groups where threads happen to finish. Where the cuts fall
 * depends on the text alone (the first line end at or after each k/n of its length, n from its
 * length, and the last part halved), never on the machine, its threads or how the file was read,
 * so the same delivery gives the same parts and the same curated bytes everywhere.
 *
 * The text also goes through the file's LineScanner here, cut at the same places, so each part
 * knows whether its cells need trimming or unquoting (the fast path reads clean parts with
 * typed columns directly).
 */

/** Text per part: ~7 parts for a municipality's 10 M person-weeks, ~80 for Copenhagen. */
export const PART_BYTES = 64 * 1024 * 1024;

const LF = 0x0a;

export interface Part {
  index: number;
  /** The part's text: a file in the work folder, or the whole (UTF-8) file when there is one part. */
  path: string;
  /** Whether this part starts with the header line (the first part). */
  hasHeader: boolean;
  /** No `"` and no field with spaces around it: cells are read as they are. */
  clean: boolean;
  /** Lines in the part, as the scanner counted them (empty lines included). */
  lines: number;
  /** Whether the part is a file written here (and so deleted after use). */
  written: boolean;
}

export interface PartWriterOptions {
  dir: string;
  /** Names the part files: `<name>.part-00000`. */
  name: string;
  /** The text's length, or an estimate that only depends on the file (it places the cuts). */
  totalBytes: number;
  partBytes?: number;
  scanner: LineScanner;
  /** The file DuckDB reads when the text is one part (nothing is written then). */
  wholeFile: string;
  /** Called as each part of several is complete on disk; the caller releases it when done. */
  onPart?: (part: Part, writer: PartWriter) => void;
  /** Parts written ahead of the ones released, at most: bounds the work folder. */
  maxAhead?: number;
}

export class PartWriter {
  readonly count: number;
  private readonly partBytes: number;
  private readonly cuts: number[];
  private offset = 0;
  private index = 0;
  private start = { quotes: 0, trimmedFields: 0, lines: 0 };
  private handle: FileHandle | undefined;
  private readonly parts: Part[] = [];
  private readonly released = new Set<number>();
  private waiting: { index: number; resolve: () => void } | undefined;
  /** Offset at or after which the current part may end at a line end. */
  private cutFrom: number;
  private aborted = false;

  constructor(private readonly options: PartWriterOptions) {
    this.partBytes = options.partBytes ?? PART_BYTES;
    const n = Math.max(1, Math.ceil(options.totalBytes / this.partBytes));
    // n equal parts, the last one cut in halves: the last part is the last to start converting,
    // so a smaller one ends the conversions sooner after the read.
    const at = n === 1 ? [] : [...Array.from({ length: n - 1 }, (_, i) => i + 1), n - 0.5];
    this.cuts = at.map((k) => Math.floor((k * options.totalBytes) / n));
    this.count = this.cuts.length + 1;
    this.cutFrom = this.cuts[0] ?? Number.POSITIVE_INFINITY;
  }

  /** The next piece of the text, in order. */
  async push(text: Buffer): Promise<void> {
    let from = 0;
    while (from < text.length) {
      if (this.count > 1 && !this.handle && !this.aborted) await this.openPart();
      // The cut: just after the first LF at or after cutFrom, if it is in this piece.
      let to = text.length;
      let cut = false;
      // this.offset is the stream offset of text[from].
      if (this.offset + (text.length - from) > this.cutFrom) {
        const lf = text.indexOf(LF, from + Math.max(0, this.cutFrom - this.offset));
        if (lf !== -1) {
          to = lf + 1;
          cut = true;
        }
      }
      const piece = text.subarray(from, to);
      this.options.scanner.push(piece);
      if (this.handle) await this.handle.write(piece);
      this.offset += piece.length;
      from = to;
      if (cut) await this.closePart();
    }
  }

  /** Every part, the last one closed; with one part, the whole file. Call after the scanner's end(). */
  async end(): Promise<Part[]> {
    if (this.count === 1 || this.aborted) {
      if (!this.aborted) this.parts.push(this.part(this.options.wholeFile, false));
      return this.parts;
    }
    // A part is opened when text arrives for it, so an open part is never empty.
    if (this.handle) await this.closePart();
    return this.parts;
  }

  /** The part is no longer needed: its file is deleted, and the writer may run further ahead. */
  async release(part: Part): Promise<void> {
    this.released.add(part.index);
    if (part.written) await rm(part.path, { force: true });
    if (this.waiting && this.released.has(this.waiting.index)) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve();
    }
  }

  /**
   * The text was not the file's (it turned out not to be UTF-8, or to need its line ends
   * normalised): no more parts are written, and those written are deleted.
   */
  async abort(): Promise<void> {
    this.aborted = true;
    await this.handle?.close();
    this.handle = undefined;
    for (const part of this.parts) if (part.written) await rm(part.path, { force: true });
    if (this.count > 1) await rm(this.pathOf(this.index), { force: true });
    this.waiting?.resolve();
  }

  private pathOf(index: number): string {
    return join(this.options.dir, `${this.options.name}.part-${String(index).padStart(5, '0')}`);
  }

  private async openPart(): Promise<void> {
    const behind = this.index - (this.options.maxAhead ?? 4);
    if (behind >= 0 && !this.released.has(behind)) {
      await new Promise<void>((resolve) => {
        this.waiting = { index: behind, resolve };
      });
    }
    this.handle = await open(this.pathOf(this.index), 'w');
  }

  private async closePart(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    const part = this.part(this.pathOf(this.index), true);
    this.parts.push(part);
    this.index++;
    this.cutFrom = this.cuts[this.index] ?? Number.POSITIVE_INFINITY;
    if (!this.aborted) this.options.onPart?.(part, this);
  }

  private part(path: string, written: boolean): Part {
    const now = this.options.scanner.counters();
    const part: Part = {
      index: this.index,
      path,
      hasHeader: this.index === 0,
      clean: now.quotes === this.start.quotes && now.trimmedFields === this.start.trimmedFields,
      lines: now.lines - this.start.lines,
      written,
    };
    this.start = now;
    return part;
  }
}
