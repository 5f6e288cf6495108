import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { parseQuarter, quarterLabel } from '../calendar/quarter.ts';
import { defaultConfig, loadConfig, type MunicipalityConfig } from '../config/municipality.ts';
import { deliverFolder, type DeliveryToRun } from '../deliveries/localDelivery.ts';
import { newestDelivery, readDelivery } from '../deliveries/storedDeliveries.ts';
import { DuckDbEngine } from '../engine/duckdbEngine.ts';
import { loadKpis } from '../compute/catalog.ts';
import { runPipeline } from '../pipeline.ts';
import { CommentaryError, parseCommentary } from '../publish/commentary.ts';
import { withStoreLock } from '../store/lock.ts';
import type { Store } from '../store/store.ts';
import { EXIT } from './exitCodes.ts';
import { exitCodeForError, printIncomplete, reportOutcome, storeArgsText } from './outcome.ts';
import { DEFAULT_BENCHMARKS_DIR, DEFAULT_KPIS_DIR } from './paths.ts';
import { cliLog, stageProgress } from './progress.ts';
import { UsageError } from '../usageError.ts';
import { addStoreOptions, openStore, type StoreArgs } from './storeOptions.ts';

export interface RunArgs extends StoreArgs {
  /** A local folder to deliver first; without it the run uses a delivery already in the store. */
  input?: string;
  delivery?: string;
  quarter?: number;
  config?: string;
  kpis: string;
  /** Folder with the benchmark definitions (dashboards/benchmarks). */
  benchmarks?: string;
  preview?: boolean;
  correction?: string;
  /** The administration's Markdown commentary (`## sammenfatning`, `## <kpi_id>`). */
  commentary?: string;
}

export function quarterArgument(text: string): number {
  const quarter = parseQuarter(text);
  if (quarter === undefined) throw new InvalidArgumentError('skriv kvartalet som 2017Q4 eller 2017K4');
  return quarter;
}

export function runCommand(): Command {
  const command = new Command('run')
    .description('indlæs en levering, beregn KPI’erne for kvartalet og udgiv rapporten (eller et udkast med --preview)')
    .option(
      '--input <dir>',
      'mappe med udtrækkene (persons.csv, benefit_weeks.csv, … og evt. manifest.json); uden den bruges den nyeste færdige levering i lageret',
    )
    .option('--delivery <id>', 'brug denne levering i lageret (incoming/<id>/) i stedet for den nyeste')
    .option('--quarter <kvartal>', 'kvartalet, fx 2017Q4 eller 2017K4 (standard: det nyeste kvartal, leveringen dækker)', quarterArgument)
    .option('--preview', 'lav et udkast under previews/ til godkendelse i stedet for at udgive')
    .option('--correction <begrundelse>', 'udgiv en rettelse af et allerede udgivet kvartal som ny revision, med denne begrundelse synligt i rapporten')
    .option('--commentary <fil>', 'forvaltningens bemærkninger (Markdown: ## sammenfatning og ## <kpi_id>), vist ved tallene i rapporten, PDF’en og notatet');
  return addStoreOptions(command)
    .option('--config <file>', 'kommunens konfiguration (YAML); uden den: mindste cellestørrelse 5 og ingen mål')
    .option('--kpis <dir>', 'mappe med KPI-filer', DEFAULT_KPIS_DIR)
    .option('--benchmarks <dir>', 'mappe med benchmark-definitioner (hvilke Jobindsats-serier der sammenlignes med)', DEFAULT_BENCHMARKS_DIR)
    .action(async (args: RunArgs, cmd: Command) => {
      cmd.setOptionValue('exitCode', await run(args));
    });
}

/** The whole run under the store's lock; returns the exit code, prints progress and the outcome. */
export async function run(args: RunArgs): Promise<number> {
  let config: MunicipalityConfig = defaultConfig;
  let store: Store;
  let commentary: string | undefined;
  try {
    if (args.input && args.delivery) throw new UsageError('Brug enten --input eller --delivery, ikke begge.');
    if (args.correction !== undefined && !args.correction.trim())
      throw new UsageError('--correction skal have en begrundelse, fx --correction "Ledighedsydelse manglede i leveringen"');
    if (args.config) config = await loadConfig(args.config);
    if (args.input) await assertFolder(args.input);
    if (args.commentary)
      commentary = await readCommentary(
        args.commentary,
        (await loadKpis(args.kpis)).map((k) => k.definition.id),
      );
    store = await openStore(args);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }

  const label = args.quarter === undefined ? 'nyeste kvartal' : quarterLabel(args.quarter);
  try {
    return await withStoreLock(store, { purpose: `run ${label}` }, async () => {
      let delivery: DeliveryToRun;
      if (args.input) {
        const delivered = await deliverFolder(args.input, store, { municipality: config.municipality });
        if (delivered.status === 'incomplete') {
          printIncomplete(delivered.deliveryId, delivered.problems);
          return EXIT.deliveryIncomplete;
        }
        delivery = delivered.delivery;
      } else {
        const stored = args.delivery ? await readDelivery(store, args.delivery) : await newestDelivery(store, cliLog.warn);
        const m = stored.manifest;
        delivery = { id: stored.id, files: m.files, manifest: m, municipality: m.municipality, extractedAt: m.extracted_at };
        process.stderr.write(`Levering ${stored.id} (udtrukket ${m.extracted_at}, data til ${m.data_until})\n`);
      }
      const outcome = await runPipeline({
        store,
        openEngine: (s) => DuckDbEngine.open(s),
        delivery,
        quarter: args.quarter,
        mode: args.preview ? 'preview' : 'publish',
        correction: args.correction,
        config,
        configSource: args.config,
        commentary,
        kpisDir: args.kpis,
        benchmarksDir: args.benchmarks ?? DEFAULT_BENCHMARKS_DIR,
        log: cliLog,
        onStage: stageProgress(),
      });
      return reportOutcome(store, outcome, storeArgsText(args));
    });
  } catch (error) {
    const code = exitCodeForError(error);
    if (code === undefined) throw error;
    process.stderr.write(`\n${(error as Error).message}\n`);
    return code;
  }
}

/** The commentary file's text, checked now (every problem with its line, exit 2) so a run never fails on it later. */
export async function readCommentary(path: string, kpiIds: readonly string[]): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`--commentary ${path} kan ikke læses`);
  });
  try {
    parseCommentary(text, { kpiIds, source: basename(path) });
  } catch (error) {
    if (error instanceof CommentaryError) throw new UsageError(`${error.message}\nRet bemærkningerne og kør igen.`);
    throw error;
  }
  return text;
}

async function assertFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--input ${path} er ikke en mappe`);
}
