import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KPI_ID_PATTERN } from '../compute/kpiDefinition.ts';
import { benchmarkYamlTemplate, kpiSqlTemplate, kpiTestTemplate, kpiYamlTemplate } from './kpiTemplates.ts';
import { BENCHMARKS_DIR, KPI_TESTS_DIR, KPIS_DIR } from './projectPaths.ts';

/** Why `new-kpi` wrote nothing; the message is for the author (Danish). */
export class ScaffoldError extends Error {
  override readonly name = 'ScaffoldError';
}

/** The files of a new KPI, relative to the project root. */
export function kpiFilePaths(id: string): { sql: string; yaml: string; test: string; benchmark: string } {
  return { sql: `${KPIS_DIR}/${id}.sql`, yaml: `${KPIS_DIR}/${id}.yaml`, test: `${KPI_TESTS_DIR}/${id}.test.ts`, benchmark: `${BENCHMARKS_DIR}/${id}.yaml` };
}

/**
 * Writes a new KPI's SQL, definition, fixture test and comparison (none yet) under `rootDir`, all or nothing: an
 * invalid id or any existing file stops it before anything is written, so an author's work is
 * never overwritten. Returns the written paths, relative to the root.
 */
export async function scaffoldKpi(rootDir: string, id: string): Promise<string[]> {
  if (!KPI_ID_PATTERN.test(id)) {
    throw new ScaffoldError(
      `"${id}" kan ikke bruges som KPI-id: det skal starte med et lille bogstav og derefter have 2-63 små bogstaver (a-z), tal eller _, fx andel_i_job.`,
    );
  }
  const paths = kpiFilePaths(id);
  const files: [string, string][] = [
    [paths.sql, kpiSqlTemplate(id)],
    [paths.yaml, kpiYamlTemplate(id)],
    [paths.test, kpiTestTemplate(id)],
    [paths.benchmark, benchmarkYamlTemplate(id)],
  ];
  const existing: string[] = [];
  for (const [path] of files) if (await stat(join(rootDir, path)).catch(() => undefined)) existing.push(path);
  if (existing.length > 0) {
    throw new ScaffoldError(`KPI’en ${id} findes allerede (${existing.join(', ')}); intet er overskrevet. Vælg et andet id, eller ret filerne direkte.`);
  }
  for (const [path, text] of files) {
    await mkdir(dirname(join(rootDir, path)), { recursive: true });
    // `wx`: fail instead of overwriting a file that appeared since the check above.
    await writeFile(join(rootDir, path), text, { flag: 'wx' });
  }
  return files.map(([path]) => path);
}
