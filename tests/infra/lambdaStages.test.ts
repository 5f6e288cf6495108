import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKpis } from '../../functions/compute/catalog.ts';
import { resultsSchema } from '../../functions/compute/results.ts';
import { loadConfig } from '../../functions/config/municipality.ts';
import { generateDemo } from '../../functions/demo/generate.ts';
import { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import { runCompute } from '../../functions/lambda/compute.ts';
import { runIngest } from '../../functions/lambda/ingest.ts';
import { computeEnvSchema, parseEnv } from '../../functions/lambda/lambdaEnv.ts';
import { runPublish } from '../../functions/lambda/publish.ts';
import { ReportsRoutedStore } from '../../functions/lambda/reportsRoutedStore.ts';
import { InvalidRunInput, reportQuarter } from '../../functions/lambda/runInput.ts';
import { ingestOutputSchema } from '../../functions/lambda/stageEvents.ts';
import type { Log } from '../../functions/log.ts';
import { LocalStore } from '../../functions/store/localStore.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const KPIS_DIR = join(root, 'dashboards/kpis');
const CONFIG = join(root, 'dashboards/municipalities/allerod-demo.yaml');

/** 2017Q4 as a quarter index: 2017 · 4 + 4 − 1. */
const Q2017Q4 = 8071;

function recordingLog(): Log & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
  };
}

let work: string;
let input: string;

async function deliveredStore(name: string): Promise<LocalStore> {
  const store = new LocalStore(join(work, name));
  for (const file of (await readdir(input)).sort()) await store.putFile(`incoming/${file}`, join(input, file));
  return store;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-lambda-'));
  input = join(work, 'input');
  await generateDemo(input, { scale: 0.2 });
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('the quarter a run reports on', () => {
  it('is the named quarter for a manual run, in either spelling', () => {
    expect(reportQuarter({ trigger: 'manual', quarter: '2017Q4' }, new Date('2020-05-01T00:00:00Z'))).toBe(Q2017Q4);
    expect(reportQuarter({ trigger: 'manual', quarter: '2017K4' }, new Date('2020-05-01T00:00:00Z'))).toBe(Q2017Q4);
  });

  it('is the quarter that has ended, for a scheduled or delivery run', () => {
    expect(reportQuarter({ trigger: 'schedule' }, new Date('2018-01-15T05:00:00Z'))).toBe(Q2017Q4);
    expect(reportQuarter({ trigger: 'delivery' }, new Date('2018-03-31T12:00:00Z'))).toBe(Q2017Q4);
  });

  it('turns over at midnight in Copenhagen, not in UTC', () => {
    // 23:30 UTC on 31 December is 00:30 on 1 January in Copenhagen (CET, UTC+1): Q4 has ended.
    expect(reportQuarter({ trigger: 'delivery' }, new Date('2017-12-31T23:30:00Z'))).toBe(Q2017Q4);
    // 22:30 UTC on 30 June is 00:30 on 1 July (CEST, UTC+2): 2018Q2 = 2018 · 4 + 1 = 8073.
    expect(reportQuarter({ trigger: 'delivery' }, new Date('2018-06-30T22:30:00Z'))).toBe(8073);
    // 21:30 UTC on 30 June is still 23:30 on 30 June: 2018Q1 = 8072.
    expect(reportQuarter({ trigger: 'delivery' }, new Date('2018-06-30T21:30:00Z'))).toBe(8072);
  });

  it('refuses a quarter it cannot read', () => {
    expect(() => reportQuarter({ trigger: 'manual', quarter: '2017Q5' }, new Date())).toThrow(InvalidRunInput);
  });
});

describe('ingest and compute stages', () => {
  it('accept the demo delivery, compute every KPI, publish the report into the reports store', async () => {
    const store = await deliveredStore('accepted');
    const log = recordingLog();
    const ingested = ingestOutputSchema.parse(
      await runIngest(store, { run: { trigger: 'schedule' }, startedAt: '2018-01-15T05:00:00.000Z' }, { log, workDir: join(work, 'scratch') }),
    );
    expect(ingested).toMatchObject({ status: 'accepted', quarter: '2017Q4' });
    if (ingested.status !== 'accepted') return;
    expect(ingested.snapshot).toMatch(/^[0-9a-f]{16}$/);
    expect(await store.exists(`curated/persons/snapshot=${ingested.snapshot}/persons.parquet`)).toBe(true);
    expect(log.lines.some((l) => l.fields?.event === 'delivery_rejected')).toBe(false);

    const kpis = await loadKpis(KPIS_DIR);
    const kpiFiles = (await readdir(KPIS_DIR)).filter((f) => f.endsWith('.sql'));
    const computed = await runCompute(
      { store, engine: await DuckDbEngine.open(store), kpis, config: await loadConfig(CONFIG), log },
      { quarter: ingested.quarter, snapshot: ingested.snapshot, deliveredAtMs: ingested.deliveredAtMs },
    );
    expect(computed).toEqual({ quarter: '2017Q4', snapshot: ingested.snapshot, kpis: kpiFiles.length, written: ['results/2017Q4/kpis.json', 'results/2017Q4/kpis.csv'] });
    const results = resultsSchema.parse(JSON.parse((await store.get('results/2017Q4/kpis.json')).toString('utf8')));
    expect(results).toMatchObject({ quarter: '2017Q4', snapshot: ingested.snapshot, municipality: 'Allerød Kommune' });
    expect(results.generated_at).toBe(new Date(ingested.deliveredAtMs).toISOString());

    const site = new LocalStore(join(work, 'site'));
    const published = await runPublish(
      { store: new ReportsRoutedStore(store, site), kpis, config: await loadConfig(CONFIG), reportsUrl: 'https://rapporter.example.dk/', log },
      { quarter: '2017Q4' },
    );
    expect(published.url).toBe('https://rapporter.example.dk/2017Q4/');
    const siteKeys = (await site.list('')).map((o) => o.key);
    expect(published.files).toBe(siteKeys.length);
    expect(siteKeys).toEqual(expect.arrayContaining(['reports/2017Q4/index.html', 'reports/latest/index.html', 'reports/2017Q4/data/kpis.json']));
    expect(await store.list('reports/')).toEqual([]);
    expect((await site.get('reports/latest/index.html')).equals(await site.get('reports/2017Q4/index.html'))).toBe(true);
    expect((await site.get('reports/2017Q4/data/kpis.json')).equals(await store.get('results/2017Q4/kpis.json'))).toBe(true);
  });

  it('report a rejected delivery by file and count, logging no delivered value', async () => {
    const store = await deliveredStore('rejected');
    // A person id that is a CPR number (1 February 2003), and a sex outside the contract.
    await appendFile(store.pathOf('incoming/persons.csv'), '0102031234,X,1980,,\n');
    const log = recordingLog();
    const out = await runIngest(store, { run: { trigger: 'manual', quarter: '2017K4' }, startedAt: '2018-01-15T05:00:00Z' }, { log, workDir: join(work, 'scratch') });
    expect(out.status).toBe('rejected');
    if (out.status !== 'rejected') return;
    expect(out.quarter).toBe('2017Q4');
    const persons = out.files.find((f) => f.file === 'persons.csv')!;
    expect(persons.problems).toBeGreaterThanOrEqual(2);
    expect(persons.deliveryId).not.toBe('');
    expect(await store.exists(`quarantine/${persons.deliveryId}/persons.csv.errors.json`)).toBe(true);
    expect(out.summary).toContain(`persons.csv: ${persons.problems} problem(er), se quarantine/${persons.deliveryId}/`);

    const events = log.lines.filter((l) => l.fields?.event === 'delivery_rejected');
    expect(events.map((e) => e.fields)).toContainEqual({ event: 'delivery_rejected', file: 'persons.csv', deliveryId: persons.deliveryId, problems: persons.problems });
    expect(JSON.stringify(log.lines)).not.toContain('0102031234');
    expect(JSON.stringify(out)).not.toContain('0102031234');
  });

  it('fail on an unreadable quarter before touching the delivery', async () => {
    const store = await deliveredStore('invalid');
    const run = runIngest(store, { run: { trigger: 'manual', quarter: 'Q4-2017' }, startedAt: '2018-01-15T05:00:00Z' }, { log: recordingLog() });
    await expect(run).rejects.toThrow(InvalidRunInput);
    expect(await store.list('curated/')).toEqual([]);
    expect(await store.list('quarantine/')).toEqual([]);
  });
});

describe('Lambda environment', () => {
  it('names the missing variable', () => {
    expect(() => parseEnv(computeEnvSchema, { DATA_BUCKET: 'pejlemaerke-data', ATHENA_WORKGROUP: 'wg', KPIS_DIR: '/var/task/kpis', MUNICIPALITY_CONFIG: '/var/task/m.yaml' })).toThrow(
      /GLUE_DATABASE/,
    );
  });
});

describe('ReportsRoutedStore', () => {
  it('puts reports/ in the reports store and everything else in the data store', async () => {
    const data = new LocalStore(join(work, 'routed-data'));
    const reports = new LocalStore(join(work, 'routed-reports'));
    const store = new ReportsRoutedStore(data, reports);
    await store.put('results/2017Q4/kpis.csv', 'kpi_id\n');
    await store.put('reports/2017Q4/index.html', '<!doctype html>');
    await store.copy('results/2017Q4/kpis.csv', 'reports/2017Q4/data/kpis.csv');
    await store.copy('reports/2017Q4/index.html', 'reports/latest/index.html');

    expect((await data.list('')).map((o) => o.key)).toEqual(['results/2017Q4/kpis.csv']);
    expect((await reports.list('')).map((o) => o.key)).toEqual(['reports/2017Q4/data/kpis.csv', 'reports/2017Q4/index.html', 'reports/latest/index.html']);
    expect((await store.list('')).map((o) => o.key)).toEqual([
      'reports/2017Q4/data/kpis.csv',
      'reports/2017Q4/index.html',
      'reports/latest/index.html',
      'results/2017Q4/kpis.csv',
    ]);
    expect((await store.list('re')).map((o) => o.key)).toHaveLength(4);
    expect((await store.list('results/')).map((o) => o.key)).toEqual(['results/2017Q4/kpis.csv']);
    expect(await readFile(reports.pathOf('reports/2017Q4/data/kpis.csv'), 'utf8')).toBe('kpi_id\n');
    expect(await store.exists('reports/2017Q4/index.html')).toBe(true);
    expect(await store.tryGet('results/2017Q3/kpis.json')).toBeUndefined();
  });
});
