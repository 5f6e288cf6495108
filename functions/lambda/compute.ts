import '../danishMessages.ts';
import type { Context } from 'aws-lambda';
import { quarterLabel, quarterIndex } from '../calendar/quarter.ts';
import { loadBenchmarkDefinitions, type BenchmarkDefinition } from '../benchmarks/definitions.ts';
import { loadKpis } from '../compute/catalog.ts';
import { checkCoverage, newestCoveredQuarter } from '../compute/coverage.ts';
import type { Kpi } from '../compute/kpiDefinition.ts';
import { loadConfig, type MunicipalityConfig } from '../config/municipality.ts';
import { readDelivery } from '../deliveries/storedDeliveries.ts';
import { AthenaEngine } from '../engine/athenaEngine.ts';
import type { Engine } from '../engine/engine.ts';
import { readSnapshotManifest } from '../engine/snapshot.ts';
import type { Log } from '../log.ts';
import { computeDraft } from '../compute/computeDraft.ts';
import { draftJson } from '../publish/draft.ts';
import { publishedResults } from '../publish/revisions.ts';
import { withStoreLock } from '../store/lock.ts';
import { S3Store } from '../store/s3Store.ts';
import { keys, type Store } from '../store/store.ts';
import { computeEnvSchema, parseEnv } from './lambdaEnv.ts';
import { powertoolsLog, stageLogger } from './powertoolsLog.ts';
import { ReportsRoutedStore } from './reportsRoutedStore.ts';
import { computeEventSchema, type ComputeEvent, type ComputeOutput } from './stageEvents.ts';

export interface ComputeDeps {
  store: Store;
  engine: Engine;
  kpis: Kpi[];
  config: MunicipalityConfig;
  /** dashboards/benchmarks, copied into the asset: the newest Jobindsats pull goes into the draft. */
  benchmarkDefinitions?: readonly BenchmarkDefinition[];
  log: Log;
  lockTtlMs?: number;
}

/**
 * The compute stage for one snapshot: the quarter asked for, or the newest one the delivery
 * covers; a quarter it does not cover is an outcome with the Danish reason and nothing
 * written. Otherwise every KPI runs on the engine and the draft goes to `drafts/` for publish.
 */
export async function runCompute(deps: ComputeDeps, event: ComputeEvent): Promise<ComputeOutput> {
  const { store } = deps;
  return withStoreLock(store, { purpose: `compute ${event.quarter ?? 'nyeste kvartal'}`, ttlMs: deps.lockTtlMs }, async () => {
    const { manifest } = await readDelivery(store, event.deliveryId);
    const snapshot = await readSnapshotManifest(store, event.snapshot);
    if (!snapshot) throw new Error(`Snapshot ${event.snapshot} findes ikke (curated/_snapshots/${event.snapshot}.json mangler)`);
    const span = { dataUntil: manifest.data_until, firstWeek: snapshot.firstWeek, lastWeek: snapshot.lastWeek };
    const quarter = event.quarter === null ? newestCoveredQuarter(span) : quarterIndex(event.quarter);
    if (quarter === undefined) {
      await deps.engine.close();
      return { status: 'not_covered', message: `Leveringen ${event.deliveryId} dækker ikke et eneste helt kvartal (data til ${manifest.data_until}).` };
    }
    const coverage = checkCoverage(quarter, span);
    if (!coverage.covered) {
      await deps.engine.close();
      return { status: 'not_covered', message: coverage.message };
    }
    const published = await publishedResults(store);
    const draft = await computeDraft({
      store,
      openEngine: async () => deps.engine,
      kpis: deps.kpis,
      quarter,
      snapshot: event.snapshot,
      manifest,
      config: deps.config,
      published,
      ...(deps.benchmarkDefinitions && { benchmarkDefinitions: deps.benchmarkDefinitions }),
      log: deps.log,
    });
    await store.put(keys.draft(quarterLabel(quarter), event.snapshot), draftJson(draft), 'application/json');
    deps.log.info(`${draft.results.kpis.length} KPI'er beregnet for ${draft.results.quarter}`, { quarter: draft.results.quarter, snapshot: event.snapshot });
    return { status: 'computed', quarter: draft.results.quarter, snapshot: event.snapshot, kpis: draft.results.kpis.length };
  });
}

const logger = stageLogger('compute');
let content: Promise<[Kpi[], MunicipalityConfig, BenchmarkDefinition[]]> | undefined;

async function loadContent(env: {
  KPIS_DIR: string;
  MUNICIPALITY_CONFIG: string;
  BENCHMARKS_DIR: string;
}): Promise<[Kpi[], MunicipalityConfig, BenchmarkDefinition[]]> {
  const [kpis, config] = await Promise.all([loadKpis(env.KPIS_DIR), loadConfig(env.MUNICIPALITY_CONFIG)]);
  const units = new Map(kpis.map((k) => [k.definition.id, k.definition.unit] as const));
  return [kpis, config, await loadBenchmarkDefinitions(env.BENCHMARKS_DIR, units)];
}

export async function handler(event: unknown, context: Context): Promise<ComputeOutput> {
  logger.addContext(context);
  const env = parseEnv(computeEnvSchema);
  content ??= loadContent(env);
  const [kpis, config, benchmarkDefinitions] = await content;
  return runCompute(
    {
      // Reads the published revisions in the reports bucket (disclosure over time), writes drafts/ in the data bucket.
      store: new ReportsRoutedStore(new S3Store({ bucket: env.DATA_BUCKET }), new S3Store({ bucket: env.REPORTS_BUCKET })),
      engine: new AthenaEngine({ workgroup: env.ATHENA_WORKGROUP, database: env.GLUE_DATABASE }),
      kpis,
      config,
      benchmarkDefinitions,
      log: powertoolsLog(logger),
      lockTtlMs: env.LOCK_TTL_SECONDS * 1000,
    },
    computeEventSchema.parse(event),
  );
}
