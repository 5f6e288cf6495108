import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultConfig, loadConfig, type MunicipalityConfig } from '../config/municipality.ts';
import { formatProblem } from '../contract/problems.ts';
import { parseQuarter } from '../calendar/quarter.ts';
import { DuckDbEngine } from '../engine/duckdbEngine.ts';
import { runPipeline, type PipelineOutcome } from '../pipeline.ts';
import { PublishedReportChangedError } from '../publish/publish.ts';
import { LocalStore } from '../store/localStore.ts';
import { S3Store } from '../store/s3Store.ts';
import { keys, type Store } from '../store/store.ts';
import { EXIT } from './exitCodes.ts';
import { DEFAULT_KPIS_DIR } from './paths.ts';
import { cliLog, stageProgress } from './progress.ts';

export interface RunArgs {
  input: string;
  quarter: number;
  out?: string;
  store?: string;
  endpoint?: string;
  config?: string;
  kpis: string;
}

export function quarterArgument(text: string): number {
  const quarter = parseQuarter(text);
  if (quarter === undefined) throw new InvalidArgumentError('skriv kvartalet som 2017Q4 eller 2017K4');
  return quarter;
}

export function runCommand(): Command {
  return new Command('run')
    .description('indlæs udtræk, beregn KPI’er for kvartalet og udgiv rapporten')
    .requiredOption('--input <dir>', 'mappe med udtrækkene (persons.csv, benefit_weeks.csv, …)')
    .requiredOption('--quarter <kvartal>', 'kvartalet, fx 2017Q4 eller 2017K4', quarterArgument)
    .option('--out <dir>', 'lokal mappe med samme opbygning som bucket’en (standard: ./out)')
    .addOption(new Option('--store <url>', 'S3-lager i stedet for --out, fx s3://bucket/prefix').conflicts('out'))
    .option('--endpoint <url>', 'S3-kompatibelt endpoint (MinIO, moto) til --store')
    .option('--config <file>', 'kommunens konfiguration (YAML); uden den: mindste cellestørrelse 5 og ingen mål')
    .option('--kpis <dir>', 'mappe med KPI-filer', DEFAULT_KPIS_DIR)
    .action(async (args: RunArgs, command: Command) => {
      command.setOptionValue('exitCode', await run(args));
    });
}

/** The whole run; returns the exit code, prints progress and a final line naming the report. */
export async function run(args: RunArgs): Promise<number> {
  let config: MunicipalityConfig = defaultConfig;
  try {
    if (args.config) config = await loadConfig(args.config);
    await assertFolder(args.input);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }

  const store: Store = args.store
    ? S3Store.fromUrl(args.store, { endpoint: args.endpoint })
    : new LocalStore(args.out ?? 'out');
  await deliver(args.input, store);

  let outcome: PipelineOutcome;
  try {
    outcome = await runPipeline({
      store,
      openEngine: (s) => DuckDbEngine.open(s),
      quarter: args.quarter,
      config,
      kpisDir: args.kpis,
      log: cliLog,
      onStage: stageProgress(),
    });
  } catch (error) {
    if (!(error instanceof PublishedReportChangedError)) throw error;
    process.stderr.write(`\n${error.message}\n`);
    return EXIT.alreadyPublished;
  }

  if (outcome.status === 'rejected') {
    for (const report of outcome.rejected) {
      const kept = report.deliveryId ? `, leveringen er lagt i ${store.location}/${keys.quarantine(report.deliveryId, '')}` : '';
      process.stderr.write(`\n${report.file}: ${report.totalProblems} problem(er)${kept}\n`);
      for (const problem of report.problems) process.stderr.write(`  ${formatProblem(problem)}\n`);
      if (report.totalProblems > report.problems.length) {
        process.stderr.write(`  … og ${report.totalProblems - report.problems.length} flere (se ${report.file}.errors.json)\n`);
      }
    }
    process.stderr.write('\nIntet er udgivet. Ret filerne og kør igen.\n');
    return EXIT.rejected;
  }
  const report = keys.report(outcome.results.quarter, 'index.html');
  const where = store instanceof LocalStore ? shortPath(store.pathOf(report)) : `${store.location}/${report}`;
  process.stdout.write(`Rapport: ${where}\n`);
  return EXIT.ok;
}

/** Relative to the working folder when inside it, absolute otherwise. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

async function assertFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`--input ${path} er ikke en mappe`);
}

/** Put the delivered CSV files under incoming/, as data staff's upload does on AWS. */
async function deliver(inputDir: string, store: Store): Promise<void> {
  const files = (await readdir(inputDir)).filter((name) => name.toLowerCase().endsWith('.csv')).sort();
  for (const name of files) await store.putFile(keys.incoming(name), resolve(join(inputDir, name)));
}
