import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../engine/sql.ts';

/**
 * The floor the pipeline is measured against: DuckDB turning the CSV into Parquet with no
 * validation at all, in a fresh in-process instance. Returns seconds and the Parquet size.
 */
export async function bareCsvToParquet(csvPath: string, parquetPath: string): Promise<{ seconds: number; bytes: number }> {
  await mkdir(dirname(parquetPath), { recursive: true });
  await rm(parquetPath, { force: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const started = performance.now();
    await connection.run(`COPY (SELECT * FROM read_csv(${sqlString(csvPath)})) TO ${sqlString(parquetPath)} (FORMAT parquet)`);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, bytes: (await stat(parquetPath)).size };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
