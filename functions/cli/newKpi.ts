import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { ScaffoldError, scaffoldKpi } from '../check/scaffold.ts';
import { writeDocs } from '../docs/writeDocs.ts';
import { EXIT } from './exitCodes.ts';

/** `pejlemaerke new-kpi <id>`: the files of a new KPI, from a template that passes check. */
export function newKpiCommand(): Command {
  return new Command('new-kpi')
    .description('opret en ny KPI: SQL, definition og fixture-test ud fra en skabelon, der består check')
    .argument('<id>', 'KPI’ens id: små bogstaver, tal og _, fx andel_i_job')
    .option('--dir <mappe>', 'projektets rodmappe (den med dashboards/)', '.')
    .action(async (id: string, args: { dir: string }, command: Command) => {
      command.setOptionValue('exitCode', await newKpi(resolve(args.dir), id));
    });
}

export async function newKpi(rootDir: string, id: string): Promise<number> {
  let written: string[];
  try {
    written = await scaffoldKpi(rootDir, id);
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  // In the project itself, docs/kpis.md lists every KPI and a test keeps it current: the new
  // one goes in now, so `npm test` stays green until the author changes the definition.
  const docs = (await stat(join(rootDir, 'docs')).catch(() => undefined))?.isDirectory() ? await writeDocs(rootDir) : [];
  process.stdout.write(
    [
      `Oprettet i ${rootDir}:`,
      ...written.map((path) => `  ${path}`),
      ...(docs.length > 0 ? [`Opdateret: ${docs.join(', ')}`] : []),
      '',
      'Næste skridt (docs/add-a-kpi.md):',
      `  1. Skriv KPI’ens definition i ${written[0]} og teksterne (UDKAST) i ${written[1]}.`,
      `  2. Skriv fixture-testen i ${written[2]} med håndregnede tal.`,
      `  3. Sæt målene i dashboards/municipalities/<kommune>.yaml, og find en sammenlignelig serie på Jobindsats (${written[3]}).`,
      '  4. Kør npm run docs (docs/kpis.md følger definitionen), pejlemaerke check og npm test.',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
