import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KpiCatalogError, loadKpis } from '../../functions/compute/catalog.ts';

const KPIS_DIR = fileURLToPath(new URL('../../dashboards/kpis/', import.meta.url));

const SQL = 'SELECT 1 AS quarter, 0 AS numerator WHERE 1 BETWEEN {{from_quarter}} AND {{to_quarter}}\n';
const yaml = (id: string, extra = '') => `id: ${id}
title: Nye virksomheder
description: Antal virksomheder, der samarbejder med jobcentret for første gang.
population: Virksomheder
unit: count
grain: quarter
direction: higher_is_better
source: Seed 001
subject: nye virksomheder
${extra}`;

async function catalogError(dir: string): Promise<KpiCatalogError> {
  const error = await loadKpis(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(KpiCatalogError);
  return error as KpiCatalogError;
}

describe('the shipped catalogue', () => {
  it('loads every KPI, sorted by id, hashed over SQL + YAML', async () => {
    const kpis = await loadKpis(KPIS_DIR);
    const ids = kpis.map((k) => k.definition.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(
      expect.arrayContaining(['flygtninge_job_foerste_aar', 'integration_selvforsoergende', 'langtid_virksomhedsrettet', 'unge_uddannelsesstart']),
    );
    for (const kpi of kpis) {
      const id = kpi.definition.id;
      const [sql, text] = await Promise.all([readFile(join(KPIS_DIR, `${id}.sql`), 'utf8'), readFile(join(KPIS_DIR, `${id}.yaml`), 'utf8')]);
      expect(kpi.sql).toBe(sql);
      expect(kpi.hash).toBe(
        createHash('sha256')
          .update(sql + text)
          .digest('hex'),
      );
    }
  });

  it('defines the headline KPIs as shares by sex, monthly where kpis.md says so', async () => {
    const byId = new Map((await loadKpis(KPIS_DIR)).map((k) => [k.definition.id, k.definition]));
    const shape = (id: string) => {
      const d = byId.get(id)!;
      return [d.unit, d.grain, d.direction, d.year_to_date, d.breakdowns];
    };
    expect(shape('flygtninge_job_foerste_aar')).toEqual(['share', 'quarter', 'higher_is_better', false, ['sex']]);
    expect(shape('integration_selvforsoergende')).toEqual(['share', 'quarter', 'higher_is_better', false, ['sex']]);
    expect(shape('langtid_virksomhedsrettet')).toEqual(['share', 'month', 'higher_is_better', false, ['sex']]);
    expect(shape('unge_uddannelsesstart')).toEqual(['share', 'month', 'higher_is_better', false, ['sex']]);
  });
});

describe('catalogue errors', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-catalog-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds a KPI and ignores other files', async () => {
    await writeFile(join(dir, 'virksomheder_nye.sql'), SQL);
    await writeFile(join(dir, 'virksomheder_nye.yaml'), yaml('virksomheder_nye'));
    await writeFile(join(dir, 'README.md'), '# KPI’er\n');
    const kpis = await loadKpis(dir);
    expect(kpis.map((k) => [k.definition.id, k.definition.year_to_date, k.definition.breakdowns])).toEqual([['virksomheder_nye', false, []]]);
  });

  it('names a .sql without .yaml and a .yaml without .sql, with the fix', async () => {
    await writeFile(join(dir, 'alene_sql.sql'), SQL);
    await writeFile(join(dir, 'alene_yaml.yaml'), yaml('alene_yaml'));
    const error = await catalogError(dir);
    expect(error.problems).toEqual([
      { file: 'alene_sql.sql', message: 'har ingen definition alene_sql.yaml.', hint: 'Opret alene_sql.yaml ved siden af, eller slet alene_sql.sql.' },
      { file: 'alene_yaml.yaml', message: 'har ingen forespørgsel alene_yaml.sql.', hint: 'Opret alene_yaml.sql ved siden af, eller slet alene_yaml.yaml.' },
    ]);
    expect(error.message).toContain(dir);
    expect(error.message).toContain('alene_sql.sql: har ingen definition alene_sql.yaml.');
  });

  it('names the zod issue path of an invalid definition', async () => {
    await writeFile(join(dir, 'forkert.sql'), SQL);
    await writeFile(
      join(dir, 'forkert.yaml'),
      yaml('forkert', 'goal: 0.5\n')
        .replace('unit: count', 'unit: percent')
        .replace(/^title:.*\n/m, ''),
    );
    const error = await catalogError(dir);
    expect(error.problems.every((p) => p.file === 'forkert.yaml')).toBe(true);
    const paths = error.problems.map((p) => p.message.split(':')[0]);
    expect(paths).toEqual(expect.arrayContaining(['title', 'unit', '(hele filen)']));
    expect(error.problems.find((p) => p.message.startsWith('(hele filen)'))!.message).toContain('goal');
  });

  it('requires the id to be the file name', async () => {
    await writeFile(join(dir, 'rigtigt_navn.sql'), SQL);
    await writeFile(join(dir, 'rigtigt_navn.yaml'), yaml('andet_navn'));
    const error = await catalogError(dir);
    expect(error.problems).toEqual([
      { file: 'rigtigt_navn.yaml', message: 'id: "andet_navn" skal være filnavnet "rigtigt_navn".', hint: 'Skriv id: rigtigt_navn, eller omdøb begge filer.' },
    ]);
  });

  it('reports broken YAML and SQL placeholders, all at once', async () => {
    await writeFile(join(dir, 'ugyldig_yaml.sql'), SQL);
    await writeFile(join(dir, 'ugyldig_yaml.yaml'), 'id: [ugyldig_yaml\n');
    await writeFile(join(dir, 'pladsholder.sql'), 'SELECT {{quarter}} AS quarter, 0 AS numerator WHERE 1 >= {{ from_quarter }}\n');
    await writeFile(join(dir, 'pladsholder.yaml'), yaml('pladsholder'));
    const error = await catalogError(dir);
    expect(error.problems.map((p) => [p.file, p.message.slice(0, 20)])).toEqual([
      ['pladsholder.sql', 'bruger ikke {{to_qua'],
      ['pladsholder.sql', 'Ukendt pladsholder {'],
      ['ugyldig_yaml.yaml', 'er ikke gyldig YAML:'],
    ]);
  });
});
