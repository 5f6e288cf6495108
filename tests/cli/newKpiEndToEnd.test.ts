import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resultsSchema } from '../../functions/compute/results.ts';
import { generateDemo } from '../../functions/demo/generate.ts';

const exec = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin/pejlemaerke.js');

describe('a KPI added by files only', () => {
  it('is scaffolded, passes check, and appears in the results and the report with its goal', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pejlemaerke-newkpi-'));
    await cp(join(REPO, 'dashboards'), join(root, 'dashboards'), { recursive: true });
    await exec(process.execPath, [BIN, 'new-kpi', 'unge_i_job', '--dir', root]);
    const definition = join(root, 'dashboards/kpis/unge_i_job.yaml');
    const text = (await readFile(definition, 'utf8')).replace(/^title: .*$/m, 'title: Ansatte i ordinært job');
    await writeFile(definition, text);
    const config = join(root, 'dashboards/municipalities/allerod-demo.yaml');
    const parsed = parse(await readFile(config, 'utf8'));
    parsed.goals.push({ kpi: 'unge_i_job', target: 0.5, year: 2017, source: 'Eksempel: et mål sat i testen' });
    await writeFile(config, stringify(parsed));

    await exec(process.execPath, [BIN, 'check', '--dir', root]);

    const input = join(root, 'input');
    await generateDemo(input, { scale: 0.3 });
    const out = join(root, 'out');
    await exec(process.execPath, [
      BIN,
      'run',
      '--input',
      input,
      '--quarter',
      '2017Q4',
      '--out',
      out,
      '--config',
      config,
      '--kpis',
      join(root, 'dashboards/kpis'),
    ]);
    const results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results/2017Q4/kpis.json'), 'utf8')));
    const added = results.kpis.find((k) => k.id === 'unge_i_job');
    expect(added?.title).toBe('Ansatte i ordinært job');
    expect(added?.trend).toHaveLength(8);
    expect(added?.denominator).toBeGreaterThan(0);
    const shipped = (await readdir(join(root, 'dashboards/kpis'))).filter((f) => f.endsWith('.sql'));
    expect(results.kpis.map((k) => k.id).sort()).toEqual(shipped.map((f) => f.slice(0, -'.sql'.length)).sort());
    const html = await readFile(join(out, 'reports/2017Q4/index.html'), 'utf8');
    expect(html).toContain('Ansatte i ordinært job');
    expect(html).toContain('Eksempel: et mål sat i testen');
    expect(await readFile(join(out, 'reports/2017Q4/embed/unge_i_job.html'), 'utf8')).toContain('Ansatte i ordinært job');
  });
});
