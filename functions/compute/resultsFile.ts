import { keys, type Store } from '../store/store.ts';
import { disclosureViolations } from './disclosure.ts';
import { resultsSchema, type Cell, type Results } from './results.ts';

/** A published results document that cannot be read: disclosure over time cannot be checked against it. */
export class UnreadablePublishedResultsError extends Error {
  /** For the terminal (see cli/main.ts `failureText`). */
  readonly summary: string;
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(`Det offentliggjorte resultat ${key} kan ikke læses, så diskretioneringen over tid kan ikke kontrolleres mod det.`, { cause });
    this.name = 'UnreadablePublishedResultsError';
    this.summary = this.message;
  }
}

/**
 * Every results document already published under the prefixes (`results/` by default: each
 * quarter's `kpis.json`; add the prefix of older revisions if they stay public), parsed, for
 * compute's and writeResults' `published` (kpis.md, disclosure over time). A document that
 * does not parse stops the run: without it, no year-to-date number can be shown to be safe.
 */
export async function readPublishedResults(store: Store, prefixes: readonly string[] = ['results/']): Promise<Results[]> {
  const documents: Results[] = [];
  for (const prefix of prefixes) {
    for (const { key } of await store.list(prefix)) {
      if (!key.endsWith('/kpis.json')) continue;
      try {
        documents.push(resultsSchema.parse(JSON.parse((await store.get(key)).toString('utf8'))));
      } catch (error) {
        throw new UnreadablePublishedResultsError(key, error);
      }
    }
  }
  return documents;
}

/** The CSV's columns, in order. */
export const RESULTS_CSV_COLUMNS = [
  'kpi_id',
  'quarter',
  'breakdown',
  'group',
  'value',
  'numerator',
  'denominator',
  'suppressed',
  'suppressed_because',
] as const;
/** `breakdown` and `group` of the row that holds a quarter's total. */
export const TOTAL_GROUP = 'total';

/**
 * Writes `results/<quarter>/kpis.json` and `kpis.csv`, the public machine-readable results.
 * The results are re-validated first, and re-checked for disclosure (over time against the
 * `published` documents too, the same ones compute was given), so nothing that escaped
 * disclosure control can be written. Returns the keys written.
 */
export async function writeResults(store: Store, results: Results, published: readonly Results[] = []): Promise<string[]> {
  const checked = resultsSchema.parse(results);
  const violations = disclosureViolations(checked, published);
  if (violations.length > 0) {
    throw new Error(`Resultaterne for ${checked.quarter} skrives ikke, de bryder diskretioneringen:\n  ${violations.join('\n  ')}`);
  }
  const jsonKey = keys.results(checked.quarter, 'kpis.json');
  const csvKey = keys.results(checked.quarter, 'kpis.csv');
  await store.put(jsonKey, resultsJson(checked), 'application/json; charset=utf-8');
  await store.put(csvKey, resultsCsv(checked), 'text/csv; charset=utf-8');
  return [jsonKey, csvKey];
}

/** The schema's key order (zod builds parsed objects in shape order), 2-space indent, final newline. */
export function resultsJson(results: Results): string {
  return `${JSON.stringify(resultsSchema.parse(results), null, 2)}\n`;
}

/**
 * kpis.csv, for spreadsheets and scripts: UTF-8 without BOM, `,` between fields, `\n` after
 * every line, a header line. One row per KPI × trend quarter (oldest first) × group, the total
 * first with breakdown and group `total`, then each breakdown's groups. `value` is a fraction
 * for shares and the count for counts, with `.` as decimal point and full precision;
 * `suppressed` is `true`/`false` and `suppressed_because` `small` (under n persons) or
 * `complementary` (hidden so another hidden number cannot be worked out); a suppressed cell has empty value, numerator and denominator,
 * as does a share with no population.
 */
export function resultsCsv(results: Results): string {
  const lines: string[] = [RESULTS_CSV_COLUMNS.join(',')];
  for (const kpi of results.kpis) {
    for (const q of kpi.trend) {
      lines.push(csvLine(kpi.id, q.quarter, TOTAL_GROUP, TOTAL_GROUP, q));
      for (const [breakdown, groups] of Object.entries(q.breakdowns)) {
        for (const g of groups) lines.push(csvLine(kpi.id, q.quarter, breakdown, g.group, g));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function csvLine(kpiId: string, quarter: string, breakdown: string, group: string, cell: Cell): string {
  return [
    kpiId,
    quarter,
    breakdown,
    group,
    csvNumber(cell.value),
    csvNumber(cell.numerator),
    csvNumber(cell.denominator),
    String(cell.suppressed),
    cell.suppressed_because ?? '',
  ]
    .map(csvField)
    .join(',');
}

/** Plain decimal notation: JS would write a share below 1e-6 as `1e-7`, which not every reader takes. */
function csvNumber(value: number | null): string {
  if (value === null) return '';
  const text = String(value);
  return text.includes('e') ? value.toFixed(20).replace(/\.?0+$/, '') : text;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
