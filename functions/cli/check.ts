import { resolve } from 'node:path';
import { Command } from 'commander';
import { EXIT } from './exitCodes.ts';

/**
 * `pejlemaerke check`: every KPI definition and municipality config, and every KPI's SQL on
 * both engines' rules. Exit 4 when anything is wrong, so CI and `npm test` stop on it.
 */
export function checkCommand(): Command {
  return new Command('check')
    .description(
      'kontrollér KPI-definitioner og konfigurationer, og at hver KPI-forespørgsel kører på DuckDB og holder sig til den SQL, Athena (Trino) og DuckDB har til fælles',
    )
    .option('--dir <mappe>', 'projektets rodmappe (den med dashboards/)', '.')
    .action(async (args: { dir: string }, command: Command) => {
      command.setOptionValue('exitCode', await check(resolve(args.dir)));
    });
}

export async function check(rootDir: string): Promise<number> {
  // Loaded on use: the Trino grammar is a development dependency, and `run` must not need it.
  const { checkProject, formatCheckProblem } = await import('../check/checkProject.ts');
  let report: Awaited<ReturnType<typeof checkProject>>;
  try {
    report = await checkProject(rootDir);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }
  for (const problem of report.problems) process.stdout.write(`${formatCheckProblem(problem)}\n`);
  const what = `${report.kpis.length} KPI’er og ${report.configs.length} ${report.configs.length === 1 ? 'konfiguration' : 'konfigurationer'}`;
  if (report.problems.length > 0) {
    process.stdout.write(`\n${what} kontrolleret: ${report.problems.length} ${report.problems.length === 1 ? 'problem' : 'problemer'}.\n`);
    return EXIT.checkFailed;
  }
  process.stdout.write(`${what} kontrolleret: ingen problemer.\n`);
  return EXIT.ok;
}
