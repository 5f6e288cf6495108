import type { BenchmarkPull } from '../benchmarks/benchmarkPull.ts';
import type { BenchmarkDefinition } from '../benchmarks/definitions.ts';
import { benchmarkKeys, readNewestBenchmarks } from '../benchmarks/pullStore.ts';
import type { MunicipalityConfig } from '../config/municipality.ts';
import type { Manifest } from '../deliveries/manifest.ts';
import type { Engine } from '../engine/engine.ts';
import { LOG_EVENTS } from '../lambda/logEvents.ts';
import { silentLog, type Log } from '../log.ts';
import type { Draft } from '../publish/draft.ts';
import type { Store } from '../store/store.ts';
import { codeVersion, generatedAt } from '../version.ts';
import { compute } from './compute.ts';
import type { Results } from './results.ts';
import type { Kpi } from './kpiDefinition.ts';

/** Compute for one snapshot and quarter, frozen as the draft that publish or a preview takes. */
export async function computeDraft(options: {
  store: Store;
  openEngine: (store: Store) => Promise<Engine>;
  kpis: Kpi[];
  quarter: number;
  snapshot: string;
  manifest: Manifest;
  config: MunicipalityConfig;
  commentary?: string;
  /** Every results document already public, for disclosure over time. */
  published?: readonly Results[];
  /**
   * dashboards/benchmarks (loadBenchmarkDefinitions): with them the newest Jobindsats pull in
   * the store is read and frozen into the results; without them only benchmarks.csv counts.
   */
  benchmarkDefinitions?: readonly BenchmarkDefinition[];
  log?: Log;
}): Promise<Draft> {
  const log = options.log ?? silentLog;
  const benchmarks = options.benchmarkDefinitions && { definitions: options.benchmarkDefinitions, pull: await newestPull(options.store, log) };
  const engine = await options.openEngine(options.store);
  try {
    await engine.useSnapshot(options.snapshot);
    const results = await compute(engine, {
      quarter: options.quarter,
      kpis: options.kpis,
      config: options.config,
      snapshot: options.snapshot,
      generatedAt: generatedAt(options.manifest.extracted_at),
      codeVersion: codeVersion(),
      published: options.published,
      ...(benchmarks && { benchmarks }),
      log,
    });
    const used = new Set(results.kpis.map((k) => k.id));
    return {
      results,
      config: options.config,
      definitions: options.kpis.map((k) => k.definition).filter((d) => used.has(d.id)),
      ...(options.commentary !== undefined && { commentary: options.commentary }),
      delivery: { id: options.manifest.delivery_id, extracted_at: options.manifest.extracted_at, data_until: options.manifest.data_until },
    };
  } finally {
    await engine.close();
  }
}

/**
 * The newest benchmarks pull, or undefined. A pull that cannot be read (a damaged file, a
 * store that refuses) is a warning, never a failed run: benchmarks never block a report, and
 * the report then says for each KPI that the figures are not there.
 */
async function newestPull(store: Store, log: Log): Promise<BenchmarkPull | undefined> {
  try {
    return await readNewestBenchmarks(store);
  } catch (error) {
    log.warn(`Sammenligningstallene fra Jobindsats (${benchmarkKeys.latest}) kan ikke læses og bruges ikke i denne kørsel: ${(error as Error).message}`, {
      event: LOG_EVENTS.benchmarksUnreadable,
    });
    return undefined;
  }
}
