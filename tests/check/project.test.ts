import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkProject, formatCheckProblem } from '../../functions/check/checkProject.ts';
import { checkCommand } from '../../functions/cli/check.ts';
import { EXIT } from '../../functions/cli/exitCodes.ts';
import { REPO, tempProject } from './tempProject.ts';

/** The catalogue of kpis.md; the check fixture is made so that each of them returns rows. */
const CATALOGUE = [
  'flygtninge_job_foerste_aar',
  'langtid_virksomhedsrettet',
  'unge_uddannelsesstart',
  'integration_selvforsoergende',
  'integration_afgang_job_uddannelse',
  'integration_jobparate',
  'integration_virksomhedsrettet',
  'virksomhedsrettet_foerste_maaned',
  'virksomheder_nye',
  'partnerskabsaftaler_nye',
  'samarbejdsgrad',
];

const GOOD_SQL = `-- Count of persons present in T.
SELECT t.quarter AS quarter, COUNT(*) AS numerator
FROM calendar t
JOIN benefit_weeks b ON b.week = t.week
WHERE t.last_of_quarter AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
GROUP BY t.quarter
`;
const definition = (id: string) => `id: ${id}
title: Personer i kommunen
description: Antallet af personer i kommunen i kvartalets sidste uge.
population: Personer i kvartalets sidste uge.
unit: count
grain: quarter
direction: higher_is_better
source: Testen
subject: personer i kommunen
`;

/** Runs `pejlemaerke check --dir <root>` through its commander command; output captured. */
async function runCheck(root: string): Promise<{ code: unknown; stdout: string; stderr: string }> {
  const out: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      out[stream].push(String(chunk));
      return true;
    }),
  );
  try {
    const command = checkCommand().exitOverride();
    await command.parseAsync(['--dir', root], { from: 'user' });
    return { code: command.getOptionValue('exitCode'), stdout: out.stdout.join(''), stderr: out.stderr.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('checkProject on the shipped dashboards/', () => {
  it('finds no problem, and every catalogue KPI present returns rows on the check fixture', async () => {
    const report = await checkProject(REPO);
    expect(report.problems.map(formatCheckProblem)).toEqual([]);
    const sqlFiles = (await readdir(join(REPO, 'dashboards/kpis'))).filter((n) => n.endsWith('.sql')).map((n) => n.slice(0, -4));
    expect(report.kpis.map((k) => k.id).sort()).toEqual(sqlFiles.sort());
    expect(report.configs).toContain('dashboards/municipalities/allerod-demo.yaml');
    for (const kpi of report.kpis.filter((k) => CATALOGUE.includes(k.id))) {
      expect({ id: kpi.id, hasRows: (kpi.rows ?? 0) > 0 }).toEqual({ id: kpi.id, hasRows: true });
    }
  });
});

describe('checkProject on a copy of dashboards/', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempProject();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds a KPI added only as files and checks it: a good one passes with rows', async () => {
    await writeFile(join(root, 'dashboards/kpis/personer_i_kommunen.sql'), GOOD_SQL);
    await writeFile(join(root, 'dashboards/kpis/personer_i_kommunen.yaml'), definition('personer_i_kommunen'));
    const report = await checkProject(root);
    expect(report.problems).toEqual([]);
    // A count without breakdowns: one row per quarter of 2016Q1..2017Q4.
    expect(report.kpis.find((k) => k.id === 'personer_i_kommunen')).toEqual({ id: 'personer_i_kommunen', rows: 8 });
  });

  it('a KPI with `::` and integer division fails check with exit code 4 and one line per problem', async () => {
    await writeFile(
      join(root, 'dashboards/kpis/andel_fejl.sql'),
      [
        'SELECT t.quarter::INTEGER AS quarter,',
        "  COUNT(CASE WHEN b.status = 'beskaeftiget' THEN 1 END) / COUNT(*) AS numerator",
        'FROM calendar t',
        'JOIN benefit_weeks b ON b.week = t.week',
        'WHERE t.last_of_quarter AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}',
        'GROUP BY t.quarter',
      ].join('\n'),
    );
    await writeFile(join(root, 'dashboards/kpis/andel_fejl.yaml'), definition('andel_fejl'));
    const { code, stdout } = await runCheck(root);
    expect(code).toBe(EXIT.checkFailed);
    const lines = stdout.split('\n');
    // `::` after "SELECT t.quarter" (16 characters); `/` after 2 spaces, the 53-character COUNT(…) and a space.
    expect(lines).toContain(
      'dashboards/kpis/andel_fejl.sql:1:17 double_colon_cast — `::` er DuckDB-syntaks for typekonvertering; Trino (Athena) kan ikke læse den, så KPI’en fejler på AWS. Skriv CAST(udtryk AS INTEGER) i stedet for udtryk::INTEGER.',
    );
    expect(lines.some((l) => l.startsWith('dashboards/kpis/andel_fejl.sql:2:57 integer_division — '))).toBe(true);
    // DuckDB runs both traps; its integer-looking result is DOUBLE, which the contract also refuses.
    expect(lines.some((l) => l.startsWith('dashboards/kpis/andel_fejl.sql:2:') && l.includes(' result-types — kolonnen numerator er DOUBLE'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('dashboards/kpis/') && !l.startsWith('dashboards/kpis/andel_fejl.sql'))).toEqual([]);
    expect(stdout).toMatch(/kontrolleret: 3 problemer\.\n$/);
  });

  it('a broken definition is reported, and the other KPIs are still checked', async () => {
    await writeFile(join(root, 'dashboards/kpis/personer_i_kommunen.yaml'), definition('personer_i_kommunen').replace('unit: count', 'unit: antal'));
    const report = await checkProject(root);
    expect(report.problems.filter((p) => p.file === 'dashboards/kpis/personer_i_kommunen.yaml').map((p) => p.rule)).toEqual(['kpi_catalog']);
    expect(
      report.problems
        .filter((p) => p.file === 'dashboards/kpis/andel_fejl.sql')
        .map((p) => p.rule)
        .sort(),
    ).toEqual(['double_colon_cast', 'integer_division', 'result-types']);
    expect(report.kpis.find((k) => k.id === 'samarbejdsgrad')?.rows).toBeGreaterThan(0);
  });

  it('SQL the catalogue refuses (an unknown placeholder) is reported, not run', async () => {
    await writeFile(join(root, 'dashboards/kpis/ukendt_pladsholder.sql'), GOOD_SQL.replace('{{to_quarter}}', '{{quarter}}'));
    await writeFile(join(root, 'dashboards/kpis/ukendt_pladsholder.yaml'), definition('ukendt_pladsholder'));
    const report = await checkProject(root);
    const own = report.problems.filter((p) => p.file.includes('ukendt_pladsholder'));
    expect(own.map((p) => [p.file, p.rule])).toEqual([
      ['dashboards/kpis/ukendt_pladsholder.sql', 'kpi_catalog'],
      ['dashboards/kpis/ukendt_pladsholder.sql', 'kpi_catalog'],
    ]);
    expect(own.map((p) => p.message).join('\n')).toMatch(/\{\{to_quarter\}\}[\s\S]*\{\{quarter\}\}/);
    expect(report.kpis.map((k) => k.id)).not.toContain('ukendt_pladsholder');
  });

  it('the CLI passes on the shipped project with exit code 0', async () => {
    const { code, stdout } = await runCheck(REPO);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toMatch(/^\d+ KPI’er og \d+ konfiguration(er)? kontrolleret: ingen problemer\.\n$/);
  });

  it('a folder without dashboards/kpis is a usage error', async () => {
    const { code, stderr } = await runCheck(join(root, 'functions'));
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(/dashboards\/kpis findes ikke: --dir skal være projektets rodmappe/);
  });
});
