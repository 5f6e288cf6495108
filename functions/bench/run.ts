import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { quarterIndex } from '../calendar/quarter.ts';
import { DEFAULT_KPIS_DIR, DEMO_CONFIG, PROJECT_ROOT } from '../cli/paths.ts';
import { loadConfig } from '../config/municipality.ts';
import { DuckDbEngine } from '../engine/duckdbEngine.ts';
import type { Log } from '../log.ts';
import { runPipeline, type Stage } from '../pipeline.ts';
import { deliverFolder } from '../deliveries/localDelivery.ts';
import { LocalStore } from '../store/localStore.ts';
import { keys } from '../store/store.ts';
import { bareCsvToParquet } from './bareParquet.ts';
import { benchData } from './benchData.ts';
import { count, figureTable, seconds, type Figure } from './figures.ts';

/**
 * `npm run bench`: the pipeline at municipal scale (~10 M benefit_weeks rows) on the demo
 * extracts, against DuckDB's bare CSV→Parquet conversion of the same benefit_weeks.csv.
 * Prints figures with their targets; it is a measurement, not a test, and never fails on them.
 *
 *   npm run bench [-- --scale 25 --dir bench-data]
 */

/** Scale 25 gives ~9.8 M benefit_weeks rows (scale 1 ≈ 391,000). */
const DEFAULT_SCALE = 25;
const SEED = 2017;
const QUARTER = '2017Q4';
const TARGETS = { endToEndOverBare: 2, publishSeconds: 1, reportKiB: 100 };

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: String(DEFAULT_SCALE) },
    dir: { type: 'string', default: join(PROJECT_ROOT, 'bench-data') },
  },
});
const scale = Number(values.scale);
if (!(scale > 0)) {
  process.stderr.write(`--scale must be a positive number, not ${values.scale}\n`);
  process.exit(2);
}
const root = resolve(values.dir);
const quarter = quarterIndex(QUARTER);

const data = await benchData(root, scale, SEED);
const rows = data.summary.rows;
const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);
process.stdout.write(
  `${data.generatedIn === undefined ? 'Reusing' : 'Generated'} demo extracts in ${data.inputDir} (scale ${scale}, seed ${SEED})` +
    `${data.generatedIn === undefined ? '' : ` in ${seconds(data.generatedIn)}`}\n` +
    Object.entries(rows).map(([file, n]) => `  ${file.padEnd(22)} ${count(n).padStart(12)} rows\n`).join(''),
);

const benefitWeeksCsv = join(data.inputDir, 'benefit_weeks.csv');
const bare = await bareCsvToParquet(benefitWeeksCsv, join(root, 'bare', 'benefit_weeks.parquet'));

const storeDir = join(root, 'out');
await rm(storeDir, { recursive: true, force: true });
const store = new LocalStore(storeDir);
const deliveryStarted = performance.now();
const config = await loadConfig(DEMO_CONFIG);
const delivered = await deliverFolder(data.inputDir, store, { municipality: config.municipality });
if (delivered.status !== 'ready') throw new Error(`The demo delivery is incomplete: ${JSON.stringify(delivered.problems)}`);
const delivery = (performance.now() - deliveryStarted) / 1000;

const warnings: string[] = [];
const log: Log = { info: () => {}, warn: (message) => warnings.push(message) };
const stageSeconds: Partial<Record<Stage, number>> = {};
const stageStarted: Partial<Record<Stage, number>> = {};
const started = performance.now();
const outcome = await runPipeline({
  store,
  openEngine: (s) => DuckDbEngine.open(s),
  delivery: delivered.delivery,
  quarter,
  mode: 'publish',
  config,
  kpisDir: DEFAULT_KPIS_DIR,
  log,
  onStage: (stage, state) => {
    if (state === 'start') stageStarted[stage] = performance.now();
    else stageSeconds[stage] = (performance.now() - stageStarted[stage]!) / 1000;
  },
});
const endToEnd = (performance.now() - started) / 1000;
for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
if (outcome.status === 'rejected') {
  for (const report of outcome.rejected) process.stderr.write(`${report.file}: ${report.totalProblems} problem(s), e.g. ${JSON.stringify(report.problems[0])}\n`);
  process.stderr.write('The demo delivery was rejected; no figures for compute and publish.\n');
  process.exit(1);
}
if (outcome.status !== 'published') {
  process.stderr.write(`The demo delivery was not published (${outcome.status}); no figures for compute and publish.\n`);
  process.exit(1);
}

const reportPath = store.pathOf(keys.report(QUARTER, 'index.html'));
const reportKiB = (await stat(reportPath)).size / 1024;
const ingestSeconds = stageSeconds.ingest ?? Number.NaN;
const publishSeconds = stageSeconds.publish ?? Number.NaN;
const ratio = endToEnd / bare.seconds;
const peakRssMiB = process.resourceUsage().maxRSS / 1024;

const figures: Figure[] = [
  { label: 'benefit_weeks rows', value: count(rows['benefit_weeks.csv']!) },
  { label: 'bare CSV→Parquet (DuckDB, benefit_weeks)', value: seconds(bare.seconds) },
  { label: 'delivery to incoming/ (not in end-to-end)', value: seconds(delivery) },
  { label: 'ingest', value: seconds(ingestSeconds) },
  { label: 'ingest rate (all extracts)', value: `${count(Math.round(totalRows / ingestSeconds))} rows/s` },
  { label: 'compute (incl. results files)', value: seconds(stageSeconds.compute ?? Number.NaN) },
  { label: 'publish', value: seconds(publishSeconds), target: `≤ ${TARGETS.publishSeconds} s`, met: publishSeconds <= TARGETS.publishSeconds },
  { label: 'end-to-end (ingest → publish)', value: seconds(endToEnd) },
  { label: 'end-to-end / bare', value: `${ratio.toFixed(2)}×`, target: `≤ ${TARGETS.endToEndOverBare}×`, met: ratio <= TARGETS.endToEndOverBare },
  { label: `report ${QUARTER}/index.html`, value: `${reportKiB.toFixed(1)} KiB`, target: `≤ ${TARGETS.reportKiB} KiB`, met: reportKiB <= TARGETS.reportKiB },
  { label: `peak RSS (this process${data.generatedIn === undefined ? '' : ', with generation'})`, value: `${peakRssMiB.toFixed(0)} MiB` },
];
process.stdout.write(`\n${figureTable(figures)}\n\nReport: ${reportPath}\n`);
