import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { benchmarksCommand } from './benchmarks.ts';
import { checkCommand } from './check.ts';
import { demoCommand } from './demo.ts';
import { EXIT, EXIT_HELP } from './exitCodes.ts';
import { newKpiCommand } from './newKpi.ts';
import { runCommand } from './run.ts';

export function program(): Command {
  const cli = new Command('pejlemaerke')
    .description('Pejlemærke: kvartalsvis opfølgning på beskæftigelses- og integrationsmål')
    .version(packageJson.version)
    .addHelpText('after', EXIT_HELP);
  for (const command of [runCommand(), demoCommand(), checkCommand(), newKpiCommand(), benchmarksCommand()]) cli.addCommand(command);
  // Usage errors become exit code 2 instead of commander's process.exit.
  for (const command of [cli, ...cli.commands]) command.exitOverride();
  return cli;
}

/** Entry point for bin/pejlemaerke.js; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const cli = program();
  try {
    await cli.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`Fejl: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failure;
  }
  const used = cli.commands.find((c) => c.getOptionValue('exitCode') !== undefined);
  return (used?.getOptionValue('exitCode') as number | undefined) ?? EXIT.ok;
}
