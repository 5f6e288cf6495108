import ora, { type Ora } from 'ora';
import type { Log } from '../log.ts';
import type { Stage } from '../pipeline.ts';

const STAGE_TEXT: Record<Stage, string> = {
  ingest: 'Indlæser og validerer udtræk',
  compute: 'Beregner KPI’er',
  publish: 'Danner rapport',
};

/** Stage progress on stderr: a spinner on a terminal, one line per step in CI logs. */
export function stageProgress(): (stage: Stage, state: 'start' | 'done', detail?: string) => void {
  let spinner: Ora | undefined;
  let startedAt = 0;
  return (stage, state, detail) => {
    if (state === 'start') {
      startedAt = performance.now();
      spinner = ora({ text: STAGE_TEXT[stage], stream: process.stderr }).start();
      return;
    }
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).replace('.', ',');
    const text = `${STAGE_TEXT[stage]}: ${detail ?? 'færdig'} (${seconds} s)`;
    if (detail === 'afvist') spinner?.fail(text);
    else spinner?.succeed(text);
  };
}

export const cliLog: Log = {
  info: () => {},
  warn: (message) => process.stderr.write(`advarsel: ${message}\n`),
};
