import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LocalStore } from '../store/localStore.ts';
import { keys, type Store } from '../store/store.ts';
import { readSnapshotManifest } from './snapshot.ts';
import { CURATED_TABLES } from './curatedSchema.ts';
import { JobQueue } from './jobQueue.ts';
import { sqlString } from './sql.ts';
import type { Engine, SqlRow, SqlValue } from './engine.ts';
import { applyResources, engineResources, type EngineResources } from './resources.ts';

/**
 * DuckDB as the local engine. Curated Parquet is read in place from a local folder store;
 * from any other store (S3) the snapshot is staged into a temporary folder first. The engine
 * has the pipeline's memory limit and threads (resources.ts) and spills to its own folder.
 */
export class DuckDbEngine implements Engine {
  readonly name = 'duckdb' as const;
  private stagingDir: string | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connections: readonly DuckDBConnection[],
    private readonly store: Store | undefined,
    private readonly spillDir: string,
  ) {
    this.queue = new JobQueue(connections);
  }

  /** Queries that may run at once (each with the instance's threads). */
  static concurrency = 2;

  /** Hands out the connections, one query each at a time. */
  private readonly queue: JobQueue;

  static async open(store?: Store, options: { resources?: EngineResources } = {}): Promise<DuckDbEngine> {
    const spillDir = await mkdtemp(join(tmpdir(), 'pejlemaerke-duckdb-'));
    const resources = { ...(options.resources ?? engineResources()), tempDirectory: spillDir };
    const instance = await DuckDBInstance.create(':memory:');
    // Settings are the instance's: applied once, every connection runs with them.
    const first = await instance.connect();
    await applyResources(first, resources);
    const connections = [first];
    while (connections.length < DuckDbEngine.concurrency) connections.push(await instance.connect());
    return new DuckDbEngine(instance, connections, store, spillDir);
  }

  async useSnapshot(snapshot: string): Promise<void> {
    if (!this.store) throw new Error('DuckDbEngine.useSnapshot kræver et lager');
    // The snapshot's record lists each table's files; a folder without one has one file per table.
    const manifest = await readSnapshotManifest(this.store, snapshot);
    for (const table of CURATED_TABLES) {
      const files = manifest?.tables[table]?.files ?? [keys.curated(table, snapshot)];
      const paths: string[] = [];
      for (const key of files) paths.push(await this.localPath(key));
      // The folder is named snapshot=<id>; without this DuckDB would add a `snapshot` column.
      await this.exec(`CREATE OR REPLACE VIEW ${table} AS SELECT * FROM read_parquet([${paths.map(sqlString).join(', ')}], hive_partitioning = false)`);
    }
  }

  private async localPath(key: string): Promise<string> {
    if (this.store instanceof LocalStore) return this.store.pathOf(key);
    this.stagingDir ??= await mkdtemp(join(tmpdir(), 'pejlemaerke-stage-'));
    const path = join(this.stagingDir, key);
    await this.store!.getFile(key, path);
    return path;
  }

  /** Run statements that return nothing of interest (DDL, COPY). */
  async exec(sql: string): Promise<void> {
    await this.queue.run((c) => c.run(sql));
  }

  async query(sql: string): Promise<SqlRow[]> {
    const reader = await this.queue.run((c) => c.runAndReadAll(sql));
    return reader.getRowObjectsJS().map((row) => {
      const out: SqlRow = {};
      for (const [name, value] of Object.entries(row)) out[name] = toSqlValue(value);
      return out;
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.closeSync();
    this.instance.closeSync();
    if (this.stagingDir) await rm(this.stagingDir, { recursive: true, force: true });
    await rm(this.spillDir, { recursive: true, force: true });
  }
}

function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}
