import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { quarterIndex } from '../calendar/quarter.ts';
import { DEFAULT_KPIS_DIR, DEMO_CONFIG } from '../cli/paths.ts';
import { loadConfig } from '../config/municipality.ts';
import { deliverFolder } from '../deliveries/localDelivery.ts';
import { DuckDbEngine } from '../engine/duckdbEngine.ts';
import { engineResources } from '../engine/resources.ts';
import { ingest } from '../ingest/ingest.ts';
import { readSnapshotManifest } from '../engine/snapshot.ts';
import type { Log } from '../log.ts';
import { runPipeline, type Stage } from '../pipeline.ts';
import { LocalStore } from '../store/localStore.ts';
import { keys } from '../store/store.ts';
import { startTimings, timings } from '../timing.ts';
import { bareCsvToParquet } from './bareParquet.ts';
import { cpuSince, cpuTime, type CpuTime } from './cpuTime.ts';
import { PeakRss } from './peakRss.ts';
import { RESULT_PREFIX, type BareResult, type PipelineResult } from './results.ts';

/**
 * One measured run of `npm run bench`, in a process of its own so that its memory is its own:
 *
 *   child.ts bare <csv> <parquet>                  DuckDB's bare CSV→Parquet conversion
 *   child.ts pipeline <input> <store> <quarter>    deliver, then ingest → compute → publish
 *   child.ts ingest <input> <store>                deliver, then ingest only
 *
 * Prints one line `BENCH_RESULT <json>` on stdout.
 */

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function bare(csv: string, parquet: string): Promise<BareResult> {
  PeakRss.reset();
  const cpu = cpuTime();
  const { seconds, bytes } = await bareCsvToParquet(csv, parquet);
  return { kind: 'bare', seconds, cpuSeconds: cpuSince(cpu), bytes, peakRss: PeakRss.read() };
}

async function pipeline(inputDir: string, storeDir: string, quarterLabel: string | undefined): Promise<PipelineResult> {
  await rm(storeDir, { recursive: true, force: true });
  const store = new LocalStore(storeDir);
  const config = await loadConfig(DEMO_CONFIG);
  const deliveryStarted = performance.now();
  const delivered = await deliverFolder(inputDir, store, { municipality: config.municipality });
  if (delivered.status !== 'ready') throw new Error(`The bench delivery is incomplete: ${JSON.stringify(delivered.problems)}`);
  const deliverySeconds = (performance.now() - deliveryStarted) / 1000;

  const warnings: string[] = [];
  const log: Log = { info: () => {}, warn: (message) => warnings.push(message) };
  // Wall time, CPU seconds and peak RSS of each stage, from its start to its end.
  const stages: Partial<Record<Stage, number>> = {};
  const cpu: Partial<Record<Stage, number>> = {};
  const peaks: Partial<Record<Stage, number>> = {};
  const started: Partial<Record<Stage, { at: number; cpu: CpuTime }>> = {};
  const onStage = (stage: Stage, state: 'start' | 'done') => {
    if (state === 'start') {
      PeakRss.reset();
      started[stage] = { at: performance.now(), cpu: cpuTime() };
      return;
    }
    stages[stage] = (performance.now() - started[stage]!.at) / 1000;
    cpu[stage] = cpuSince(started[stage]!.cpu);
    peaks[stage] = PeakRss.read();
  };
  const exact = new PeakRss().exact;
  startTimings();
  const begin = performance.now();
  let snapshot: string;
  if (quarterLabel === undefined) {
    onStage('ingest', 'start');
    const result = await ingest(store, { deliveryId: delivered.delivery.id, expected: delivered.delivery.files, log });
    onStage('ingest', 'done');
    if (result.status !== 'accepted') throw new Error(`The bench delivery was ${result.status}: ${JSON.stringify(result).slice(0, 2000)}`);
    snapshot = result.snapshot;
  } else {
    const outcome = await runPipeline({
      store,
      openEngine: (s) => DuckDbEngine.open(s),
      delivery: delivered.delivery,
      quarter: quarterIndex(quarterLabel),
      mode: 'publish',
      config,
      kpisDir: DEFAULT_KPIS_DIR,
      log,
      onStage,
    });
    if (outcome.status !== 'published') throw new Error(`The bench delivery was not published: ${JSON.stringify(outcome).slice(0, 2000)}`);
    snapshot = outcome.snapshot;
  }
  const endToEnd = (performance.now() - begin) / 1000;
  const reportBytes = quarterLabel === undefined ? 0 : (await stat(store.pathOf(keys.report(quarterLabel, 'index.html')))).size;
  const manifest = await readSnapshotManifest(store, snapshot);
  const curated: Record<string, string> = {};
  const curatedBytes: Record<string, number> = {};
  for (const [table, entry] of Object.entries(manifest?.tables ?? {})) {
    let bytes = 0;
    for (const key of entry.files) {
      curated[key] = await sha256(store.pathOf(key));
      bytes += (await stat(store.pathOf(key))).size;
    }
    curatedBytes[table] = bytes;
  }
  const resources = engineResources();
  return {
    kind: 'pipeline',
    deliverySeconds,
    stages,
    cpuSeconds: cpu,
    peakRss: peaks,
    peakRssExact: exact,
    endToEnd,
    packageSeconds: timings()['publish.package'] ?? 0,
    reportBytes,
    curated,
    curatedBytes,
    memoryBound: resources.boundBytes,
    memoryLimit: resources.memoryLimitBytes,
    threads: resources.threads,
    warnings,
  };
}

const [mode, a, b, c] = process.argv.slice(2);
let result: BareResult | PipelineResult;
if (mode === 'bare') result = await bare(a!, b!);
else if (mode === 'pipeline') result = await pipeline(a!, b!, c!);
else if (mode === 'ingest') result = await pipeline(a!, b!, undefined);
else throw new Error(`child.ts: unknown mode ${mode}`);
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
