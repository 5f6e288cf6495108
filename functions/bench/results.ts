import type { Stage } from '../pipeline.ts';

/** What one bench run (functions/bench/child.ts) reports to `npm run bench`, as one line of JSON. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface BareResult {
  kind: 'bare';
  seconds: number;
  /** CPU seconds of the conversion (all of DuckDB's threads). */
  cpuSeconds: number;
  bytes: number;
  peakRss: number;
}

export interface PipelineResult {
  kind: 'pipeline';
  /** Copying the folder into incoming/ and computing its manifest (not part of end to end). */
  deliverySeconds: number;
  stages: Partial<Record<Stage, number>>;
  /** CPU seconds per stage: Node's and DuckDB's threads, and Chromium's processes in publish (Linux). */
  cpuSeconds: Partial<Record<Stage, number>>;
  /** Peak RSS per stage (bytes), and whether it was reset between stages (Linux). */
  peakRss: Partial<Record<Stage, number>>;
  peakRssExact: boolean;
  endToEnd: number;
  /** Seconds of publish spent on the committee package (PDF and Word note). */
  packageSeconds: number;
  reportBytes: number;
  /** sha256 of every curated file, by key: the same delivery must give the same bytes. */
  curated: Record<string, string>;
  curatedBytes: Record<string, number>;
  memoryBound: number;
  memoryLimit: number;
  threads: number;
  warnings: string[];
}
