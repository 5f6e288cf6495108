import { execFile } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { checkProject, formatCheckProblem } from '../../functions/check/checkProject.ts';
import { ScaffoldError, scaffoldKpi } from '../../functions/check/scaffold.ts';
import { kpiDefinitionSchema } from '../../functions/compute/kpiDefinition.ts';
import { parseBenchmarkDefinition } from '../../functions/benchmarks/definitions.ts';
import { EXIT } from '../../functions/cli/exitCodes.ts';
import { newKpiCommand } from '../../functions/cli/newKpi.ts';
import { tempProject } from './tempProject.ts';

const exec = promisify(execFile);
const FILES = [
  'dashboards/kpis/andel_i_job.sql',
  'dashboards/kpis/andel_i_job.yaml',
  'tests/kpis/andel_i_job.test.ts',
  'dashboards/benchmarks/andel_i_job.yaml',
];

/** Runs `pejlemaerke new-kpi` through its commander command; output captured. */
async function runNewKpi(args: string[]): Promise<{ code: unknown; stdout: string; stderr: string }> {
  const out: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      out[stream].push(String(chunk));
      return true;
    }),
  );
  try {
    const command = newKpiCommand().exitOverride();
    await command.parseAsync(args, { from: 'user' });
    return { code: command.getOptionValue('exitCode'), stdout: out.stdout.join(''), stderr: out.stderr.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

let root: string;
beforeAll(async () => {
  root = await tempProject();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('pejlemaerke new-kpi', () => {
  it('writes the SQL, the definition and a fixture test, and lists them', async () => {
    const { code, stdout } = await runNewKpi(['andel_i_job', '--dir', root]);
    expect(code).toBe(EXIT.ok);
    for (const file of FILES) {
      expect(stdout).toContain(`  ${file}\n`);
      expect((await stat(join(root, file))).isFile()).toBe(true);
    }
    const definition = kpiDefinitionSchema.parse(parse(await readFile(join(root, FILES[1]!), 'utf8')));
    expect(definition).toMatchObject({ id: 'andel_i_job', unit: 'share', grain: 'quarter', breakdowns: ['sex'] });
    // Every text the report shows is marked as a draft until the author rewrites it.
    for (const text of [definition.title, definition.description, definition.population, definition.numerator, definition.subject, definition.source]) {
      expect(text).toMatch(/^UDKAST: /);
    }
    // No comparable Jobindsats series yet, and a reason the report can give.
    const comparison = parseBenchmarkDefinition('andel_i_job.yaml', await readFile(join(root, FILES[3]!), 'utf8'), new Map([['andel_i_job', 'share']]));
    expect(comparison).toMatchObject({ kpi: 'andel_i_job', comparable: false, reason: expect.stringMatching(/^UDKAST: /) });
  });

  it('its output passes check: found as files, dialect clean, right columns on the check fixture', async () => {
    const report = await checkProject(root);
    expect(report.problems.map(formatCheckProblem)).toEqual([]);
    // Persons present in T, by sex: women and men in every quarter of 2016Q1..2017Q4.
    expect(report.kpis.find((k) => k.id === 'andel_i_job')).toEqual({ id: 'andel_i_job', rows: 16 });
  });

  it('its generated fixture test passes with vitest', async () => {
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    // A fresh vitest in the temporary project, not a worker of this one.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
    const { stdout } = await exec(process.execPath, [vitest, 'run', FILES[2]!, '--reporter', 'verbose'], {
      cwd: root,
      env: { ...env, CI: '1', NO_COLOR: '1' },
    });
    expect(stdout).toContain('is a quarterly share by sex');
    expect(stdout).toContain('counts the persons present in T, the last week of the quarter, by their status in T');
    expect(stdout).toMatch(/Tests\s+2 passed \(2\)/);
  });

  it('refuses to overwrite: an existing KPI or any one of its files stops it before anything is written', async () => {
    const edited = '-- the author’s work\nSELECT 1 AS quarter\n';
    await writeFile(join(root, FILES[0]!), edited);
    const again = await runNewKpi(['andel_i_job', '--dir', root]);
    expect(again.code).toBe(EXIT.usage);
    expect(again.stderr).toContain(`KPI’en andel_i_job findes allerede (${FILES.join(', ')}); intet er overskrevet.`);
    expect(await readFile(join(root, FILES[0]!), 'utf8')).toBe(edited);

    await writeFile(join(root, 'tests/kpis/kun_test.test.ts'), '// a test written first\n');
    await expect(scaffoldKpi(root, 'kun_test')).rejects.toThrow(ScaffoldError);
    await expect(stat(join(root, 'dashboards/kpis/kun_test.sql'))).rejects.toThrow();
    expect(await readFile(join(root, 'tests/kpis/kun_test.test.ts'), 'utf8')).toBe('// a test written first\n');
  });

  it('refuses an id the catalogue would not accept', async () => {
    for (const id of ['Andel-i-job', '1_andel', 'ab', 'andel i job']) {
      const result = await runNewKpi([id, '--dir', root]);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(`"${id}" kan ikke bruges som KPI-id`);
    }
    await expect(stat(join(root, 'dashboards/kpis/Andel-i-job.sql'))).rejects.toThrow();
  });
});
