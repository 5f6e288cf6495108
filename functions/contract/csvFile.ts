import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { RowCounter } from '../deliveries/digest.ts';
import { PartWriter, type Part, type PartWriterOptions } from './parts.ts';
import { echoValue } from './echo.ts';
import { LineScanner } from './csvScan.ts';
import type { ExtractSpec } from './extracts.ts';
import type { RawProblem } from './validateMessages.ts';

/**
 * Reading a delivered CSV file per the file rules of extracts.md: UTF-8 with or without BOM,
 * else Windows-1252; UTF-16 with a BOM (Excel's "Unicode text") is decoded too. `,` or `;` is
 * detected from the header line; LF, CRLF and lone CR line ends are all read. Whatever the
 * file is, DuckDB only ever reads a UTF-8 text with LF or CRLF line ends that passed the
 * limits of csvScan.ts: the delivered file itself, or a decoded and normalised copy.
 */
export type Encoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';
export type Delimiter = ',' | ';';

export interface CsvFile {
  /** The delivered file name, e.g. `persons.csv`. */
  file: string;
  /** A UTF-8 file with the delivered content: the delivered file itself, or its decoded copy. */
  path: string;
  /** sha256 (hex) of the delivered bytes. */
  sha256: string;
  bytes: number;
  encoding: Encoding;
  delimiter: Delimiter;
  /** Header cells as delivered (BOM, spaces around and one pair of surrounding quotes removed). */
  header: string[];
  /** Lines after the header, without empty lines at the end: the rows validation reads. */
  dataRows: number;
  /**
   * The file's rows as its manifest counts them (deliveries/digest.ts): the same as dataRows
   * whenever the file could be read, and counted on the delivered bytes when it could not.
   */
  manifestRows: number;
  /** Empty lines between data lines: the fast path leaves such a file to line-exact validation. */
  blankLines: number;
  warnings: string[];
  /**
   * Problems found while reading (a line or column limit, a NUL byte, a broken encoding). A
   * file with any is rejected as it is: nothing else reads it.
   */
  problems: RawProblem[];
  totalProblems: number;
  /**
   * The file's text cut into parts for the fast path (ingest/parts.ts), when asked for and the
   * pass could cut them (a UTF-8 or UTF-16 file without problems); undefined otherwise.
   */
  parts?: Part[];
  /** The writer of those parts, to release each one when it has been read. */
  partWriter?: PartWriter;
}

/** What the pass does with the text besides scanning it: cut it into parts (ingest's fast path). */
export interface ScanOptions {
  parts?: Pick<PartWriterOptions, 'onPart' | 'maxAhead' | 'partBytes'>;
}

const CHUNK = 1 << 20;
const UTF8_BOM = '\uFEFF';

/**
 * One streaming pass over a delivered file: its SHA-256 and its rows as the manifest counts them
 * (the delivery check), its encoding, the limits and line ends (csvScan.ts), the header line,
 * and, when asked for, its text cut into parts for DuckDB (ingest/parts.ts). A UTF-16 file is
 * decoded to a UTF-8 copy in workDir in the same pass; a Windows-1252 file or one with lone CR
 * line ends gets its UTF-8/LF copy in a second pass (and no parts). Memory stays bounded by the
 * read chunk and the header line, whatever the file holds.
 */
export async function readCsvFile(path: string, file: string, workDir: string, options: ScanOptions = {}): Promise<CsvFile> {
  const hash = createHash('sha256');
  const utf8 = new Utf8Check();
  const scanner = new LineScanner();
  const problems: RawProblem[] = [];
  const copyPath = join(workDir, `${file}.utf8`);
  // Counts rows on the delivered bytes, as digest.ts does, for a file the scanner cannot read.
  const rawRows = new RowCounter();
  let form: 'sniff' | 'bytes' | 'utf-16le' | 'utf-16be' | 'unsupported' = 'sniff';
  let utf16: Utf16ToUtf8 | undefined;
  let writer: PartWriter | undefined;
  let bytes = 0;
  const size = options.parts ? (await stat(path)).size : 0;
  const partWriter = (totalBytes: number, wholeFile: string) => new PartWriter({ ...options.parts, dir: workDir, name: file, totalBytes, scanner, wholeFile });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      if (form === 'sniff') {
        form = sniff(chunk);
        if (form === 'unsupported') problems.push({ line: 0, rule: 'encoding_utf32' });
        if (form === 'utf-16le' || form === 'utf-16be') utf16 = new Utf16ToUtf8(form, createWriteStream(copyPath));
        // The cuts depend on the file's size alone: UTF-16 text is about half as many UTF-8 bytes.
        if (options.parts && form === 'bytes') writer = partWriter(size, path);
        if (options.parts && utf16) writer = partWriter(Math.floor(size / 2), copyPath);
      }
      if (form !== 'bytes') rawRows.push(chunk);
      if (form === 'bytes') {
        utf8.push(chunk);
        if (writer) await writer.push(chunk);
        else scanner.push(chunk);
      } else if (utf16 && !utf16.failed) {
        const text = utf16.push(chunk);
        if (text) await scanDecoded(await utf16.write(text), scanner, writer);
      }
    }
    if (utf16) {
      const rest = utf16.end();
      if (rest) await scanDecoded(await utf16.write(rest), scanner, writer);
      if (utf16.failed) problems.push({ line: 0, rule: 'encoding_utf16' });
    }
  } catch (error) {
    await writer?.abort();
    throw error;
  } finally {
    const last = await utf16?.close();
    if (last) await scanDecoded(last, scanner, writer);
  }

  const scan = scanner.end();
  const encoding: Encoding = form === 'utf-16le' || form === 'utf-16be' ? form : form === 'bytes' && !utf8.end() ? 'windows-1252' : 'utf-8';
  problems.push(...scan.problems);
  const totalProblems = problems.length - scan.problems.length + scan.totalProblems;
  const warnings: string[] = [];
  let readPath = path;
  if (utf16) {
    readPath = copyPath;
    if (!utf16.failed) warnings.push(`${file} er gemt som UTF-16 ("Unicode-tekst" i Excel) og er læst som sådan. Gem filen som "CSV UTF-8" næste gang.`);
  } else if (totalProblems === 0 && (encoding === 'windows-1252' || scan.loneCr)) {
    readPath = copyPath;
    await writeUtf8Copy(path, copyPath, encoding === 'windows-1252' ? 'windows-1252' : 'utf-8');
  }
  if (encoding === 'windows-1252') {
    warnings.push(`${file} er ikke gyldig UTF-8 og er læst som Windows-1252 (typisk en Excel-eksport). Gem filen som "CSV UTF-8" næste gang.`);
  }

  // The scanner saw UTF-8 for a UTF-16 file (it read the decoded text), else the delivered bytes.
  const headerLine = stripLineEnd(decode(dropUtf8Bom(scan.headerBytes), encoding === 'windows-1252' ? 'windows-1252' : 'utf-8'));
  const delimiter = detectDelimiter(headerLine);
  let trimmed = scan.trimmedFields;
  const header =
    headerLine === ''
      ? []
      : headerLine.split(delimiter).map((cell) => {
          const bare = trimBlanks(cell);
          if (bare !== cell) trimmed++;
          return unquote(bare);
        });
  if (trimmed > 0 && totalProblems === 0) {
    warnings.push(`${file}: ${trimmed} ${trimmed === 1 ? 'felt havde' : 'felter havde'} mellemrum før eller efter værdien; mellemrummene er fjernet.`);
  }
  // Parts are the file's text only when it is what DuckDB can read as it is.
  let parts: Part[] | undefined;
  if (writer) {
    if (totalProblems === 0 && readPath === (utf16 ? copyPath : path)) parts = await writer.end();
    else await writer.abort();
  }
  return {
    file,
    path: readPath,
    sha256: hash.digest('hex'),
    bytes,
    encoding,
    delimiter,
    header,
    dataRows: scan.dataRows,
    manifestRows: form === 'bytes' ? scan.dataRows : rawRows.rows(),
    blankLines: scan.blankLines,
    warnings,
    problems: problems.sort((a, b) => a.line - b.line),
    totalProblems,
    ...(parts ? { parts, partWriter: writer } : {}),
  };
}

/** Decoded UTF-16 text, line ends normalised, to the parts (which scan it) or the scanner. */
async function scanDecoded(text: Buffer, scanner: LineScanner, writer: PartWriter | undefined): Promise<void> {
  if (text.length === 0) return;
  if (writer) await writer.push(text);
  else scanner.push(text);
}

/** `;` when the header has more semicolons than commas; column names contain neither. */
export function detectDelimiter(headerLine: string): Delimiter {
  const count = (ch: string) => headerLine.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** One pair of surrounding double quotes, as Excel writes them, is not part of the value. */
export function unquote(cell: string): string {
  return cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1) : cell;
}

/** Spaces and tabs around a value are layout, not data (` M ` is `M`); the same as SQL `trim_cell`. */
export function trimBlanks(cell: string): string {
  return cell.replace(/^[ \t]+|[ \t]+$/g, '');
}

function stripLineEnd(line: string): string {
  const noBom = line.startsWith(UTF8_BOM) ? line.slice(1) : line;
  return noBom.endsWith('\r') ? noBom.slice(0, -1) : noBom;
}

function dropUtf8Bom(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

function decode(bytes: Buffer, encoding: 'utf-8' | 'windows-1252'): string {
  return encoding === 'utf-8' ? bytes.toString('utf8') : windows1252.decode(bytes);
}

/** The byte order mark decides; without one the file is read as UTF-8 (or Windows-1252). */
function sniff(first: Buffer): 'bytes' | 'utf-16le' | 'utf-16be' | 'unsupported' {
  const [a, b, c, d] = first;
  if ((a === 0xff && b === 0xfe && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) return 'unsupported';
  if (a === 0xff && b === 0xfe) return 'utf-16le';
  if (a === 0xfe && b === 0xff) return 'utf-16be';
  return 'bytes';
}

/**
 * Windows-1252 differs from Latin-1 in 0x80–0x9F (€, Š, ‚, …). Node 20's TextDecoder decodes
 * the label 'windows-1252' as Latin-1, so those 27 characters are mapped here.
 */
const C1_TO_WINDOWS_1252: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x83: 'ƒ',
  0x84: '„',
  0x85: '…',
  0x86: '†',
  0x87: '‡',
  0x88: 'ˆ',
  0x89: '‰',
  0x8a: 'Š',
  0x8b: '‹',
  0x8c: 'Œ',
  0x8e: 'Ž',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x98: '˜',
  0x99: '™',
  0x9a: 'š',
  0x9b: '›',
  0x9c: 'œ',
  0x9e: 'ž',
  0x9f: 'Ÿ',
};

const windows1252 = {
  decoder: new TextDecoder('windows-1252'),
  decode(bytes: Uint8Array): string {
    return this.decoder.decode(bytes).replace(/[\u0080-\u009f]/g, (ch) => C1_TO_WINDOWS_1252[ch.charCodeAt(0)] ?? ch);
  },
};

/**
 * Line ends as DuckDB reads them: a lone CR (old Mac) becomes LF, CRLF stays CRLF. A CR at
 * the end of one piece waits for the next, which may start with its LF.
 */
class LineEnds {
  private pendingCr = false;

  push(text: string): string {
    let t = this.pendingCr ? `\r${text}` : text;
    this.pendingCr = t.endsWith('\r');
    if (this.pendingCr) t = t.slice(0, -1);
    return t.replace(/\r(?!\n)/g, '\n');
  }

  end(): string {
    return this.pendingCr ? '\n' : '';
  }
}

/** The second pass for a Windows-1252 file or one with lone CRs: a UTF-8 copy with LF/CRLF line ends. */
async function writeUtf8Copy(from: string, to: string, encoding: 'utf-8' | 'windows-1252'): Promise<void> {
  const out = createWriteStream(to);
  const lineEnds = new LineEnds();
  // Windows-1252 is single-byte: every chunk decodes on its own. UTF-8 may split a character.
  const utf8 = new StringDecoder('utf8');
  try {
    for await (const chunk of createReadStream(from, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
      const text = lineEnds.push(encoding === 'windows-1252' ? windows1252.decode(chunk) : utf8.write(chunk));
      if (!out.write(text, 'utf8')) await once(out, 'drain');
    }
    out.write(lineEnds.push(encoding === 'utf-8' ? utf8.end() : '') + lineEnds.end(), 'utf8');
  } finally {
    out.end();
    await once(out, 'close');
  }
}

/**
 * UTF-16 (LE or BE, after its BOM) to UTF-8, streaming: a code unit or a surrogate pair may
 * straddle two chunks. Big-endian input is byte-swapped and decoded as little-endian. An
 * invalid sequence (a lone surrogate, an odd byte at the end) marks the file as failed.
 */
class Utf16ToUtf8 {
  failed = false;
  private readonly decoder = new TextDecoder('utf-16le', { fatal: true });
  private readonly lineEnds = new LineEnds();
  private odd: number | undefined;

  constructor(
    private readonly form: 'utf-16le' | 'utf-16be',
    private readonly out: WriteStream,
  ) {}

  /** The UTF-8 bytes of this chunk's complete characters, line ends as delivered (the scanner counts them). */
  push(chunk: Buffer): Buffer | undefined {
    let data = this.odd !== undefined ? Buffer.concat([Buffer.from([this.odd]), chunk]) : chunk;
    const even = data.length - (data.length % 2);
    this.odd = even < data.length ? data[even] : undefined;
    data = data.subarray(0, even);
    if (this.form === 'utf-16be') data = Buffer.from(data).swap16();
    try {
      return Buffer.from(this.decoder.decode(data, { stream: true }), 'utf8');
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  end(): Buffer | undefined {
    if (this.failed) return undefined;
    try {
      const rest = this.decoder.decode();
      if (this.odd !== undefined) throw new Error('odd byte');
      return rest ? Buffer.from(rest, 'utf8') : undefined;
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  /** The work copy gets the text with lone CRs made LF, as DuckDB must read it; returns what was written. */
  async write(utf8Text: Buffer): Promise<Buffer> {
    const text = Buffer.from(this.lineEnds.push(utf8Text.toString('utf8')), 'utf8');
    if (!this.out.write(text)) await once(this.out, 'drain');
    return text;
  }

  /** Closes the copy; returns the held-back line end it wrote last, if any. */
  async close(): Promise<Buffer> {
    const rest = Buffer.from(this.lineEnds.end(), 'utf8');
    this.out.end(rest);
    await once(this.out, 'close');
    return rest;
  }
}

/** Streaming UTF-8 validation; a multi-byte character may straddle two chunks. */
class Utf8Check {
  private carry: Buffer = Buffer.alloc(0);
  private valid = true;

  push(chunk: Buffer): void {
    if (!this.valid) return;
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeLength(data);
    this.valid = isUtf8(data.subarray(0, cut));
    this.carry = Buffer.from(data.subarray(cut));
  }

  end(): boolean {
    return this.valid && (this.carry.length === 0 || isUtf8(this.carry));
  }
}

/** Length of the prefix that does not end inside a multi-byte sequence. */
function completeLength(data: Buffer): number {
  for (let i = data.length - 1; i >= Math.max(0, data.length - 4); i--) {
    const byte = data[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + need > data.length ? i : data.length;
  }
  return data.length;
}

/** The header as a column name for messages: never a value that could carry a CPR. */
export function headerLabel(name: string): string | undefined {
  return echoValue(name);
}

export interface HeaderCheck {
  /** 1-based position in the delivered header of each contract column that is present. */
  columnIndex: Map<string, number>;
  /** Problems on line 1 (line 0 for an empty file), in column order, then missing columns. */
  problems: RawProblem[];
}

/**
 * Unknown columns are errors (they may be personal data nobody meant to send), every contract
 * column must be present, and no name may appear twice (the first one is validated).
 */
export function checkHeader(header: readonly string[], spec: ExtractSpec): HeaderCheck {
  const known = new Set(spec.columns.map((c) => c.name));
  const columnIndex = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  const problems: RawProblem[] = [];
  if (header.length === 0) return { columnIndex, problems: [{ line: 0, rule: 'empty_file' }] };
  header.forEach((name, i) => {
    const columnNumber = i + 1;
    const column = headerLabel(name);
    const first = firstSeen.get(name);
    if (name === '') problems.push({ line: 1, columnNumber, rule: 'header_empty_column' });
    else if (first !== undefined) problems.push({ line: 1, column, columnNumber, rule: 'duplicate_column', ref: first });
    else {
      firstSeen.set(name, columnNumber);
      if (known.has(name)) columnIndex.set(name, columnNumber);
      else problems.push({ line: 1, column, columnNumber, rule: 'unknown_column', shown: column });
    }
  });
  for (const c of spec.columns) if (!columnIndex.has(c.name)) problems.push({ line: 1, column: c.name, rule: 'missing_column' });
  return { columnIndex, problems };
}
