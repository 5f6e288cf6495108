import type { CsvWriter } from './csvWriter.ts';
import type { Random } from './random.ts';

/**
 * Comparison series for the Rambøll KPIs (seed 004), per quarter 2015Q1–2017Q4, for the
 * whole country and the Capital Region: self-supporting share rising, the job-ready share
 * jumping with the re-visitation under the July 2016 rules, company-directed activation up.
 */

const FIRST_YEAR = 2015;
const QUARTERS = 12;

/** Level in quarter i (0 = 2015Q1) for the whole country. */
const NATIONAL: Readonly<Record<string, (i: number) => number>> = {
  integration_selvforsoergende: (i) => 0.17 + 0.014 * i,
  integration_jobparate: (i) => (i < 6 ? 0.24 + 0.005 * i : 0.46 + 0.025 * (i - 6)),
  integration_virksomhedsrettet: (i) => 0.27 + 0.012 * i,
};

/** The Capital Region relative to the country. */
const REGION_OFFSET: Readonly<Record<string, number>> = {
  integration_selvforsoergende: 0.02,
  integration_jobparate: -0.03,
  integration_virksomhedsrettet: -0.02,
};

export function writeBenchmarks(out: CsvWriter, rng: Random): void {
  for (const [kpi, level] of Object.entries(NATIONAL)) {
    for (const [area, offset] of [
      ['hele_landet', 0],
      ['region_hovedstaden', REGION_OFFSET[kpi]!],
    ] as const) {
      for (let i = 0; i < QUARTERS; i++) {
        const year = FIRST_YEAR + Math.floor(i / 4);
        const quarter = (i % 4) + 1;
        const value = level(i) + offset + (rng.float() - 0.5) * 0.01;
        out.write(`${kpi},${year}Q${quarter},${area},${value.toFixed(3)}\n`);
      }
    }
  }
}
