import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Peak resident memory of this process per stage. On Linux the kernel keeps the peak (VmHWM in
 * /proc/self/status) and resets it when "5" is written to /proc/self/clear_refs, so each stage's
 * peak is exact. Elsewhere the peak so far of the whole process is all there is.
 */
export class PeakRss {
  private readonly resettable: boolean;

  constructor() {
    this.resettable = PeakRss.reset();
  }

  /** Starts measuring a new stage; false where the peak cannot be reset. */
  static reset(): boolean {
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      return true;
    } catch {
      return false;
    }
  }

  /** The peak since the last reset, bytes. */
  static read(): number {
    try {
      const status = readFileSync('/proc/self/status', 'utf8');
      const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      if (kib) return Number(kib) * 1024;
    } catch {
      // not Linux
    }
    return process.resourceUsage().maxRSS * 1024;
  }

  get exact(): boolean {
    return this.resettable;
  }
}
