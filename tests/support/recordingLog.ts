import type { Log } from '../../functions/log.ts';

export interface LogLine {
  level: 'info' | 'warn';
  message: string;
  fields?: Record<string, unknown> | undefined;
}

/** A Log that keeps every line, for tests that assert what a stage told its operator. */
export function recordingLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
  };
}
