import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { isEchoable } from './cpr.ts';
import type { ExtractSpec } from './extracts.ts';
import type { RawProblem } from './validateMessages.ts';

/**
 * Reading a delivered CSV file per the file rules of extracts.md: UTF-8 with or without BOM,
 * else Windows-1252 (decoded to a UTF-8 copy that DuckDB reads), `,` or `;` detected from the
 * header line, LF or CRLF (DuckDB handles both).
 */
export type Encoding = 'utf-8' | 'windows-1252';
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
  /** Header cells as delivered (BOM and one pair of surrounding quotes removed). */
  header: string[];
  warnings: string[];
}

const CHUNK = 1 << 20;
const MAX_HEADER_BYTES = 1 << 20;
const UTF8_BOM = '\uFEFF';

/**
 * One streaming pass: content hash, UTF-8 check and the header line. A second pass writes a
 * UTF-8 copy into workDir only when the file is not UTF-8.
 */
export async function readCsvFile(path: string, file: string, workDir: string): Promise<CsvFile> {
  const hash = createHash('sha256');
  const utf8 = new Utf8Check();
  const headerChunks: Buffer[] = [];
  let headerBytes = 0;
  let headerDone = false;
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    utf8.push(chunk);
    bytes += chunk.length;
    if (!headerDone) {
      const newline = chunk.indexOf(0x0a);
      const part = newline >= 0 ? chunk.subarray(0, newline) : chunk;
      headerChunks.push(Buffer.from(part));
      headerBytes += part.length;
      headerDone = newline >= 0 || headerBytes >= MAX_HEADER_BYTES;
    }
  }
  const isUtf8File = utf8.end();
  const encoding: Encoding = isUtf8File ? 'utf-8' : 'windows-1252';
  const warnings: string[] = [];
  let readPath = path;
  if (!isUtf8File) {
    readPath = join(workDir, `${file}.utf8`);
    await decodeWindows1252(path, readPath);
    warnings.push(`${file} er ikke gyldig UTF-8 og er læst som Windows-1252 (typisk en Excel-eksport). Gem filen som "CSV UTF-8" næste gang.`);
  }
  const headerLine = stripLineEnd(decode(Buffer.concat(headerChunks), encoding));
  const delimiter = detectDelimiter(headerLine);
  const header = headerLine === '' ? [] : headerLine.split(delimiter).map(unquote);
  return { file, path: readPath, sha256: hash.digest('hex'), bytes, encoding, delimiter, header, warnings };
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

function stripLineEnd(line: string): string {
  const noBom = line.startsWith(UTF8_BOM) ? line.slice(1) : line;
  return noBom.endsWith('\r') ? noBom.slice(0, -1) : noBom;
}

function decode(bytes: Buffer, encoding: Encoding): string {
  return encoding === 'utf-8' ? bytes.toString('utf8') : windows1252.decode(bytes);
}

/**
 * Windows-1252 differs from Latin-1 in 0x80–0x9F (€, Š, ‚, …). Node 20's TextDecoder decodes
 * the label 'windows-1252' as Latin-1, so those 27 characters are mapped here.
 */
const C1_TO_WINDOWS_1252: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰',
  0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•',
  0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

const windows1252 = {
  decoder: new TextDecoder('windows-1252'),
  decode(bytes: Uint8Array): string {
    return this.decoder.decode(bytes).replace(/[\u0080-\u009f]/g, (ch) => C1_TO_WINDOWS_1252[ch.charCodeAt(0)] ?? ch);
  },
};

async function decodeWindows1252(from: string, to: string): Promise<void> {
  // Single-byte encoding: every chunk decodes on its own, no state across chunk borders.
  const toUtf8 = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, Buffer.from(windows1252.decode(chunk), 'utf8'));
    },
  });
  await pipeline(createReadStream(from, { highWaterMark: CHUNK }), toUtf8, createWriteStream(to));
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
  return isEchoable(name) ? name : undefined;
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
