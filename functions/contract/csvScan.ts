import { MAX_REPORTED_PROBLEMS } from './problems.ts';
import type { RawProblem } from './validateMessages.ts';

/**
 * The streaming pre-pass over a delivered file's text (UTF-8 or another ASCII-compatible
 * encoding), before anything reads it whole: file limits, line ends, trailing empty lines,
 * spaces around values. Constant memory, whatever the file holds.
 *
 * Limits (extract contract): a line is at most MAX_LINE_BYTES bytes and has at most
 * MAX_COLUMNS fields. The contract's longest line is about 300 bytes and its widest extract
 * has 5 columns, so only a broken or hostile file comes near them. A file over a limit is
 * rejected naming the line, and is never handed to the SQL engine.
 *
 * Lines are counted as a text editor (and functions/deliveries/digest.ts) counts them: LF,
 * CRLF and a lone CR (old Mac exports) each end a line, and empty lines at the very end of
 * the file are not rows.
 */
export const MAX_LINE_BYTES = 65_536;
export const MAX_COLUMNS = 100;

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const SPACE = 0x20;
const TAB = 0x09;
const NUL = 0x00;
const QUOTE = 0x22;

export interface ScanResult {
  /** Line 1 without its line end, as delivered bytes (at most MAX_LINE_BYTES + 1 of them). */
  headerBytes: Buffer;
  /** Data rows: lines after the header, without empty lines at the end (digest.ts's count). */
  dataRows: number;
  /** A CR that is not followed by LF ends a line: the file needs its line ends normalised. */
  loneCr: boolean;
  /** Fields of data lines with spaces or tabs before or after the value (they are trimmed). */
  trimmedFields: number;
  /** Empty lines between data lines (not the ones at the end): each is a `blank_line` problem. */
  blankLines: number;
  /** `"` bytes anywhere in the file (Excel quotes a cell now and then). */
  quotes: number;
  /** Problems that stop the file here, in line order; the first MAX_REPORTED_PROBLEMS. */
  problems: RawProblem[];
  totalProblems: number;
}

const isBlank = (byte: number | undefined) => byte === SPACE || byte === TAB;

/** Bytes the scan stops at; every other byte (nearly all of them) costs one table lookup. */
const EVENT = new Uint8Array(256);
const [ON_LF, ON_CR, ON_NUL, ON_COMMA, ON_SEMICOLON, ON_BLANK] = [1, 2, 3, 4, 5, 6] as const;
EVENT[LF] = ON_LF;
EVENT[CR] = ON_CR;
EVENT[NUL] = ON_NUL;
EVENT[COMMA] = ON_COMMA;
EVENT[SEMICOLON] = ON_SEMICOLON;
EVENT[SPACE] = ON_BLANK;
EVENT[TAB] = ON_BLANK;

type Flag = 'long' | 'wide' | 'nul';

export class LineScanner {
  /** Stream offset of the current chunk's first byte. */
  private offset = 0;
  /** The byte before the current chunk (line-end and trim decisions look one byte back). */
  private lastByte: number | undefined;
  /** A CR ended the previous chunk: the next byte says whether it was CRLF or a lone CR. */
  private crAtEnd = false;
  private line = 1;
  private lineStart = 0;
  private lines = 0;
  private trailingEmpty = 0;
  private loneCr = false;
  private readonly header: Buffer[] = [];
  private headerBytes = 0;
  private headerCommas = 0;
  private headerSemicolons = 0;
  /** The delimiter's event, known once the header line has ended. */
  private delimiter = 0;
  private fields = 1;
  private fieldStart = 0;
  private fieldTrimmed = false;
  private trimmedFields = 0;
  /** Empty lines after the header so far; those not at the end of the file are blank lines. */
  private emptyDataLines = 0;
  private quotes = 0;
  /** Kinds of problem already reported on the current line. */
  private readonly flagged = new Set<Flag>();
  private readonly problems: RawProblem[] = [];
  private totalProblems = 0;

  /** Counters that only grow, for a caller that cuts the text into parts and needs each part's share. */
  counters(): { quotes: number; trimmedFields: number; lines: number } {
    return { quotes: this.quotes, trimmedFields: this.trimmedFields, lines: this.lines };
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const offset = this.offset;
    for (let q = chunk.indexOf(QUOTE); q !== -1; q = chunk.indexOf(QUOTE, q + 1)) this.quotes++;
    let i = 0;
    if (this.crAtEnd) {
      this.crAtEnd = false;
      if (chunk[0] === LF) {
        // The LF of a CRLF split over two chunks.
        i = 1;
        this.lineStart = this.fieldStart = offset + 1;
      } else this.loneCr = true;
    }
    // The header line, or a line begun in the previous chunk, byte by byte to its end.
    if (this.line === 1 || offset > this.lineStart) {
      const lf = chunk.indexOf(LF, i);
      i = this.scan(chunk, i, lf === -1 ? chunk.length : lf + 1);
    }
    // Then line by line: a line with no CR, NUL, space or tab inside and shorter than
    // MAX_COLUMNS bytes (so it cannot have too many fields) needs no look at its bytes. Nearly
    // every line of an export is one; the rest are scanned byte by byte.
    // (No closures in this loop: tsx's keepNames wraps each one created, per line.)
    let cr = chunk.indexOf(CR, i);
    let nul = chunk.indexOf(NUL, i);
    let space = chunk.indexOf(SPACE, i);
    let tab = chunk.indexOf(TAB, i);
    while (i < chunk.length) {
      const lf = chunk.indexOf(LF, i);
      if (lf === -1) {
        this.scan(chunk, i, chunk.length);
        break;
      }
      const end = lf > i && chunk[lf - 1] === CR ? lf - 1 : lf;
      if (cr !== -1 && cr < i) cr = chunk.indexOf(CR, i);
      if (nul !== -1 && nul < i) nul = chunk.indexOf(NUL, i);
      if (space !== -1 && space < i) space = chunk.indexOf(SPACE, i);
      if (tab !== -1 && tab < i) tab = chunk.indexOf(TAB, i);
      const plain =
        end - i < MAX_COLUMNS && (cr === -1 || cr >= end) && (nul === -1 || nul >= end) && (space === -1 || space >= end) && (tab === -1 || tab >= end);
      if (!plain) {
        i = this.scan(chunk, i, lf + 1);
        continue;
      }
      if (end === i) {
        this.trailingEmpty++;
        if (this.line > 1) this.emptyDataLines++;
      } else this.trailingEmpty = 0;
      this.lines++;
      this.line++;
      this.lineStart = this.fieldStart = offset + lf + 1;
      i = lf + 1;
    }
    if (this.line === 1) this.keepHeader(chunk.subarray(Math.max(0, this.lineStart - offset)));
    if (offset + chunk.length - this.lineStart > MAX_LINE_BYTES) this.flag('long', 'line_too_long');
    this.lastByte = chunk[chunk.length - 1];
    this.offset += chunk.length;
  }

  /** chunk[from, to) byte by byte, stopping only at the bytes in EVENT; returns `to`. */
  private scan(chunk: Uint8Array, from: number, to: number): number {
    const offset = this.offset;
    for (let i = from; i < to; i++) {
      const event = EVENT[chunk[i]!]!;
      if (event === 0) continue;
      const at = offset + i;
      const before = i > 0 ? chunk[i - 1] : this.lastByte;
      switch (event) {
        case ON_LF:
          if (before === CR) {
            // The LF of a CRLF: the CR has ended the line already.
            this.lineStart = this.fieldStart = at + 1;
            break;
          }
          this.endLine(chunk, i, before);
          break;
        case ON_CR:
          this.endLine(chunk, i, before);
          if (i + 1 < chunk.length) {
            if (chunk[i + 1] !== LF) this.loneCr = true;
          } else this.crAtEnd = true;
          break;
        case ON_NUL:
          this.flag('nul', 'nul_byte');
          break;
        case ON_BLANK:
          if (at === this.fieldStart) this.fieldTrimmed = true;
          break;
        default:
          if (this.delimiter === 0) {
            if (event === ON_COMMA) this.headerCommas++;
            else this.headerSemicolons++;
          } else if (event === this.delimiter) {
            this.endField(at, before);
            if (++this.fields === MAX_COLUMNS + 1) this.flag('wide', 'too_many_columns');
          }
      }
    }
    return to;
  }

  end(): ScanResult {
    if (this.crAtEnd) this.loneCr = true;
    if (this.offset > this.lineStart) this.endLine(new Uint8Array(0), 0, this.lastByte);
    else if (this.line === 1) this.chooseDelimiter();
    return {
      headerBytes: Buffer.concat(this.header),
      dataRows: Math.max(0, this.lines - 1 - this.trailingEmpty),
      loneCr: this.loneCr,
      trimmedFields: this.trimmedFields,
      blankLines: this.emptyDataLines - Math.min(this.trailingEmpty, Math.max(0, this.lines - 1)),
      quotes: this.quotes,
      problems: this.problems,
      totalProblems: this.totalProblems,
    };
  }

  private keepHeader(part: Uint8Array): void {
    const room = MAX_LINE_BYTES + 1 - this.headerBytes;
    if (room <= 0 || part.length === 0) return;
    const kept = Buffer.from(part.subarray(0, room));
    this.header.push(kept);
    this.headerBytes += kept.length;
  }

  /** Closes the field ending at stream offset `at` (exclusive); `before` is the byte before it. */
  private endField(at: number, before: number | undefined): void {
    if (at > this.fieldStart && isBlank(before)) this.fieldTrimmed = true;
    if (this.fieldTrimmed) this.trimmedFields++;
    this.fieldTrimmed = false;
    this.fieldStart = at + 1;
  }

  /** The line ends before chunk[i] (a CR or LF, or the end of the file). */
  private endLine(chunk: Uint8Array, i: number, before: number | undefined): void {
    const at = this.offset + i;
    const length = at - this.lineStart;
    if (length > MAX_LINE_BYTES) this.flag('long', 'line_too_long');
    if (this.line === 1) {
      this.keepHeader(chunk.subarray(Math.max(0, this.lineStart - this.offset), i));
      this.chooseDelimiter();
      const columns = (this.delimiter === ON_SEMICOLON ? this.headerSemicolons : this.headerCommas) + 1;
      if (columns > MAX_COLUMNS) this.flag('wide', 'too_many_columns');
    } else if (length > 0) this.endField(at, before);
    if (length === 0) {
      this.trailingEmpty++;
      if (this.line > 1) this.emptyDataLines++;
    } else this.trailingEmpty = 0;
    this.lines++;
    this.line++;
    this.lineStart = at + 1;
    this.fieldStart = at + 1;
    this.fieldTrimmed = false;
    this.fields = 1;
    if (this.flagged.size > 0) this.flagged.clear();
  }

  /** The same choice as csvFile.ts `detectDelimiter` on the decoded header: `;` when it is more frequent. */
  private chooseDelimiter(): void {
    if (this.delimiter === 0) this.delimiter = this.headerSemicolons > this.headerCommas ? ON_SEMICOLON : ON_COMMA;
  }

  /** One problem of each kind per line; the list is capped, the count is not. */
  private flag(kind: Flag, rule: 'line_too_long' | 'too_many_columns' | 'nul_byte'): void {
    if (this.flagged.has(kind)) return;
    this.flagged.add(kind);
    this.totalProblems++;
    if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push({ line: this.line, rule });
  }
}
