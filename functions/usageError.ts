/**
 * A mistake the person running Pejlemærke can fix (a wrong argument, a config that does not
 * parse or names a KPI that does not exist). Its message is one or more plain Danish
 * sentences; the CLI prints it as it is and exits 2, never with a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}
