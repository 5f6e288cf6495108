import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../functions/demo/generate.ts';
import { resultsSchema } from '../../functions/compute/results.ts';

const exec = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/pejlemaerke.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Rewrite a contract CSV the way an Excel export might: BOM, `;`, decimal comma, CRLF, reversed columns. */
function excelStyle(csv: string): string {
  const lines = csv
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
  const order = [...lines[0]!.keys()].reverse();
  const body = lines.map((cells) => order.map((i) => (cells[i] ?? '').replace(/^(\d+)\.(\d+)$/, '$1,$2')).join(';'));
  return `\uFEFF${body.join('\r\n')}\r\n`;
}

let root: string;
let demo: string;

/** Every file under a folder with its bytes' hash, to compare a tree before and after. */
async function snapshotOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir, { recursive: true })).map(String).sort()) {
    const path = join(dir, name);
    if ((await stat(path)).isFile())
      out[name] = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pejlemaerke-cli-'));
  demo = join(root, 'demo-input');
  await generateDemo(demo, { scale: 0.3 });
});

describe('pejlemaerke run', () => {
  it('publishes a report from contract-conformant extracts, and reruns byte-identically', async () => {
    const out = join(root, 'out-a');
    const first = await cli(['run', '--input', demo, '--quarter', '2017Q4', '--out', out, '--config', 'dashboards/municipalities/allerod-demo.yaml']);
    expect(first.stderr).not.toMatch(/Fejl:/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Rapport: .*reports\/2017Q4\/index\.html/);
    const html = await readFile(join(out, 'reports/2017Q4/index.html'), 'utf8');
    expect(html).toMatch(/<html lang="da"/);
    expect(html).toContain('4. kvartal 2017');
    expect(await readFile(join(out, 'reports/latest/index.html'), 'utf8')).toBe(html);
    const results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results/2017Q4/kpis.json'), 'utf8')));
    expect(results.kpis.map((k) => k.id)).toEqual(
      expect.arrayContaining(['flygtninge_job_foerste_aar', 'langtid_virksomhedsrettet', 'unge_uddannelsesstart', 'integration_selvforsoergende']),
    );

    const again = join(root, 'out-b');
    expect((await cli(['run', '--input', demo, '--quarter', '2017K4', '--out', again, '--config', 'dashboards/municipalities/allerod-demo.yaml'])).code).toBe(
      0,
    );
    for (const file of ['results/2017Q4/kpis.json', 'results/2017Q4/kpis.csv', 'reports/2017Q4/index.html']) {
      expect(await readFile(join(again, file))).toEqual(await readFile(join(out, file)));
    }
  });

  it('gives the same numbers for an Excel-style export (BOM, semicolons, decimal comma, CRLF, reordered columns)', async () => {
    const excel = join(root, 'excel-input');
    await mkdir(excel, { recursive: true });
    for (const name of await readdir(demo)) await writeFile(join(excel, name), excelStyle(await readFile(join(demo, name), 'utf8')));
    const plainOut = join(root, 'out-a');
    const excelOut = join(root, 'out-excel');
    const result = await cli(['run', '--input', excel, '--quarter', '2017Q4', '--out', excelOut, '--config', 'dashboards/municipalities/allerod-demo.yaml']);
    expect(result.code).toBe(0);
    const numbers = async (dir: string) => {
      const r = resultsSchema.parse(JSON.parse(await readFile(join(dir, 'results/2017Q4/kpis.json'), 'utf8')));
      return r.kpis.map(({ id, value, numerator, denominator, breakdowns, trend }) => ({ id, value, numerator, denominator, breakdowns, trend }));
    };
    expect(await numbers(excelOut)).toEqual(await numbers(plainOut));
  });

  it('takes an Excel-style export of the same numbers as the same publication: exit 0, nothing written', async () => {
    const out = join(root, 'out-a');
    const before = await snapshotOf(join(out, 'reports'));
    // Another delivery (other bytes, so a new snapshot) with the same numbers for a published quarter.
    const result = await cli([
      'run',
      '--input',
      join(root, 'excel-input'),
      '--quarter',
      '2017Q4',
      '--out',
      out,
      '--config',
      'dashboards/municipalities/allerod-demo.yaml',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('4. kvartal 2017 er allerede udgivet med de samme tal (revision 1); intet er ændret.');
    expect(await snapshotOf(join(out, 'reports'))).toEqual(before);
  });

  it('rejects a delivery with a CPR-like value: exit 3, quarantined, value never echoed, nothing published', async () => {
    const bad = join(root, 'cpr-input');
    await mkdir(bad, { recursive: true });
    for (const name of await readdir(demo)) await copyFile(join(demo, name), join(bad, name));
    const offers = (await readFile(join(demo, 'offers.csv'), 'utf8')).split('\n');
    const header = offers[0]!.split(',');
    const row = offers[5]!.split(',');
    row[header.indexOf('person_id')] = '3112851234';
    offers[5] = row.join(',');
    await writeFile(join(bad, 'offers.csv'), offers.join('\n'));
    const out = join(root, 'out-cpr');
    const result = await cli(['run', '--input', bad, '--quarter', '2017Q4', '--out', out]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('offers.csv');
    expect(result.stderr).toMatch(/linje 6/);
    expect(result.stderr + result.stdout).not.toContain('3112851234');
    expect(result.stderr + result.stdout).not.toContain('311285');
    const quarantined = await readdir(join(out, 'quarantine'), { recursive: true });
    expect(quarantined.some((f) => String(f).endsWith('offers.csv'))).toBe(true);
    const errors = quarantined.find((f) => String(f).endsWith('offers.csv.errors.json'));
    expect(errors).toBeDefined();
    expect(await readFile(join(out, 'quarantine', String(errors)), 'utf8')).not.toContain('311285');
    expect(existsSync(join(out, 'reports'))).toBe(false);
    expect(existsSync(join(out, 'results'))).toBe(false);
  });

  it('rejects an unknown status with file, line and column', async () => {
    const bad = join(root, 'enum-input');
    await mkdir(bad, { recursive: true });
    for (const name of await readdir(demo)) await copyFile(join(demo, name), join(bad, name));
    const weeks = (await readFile(join(demo, 'benefit_weeks.csv'), 'utf8')).split('\n');
    const header = weeks[0]!.split(',');
    const column = header.indexOf('status');
    const row = weeks[9]!.split(',');
    row[column] = 'kontant_hjaelp';
    weeks[9] = row.join(',');
    await writeFile(join(bad, 'benefit_weeks.csv'), weeks.join('\n'));
    const result = await cli(['run', '--input', bad, '--quarter', '2017Q4', '--out', join(root, 'out-enum')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`benefit_weeks\\.csv, linje 10, kolonne ${column + 1} \\(status\\)`));
  });

  it('explains wrong usage with exit code 2', async () => {
    const result = await cli(['run', '--input', demo, '--quarter', '2017Q5', '--out', join(root, 'x')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/2017Q4/);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes/);
  });
});
