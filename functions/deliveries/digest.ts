import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** What a manifest says of a file: its bytes' SHA-256 and its number of data rows. */
export interface FileDigest {
  sha256: string;
  bytes: number;
  /** Lines after the header, not counting empty lines at the very end of the file. */
  rows: number;
}

/**
 * Counts lines as a text editor does: LF, CRLF and a lone CR (old Mac exports) each end a
 * line. UTF-16 files (Excel's "Unicode text") are counted in 16-bit units after their BOM, so
 * their rows match what the exporter wrote. Empty lines at the end are not rows: Excel and
 * Notepad often leave one.
 */
export class RowCounter {
  private lines = 0;
  private trailingEmpty = 0;
  private lineLength = 0;
  private afterCr = false;
  private unit: 1 | 2 | undefined;
  private bigEndian = false;
  private odd: number | undefined;

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.unit === undefined) {
      if (data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))) {
        this.unit = 2;
        this.bigEndian = data[0] === 0xfe;
      } else this.unit = 1;
    }
    if (this.unit === 1) {
      this.pushBytes(data);
      return;
    }
    if (this.odd !== undefined) data = Buffer.concat([Buffer.from([this.odd]), data]);
    const even = data.length - (data.length % 2);
    for (let i = 0; i < even; i += 2) this.code(this.bigEndian ? (data[i]! << 8) | data[i + 1]! : data[i]! | (data[i + 1]! << 8));
    this.odd = even < data.length ? data[even] : undefined;
  }

  /** Byte units: jumps from line end to line end (indexOf), the bytes between only lengthen the line. */
  private pushBytes(data: Buffer): void {
    let i = 0;
    let lf = data.indexOf(0x0a);
    let cr = data.indexOf(0x0d);
    for (;;) {
      if (lf !== -1 && lf < i) lf = data.indexOf(0x0a, i);
      if (cr !== -1 && cr < i) cr = data.indexOf(0x0d, i);
      const next = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      const end = next === -1 ? data.length : next;
      if (end > i) {
        this.lineLength += end - i;
        this.afterCr = false;
      }
      if (next === -1) return;
      this.code(data[next]!);
      i = next + 1;
    }
  }

  private code(c: number): void {
    if (c === 0x0a) {
      if (this.afterCr) this.afterCr = false;
      else this.endLine();
    } else if (c === 0x0d) {
      this.endLine();
      this.afterCr = true;
    } else {
      this.lineLength++;
      this.afterCr = false;
    }
  }

  private endLine(): void {
    this.lines++;
    this.trailingEmpty = this.lineLength === 0 ? this.trailingEmpty + 1 : 0;
    this.lineLength = 0;
  }

  /** Data rows: every line but the header, without the empty lines at the end. */
  rows(): number {
    let lines = this.lines;
    let trailing = this.trailingEmpty;
    if (this.lineLength > 0) {
      lines++;
      trailing = 0;
    }
    return Math.max(0, lines - 1 - trailing);
  }
}

/** One streaming pass over a file: SHA-256, size and data rows, in constant memory. */
export async function digestStream(stream: Readable): Promise<FileDigest> {
  const hash = createHash('sha256');
  const counter = new RowCounter();
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    counter.push(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes, rows: counter.rows() };
}

export function digestFile(path: string): Promise<FileDigest> {
  return digestStream(createReadStream(path, { highWaterMark: 1 << 20 }));
}

/** The same rules on bytes in memory (tests, small files). */
export function digestBytes(bytes: Buffer): FileDigest {
  const counter = new RowCounter();
  counter.push(bytes);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, rows: counter.rows() };
}
