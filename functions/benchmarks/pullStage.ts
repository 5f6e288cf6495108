import type { MunicipalityConfig } from '../config/municipality.ts';
import type { Log } from '../log.ts';
import type { Store } from '../store/store.ts';
import { comparisonAreas } from './areas.ts';
import type { BenchmarkPointer, BenchmarkPull } from './benchmarkPull.ts';
import type { BenchmarkDefinition } from './definitions.ts';
import { JobindsatsError, type JobindsatsClient } from './jobindsatsClient.ts';
import { BenchmarkPullError, pullBenchmarks } from './pull.ts';
import { benchmarkKeys, readNewestBenchmarks, writeBenchmarkPull } from './pullStore.ts';

export interface BenchmarksPullOptions {
  store: Store;
  client: JobindsatsClient;
  definitions: readonly BenchmarkDefinition[];
  config: MunicipalityConfig;
  log: Log;
  now?: () => Date;
}

export type BenchmarksPullOutcome =
  | { ok: true; pull: BenchmarkPull; key: string }
  | {
      ok: false;
      /** Danish, without the key: what went wrong and where. */
      message: string;
      /** `auth`, `rate_limited`, `timeout`, `shape`, `definition`, `data`, `store`, … */
      code: string;
      kpi?: string;
      /** The pull reports keep using. */
      previous?: Pick<BenchmarkPointer, 'pull_id' | 'retrieved_at'>;
    };

/**
 * The benchmarks stage, the same in the CLI and the Lambda: pull every definition for the
 * config's comparison areas, then write the pull and move the pointer. A failure is an outcome,
 * not an exception: nothing is written, the previous pull stays the newest, and the caller
 * reports it (exit code, log event for the alarm). Reports never wait for this stage.
 */
export async function runBenchmarksPull(options: BenchmarksPullOptions): Promise<BenchmarksPullOutcome> {
  const { store, log } = options;
  try {
    const pull = await pullBenchmarks({
      client: options.client,
      definitions: options.definitions,
      areas: comparisonAreas(options.config),
      now: options.now,
      log,
    });
    const { key } = await writeBenchmarkPull(store, pull);
    log.info(`Benchmarks hentet: ${pull.rows.length} rækker`, { pullId: pull.pull_id, rows: pull.rows.length, key });
    return { ok: true, pull, key };
  } catch (error) {
    const failure =
      error instanceof BenchmarkPullError
        ? { message: error.message, code: error.code, ...(error.kpi ? { kpi: error.kpi } : {}) }
        : error instanceof JobindsatsError
          ? { message: error.message, code: error.code }
          : { message: `lageret ${store.location} (${benchmarkKeys.prefix}): ${(error as Error).message}`, code: 'store' };
    return { ok: false, ...failure, ...(await previousPull(store)) };
  }
}

/** The pull still in use, if one can be read; a broken store must not hide the first error. */
async function previousPull(store: Store): Promise<{ previous?: Pick<BenchmarkPointer, 'pull_id' | 'retrieved_at'> }> {
  try {
    const pull = await readNewestBenchmarks(store);
    return pull ? { previous: { pull_id: pull.pull_id, retrieved_at: pull.retrieved_at } } : {};
  } catch {
    return {};
  }
}
