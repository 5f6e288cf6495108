/** What stages report while they work; the CLI prints it, Lambda logs it as JSON. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: Log = { info: () => {}, warn: () => {} };
