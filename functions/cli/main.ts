import '../danishMessages.ts';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { escapeControls, redactForDebug } from '../contract/echo.ts';
import { DEFAULT_MEMORY_BOUND, formatSize, MEMORY_ENV, MIN_MEMORY_BOUND, parseSize } from '../engine/resources.ts';
import { UsageError } from '../usageError.ts';
import { approveCommand } from './approve.ts';
import { benchmarksCommand } from './benchmarks.ts';
import { checkCommand } from './check.ts';
import { demoCommand } from './demo.ts';
import { EXIT, EXIT_HELP } from './exitCodes.ts';
import { newKpiCommand } from './newKpi.ts';
import { pullCommand } from './pull.ts';
import { runCommand } from './run.ts';

export function program(): Command {
  const cli = new Command('pejlemaerke')
    .description('Pejlemærke: kvartalsvis opfølgning på beskæftigelses- og integrationsmål')
    .version(packageJson.version)
    .option('--debug', 'vis tekniske detaljer (stakspor) ved en uventet fejl; CPR-lignende tal er altid skjult')
    .option(
      '--max-memory <størrelse>',
      `hukommelsesgrænse for hele kørslen, fx 1.5GiB eller 3GiB (standard ${formatSize(DEFAULT_MEMORY_BOUND)}, eller ${MEMORY_ENV}); DuckDB bruger disk i stedet for mere hukommelse`,
      memoryArgument,
    )
    .hook('preAction', (command) => {
      const bound = command.opts<{ maxMemory?: number }>().maxMemory;
      // The stages read the bound from the environment (engine/resources.ts), as on Lambda.
      if (bound !== undefined) process.env[MEMORY_ENV] = `${bound}b`;
    })
    .addHelpText('after', EXIT_HELP);
  for (const command of [runCommand(), approveCommand(), pullCommand(), demoCommand(), checkCommand(), newKpiCommand(), benchmarksCommand()])
    cli.addCommand(command);
  // Usage errors become exit code 2 instead of commander's process.exit, and are said in Danish.
  for (const command of [cli, ...cli.commands]) {
    command.exitOverride();
    command.configureOutput({ outputError: (text, write) => write(`${danishUsageError(text)}\n`) });
  }
  return cli;
}

const USAGE_ERRORS: [RegExp, (...parts: string[]) => string][] = [
  [/^error: required option '(.+)' not specified/, (option) => `tilvalget ${option} skal angives`],
  [/^error: option '(.+)' argument missing/, (option) => `tilvalget ${option} mangler en værdi`],
  [
    /^error: option '(.+)' argument '(.*)' is invalid\.\s*(.*)/s,
    (option, value, why) => `»${value}« er ikke en gyldig værdi for ${option}${why ? `: ${why}` : ''}`,
  ],
  [/^error: missing required argument '(.+)'/, (name) => `argumentet <${name}> mangler`],
  [
    /^error: unknown option '(.+?)'(?:\n\(Did you mean (.+)\?\))?/,
    (option, similar) => `ukendt tilvalg ${option}${similar ? ` (mente du ${similar.replace('one of ', 'et af ')}?)` : ''}`,
  ],
  [
    /^error: unknown command '(.+?)'(?:\n\(Did you mean (.+)\?\))?/,
    (name, similar) => `ukendt kommando ${name}${similar ? ` (mente du ${similar.replace('one of ', 'en af ')}?)` : ''}`,
  ],
  [/^error: too many arguments/, () => 'for mange argumenter'],
  [/^error: (.+) cannot be used with (.+)/, (a, b) => `${a.replace(/^option /, '')} kan ikke bruges sammen med ${b.replace(/^option /, '')}`],
];

/** `--max-memory 1.5GiB` → bytes; at least MIN_MEMORY_BOUND. */
export function memoryArgument(text: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined) throw new InvalidArgumentError('skriv en størrelse som 1.5GiB, 1536MiB eller 2GB');
  if (bytes < MIN_MEMORY_BOUND) throw new InvalidArgumentError(`mindst ${formatSize(MIN_MEMORY_BOUND)}`);
  return bytes;
}

/** Commander's (English) usage error as one Danish sentence; what the user typed is shown escaped. */
export function danishUsageError(text: string): string {
  const message = text.trim();
  for (const [pattern, say] of USAGE_ERRORS) {
    const match = pattern.exec(message);
    if (match) return escapeControls(`Fejl: ${say(...match.slice(1).map((part) => part ?? ''))}. Se pejlemaerke --help.`);
  }
  return escapeControls(`Fejl: ${message.replace(/^error: /, '')}. Se pejlemaerke --help.`);
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
    const debug = cli.opts<{ debug?: boolean }>().debug === true || process.env.PEJLEMAERKE_DEBUG === '1';
    process.stderr.write(`${failureText(error, debug)}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
  const used = cli.commands.find((c) => c.getOptionValue('exitCode') !== undefined);
  return (used?.getOptionValue('exitCode') as number | undefined) ?? EXIT.ok;
}

/**
 * What the terminal shows for an error no command handled. A UsageError is our own Danish
 * sentence. An error of ours that can say what failed without quoting any data carries a
 * Danish `summary` (compute's KpiQueryError, an unreadable published document); that is shown.
 * Anything else is one Danish line naming the error's kind, as its text may quote data (an
 * engine's message) and a stack trace helps only a developer. With --debug the stack and
 * every cause follow, CPR-like numbers masked and control characters escaped.
 */
export function failureText(error: unknown, debug: boolean): string {
  const more = debug ? ' Detaljer:' : ' Kør igen med --debug for at se detaljerne.';
  const lines =
    error instanceof UsageError
      ? [escapeControls(error.message).replaceAll('\\x0a', '\n')]
      : typeof summaryOf(error) === 'string'
        ? [`Fejl: ${escapeControls(summaryOf(error)!)} Intet er udgivet.${more}`]
        : [`Fejl: Pejlemærke stoppede uventet (${errorKind(error)}). Intet er udgivet.${more}`];
  if (debug) {
    for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
      lines.push(redactForDebug(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e)));
    }
  }
  return lines.join('\n');
}

function summaryOf(error: unknown): string | undefined {
  const summary = error instanceof Error ? (error as { summary?: unknown }).summary : undefined;
  return typeof summary === 'string' ? summary : undefined;
}

function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${error.name}, ${escapeControls(String(code))}` : error.name;
}
