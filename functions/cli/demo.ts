import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { generateDemo } from '../demo/generate.ts';
import { DEFAULT_KPIS_DIR, DEMO_CONFIG } from './paths.ts';
import { quarterArgument, run } from './run.ts';

/** `npm start`: demo extracts for a municipality like Allerød, then the normal run on them. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('dan demo-udtræk (deterministisk) og kør hele forløbet på dem med demo-konfigurationen')
    .option('--out <dir>', 'mappe til demo-udtræk og resultater', 'out')
    .option('--quarter <kvartal>', 'kvartalet', quarterArgument, quarterArgument('2017Q4'))
    .action(async (args: { out: string; quarter: number }, command: Command) => {
      const input = join(args.out, 'demo-input');
      process.stderr.write(`Danner demo-udtræk i ${input}\n`);
      await generateDemo(input, { manifest: true });
      // A real quarter is immutable once published; the demo's is not, so that a KPI added
      // while developing shows up on the next `npm start`.
      for (const folder of ['reports', 'results', 'previews']) await rm(join(args.out, folder), { recursive: true, force: true });
      const code = await run({ input, quarter: args.quarter, out: args.out, config: DEMO_CONFIG, kpis: DEFAULT_KPIS_DIR });
      command.setOptionValue('exitCode', code);
    });
}
