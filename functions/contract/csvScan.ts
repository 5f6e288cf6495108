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

export interface ScanResult {
  /** Line 1 without its line end, as delivered bytes (at most MAX_LINE_BYTES + 1 of them). */
  headerBytes: Buffer;
  /** Data rows: lines after the header, without empty lines at the end (digest.ts's count). */
  dataRows: number;
  /** A CR that is not followed by LF ends a line: the file needs its line ends normalised. */
  loneCr: boolean;
  /** Fields of data lines with spaces or tabs before or after the value (they are trimmed). */
  trimmedFields: number;
  /** Problems that stop the file here, in line order; the first MAX_REPORTED_PROBLEMS. */
  problems: RawProblem[];
  totalProblems: number;
}

const isBlank = (byte: number) => byte === SPACE || byte === TAB;

type Flag = 'long' | 'wide' | 'nul';

export class LineScanner {
  private line = 1;
  private lines = 0;
  private trailingEmpty = 0;
  private lineBytes = 0;
  private afterCr = false;
  private loneCr = false;
  private readonly header: Buffer[] = [];
  private headerBytes = 0;
  private headerCommas = 0;
  private headerSemicolons = 0;
  /** The delimiter byte, known once the header line has ended. */
  private delimiter = -1;
  private fields = 1;
  private fieldBytes = 0;
  private fieldFirst = 0;
  private fieldLast = 0;
  private trimmedFields = 0;
  /** Kinds of problem already reported on the current line. */
  private readonly flagged = new Set<Flag>();
  private readonly problems: RawProblem[] = [];
  private totalProblems = 0;

  push(chunk: Uint8Array): void {
    let headerFrom = this.line === 1 ? 0 : -1;
    // Hot loop: plain locals, written back at line ends and at the end of the chunk.
    let lineBytes = this.lineBytes;
    let fieldBytes = this.fieldBytes;
    let fieldFirst = this.fieldFirst;
    let fieldLast = this.fieldLast;
    let fields = this.fields;
    let afterCr = this.afterCr;
    const sync = () => {
      this.lineBytes = lineBytes;
      this.fieldBytes = fieldBytes;
      this.fieldFirst = fieldFirst;
      this.fieldLast = fieldLast;
      this.fields = fields;
    };
    const load = () => {
      lineBytes = this.lineBytes;
      fieldBytes = this.fieldBytes;
      fields = this.fields;
    };
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === LF || byte === CR) {
        if (byte === LF && afterCr) {
          afterCr = false;
          continue;
        }
        if (headerFrom >= 0) this.keepHeader(chunk.subarray(headerFrom, i));
        headerFrom = -1;
        sync();
        this.endLine();
        load();
        afterCr = byte === CR;
        continue;
      }
      if (afterCr) {
        this.loneCr = true;
        afterCr = false;
      }
      lineBytes++;
      if (lineBytes === MAX_LINE_BYTES + 1) this.flag('long', 'line_too_long');
      if (byte === NUL) this.flag('nul', 'nul_byte');
      if (this.delimiter < 0) {
        if (byte === COMMA) this.headerCommas++;
        else if (byte === SEMICOLON) this.headerSemicolons++;
      } else if (byte === this.delimiter) {
        if (fieldBytes > 0 && (isBlank(fieldFirst) || isBlank(fieldLast))) this.trimmedFields++;
        fieldBytes = 0;
        if (++fields === MAX_COLUMNS + 1) this.flag('wide', 'too_many_columns');
      } else {
        if (fieldBytes === 0) fieldFirst = byte;
        fieldLast = byte;
        fieldBytes++;
      }
    }
    this.afterCr = afterCr;
    sync();
    if (headerFrom >= 0) this.keepHeader(chunk.subarray(headerFrom));
  }

  end(): ScanResult {
    if (this.afterCr) this.loneCr = true;
    if (this.lineBytes > 0) this.endLine();
    else if (this.line === 1) this.chooseDelimiter();
    return {
      headerBytes: Buffer.concat(this.header),
      dataRows: Math.max(0, this.lines - 1 - this.trailingEmpty),
      loneCr: this.loneCr,
      trimmedFields: this.trimmedFields,
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

  private endLine(): void {
    if (this.line === 1) {
      this.chooseDelimiter();
      const columns = (this.delimiter === SEMICOLON ? this.headerSemicolons : this.headerCommas) + 1;
      if (columns > MAX_COLUMNS) this.flag('wide', 'too_many_columns');
    } else if (this.fieldBytes > 0 && (isBlank(this.fieldFirst) || isBlank(this.fieldLast))) this.trimmedFields++;
    this.trailingEmpty = this.lineBytes === 0 ? this.trailingEmpty + 1 : 0;
    this.lines++;
    this.line++;
    this.lineBytes = 0;
    this.fields = 1;
    this.fieldBytes = 0;
    if (this.flagged.size > 0) this.flagged.clear();
  }

  /** The same choice as csvFile.ts `detectDelimiter` on the decoded header: `;` when it is more frequent. */
  private chooseDelimiter(): void {
    if (this.delimiter < 0) this.delimiter = this.headerSemicolons > this.headerCommas ? SEMICOLON : COMMA;
  }

  /** One problem of each kind per line; the list is capped, the count is not. */
  private flag(kind: Flag, rule: 'line_too_long' | 'too_many_columns' | 'nul_byte'): void {
    if (this.flagged.has(kind)) return;
    this.flagged.add(kind);
    this.totalProblems++;
    if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push({ line: this.line, rule });
  }
}
