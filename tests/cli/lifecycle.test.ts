import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema } from '../../functions/compute/results.ts';
import { generateDemo } from '../../functions/demo/generate.ts';

/**
 * The delivery-to-publication lifecycle through the real CLI, as data staff meet it: coverage,
 * corrections, previews and approval, reruns, concurrent runs and a run killed mid-publish.
 */
const BIN = join(import.meta.dirname, '../../bin/pejlemaerke.js');
const CONFIG = 'dashboards/municipalities/allerod-demo.yaml';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const cli = (args: string[]) => start(args).done;

/** Every file under a folder with its bytes' hash. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const name of (await readdir(dir, { recursive: true })).map(String).sort()) {
    const path = join(dir, name);
    // A run killed mid-write can leave its hidden temporary file; no reader ever sees it as a file of the store.
    if (/(^|\/)\.pejlemaerke-/.test(name)) continue;
    if ((await stat(path)).isFile())
      out[name] = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
  }
  return out;
}

/** results/ and reports/ of a store folder: what the committee and later runs see. */
async function published(out: string) {
  return { results: await tree(join(out, 'results')), reports: await tree(join(out, 'reports')) };
}

let root: string;
let demo: string;
let changed: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pejlemaerke-lifecycle-'));
  demo = join(root, 'demo');
  await generateDemo(demo, { scale: 0.2, manifest: true });
  // A corrected delivery: the same extracts, with new companies contacted in November 2017.
  changed = join(root, 'changed');
  await cp(demo, changed, { recursive: true });
  await rm(join(changed, 'manifest.json'));
  await appendFile(join(changed, 'company_contacts.csv'), Array.from({ length: 6 }, (_, i) => `nyfirma${i},2017-11-2${i},rekruttering\n`).join(''));
  // Exported on 8 February 2018: without a manifest, the files' time is the delivery's time basis.
  for (const name of await readdir(changed)) await utimes(join(changed, name), new Date('2018-02-08T06:00:00Z'), new Date('2018-02-08T06:00:00Z'));
});

const run = (input: string, out: string, ...extra: string[]) => cli(['run', '--input', input, '--out', out, '--config', CONFIG, ...extra]);

describe('coverage', () => {
  it('refuses a quarter the delivery does not reach, naming the missing weeks, and writes nothing under results/ or reports/', async () => {
    const out = join(root, 'coverage');
    const result = await run(demo, out, '--quarter', '2018Q1');
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(
      'Leveringen dækker ikke 1. kvartal 2018: data i benefit_weeks.csv slutter med uge 2017-W52, men kvartalet kræver data til og med uge 2018-W13 – ugerne 2018-W01 til 2018-W13 mangler.',
    );
    expect(result.stderr).toContain('Det nyeste kvartal, leveringen dækker, er 4. kvartal 2017.');
    for (const quarter of ['2099Q4', '1899Q1']) expect((await run(demo, out, '--quarter', quarter)).code, quarter).toBe(7);
    expect(await published(out)).toEqual({ results: {}, reports: {} });
    // Without --quarter the run takes the newest quarter the delivery covers.
    const newest = await run(demo, out);
    expect(newest.code).toBe(0);
    expect(newest.stdout).toContain('4. kvartal 2017 er udgivet (revision 1).');
  });

  it('also holds the manifest to its data_until: data that goes further does not count', async () => {
    const early = join(root, 'early');
    await cp(demo, early, { recursive: true });
    const manifest = JSON.parse(await readFile(join(early, 'manifest.json'), 'utf8'));
    await writeFile(join(early, 'manifest.json'), JSON.stringify({ ...manifest, delivery_id: 'tidlig', data_until: '2017-12-20' }));
    const out = join(root, 'early-out');
    const result = await run(early, out, '--quarter', '2017Q4');
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(
      'manifestets data_until er 2017-12-20 (uge 2017-W50), men kvartalet kræver data til og med uge 2017-W52 – ugerne 2017-W51 til 2017-W52 mangler.',
    );
    expect(result.stderr).toContain('Det nyeste kvartal, leveringen dækker, er 3. kvartal 2017.');
    expect(await published(out)).toEqual({ results: {}, reports: {} });
  });
});

describe('deliveries', () => {
  it('never ingests a delivery whose files do not match its manifest, and copies nothing of it', async () => {
    const torn = join(root, 'torn');
    await cp(demo, torn, { recursive: true });
    const weeks = await readFile(join(torn, 'benefit_weeks.csv'));
    await writeFile(join(torn, 'benefit_weeks.csv'), weeks.subarray(0, weeks.length >> 1));
    const out = join(root, 'torn-out');
    const result = await run(torn, out);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('benefit_weeks.csv: indholdet passer ikke med manifestets SHA-256 (filen er ændret eller kun delvist overført)');
    expect(existsSync(join(out, 'incoming'))).toBe(false);
  });

  it('runs on the newest complete delivery in the store when --input is left out, and never mixes deliveries', async () => {
    const out = join(root, 'newest');
    expect((await run(demo, out, '--quarter', '2017Q4')).code).toBe(0);
    const direct = await readFile(join(out, 'results/2017Q4/kpis.json'), 'utf8');
    const again = await cli(['run', '--out', out, '--config', CONFIG]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/Levering demo-2017-skala-0_2 \(udtrukket 2018-01-15T08:00:00\.000Z, data til 2017-12-31\)/);
    expect(again.stdout).toContain('allerede udgivet med de samme tal');
    expect(await readFile(join(out, 'results/2017Q4/kpis.json'), 'utf8')).toBe(direct);

    // A later delivery without persons.csv is rejected on its own; nothing of the first is reused.
    const partial = join(root, 'partial');
    await cp(changed, partial, { recursive: true });
    await rm(join(partial, 'persons.csv'));
    const rejected = await run(partial, out);
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toContain('persons.csv: 1 problem(er)');
  });

  it('treats the same files delivered again, with new file times, as the same delivery: exit 0, the same bytes', async () => {
    const out = join(root, 'again');
    expect((await run(changed, out)).code).toBe(0);
    const before = await tree(out);
    const copy = join(root, 'changed-copy');
    await cp(changed, copy, { recursive: true });
    for (const name of await readdir(copy)) await utimes(join(copy, name), new Date(), new Date());
    const again = await run(copy, out);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('allerede udgivet med de samme tal');
    const after = await tree(out);
    expect(Object.keys(after).filter((k) => after[k] !== before[k])).toEqual([]);
    // A fresh store from the copy gives the same report: the time basis came with the first delivery's files.
    const fresh = join(root, 'again-fresh');
    await cp(changed, join(root, 'changed-2'), { recursive: true, preserveTimestamps: true });
    expect((await run(join(root, 'changed-2'), fresh)).code).toBe(0);
    const [a, b] = [(await published(fresh)).reports, (await published(out)).reports];
    expect(Object.keys(a).filter((k) => a[k] !== b[k])).toEqual([]);
  });
});

describe('corrections', () => {
  it('refuses other numbers for a published quarter without --correction, byte for byte; with it publishes revision 2', async () => {
    const out = join(root, 'correction');
    expect((await run(demo, out, '--quarter', '2017Q4')).code).toBe(0);
    const before = await published(out);
    const refused = await run(changed, out, '--quarter', '2017Q4');
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(
      '4. kvartal 2017 er allerede offentliggjort (revision 1), og den nye udgave er anderledes: andre tal for virksomheder_nye. Intet er skrevet.',
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await published(out)).toEqual(before);

    const corrected = await run(changed, out, '--quarter', '2017Q4', '--correction', 'Seks virksomhedskontakter fra november manglede');
    expect(corrected.code).toBe(0);
    expect(corrected.stdout).toContain('4. kvartal 2017 er rettet: revision 2 er udgivet med rettelsesnoten, og revision 1 er bevaret.');
    const after = await published(out);
    for (const [file, hash] of Object.entries(before.reports)) if (file.startsWith('2017Q4/r1/')) expect(after.reports[file], file).toBe(hash);
    const entry = await readFile(join(out, 'reports/2017Q4/index.html'), 'utf8');
    expect(entry).toContain('<strong>Rettet 8. februar 2018:</strong> Seks virksomhedskontakter fra november manglede');
    expect(entry).toContain('<a href="r1/index.html">revision 1 (15. januar 2018)</a>');
    const results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results/2017Q4/kpis.json'), 'utf8')));
    expect(results.publication).toMatchObject({
      status: 'published',
      revision: 2,
      corrects: { revision: 1, reason: 'Seks virksomhedskontakter fra november manglede' },
    });
    expect(results.publication?.corrects?.snapshot).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('preview and approval', () => {
  it('previews without touching reports/, marked as a draft, and the approval publishes the bytes of a direct run', async () => {
    const out = join(root, 'preview');
    const previewed = await run(demo, out, '--quarter', '2017Q4', '--preview');
    expect(previewed.code).toBe(0);
    const snapshot = /--snapshot ([0-9a-f]{16})/.exec(previewed.stdout)![1]!;
    expect(previewed.stdout).toContain(`npx pejlemaerke approve --quarter 2017Q4 --snapshot ${snapshot} --out ${out}`);
    expect(await published(out)).toEqual({ results: {}, reports: {} });
    const preview = await readFile(join(out, 'previews/2017Q4', snapshot, 'index.html'), 'utf8');
    expect(preview).toContain('<title>Udkast – ikke godkendt: ');
    expect(preview).toContain('UDKAST – IKKE GODKENDT');

    const approved = await cli(['approve', '--quarter', '2017K4', '--snapshot', snapshot, '--out', out]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('4. kvartal 2017 er udgivet (revision 1).');
    const direct = join(root, 'preview-direct');
    expect((await run(demo, direct, '--quarter', '2017Q4')).code).toBe(0);
    expect(await published(out)).toEqual(await published(direct));

    const missing = await cli(['approve', '--quarter', '2017Q3', '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Der er intet udkast for 3. kvartal 2017');
  });
});

describe('runs that race or die', () => {
  it('lets exactly one of two concurrent runs with different data publish; the report is all one snapshot', async () => {
    for (let round = 0; round < 3; round++) {
      const out = join(root, `race-${round}`);
      const [a, b] = await Promise.all([run(demo, out, '--quarter', '2017Q4').then((r) => r), run(changed, out, '--quarter', '2017Q4')]);
      const outcomes = [a, b].map((r) => r.code);
      expect(
        outcomes.filter((c) => c === 0),
        `round ${round}: ${JSON.stringify(outcomes)}`,
      ).toHaveLength(1);
      const loser = [a, b].find((r) => r.code !== 0)!;
      expect([5, 8]).toContain(loser.code);
      expect(loser.stderr).toMatch(/En anden kørsel er i gang|allerede offentliggjort/);
      await expectOneSnapshot(out);
      expect(existsSync(join(out, 'locks/run.lock'))).toBe(false);
    }
  });

  it('leaves the quarter untouched or completely published when a run is killed mid-publish, and the rerun completes it', async () => {
    const reference = join(root, 'killed-reference');
    expect((await run(demo, reference, '--quarter', '2017Q4')).code).toBe(0);
    const expected = await published(reference);
    // Kill points: early in revision 1, right after its record, and during the entry point.
    for (const [n, marker] of ['reports/2017Q4/r1/charts', 'reports/2017Q4/r1/revision.json', 'reports/2017Q4/data/kpis.json'].entries()) {
      const out = join(root, `killed-${n}`);
      const { child, done } = start(['run', '--input', demo, '--out', out, '--config', CONFIG, '--quarter', '2017Q4']);
      while (!existsSync(join(out, marker)) && child.exitCode === null) await sleep(2);
      child.kill('SIGKILL');
      await done;
      const entry = join(out, 'reports/2017Q4/index.html');
      if (existsSync(join(out, 'reports/2017Q4/r1/revision.json'))) {
        // Complete revision: its files are whole (each was written by rename).
        for (const [file, hash] of Object.entries((await published(out)).reports))
          if (file.startsWith('2017Q4/r1/')) expect(hash, file).toBe(expected.reports[file]);
      } else {
        expect(existsSync(entry), marker).toBe(false);
        expect(existsSync(join(out, 'results')), marker).toBe(false);
      }
      if (existsSync(entry))
        expect(
          createHash('sha256')
            .update(await readFile(entry))
            .digest('hex'),
        ).toBe(expected.reports['2017Q4/index.html']);
      const rerun = await run(demo, out, '--quarter', '2017Q4');
      expect(rerun.code, `${marker}: ${rerun.stderr}`).toBe(0);
      expect(await published(out), marker).toEqual(expected);
    }
  });
});

/** Every file of the quarter's report comes from one snapshot: the one in its data. */
async function expectOneSnapshot(out: string): Promise<void> {
  const data = resultsSchema.parse(JSON.parse(await readFile(join(out, 'reports/2017Q4/data/kpis.json'), 'utf8')));
  for (const dir of ['reports/2017Q4', 'reports/latest']) {
    for (const name of (await readdir(join(out, dir), { recursive: true })).map(String)) {
      if (!name.endsWith('.html')) continue;
      const html = await readFile(join(out, dir, name), 'utf8');
      expect(html, `${dir}/${name}`).toContain(`datasæt ${data.snapshot}`);
    }
  }
  expect(await readFile(join(out, 'results/2017Q4/kpis.json'), 'utf8')).toBe(await readFile(join(out, 'reports/2017Q4/data/kpis.json'), 'utf8'));
}
