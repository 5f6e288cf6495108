import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BENCHMARKS_DIR, DEFAULT_KPIS_DIR, DEMO_CONFIG } from '../../functions/cli/paths.ts';
import { loadBenchmarkDefinitions, type BenchmarkDefinition } from '../../functions/benchmarks/definitions.ts';
import { JobindsatsClient } from '../../functions/benchmarks/jobindsatsClient.ts';
import { runBenchmarksPull } from '../../functions/benchmarks/pullStage.ts';
import { benchmarkKeys, readBenchmarkPull, readNewestBenchmarks } from '../../functions/benchmarks/pullStore.ts';
import { loadKpis } from '../../functions/compute/catalog.ts';
import { loadConfig, type MunicipalityConfig } from '../../functions/config/municipality.ts';
import { runBenchmarks } from '../../functions/lambda/benchmarks.ts';
import { LOG_EVENTS } from '../../functions/lambda/logEvents.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { catalogueFor, fakePercent } from './fakeCatalogue.ts';
import { catalogueHandler, recorded, startFakeJobindsats, type FakeJobindsats } from './fakeJobindsats.ts';
import { recordingLog } from '../support/recordingLog.ts';
import { COMPARABLE_KPIS } from './shippedDefinitions.ts';

const exec = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/pejlemaerke.js');
const TOKEN = 'jbi-SECRET-0a1b2c3d4e5f';
const RETRIEVED = new Date('2018-02-03T10:15:00Z');

let api: FakeJobindsats;
let work: string;
let definitions: BenchmarkDefinition[];
let config: MunicipalityConfig;

function client(token = TOKEN): JobindsatsClient {
  return new JobindsatsClient({ token, baseUrl: api.url, maxAttempts: 2, baseDelayMs: 1 });
}

async function storeAt(name: string): Promise<LocalStore> {
  return new LocalStore(join(work, name));
}

/** Every file under a folder, with its bytes, to show that nothing changed. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(path, await readFile(path, 'utf8'));
    }
  }
  return files;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-benchmarks-'));
  const units = new Map((await loadKpis(DEFAULT_KPIS_DIR)).map((k) => [k.definition.id, k.definition.unit] as const));
  definitions = await loadBenchmarkDefinitions(DEFAULT_BENCHMARKS_DIR, units);
  config = await loadConfig(DEMO_CONFIG);
  api = await startFakeJobindsats();
});

beforeEach(() => {
  api.handle(catalogueHandler(TOKEN, catalogueFor(definitions, { gaps: ['/157/ 2017M11'] })));
  api.requests.length = 0;
});

afterAll(async () => {
  await api.close();
  await rm(work, { recursive: true, force: true });
});

describe('benchmarks pull, end to end into a LocalStore', () => {
  it('pulls every comparable definition for the whole country and Allerød’s comparable municipalities', async () => {
    const store = await storeAt('first');
    const log = recordingLog();
    const outcome = await runBenchmarksPull({ store, client: client(), definitions, config, log, now: () => RETRIEVED });
    expect(outcome.ok, outcome.ok ? '' : outcome.message).toBe(true);
    if (!outcome.ok) return;
    const { pull } = outcome;

    expect(pull.pull_id).toMatch(/^20180203T101500Z-[0-9a-f]{8}$/);
    expect(outcome.key).toBe(`benchmarks/pulls/${pull.pull_id}/benchmarks.json`);
    expect(await store.exists(outcome.key)).toBe(true);
    expect(await readNewestBenchmarks(store)).toEqual(pull);
    expect(await readBenchmarkPull(store, pull.pull_id)).toEqual(pull);

    expect(pull.areas.map((a) => a.area)).toEqual(['hele_landet', 'egedal', 'furesoe', 'hoersholm', 'lyngby_taarbaek', 'gentofte']);
    expect(new Set(pull.rows.map((r) => r.kpi_id))).toEqual(new Set([...COMPARABLE_KPIS]));
    expect(pull.definitions.find((d) => d.kpi_id === 'flygtninge_job_foerste_aar')).toMatchObject({
      table_id: 'mm13',
      latest_period: '2017M12',
      file: 'flygtninge_job_foerste_aar.yaml',
    });

    // A monthly series: its months, and each quarter as the mean of its three months, as a fraction.
    const row = (kpi: string, area: string, period: string) => pull.rows.find((r) => r.kpi_id === kpi && r.area === area && r.period === period);
    const q4 = row('flygtninge_job_foerste_aar', 'hele_landet', '2017Q4')!;
    const mean = (fakePercent('/', '2017M10') + fakePercent('/', '2017M11') + fakePercent('/', '2017M12')) / 3 / 100;
    expect(q4.value).toBeCloseTo(mean, 12);
    expect(q4).toMatchObject({
      area_name: 'Hele landet',
      grain: 'quarter',
      unit: 'share',
      source: { table_id: 'mm13', measure: 'mgrpmm13_1/measmm13_2', retrieved_at: RETRIEVED.toISOString(), periods: ['2017M10', '2017M11', '2017M12'] },
    });
    expect(row('flygtninge_job_foerste_aar', 'egedal', '2017-12')!.value).toBeCloseTo(fakePercent('/240/', '2017M12') / 100, 12);
    // A measure taken at the quarter's end: the quarter's last month.
    expect(row('samarbejdsgrad', 'furesoe', '2017Q4')!).toMatchObject({ value: fakePercent('/190/', '2017M12') / 100, source: { periods: ['2017M12'] } });
    // A quarterly series passes through.
    expect(row('integration_virksomhedsrettet', 'hele_landet', '2017Q4')!.value).toBeCloseTo(fakePercent('/', '2017Q4') / 100, 12);
    // Eight report quarters are covered.
    for (const q of ['2016Q1', '2016Q2', '2016Q3', '2016Q4', '2017Q1', '2017Q2', '2017Q3', '2017Q4'])
      expect(row('unge_uddannelsesstart', 'hoersholm', q), q).toBeDefined();

    // Requests: municipalities by their value id, the whole country as `/`, the definition's filter.
    const mm13 = api.requests.filter((r) => r.path === '/data/mm13');
    expect(mm13.map((r) => r.query.get('hierarchy._nykom'))).toEqual(['/', '/240/', '/190/', '/223/', '/173/', '/157/']);
    expect(mm13.every((r) => r.query.get('hierarchy._opholdstid') === '/1/')).toBe(true);
    expect(mm13[0]!.query.get('period.M')!.split(',')).toHaveLength(27);
    // 6 areas × (27 months + 9 complete quarters), less Gentofte's gap month and the quarter it breaks.
    expect(log.lines.map((l) => l.message)).toContain('flygtninge_job_foerste_aar.yaml (tabel mm13): 214 rækker');
  });

  it('treats a published gap as no value, never as zero, and then gives that quarter no mean', async () => {
    const store = await storeAt('gaps');
    const outcome = await runBenchmarksPull({ store, client: client(), definitions, config, log: recordingLog(), now: () => RETRIEVED });
    if (!outcome.ok) throw new Error(outcome.message);
    const gentofte = outcome.pull.rows.filter((r) => r.kpi_id === 'flygtninge_job_foerste_aar' && r.area === 'gentofte').map((r) => r.period);
    expect(gentofte).toContain('2017-10');
    expect(gentofte).not.toContain('2017-11');
    expect(gentofte).not.toContain('2017Q4');
    expect(gentofte).toContain('2017Q3');
  });

  it('keeps the previous benchmarks when a pull fails: nothing written, the pointer untouched, a Danish reason', async () => {
    const store = await storeAt('kept');
    const first = await runBenchmarksPull({ store, client: client(), definitions, config, log: recordingLog(), now: () => RETRIEVED });
    if (!first.ok) throw new Error(first.message);
    const before = await snapshot(store.root);

    const wrongKey = await runBenchmarksPull({
      store,
      client: client('jbi-WRONG-key'),
      definitions,
      config,
      log: recordingLog(),
      now: () => new Date('2018-03-05T06:00:00Z'),
    });
    expect(wrongKey.ok).toBe(false);
    if (wrongKey.ok) return;
    expect(wrongKey.code).toBe('auth');
    expect(wrongKey.kpi).toBe('flygtninge_job_foerste_aar');
    expect(wrongKey.message).toMatch(/^flygtninge_job_foerste_aar\.yaml \(tabel mm13\): Jobindsats afviste API-nøglen \(HTTP 401\)/);
    expect(wrongKey.previous).toEqual({ pull_id: first.pull.pull_id, retrieved_at: first.pull.retrieved_at });
    expect(await snapshot(store.root)).toEqual(before);

    // A shape change in the fourth table stops the whole pull: no half pull is stored either.
    api.handle((r) =>
      r.path === '/data/mm12' ? { status: 200, body: recorded('data-v2-shape.json') } : catalogueHandler(TOKEN, catalogueFor(definitions))(r),
    );
    const changed = await runBenchmarksPull({ store, client: client(), definitions, config, log: recordingLog(), now: () => new Date('2018-03-05T06:00:00Z') });
    expect(changed).toMatchObject({ ok: false, code: 'shape', kpi: 'langtid_virksomhedsrettet' });
    expect(await snapshot(store.root)).toEqual(before);
    expect((await readNewestBenchmarks(store))!.pull_id).toBe(first.pull.pull_id);
  });

  it('names the definition file and the fix when the table does not match it', async () => {
    const store = await storeAt('mismatch');
    const tables = catalogueFor(definitions);
    tables.mm12!.measure = { id: 'measmm12_9', name: 'Noget andet (pct.)' };
    api.handle(catalogueHandler(TOKEN, tables));
    const measure = await runBenchmarksPull({ store, client: client(), definitions, config, log: recordingLog() });
    expect(measure.ok).toBe(false);
    if (!measure.ok) {
      expect(measure.code).toBe('definition');
      expect(measure.message).toBe(
        'langtid_virksomhedsrettet.yaml (tabel mm12): målingsgruppen mgrpmm12_1 har ikke målingen measmm12_1 (den har measmm12_9 »Noget andet (pct.)«). Ret measure.id.',
      );
    }

    const renamed = catalogueFor(definitions);
    renamed.mm13!.municipalities = renamed.mm13!.municipalities.filter((m) => m.name !== 'Hørsholm');
    api.handle(catalogueHandler(TOKEN, renamed));
    const area = await runBenchmarksPull({ store, client: client(), definitions, config, log: recordingLog() });
    expect(area.ok ? '' : area.message).toContain('kommunen Hørsholm findes ikke blandt områderne i _nykom');
    expect(area.ok ? '' : area.message).toContain('angiv jobindsats_area_code');
    expect(await store.exists(benchmarkKeys.latest)).toBe(false);
  });

  it('says when a share comes back out of range, instead of storing a wrong number', async () => {
    const store = await storeAt('scale');
    const tables = catalogueFor(definitions);
    tables.mm11!.value = () => '145,0';
    api.handle(catalogueHandler(TOKEN, tables));
    const outcome = await runBenchmarksPull({ store, client: client(), definitions, config, log: recordingLog() });
    expect(outcome.ok ? '' : outcome.message).toContain(
      'unge_uddannelsesstart.yaml (tabel mm11): Hele landet, 2015M10: værdien 145 pct. er ikke en andel mellem 0 og 100 pct',
    );
  });
});

describe('the Lambda’s pull', () => {
  it('logs one structured benchmarks_pull_failed line on failure, without the key, and throws', async () => {
    const store = await storeAt('lambda');
    const log = recordingLog();
    await expect(runBenchmarks({ store, client: client('jbi-WRONG-key-9'), definitions, config, log })).rejects.toThrow(
      /^Benchmarks blev ikke hentet: .*HTTP 401/,
    );
    const failed = log.lines.filter((l) => l.fields?.event === LOG_EVENTS.benchmarksPullFailed);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.fields).toEqual({ event: 'benchmarks_pull_failed', code: 'auth', kpi: 'flygtninge_job_foerste_aar' });
    expect(JSON.stringify(log.lines)).not.toContain('jbi-WRONG-key-9');

    const ok = await runBenchmarks({ store, client: client(), definitions, config, log, now: () => RETRIEVED });
    expect(ok).toMatchObject({ pullId: expect.stringMatching(/^20180203T101500Z-/), key: expect.stringMatching(/^benchmarks\/pulls\//) });
    expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
  });
});

describe('pejlemaerke benchmarks pull (the CLI)', () => {
  it('pulls into --out and prints where; with a wrong key exits 9 in Danish; the key is never printed or stored', async () => {
    const out = join(work, 'cli');
    const tokenFile = join(work, 'jobindsats.key');
    await writeFile(tokenFile, `${TOKEN}\n`);
    const args = ['benchmarks', 'pull', '--token-file', tokenFile, '--out', out, '--jobindsats-url', api.url, '--config', DEMO_CONFIG];
    const ok = await exec(process.execPath, [BIN, ...args], { cwd: work });
    expect(ok.stdout).toMatch(
      /^Benchmarks hentet fra Jobindsats: \d+ rækker for 6 nøgletal og 6 områder → cli\/benchmarks\/pulls\/\d{8}T\d{6}Z-[0-9a-f]{8}\/benchmarks\.json\n$/,
    );

    await writeFile(tokenFile, 'jbi-WRONG-cli-key\n');
    const failed = await exec(process.execPath, [BIN, ...args], { cwd: work }).then(
      () => {
        throw new Error('expected exit code 6');
      },
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed.code).toBe(9);
    expect(failed.stderr).toContain('Benchmarks blev ikke hentet: flygtninge_job_foerste_aar.yaml (tabel mm13): Jobindsats afviste API-nøglen (HTTP 401)');
    expect(failed.stderr).toMatch(
      /Intet er overskrevet: rapporterne bruger fortsat benchmarks hentet \d+\. \w+ \d{4} kl\. \d{2}\.\d{2} \(\d{8}T\d{6}Z-[0-9a-f]{8}\)\./,
    );

    for (const text of [ok.stdout, ok.stderr, failed.stdout, failed.stderr]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('jbi-WRONG-cli-key');
    }
    for (const [path, content] of await snapshot(out)) expect(content, path).not.toContain(TOKEN);
  });

  it('is a usage error (exit 2) without a place to store, or with a missing key file', async () => {
    const noStore = await exec(process.execPath, [BIN, 'benchmarks', 'pull', '--token-file', join(work, 'jobindsats.key')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(noStore).toMatchObject({ code: 2 });
    expect((noStore as { stderr: string }).stderr).toContain('angiv hvor benchmarks skal gemmes');
    const noFile = await exec(process.execPath, [BIN, 'benchmarks', 'pull', '--token-file', join(work, 'mangler.key'), '--out', join(work, 'x')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(noFile).toMatchObject({ code: 2 });
    expect((noFile as { stderr: string }).stderr).toContain('kan ikke læses (ENOENT)');
  });
});
