import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

const FLUSH_AT = 1 << 20;

/**
 * A CSV file written in large chunks: rows collect in a string and go to the stream once a
 * megabyte has built up, waiting for the stream to drain, so 10 M rows never sit in memory.
 */
export class CsvWriter {
  private buffer: string;
  private readonly stream: WriteStream;
  rows = 0;

  constructor(path: string, header: readonly string[]) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    this.buffer = `${header.join(',')}\n`;
  }

  /** One row; `line` ends with `\n`. */
  write(line: string): void {
    this.buffer += line;
    this.rows++;
  }

  /** Hand the buffer to the stream when it is large; call between units of work. */
  async flushIfFull(): Promise<void> {
    if (this.buffer.length >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
