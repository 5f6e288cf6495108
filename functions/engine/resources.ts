import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../usageError.ts';

/**
 * How much memory and how many threads the pipeline may use, set explicitly on every DuckDB
 * instance it opens (ingest and the local compute engine), so a delivery of any size is
 * processed in bounded memory: DuckDB spills to `temp_directory` instead of growing.
 *
 * The bound is for the whole process (Node and DuckDB together, peak RSS), 1.5 GiB unless
 * `--max-memory` (CLI) or `PEJLEMAERKE_MAX_MEMORY` says otherwise. On Lambda, without either,
 * it follows the function's memory (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`), keeping a fifth for the
 * runtime and the page cache of /tmp. DuckDB gets half of the bound: the rest is Node's heap
 * and modules (~200 MiB), and what DuckDB allocates outside its buffer manager (the Parquet
 * writers' pages, the CSV readers' buffers), which grows with the number of threads.
 */
export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;
export const DEFAULT_MEMORY_BOUND = 1.5 * GIB;
/** Below this DuckDB cannot sort or join the calendar-sized tables comfortably. */
export const MIN_MEMORY_BOUND = 512 * MIB;
/** The share of the bound DuckDB's own memory_limit gets. */
const DUCKDB_SHARE = 0.5;
/** On Lambda, the share of the function's memory the bound takes. */
const LAMBDA_SHARE = 0.8;

export const MEMORY_ENV = 'PEJLEMAERKE_MAX_MEMORY';
export const THREADS_ENV = 'PEJLEMAERKE_THREADS';

export interface EngineResources {
  /** The process's memory bound (peak RSS), bytes. */
  boundBytes: number;
  /** DuckDB's memory_limit, bytes. */
  memoryLimitBytes: number;
  threads: number;
  /** Where DuckDB spills. */
  tempDirectory: string;
  /** Where the bound came from, for logs and the bench. */
  source: 'default' | 'env' | 'lambda' | 'option';
}

const SIZE = /^\s*(\d+(?:[.,]\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\s*$/i;
const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: MIB,
  mb: 1000 ** 2,
  mib: MIB,
  g: GIB,
  gb: 1000 ** 3,
  gib: GIB,
  t: 1024 * GIB,
  tb: 1000 ** 4,
  tib: 1024 * GIB,
};

/** `1.5GiB`, `1536MiB`, `2G`, `800MB` → bytes; a plain number is MiB. Undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text);
  if (!match) return undefined;
  const unit = match[2]?.toLowerCase() ?? 'mib';
  const bytes = Math.round(Number(match[1]!.replace(',', '.')) * UNITS[unit]!);
  return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
}

/** `1610612736` → `1.5 GiB`, `805306368` → `768 MiB`. */
export function formatSize(bytes: number): string {
  return bytes >= GIB ? `${Number((bytes / GIB).toFixed(2))} GiB` : `${Math.round(bytes / MIB)} MiB`;
}

export interface ResourceOptions {
  /** Scratch folder; DuckDB spills under it. Default: the OS temp folder. */
  workDir?: string;
  /** An explicit bound (bytes), e.g. from a test; wins over the environment. */
  boundBytes?: number;
  env?: NodeJS.ProcessEnv;
}

/** The resources for one DuckDB instance, from the options, the environment and the machine. */
export function engineResources(options: ResourceOptions = {}): EngineResources {
  const env = options.env ?? process.env;
  let boundBytes: number;
  let source: EngineResources['source'];
  if (options.boundBytes !== undefined) {
    boundBytes = options.boundBytes;
    source = 'option';
  } else if (env[MEMORY_ENV]) {
    const parsed = parseSize(env[MEMORY_ENV]!);
    if (parsed === undefined) throw new UsageError(`${MEMORY_ENV}=${env[MEMORY_ENV]} er ikke en hukommelsesstørrelse; skriv fx 1.5GiB eller 2048MiB.`);
    boundBytes = parsed;
    source = 'env';
  } else if (env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) {
    boundBytes = Math.floor(Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) * MIB * LAMBDA_SHARE);
    source = 'lambda';
  } else {
    boundBytes = DEFAULT_MEMORY_BOUND;
    source = 'default';
  }
  if (!(boundBytes >= MIN_MEMORY_BOUND)) {
    throw new UsageError(`Hukommelsesgrænsen ${formatSize(boundBytes)} er for lille; Pejlemærke skal have mindst ${formatSize(MIN_MEMORY_BOUND)}.`);
  }
  const requestedThreads = env[THREADS_ENV] ? Number(env[THREADS_ENV]) : availableParallelism();
  const threads = Number.isInteger(requestedThreads) && requestedThreads >= 1 ? Math.min(requestedThreads, 64) : availableParallelism();
  return {
    boundBytes,
    memoryLimitBytes: Math.floor(boundBytes * DUCKDB_SHARE),
    threads,
    tempDirectory: join(options.workDir ?? tmpdir(), 'duckdb-spill'),
    source,
  };
}

/** The settings as SQL for one connection (they are global to the DuckDB instance). */
export function resourceSettingsSql(resources: EngineResources, overrides: { threads?: number } = {}): string {
  const path = resources.tempDirectory.replaceAll("'", "''");
  return [
    `SET memory_limit = '${Math.floor(resources.memoryLimitBytes / MIB)}MiB'`,
    `SET threads = ${overrides.threads ?? resources.threads}`,
    `SET temp_directory = '${path}'`,
    // Order-preserving operators buffer less when they may spill; the bound is the point.
    `SET preserve_insertion_order = true`,
  ].join(';\n');
}

export async function applyResources(connection: DuckDBConnection, resources: EngineResources, overrides: { threads?: number } = {}): Promise<void> {
  await connection.run(resourceSettingsSql(resources, overrides));
}
