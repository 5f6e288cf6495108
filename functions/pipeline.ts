import { loadBenchmarkDefinitions } from './benchmarks/definitions.ts';
import { loadKpis } from './compute/catalog.ts';
import { assertConfigMatchesCatalogue } from './config/catalogue.ts';
import { computeDraft } from './compute/computeDraft.ts';
import { checkCoverage, newestCoveredQuarter } from './compute/coverage.ts';
import type { MunicipalityConfig } from './config/municipality.ts';
import type { ValidationReport } from './contract/problems.ts';
import { computedManifest, writeManifest, type DeliveryToRun } from './deliveries/localDelivery.ts';
import type { DeliveryProblem } from './deliveries/manifest.ts';
import type { Engine } from './engine/engine.ts';
import { ingest } from './ingest/ingest.ts';
import type { Log } from './log.ts';
import { publishDraft, writePreview, type PreviewOutcome, type PublishOutcome } from './publish/publish.ts';
import { publishedResults } from './publish/revisions.ts';
import type { Store } from './store/store.ts';

export type Stage = 'ingest' | 'compute' | 'publish';

export interface PipelineOptions {
  store: Store;
  /** Opened after ingest succeeds, closed before returning. */
  openEngine: (store: Store) => Promise<Engine>;
  delivery: DeliveryToRun;
  /** Quarter index; by default the newest quarter the delivery covers. */
  quarter?: number;
  /** `publish` (a plain run: the deliberate act) or `preview` (a draft for a person to approve). */
  mode: 'publish' | 'preview';
  /** The reason, when the run may publish a correction of an already published quarter. */
  correction?: string;
  config: MunicipalityConfig;
  /** Where the config came from, for messages. */
  configSource?: string;
  /** Folder with the KPI files (`dashboards/kpis`). */
  kpisDir: string;
  /**
   * Folder with the benchmark definitions (`dashboards/benchmarks`): with it the newest
   * Jobindsats pull in the store goes into the results; without it only benchmarks.csv.
   */
  benchmarksDir?: string;
  commentary?: string;
  log: Log;
  onStage?: (stage: Stage, state: 'start' | 'done', detail?: string) => void;
}

export type PipelineOutcome =
  | { status: 'incomplete'; deliveryId: string; problems: DeliveryProblem[] }
  | { status: 'rejected'; deliveryId: string; rejected: ValidationReport[]; warnings: string[] }
  | { status: 'not_covered'; deliveryId: string; snapshot: string; message: string }
  | ((PublishOutcome | PreviewOutcome) & { deliveryId: string; snapshot: string; warnings: string[] });

/**
 * One delivery → one quarter, the same in the CLI and (stage by stage) on AWS: ingest the
 * delivery (or reuse its snapshot), check that it covers the quarter, compute, and publish
 * or preview. Nothing is computed for an incomplete or rejected delivery, and nothing is
 * written under results/ or reports/ for a quarter the delivery does not cover.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineOutcome> {
  const { store, log, delivery, onStage = () => {} } = options;
  const kpis = await loadKpis(options.kpisDir);
  // A goal for a KPI that is not in the catalogue is a mistake to fix before any work (exit 2).
  assertConfigMatchesCatalogue(
    options.config,
    kpis.map((k) => k.definition.id),
    options.configSource,
  );
  // A broken definition file is the project's own mistake (exit 2), found before any work.
  const benchmarkDefinitions =
    options.benchmarksDir === undefined
      ? undefined
      : await loadBenchmarkDefinitions(options.benchmarksDir, new Map(kpis.map((k) => [k.definition.id, k.definition.unit] as const)));

  onStage('ingest', 'start');
  const ingested = await ingest(store, { deliveryId: delivery.id, expected: delivery.files, log });
  if (ingested.status !== 'accepted') {
    onStage('ingest', 'done', 'afvist');
    return ingested.status === 'incomplete'
      ? { status: 'incomplete', deliveryId: delivery.id, problems: ingested.problems }
      : { status: 'rejected', deliveryId: delivery.id, rejected: ingested.rejected, warnings: ingested.warnings };
  }
  const manifest = delivery.manifest ?? computedManifest(delivery, ingested.lastWeek);
  if (!delivery.manifest) await writeManifest(store, manifest);
  onStage('ingest', 'done', `snapshot ${ingested.snapshot}${ingested.reused ? ', genbrugt' : ''}`);

  const span = { dataUntil: manifest.data_until, firstWeek: ingested.firstWeek, lastWeek: ingested.lastWeek };
  const quarter = options.quarter ?? newestCoveredQuarter(span);
  const coverage =
    quarter === undefined ? { covered: false as const, message: 'Leveringen dækker ikke et eneste helt kvartal.' } : checkCoverage(quarter, span);
  if (!coverage.covered) return { status: 'not_covered', deliveryId: delivery.id, snapshot: ingested.snapshot, message: coverage.message };

  onStage('compute', 'start');
  const draft = await computeDraft({
    ...options,
    kpis,
    quarter: quarter!,
    snapshot: ingested.snapshot,
    manifest,
    published: await publishedResults(store),
    benchmarkDefinitions,
  });
  onStage('compute', 'done', `${draft.results.kpis.length} KPI'er`);

  onStage('publish', 'start');
  const outcome = options.mode === 'preview' ? await writePreview(store, draft) : await publishDraft(store, draft, { correction: options.correction });
  onStage('publish', 'done', outcome.status === 'unchanged' ? 'allerede udgivet' : `${'written' in outcome ? outcome.written.length : 0} filer`);
  return { ...outcome, deliveryId: delivery.id, snapshot: ingested.snapshot, warnings: ingested.warnings };
}
