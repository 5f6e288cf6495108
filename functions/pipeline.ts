import type { MunicipalityConfig } from './config/municipality.ts';
import type { ValidationReport } from './contract/problems.ts';
import { loadKpis } from './compute/catalog.ts';
import { compute } from './compute/compute.ts';
import { writeResults } from './compute/resultsFile.ts';
import type { Results } from './compute/results.ts';
import type { Engine } from './engine/engine.ts';
import { ingest } from './ingest/ingest.ts';
import type { Log } from './log.ts';
import { publish } from './publish/publish.ts';
import type { Store } from './store/store.ts';
import { codeVersion, generatedAt } from './version.ts';

export type Stage = 'ingest' | 'compute' | 'publish';

export interface PipelineOptions {
  store: Store;
  /** Opened after ingest succeeds, closed before returning. */
  openEngine: (store: Store) => Promise<Engine>;
  quarter: number;
  config: MunicipalityConfig;
  /** Folder with the KPI files (`dashboards/kpis`). */
  kpisDir: string;
  log: Log;
  onStage?: (stage: Stage, state: 'start' | 'done', detail?: string) => void;
}

export type PipelineOutcome =
  | { status: 'published'; snapshot: string; results: Results; written: string[]; warnings: string[] }
  | { status: 'rejected'; rejected: ValidationReport[]; warnings: string[] };

/**
 * ingest → compute → publish, the same in the CLI and on AWS. A rejected delivery stops the
 * run before anything is computed, so no partial report is ever published.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineOutcome> {
  const { store, config, log, onStage = () => {} } = options;
  const kpis = await loadKpis(options.kpisDir);

  onStage('ingest', 'start');
  const ingested = await ingest(store, { log });
  if (!ingested.ok || !ingested.snapshot) {
    onStage('ingest', 'done', 'afvist');
    return { status: 'rejected', rejected: ingested.rejected, warnings: ingested.warnings };
  }
  onStage('ingest', 'done', `snapshot ${ingested.snapshot}`);

  onStage('compute', 'start');
  const engine = await options.openEngine(store);
  let results: Results;
  try {
    await engine.useSnapshot(ingested.snapshot);
    results = await compute(engine, {
      quarter: options.quarter,
      kpis,
      config,
      snapshot: ingested.snapshot,
      generatedAt: generatedAt(ingested.deliveredAtMs),
      codeVersion: codeVersion(),
    });
  } finally {
    await engine.close();
  }
  const resultKeys = await writeResults(store, results);
  onStage('compute', 'done', `${results.kpis.length} KPI'er`);

  onStage('publish', 'start');
  const reportKeys = await publish(store, { results, config, kpis });
  onStage('publish', 'done', `${reportKeys.length} filer`);

  return {
    status: 'published',
    snapshot: ingested.snapshot,
    results,
    written: [...resultKeys, ...reportKeys],
    warnings: ingested.warnings,
  };
}
