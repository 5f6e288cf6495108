import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * DuckDB work spread over a fixed set of connections, one statement per connection at a time,
 * first come first served. With `threads = 1` each statement runs on one thread, so N
 * connections keep N cores busy while every statement's output stays the same from run to run.
 */
export class JobQueue {
  private readonly idle: DuckDBConnection[];
  private readonly waiting: ((connection: DuckDBConnection) => void)[] = [];

  constructor(connections: readonly DuckDBConnection[]) {
    this.idle = [...connections];
  }

  async run<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = this.idle.pop() ?? (await new Promise<DuckDBConnection>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(connection);
    } finally {
      const next = this.waiting.shift();
      if (next) next(connection);
      else this.idle.push(connection);
    }
  }
}
