import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KpiDefinition } from '../compute/kpiDefinition.ts';
import type { Problem } from '../contract/problems.ts';
import { CHECK_RANGE, openCheckEngine } from './checkFixture.ts';
import { checkConfig } from './configCheck.ts';
import { checkDialect } from './dialect.ts';
import { readKpiFolder } from './kpiFiles.ts';
import { KPIS_DIR, MUNICIPALITIES_DIR } from './projectPaths.ts';
import { RenderedSql } from './renderedSql.ts';
import { checkResultShape } from './resultShape.ts';

export interface CheckReport {
  /** Every KPI found, with the rows it returned on the check fixture when it ran there. */
  kpis: { id: string; rows?: number }[];
  configs: string[];
  /** File paths are relative to the project root, with `/`. */
  problems: Problem[];
}

/**
 * `pejlemaerke check` over a project: every KPI definition and municipality config, and every
 * KPI's SQL in the portable dialect (Trino grammar + trap rules) and on DuckDB against the
 * built-in fixture with the contract's columns and types. Nothing is listed in TypeScript: a
 * KPI added as files under dashboards/kpis is found and checked like the shipped ones.
 */
export async function checkProject(rootDir: string): Promise<CheckReport> {
  const kpiDir = join(rootDir, KPIS_DIR);
  if (!(await stat(kpiDir).catch(() => undefined))?.isDirectory()) {
    throw new Error(`${kpiDir} findes ikke: --dir skal være projektets rodmappe (den med dashboards/).`);
  }
  const folder = await readKpiFolder(kpiDir, KPIS_DIR);
  const problems = [...folder.problems];
  const kpis: CheckReport['kpis'] = [];
  const definitions = new Map<string, KpiDefinition>();

  const engine = await openCheckEngine();
  try {
    for (const kpi of folder.kpis) {
      const file = `${KPIS_DIR}/${kpi.id}.sql`;
      let rendered: RenderedSql;
      try {
        rendered = new RenderedSql(kpi.sql, CHECK_RANGE);
      } catch (error) {
        problems.push({ file, line: 0, rule: 'placeholder', message: (error as Error).message, hint: 'Brug kun {{from_quarter}} og {{to_quarter}}.' });
        kpis.push({ id: kpi.id });
        continue;
      }
      problems.push(...checkDialect(file, kpi.sql, CHECK_RANGE));
      if (!kpi.definition) {
        kpis.push({ id: kpi.id });
        continue;
      }
      definitions.set(kpi.id, kpi.definition);
      const shape = await checkResultShape(engine, file, kpi.definition, rendered, CHECK_RANGE);
      problems.push(...shape.problems);
      kpis.push({ id: kpi.id, rows: shape.rows });
    }
  } finally {
    await engine.close();
  }

  const configs: string[] = [];
  const configDir = join(rootDir, MUNICIPALITIES_DIR);
  const configNames = (await readdir(configDir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/.test(n)).sort();
  for (const name of configNames) {
    const file = `${MUNICIPALITIES_DIR}/${name}`;
    configs.push(file);
    problems.push(...checkConfig(file, await readFile(join(configDir, name), 'utf8'), folder.ids, definitions));
  }
  return { kpis, configs, problems };
}

/** `file:line:column rule — message. hint`, as editors and CI logs link positions. */
export function formatCheckProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}${p.columnNumber ? `:${p.columnNumber}` : ''}` : p.file;
  return `${where} ${p.rule} — ${p.message}. ${p.hint}`;
}
