import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeCpr } from '../../functions/contract/cpr.ts';
import { generateDemo } from '../../functions/demo/generate.ts';

/*
 * Issue #8, end to end: hostile and odd deliveries through `pejlemaerke run`, started from a
 * folder that is not the checkout (the data staff's). Never a crash, never a leak (no CPR-like
 * value and no raw control character in stdout, stderr or errors.json), never a real export
 * turned away. Files are tiny, so each run takes about as long as the CLI takes to start.
 */

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/pejlemaerke.js');

const PERSONS_HEADER = 'person_id,sex,birth_year,integration_group,arrival_date';
const PERSONS = `${PERSONS_HEADER}\npers01,M,1980,flygtning,2016-01-04\npers02,K,1990,,\n`;
/** Both persons in every week of the first quarter of 2016, so the delivery covers 2016Q1. */
function benefitWeeks(eol = '\n', trailing = ''): string {
  const rows = ['person_id,week,status,visitation'];
  for (let w = 1; w <= 13; w++) {
    const week = `2016-W${String(w).padStart(2, '0')}`;
    rows.push(`pers01,${week},integrationsydelse,jobparat`, `pers02,${week},beskaeftiget,`);
  }
  return `${rows.join(eol)}${eol}${trailing}`;
}
const DELIVERY: Record<string, string | Buffer> = {
  'persons.csv': PERSONS,
  'benefit_weeks.csv': benefitWeeks(),
  'offers.csv': 'person_id,offer_type,start_date,end_date\npers01,mentor,2016-01-06,\n',
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Every errors.json under quarantine/, concatenated. */
  errors: string;
  out: string;
  /** Peak resident memory of the CLI process, in kB. */
  maxRssKb: number;
}

let cwd: string;
let caseNo = 0;
let rssHook: string;

beforeAll(async () => {
  // The data staff's folder: no package.json, no tsconfig.json, no node_modules.
  cwd = await mkdtemp(join(tmpdir(), 'pejlemaerke-hostile-'));
  rssHook = join(cwd, 'max-rss.mjs');
  await writeFile(
    rssHook,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.MAX_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<Omit<Run, 'errors' | 'out'>> {
  const rssFile = join(cwd, `rss-${caseNo}-${Math.random().toString(36).slice(2)}`);
  const env = { ...process.env, NO_COLOR: '1', MAX_RSS_FILE: rssFile, NODE_OPTIONS: `--import ${pathToFileURL(rssHook).href}` };
  let result: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd, env, maxBuffer: 1 << 26 });
    result = { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  const maxRssKb = Number(await readFile(rssFile, 'utf8').catch(() => '0'));
  return { ...result, maxRssKb };
}

/** A delivery folder (relative to the working folder) with the tiny valid files, some replaced. */
async function run(files: Record<string, string | Buffer>, extra: string[] = []): Promise<Run> {
  const name = `case${caseNo++}`;
  await mkdir(join(cwd, name, 'input'), { recursive: true });
  for (const [file, body] of Object.entries({ ...DELIVERY, ...files })) await writeFile(join(cwd, name, 'input', file), body);
  const out = join(cwd, name, 'out');
  const result = await cli(['run', '--input', `${name}/input`, '--quarter', '2016Q1', '--out', `${name}/out`, ...extra]);
  let errors = '';
  if (existsSync(join(out, 'quarantine'))) {
    for (const file of await readdir(join(out, 'quarantine'), { recursive: true })) {
      if (String(file).endsWith('.errors.json')) errors += await readFile(join(out, 'quarantine', String(file)), 'utf8');
    }
  }
  return { ...result, errors, out };
}

/** Nothing a reader should never see: a CPR-like value, a raw control character, a stack trace, an engine's own text. */
function expectNoLeak(r: Run): void {
  const text = `${r.stdout}\n${r.stderr}\n${r.errors}`;
  expect(looksLikeCpr(text), 'a CPR-like value').toBe(false);
  expect(text, 'a raw control character').not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  expect(text, 'a stack trace').not.toMatch(/\n\s+at /);
  expect(text, 'an engine message').not.toMatch(/Parser Error|Invalid Input Error|Conversion Error|INSERT INTO|read_csv/);
}

function expectRejected(r: Run): void {
  expect(r.code, r.stderr).toBe(3);
  expect(r.stderr).toMatch(/Leveringen lokal-[0-9a-f]{16} er afvist, og intet er udgivet\. Ret filerne og lever igen\./);
  expect(r.errors).not.toBe('');
  expect(existsSync(join(r.out, 'results'))).toBe(false);
  expect(existsSync(join(r.out, 'reports'))).toBe(false);
  expectNoLeak(r);
}

describe('hostile deliveries are rejected cleanly (exit 3, quarantined, nothing published)', () => {
  it('a line longer than 2 MB with a CPR number in its first cell: the line named, nothing of it shown', async () => {
    const r = await run({ 'persons.csv': `${PERSONS}0101901234,${'x'.repeat(2_500_000)}\n` });
    expectRejected(r);
    expect(r.stderr).toContain('persons.csv, linje 4: Linjen er længere end 65.536 byte (line_too_long)');
    expect(r.stderr + r.errors).not.toContain('xxxxxxxx');
  });

  it('a NUL byte in the header', async () => {
    const r = await run({ 'persons.csv': `person_id,se\0x,birth_year,integration_group,arrival_date\npers01,M,1980,,\n` });
    expectRejected(r);
    expect(r.stderr).toContain('persons.csv, linje 1: Linjen indeholder et NUL-tegn (byte 0) (nul_byte)');
  });

  it('a UTF-16 file with invalid characters, and a UTF-32 file: "gem som UTF-8"', async () => {
    const broken = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PERSONS, 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00])]);
    const r = await run({ 'persons.csv': broken, 'offers.csv': Buffer.from([0x00, 0x00, 0xfe, 0xff, 0, 0, 0, 0x61]) });
    expectRejected(r);
    expect(r.stderr).toContain(
      'persons.csv: Filen er gemt som UTF-16 ("Unicode-tekst"), men indeholder ugyldige tegn (encoding_utf16). Gem filen som "CSV UTF-8',
    );
    expect(r.stderr).toContain('offers.csv: Filen er gemt som UTF-32, som ikke kan læses (encoding_utf32)');
  });

  it('terminal escape sequences in a cell are shown escaped, never raw', async () => {
    const r = await run({ 'persons.csv': `${PERSONS_HEADER}\npers01,\x1b]0;pwned\x07\x1b[2J,1980,,\n` });
    expectRejected(r);
    expect(r.stderr).toContain('persons.csv, linje 2, kolonne 2 (sex): Ugyldig værdi »\\x1b]0;pwned\\x07\\x1b[2J« (enum)');
    expect(r.errors).toContain('Ugyldig værdi »\\\\x1b]0;pwned\\\\x07\\\\x1b[2J«');
  });

  it('a CPR number in full-width digits is caught and never echoed', async () => {
    const r = await run({ 'persons.csv': `${PERSONS}０１０１９０１２３４,K,1990,,\n` });
    expectRejected(r);
    expect(r.stderr).toContain('persons.csv, linje 4, kolonne 1 (person_id): Feltet ligner et CPR-nummer (værdien vises ikke) (cpr)');
    expect(r.stdout + r.stderr + r.errors).not.toMatch(/０１０１|0101/);
  });

  it('a CPR-like header name is reported with its column number', async () => {
    const r = await run({ 'persons.csv': `${PERSONS_HEADER},0101901234\npers01,M,1980,,,x\n` });
    expectRejected(r);
    expect(r.stderr).toContain('persons.csv, linje 1, kolonne 6: Feltet ligner et CPR-nummer (værdien vises ikke) (cpr)');
    expect(r.stderr).toContain('persons.csv, linje 1, kolonne 6: Kolonnen hører ikke til persons.csv (unknown_column)');
  });

  it("quotes, SQL and template syntax in header names and cells ('  \\0  ';--  {{…}}) are plain text", async () => {
    const header = `${PERSONS_HEADER},x'y,';--,{{from_quarter}}`;
    const r = await run({ 'persons.csv': `${header}\npers01,';--,1980,,,{{to_quarter}},',a\n` });
    expectRejected(r);
    expect(r.stderr).toContain("persons.csv, linje 1, kolonne 6 (x'y): Kolonnen »x'y« hører ikke til persons.csv (unknown_column)");
    expect(r.stderr).toContain('persons.csv, linje 1, kolonne 8 ({{from_quarter}}): Kolonnen »{{from_quarter}}« hører ikke til persons.csv');
    expect(r.stderr).toContain("persons.csv, linje 2, kolonne 2 (sex): Ugyldig værdi »';--« (enum)");
  });

  it('a required extract with only its header', async () => {
    const r = await run({ 'benefit_weeks.csv': 'person_id,week,status,visitation\r\n' });
    expectRejected(r);
    expect(r.stderr).toContain('benefit_weeks.csv: Filen har ingen rækker, kun overskriften (no_rows)');
  });
});

describe('real exports are not turned away', () => {
  it('trailing empty lines (LF and CRLF), spaces around values and after the last header name: accepted, one note per file', async () => {
    const r = await run({
      'persons.csv': `${PERSONS_HEADER} \npers01, M ,1980,flygtning,2016-01-04\npers02,K,1990,,\n\n\n`,
      'benefit_weeks.csv': benefitWeeks('\r\n', '\r\n'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/persons\.csv: 2 felter havde mellemrum før eller efter værdien; mellemrummene er fjernet\./g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/benefit_weeks\.csv: .*mellemrum/);
    expect(r.stdout).toMatch(/Rapport: .*reports\/2016Q1\/index\.html/);
    expectNoLeak(r);
  });

  it('a UTF-16 file (Excel\'s "Unicode text") is read, with a note', async () => {
    const r = await run({ 'persons.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PERSONS.replaceAll('\n', '\r\n'), 'utf16le')]) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('advarsel: persons.csv er gemt som UTF-16');
    expectNoLeak(r);
  });

  it('a 190 KB persons.csv with old-Mac CR line ends is read line by line, in bounded memory', async () => {
    const rows = Array.from({ length: 9000 }, (_, i) => `p${String(i).padStart(7, '0')},${i % 2 ? 'K' : 'M'},1980,,`);
    const body = [PERSONS_HEADER, 'pers01,M,1980,flygtning,2016-01-04', 'pers02,K,1990,,', ...rows].join('\r');
    expect(body.length).toBeGreaterThan(150_000);
    const r = await run({ 'persons.csv': `${body}\r` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.maxRssKb).toBeGreaterThan(0);
    expect(r.maxRssKb, 'peak memory of the run, kB').toBeLessThan(1_000_000);
    expectNoLeak(r);
  });
});

describe('wrong success and wrong failure', () => {
  it('a goal for a misspelt KPI id stops the run with exit 2, naming the closest id', async () => {
    const config = join(cwd, 'misspelt.yaml');
    const demoConfig = await readFile(join(ROOT, 'dashboards/municipalities/allerod-demo.yaml'), 'utf8');
    await writeFile(config, demoConfig.replace('kpi: integration_afgang_job_uddannelse', 'kpi: integration_afgang_job_uddanelse'));
    const r = await run({}, ['--config', 'misspelt.yaml']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('goals.7.kpi: »integration_afgang_job_uddanelse« findes ikke i KPI-kataloget. Mente du »integration_afgang_job_uddannelse«?');
    expect(existsSync(join(r.out, 'reports'))).toBe(false);
    expectNoLeak(r);
  });

  it('an unexpected failure is one Danish line and exit 1; --debug adds the stack', async () => {
    await writeFile(join(cwd, 'not-a-folder'), '');
    const plain = await cli(['run', '--input', 'nowhere', '--quarter', '2017Q4', '--out', 'not-a-folder']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe('--input nowhere er ikke en mappe\n');
    const file = await cli(['run', '--quarter', '2017Q4', '--out', 'not-a-folder']);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe('--out not-a-folder er en fil, ikke en mappe. Angiv en mappe (den oprettes, hvis den ikke findes).\n');
    // A store whose incoming/ is a file: the delivery cannot be put there, a failure nobody planned for.
    await mkdir(join(cwd, 'broken-out'), { recursive: true });
    await writeFile(join(cwd, 'broken-out', 'incoming'), '');
    await mkdir(join(cwd, 'empty-input'), { recursive: true });
    await writeFile(join(cwd, 'empty-input', 'persons.csv'), PERSONS);
    const failed = await cli(['run', '--input', 'empty-input', '--quarter', '2017Q4', '--out', 'broken-out']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('Fejl: Pejlemærke stoppede uventet (Error, ENOTDIR). Intet er udgivet. Kør igen med --debug for at se detaljerne.\n');
    const debug = await cli(['run', '--input', 'empty-input', '--quarter', '2017Q4', '--out', 'broken-out', '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/Detaljer:\nError: ENOTDIR[^\n]*\n\s+at /);
  });
});

describe('the CLI from any folder', () => {
  it('prints help and publishes the demo from a folder without the project', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--debug/);
    await generateDemo(join(cwd, 'demo-input'), { scale: 0.3 });
    const r = await cli(['run', '--input', 'demo-input', '--quarter', '2017Q4', '--out', 'demo-out']);
    expect(r.stderr).not.toMatch(/React is not defined|Fejl:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('4. kvartal 2017 er udgivet (revision 1).\nRapport: demo-out/reports/2017Q4/index.html\n');
    expect(await readFile(join(cwd, 'demo-out/reports/2017Q4/index.html'), 'utf8')).toMatch(/<html lang="da"/);
  });
});
