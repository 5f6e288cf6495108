import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KpiCatalogError, loadKpis } from '../compute/catalog.ts';
import { kpiDefinitionSchema, type KpiDefinition } from '../compute/kpiDefinition.ts';
import type { Problem } from '../contract/problems.ts';

/** One KPI as the check sees it: its SQL always, its definition when that is valid. */
export interface KpiFiles {
  id: string;
  sql: string;
  definition?: KpiDefinition;
}

export interface KpiFolder {
  kpis: KpiFiles[];
  /** Every id that has a `.sql` or `.yaml` file, valid or not (for goals that name a KPI). */
  ids: Set<string>;
  problems: Problem[];
}

/**
 * The KPI folder through the compute stage's own catalogue (functions/compute/catalog.ts), so
 * the check accepts exactly what a run accepts. When the catalogue refuses the folder, its
 * problems are reported and the KPIs it did not complain about are still checked, so one
 * broken definition does not hide the SQL problems of the others.
 */
export async function readKpiFolder(dir: string, shownDir: string): Promise<KpiFolder> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const ids = new Set(names.map((n) => /^(.+)\.(sql|yaml)$/.exec(n)?.[1]).filter((id): id is string => id !== undefined));
  const problems: Problem[] = [];
  const broken = new Set<string>();
  const definitions = new Map<string, KpiDefinition>();
  try {
    for (const kpi of await loadKpis(dir)) definitions.set(kpi.definition.id, kpi.definition);
  } catch (error) {
    if (!(error instanceof KpiCatalogError)) throw error;
    for (const p of error.problems) {
      problems.push({ file: `${shownDir}/${p.file}`, line: 0, rule: 'kpi_catalog', message: p.message.replace(/\.$/, ''), hint: p.hint });
      broken.add(p.file.replace(/\.(sql|yaml)$/, ''));
    }
    for (const id of ids) {
      if (broken.has(id)) continue;
      const definition = kpiDefinitionSchema.safeParse(parseYaml(await readFile(join(dir, `${id}.yaml`), 'utf8')));
      if (definition.success) definitions.set(id, definition.data);
    }
  }
  // A `.sql` file the catalogue refused (no definition, placeholders) is not run: fix that first.
  const refusedSql = new Set(problems.map((p) => p.file).filter((f) => f.endsWith('.sql')));
  const kpis: KpiFiles[] = [];
  for (const id of [...ids].sort()) {
    if (!names.includes(`${id}.sql`) || refusedSql.has(`${shownDir}/${id}.sql`)) continue;
    kpis.push({ id, sql: await readFile(join(dir, `${id}.sql`), 'utf8'), definition: definitions.get(id) });
  }
  return { kpis, ids, problems };
}
