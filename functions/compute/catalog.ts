import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KPI_PLACEHOLDERS, renderKpiSql } from './kpiSql.ts';
import { kpiDefinitionSchema, type Kpi } from './kpiDefinition.ts';

/** One thing wrong with one KPI file, with what to do about it. */
export interface CatalogProblem {
  file: string;
  message: string;
  hint: string;
}

/** Every problem in the KPI folder at once, so an analyst fixes them in one go. */
export class KpiCatalogError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: CatalogProblem[],
  ) {
    super(`KPI-kataloget ${dir} har fejl:\n${problems.map((p) => `  ${p.file}: ${p.message} ${p.hint}`).join('\n')}`);
    this.name = 'KpiCatalogError';
  }
}

/**
 * The KPI catalogue: every `<id>.sql` in the folder with its `<id>.yaml` beside it, validated,
 * sorted by id. Adding a KPI is adding two files; nothing in TypeScript lists them.
 */
export async function loadKpis(dir: string): Promise<Kpi[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const ids = new Set<string>();
  for (const name of names) {
    const m = /^(.+)\.(sql|yaml)$/.exec(name);
    if (m) ids.add(m[1]!);
  }
  const problems: CatalogProblem[] = [];
  const kpis: Kpi[] = [];
  for (const id of [...ids].sort()) {
    const sqlFile = `${id}.sql`;
    const yamlFile = `${id}.yaml`;
    if (!names.includes(yamlFile)) {
      problems.push({ file: sqlFile, message: `har ingen definition ${yamlFile}.`, hint: `Opret ${yamlFile} ved siden af, eller slet ${sqlFile}.` });
      continue;
    }
    if (!names.includes(sqlFile)) {
      problems.push({ file: yamlFile, message: `har ingen forespørgsel ${sqlFile}.`, hint: `Opret ${sqlFile} ved siden af, eller slet ${yamlFile}.` });
      continue;
    }
    const [sql, yaml] = await Promise.all([readFile(join(dir, sqlFile), 'utf8'), readFile(join(dir, yamlFile), 'utf8')]);
    const found = checkKpi(id, sql, yaml);
    if (Array.isArray(found)) problems.push(...found);
    else kpis.push(found);
  }
  if (problems.length > 0) throw new KpiCatalogError(dir, problems);
  return kpis;
}

/** One KPI from its two file texts, or the problems that keep it out of the catalogue. */
function checkKpi(id: string, sql: string, yaml: string): Kpi | CatalogProblem[] {
  const sqlFile = `${id}.sql`;
  const yamlFile = `${id}.yaml`;
  const problems: CatalogProblem[] = [];

  let raw: unknown;
  try {
    raw = parseYaml(yaml);
  } catch (error) {
    problems.push({ file: yamlFile, message: `er ikke gyldig YAML: ${(error as Error).message.split('\n')[0]}`, hint: 'Ret syntaksen.' });
  }
  const parsed = problems.length === 0 ? kpiDefinitionSchema.safeParse(raw) : undefined;
  if (parsed && !parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({
        file: yamlFile,
        message: `${issue.path.join('.') || '(hele filen)'}: ${issue.message}.`,
        hint: 'Se felterne i functions/compute/kpiDefinition.ts.',
      });
    }
  }
  if (parsed?.success && parsed.data.id !== id) {
    problems.push({ file: yamlFile, message: `id: "${parsed.data.id}" skal være filnavnet "${id}".`, hint: `Skriv id: ${id}, eller omdøb begge filer.` });
  }

  for (const placeholder of KPI_PLACEHOLDERS) {
    if (!new RegExp(`\\{\\{\\s*${placeholder}\\s*\\}\\}`).test(sql)) {
      problems.push({
        file: sqlFile,
        message: `bruger ikke {{${placeholder}}}.`,
        hint: 'Begræns forespørgslen til kvartalerne {{from_quarter}} til {{to_quarter}}.',
      });
    }
  }
  try {
    renderKpiSql(sql, { fromQuarter: 0, toQuarter: 0 });
  } catch (error) {
    problems.push({ file: sqlFile, message: `${(error as Error).message}.`, hint: 'Fjern eller ret pladsholderen.' });
  }

  if (problems.length > 0 || !parsed?.success) return problems;
  return { definition: parsed.data, sql, hash: createHash('sha256').update(sql).update(yaml).digest('hex') };
}
