import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { Command, Option } from 'commander';
import { loadBenchmarkDefinitions, type BenchmarkDefinition } from '../benchmarks/definitions.ts';
import { DEFAULT_JOBINDSATS_URL, JobindsatsClient, JobindsatsError } from '../benchmarks/jobindsatsClient.ts';
import { runBenchmarksPull } from '../benchmarks/pullStage.ts';
import { loadKpis } from '../compute/catalog.ts';
import { defaultConfig, loadConfig, type MunicipalityConfig } from '../config/municipality.ts';
import { formatDateTime } from '../publish/format.ts';
import { LocalStore } from '../store/localStore.ts';
import { S3Store } from '../store/s3Store.ts';
import type { Store } from '../store/store.ts';
import { EXIT } from './exitCodes.ts';
import { DEFAULT_BENCHMARKS_DIR, DEFAULT_KPIS_DIR } from './paths.ts';
import { cliLog } from './progress.ts';

export interface PullArgs {
  tokenFile: string;
  out?: string;
  store?: string;
  endpoint?: string;
  jobindsatsUrl: string;
  config?: string;
  definitions: string;
  kpis: string;
}

/** `pejlemaerke benchmarks pull`: the commands about comparison figures from Jobindsats. */
export function benchmarksCommand(): Command {
  const group = new Command('benchmarks').description('sammenligningstal fra Jobindsats (landsgennemsnit og sammenlignelige kommuner)');
  const pull = new Command('pull')
    .description('hent sammenligningstal fra Jobindsats (API v3) og gem dem i lageret under benchmarks/; en fejlet hentning overskriver intet')
    .requiredOption('--token-file <fil>', 'fil med organisationens API-nøgle til Jobindsats (nøglen skrives aldrig ud)')
    .option('--out <dir>', 'lokal mappe med samme opbygning som bucket’en')
    .addOption(new Option('--store <url>', 'S3-lager i stedet for --out, fx s3://bucket/prefix').conflicts('out'))
    .option('--endpoint <url>', 'S3-kompatibelt endpoint (MinIO, moto) til --store')
    .option('--jobindsats-url <url>', 'Jobindsats’ API-adresse', DEFAULT_JOBINDSATS_URL)
    .option('--config <file>', 'kommunens konfiguration (YAML) med comparison; uden den: kun landsgennemsnittet')
    .option('--definitions <dir>', 'mappe med benchmark-definitioner', DEFAULT_BENCHMARKS_DIR)
    .option('--kpis <dir>', 'mappe med KPI-filer (definitionerne kontrolleres mod dem)', DEFAULT_KPIS_DIR)
    .action(async (args: PullArgs) => {
      group.setOptionValue('exitCode', await pullCommand(args));
    });
  // main.ts turns commander's exits into usage errors for top-level commands; this one is nested.
  pull.exitOverride();
  return group.addCommand(pull);
}

/** The whole pull; returns the exit code. Prints where the pull went, or why nothing was written. */
export async function pullCommand(args: PullArgs): Promise<number> {
  let client: JobindsatsClient;
  let config: MunicipalityConfig = defaultConfig;
  let definitions: BenchmarkDefinition[];
  try {
    if (!args.out && !args.store) throw new Error('angiv hvor benchmarks skal gemmes: --out <mappe> eller --store s3://bucket/prefix');
    client = new JobindsatsClient({ token: await readToken(args.tokenFile), baseUrl: args.jobindsatsUrl });
    if (args.config) config = await loadConfig(args.config);
    const units = new Map((await loadKpis(args.kpis)).map((k) => [k.definition.id, k.definition.unit] as const));
    definitions = await loadBenchmarkDefinitions(args.definitions, units);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }

  const store: Store = args.store ? S3Store.fromUrl(args.store, { endpoint: args.endpoint }) : new LocalStore(args.out!);
  const outcome = await runBenchmarksPull({ store, client, definitions, config, log: cliLog });
  if (!outcome.ok) {
    process.stderr.write(`Benchmarks blev ikke hentet: ${outcome.message}\n`);
    process.stderr.write(
      outcome.previous
        ? `Intet er overskrevet: rapporterne bruger fortsat benchmarks hentet ${formatDateTime(outcome.previous.retrieved_at)} (${outcome.previous.pull_id}).\n`
        : 'Intet er gemt, og der er ingen tidligere benchmarks: rapporterne vises uden sammenligningstal fra Jobindsats.\n',
    );
    return EXIT.benchmarksFailed;
  }
  const { pull, key } = outcome;
  const where = store instanceof LocalStore ? shortPath(store.pathOf(key)) : `${store.location}/${key}`;
  const kpis = new Set(pull.rows.map((r) => r.kpi_id)).size;
  process.stdout.write(`Benchmarks hentet fra Jobindsats: ${pull.rows.length} rækker for ${kpis} nøgletal og ${pull.areas.length} områder → ${where}\n`);
  return EXIT.ok;
}

/** The key from its file, trimmed; a missing or empty file is a usage error that never echoes content. */
async function readToken(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`--token-file ${file} kan ikke læses (${code ?? 'ukendt fejl'}).`);
  }
  const token = text.trim();
  if (token.length === 0) throw new JobindsatsError('auth', `--token-file ${file} er tom: læg organisationens API-nøgle til Jobindsats i filen.`);
  return token;
}

function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
