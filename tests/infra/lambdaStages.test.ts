import { appendFile, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKpis } from '../../functions/compute/catalog.ts';
import { resultsSchema } from '../../functions/compute/results.ts';
import { loadConfig } from '../../functions/config/municipality.ts';
import { computedManifest, deliverFolder, writeManifest } from '../../functions/deliveries/localDelivery.ts';
import { generateDemo } from '../../functions/demo/generate.ts';
import { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import { runCompute } from '../../functions/lambda/compute.ts';
import { runIngest } from '../../functions/lambda/ingest.ts';
import { computeEnvSchema, parseEnv } from '../../functions/lambda/lambdaEnv.ts';
import { runPublish, type PublishDeps } from '../../functions/lambda/publish.ts';
import { ReportsRoutedStore } from '../../functions/lambda/reportsRoutedStore.ts';
import { InvalidRunInput, parseApproveInput, requestedDelivery, requestedQuarter } from '../../functions/lambda/runInput.ts';
import { computeOutputSchema, ingestOutputSchema, publishOutputSchema } from '../../functions/lambda/stageEvents.ts';
import type { Log } from '../../functions/log.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { keys } from '../../functions/store/store.ts';
import { recordingLog } from '../support/recordingLog.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const KPIS_DIR = join(root, 'dashboards/kpis');
const CONFIG = join(root, 'dashboards/municipalities/allerod-demo.yaml');
const ARN = 'arn:aws:states:eu-north-1:123456789012:stateMachine:pejlemaerke-allerod-run';

let work: string;
let input: string;
let deliveryId: string;

/** A data store with the demo delivered as a complete delivery (manifest written last), and the site store. */
async function stores(name: string): Promise<{ data: LocalStore; site: LocalStore; routed: ReportsRoutedStore }> {
  const data = new LocalStore(join(work, name, 'data'));
  const delivered = await deliverFolder(input, data, { municipality: 'Allerød' });
  if (delivered.status !== 'ready') throw new Error('demo delivery incomplete');
  const site = new LocalStore(join(work, name, 'site'));
  return { data, site, routed: new ReportsRoutedStore(data, site) };
}

function publishDeps(store: ReportsRoutedStore, log: Log, previewsOnSite = false): PublishDeps {
  return { store, reportsUrl: 'https://rapporter.example.dk/', previewsOnSite, reportsBucket: 'rapporter-bucket', stateMachineArn: ARN, log };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-lambda-'));
  input = join(work, 'input');
  await generateDemo(input, { scale: 0.2, manifest: true });
  deliveryId = JSON.parse(await readFile(join(input, 'manifest.json'), 'utf8')).delivery_id;
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('what a run is about', () => {
  it('is the delivery whose manifest arrived, the one named, or the newest', () => {
    expect(requestedDelivery({ trigger: 'delivery', key: 'incoming/2018-01-08-allerod/manifest.json' })).toBe('2018-01-08-allerod');
    expect(requestedDelivery({ trigger: 'manual', delivery: 'lev-1' })).toBe('lev-1');
    expect(requestedDelivery({ trigger: 'schedule' })).toBeUndefined();
    expect(() => requestedDelivery({ trigger: 'delivery', key: 'incoming/persons.csv' })).toThrow(InvalidRunInput);
  });

  it('is the quarter a person names, in either spelling, or none (the newest the delivery covers)', () => {
    expect(requestedQuarter('2017K4')).toBe('2017Q4');
    expect(requestedQuarter(undefined)).toBeUndefined();
    expect(() => requestedQuarter('Q4-2017')).toThrow(InvalidRunInput);
  });

  it('reads an approval, naming a wrong field in Danish', () => {
    expect(parseApproveInput({ action: 'approve', quarter: '2017Q4', snapshot: '0123456789abcdef', correction: ' Rettet optælling ' })).toEqual({
      action: 'approve',
      quarter: '2017Q4',
      snapshot: '0123456789abcdef',
      correction: 'Rettet optælling',
    });
    expect(() => parseApproveInput({ action: 'approve', quarter: '2017Q4', snapshot: 'x' })).toThrow(/Godkendelsen er ugyldig: snapshot/);
  });
});

describe('the stages, as the state machine runs them', () => {
  it('ingest → compute (the newest covered quarter) → preview; the approval publishes it', async () => {
    const { data, site, routed } = await stores('approval');
    const log = recordingLog();
    const ingested = ingestOutputSchema.parse(
      await runIngest(data, { run: { trigger: 'delivery', key: keys.delivery(deliveryId, 'manifest.json') } }, { log, workDir: join(work, 'scratch') }),
    );
    expect(ingested).toMatchObject({ status: 'accepted', deliveryId, quarter: null });
    if (ingested.status !== 'accepted') return;
    expect(await data.exists(`curated/persons/snapshot=${ingested.snapshot}/persons.parquet`)).toBe(true);

    const kpis = await loadKpis(KPIS_DIR);
    const kpiFiles = (await readdir(KPIS_DIR)).filter((f) => f.endsWith('.sql'));
    const computed = computeOutputSchema.parse(
      await runCompute(
        { store: data, engine: await DuckDbEngine.open(data), kpis, config: await loadConfig(CONFIG), log },
        { deliveryId, snapshot: ingested.snapshot, quarter: null },
      ),
    );
    expect(computed).toEqual({ status: 'computed', quarter: '2017Q4', snapshot: ingested.snapshot, kpis: kpiFiles.length });
    expect(await data.list('results/')).toEqual([]);
    expect(await data.exists(keys.draft('2017Q4', ingested.snapshot))).toBe(true);

    const previewed = publishOutputSchema.parse(
      await runPublish(publishDeps(routed, log), { mode: 'preview', quarter: '2017Q4', snapshot: ingested.snapshot }),
    );
    expect(previewed.status).toBe('previewed');
    expect(previewed.url).toBe(`s3://rapporter-bucket/previews/2017Q4/${ingested.snapshot}/index.html`);
    expect(previewed.message).toContain(`aws s3 presign s3://rapporter-bucket/previews/2017Q4/${ingested.snapshot}/index.html`);
    expect(previewed.message).toContain(
      `aws stepfunctions start-execution --state-machine-arn ${ARN} --input '{"action":"approve","quarter":"2017Q4","snapshot":"${ingested.snapshot}"}'`,
    );
    expect(await site.exists(keys.preview('2017Q4', ingested.snapshot, 'index.html'))).toBe(true);
    expect(await site.list('reports/')).toEqual([]);

    // The person runs the command from the e-mail: the state machine passes its input as `request`.
    const approval = JSON.parse(/--input '([^']+)'/.exec(previewed.message!)![1]!);
    const published = publishOutputSchema.parse(await runPublish(publishDeps(routed, log), { mode: 'approve', request: approval }));
    expect(published).toMatchObject({
      status: 'published',
      quarter: '2017Q4',
      url: 'https://rapporter.example.dk/2017Q4/',
      subject: 'Pejlemaerke: rapporten er udgivet',
    });
    expect(await site.exists('reports/2017Q4/r1/revision.json')).toBe(true);
    expect((await site.get('reports/latest/index.html')).equals(await site.get('reports/2017Q4/index.html'))).toBe(true);
    const results = resultsSchema.parse(JSON.parse((await data.get('results/2017Q4/kpis.json')).toString('utf8')));
    expect(results).toMatchObject({
      quarter: '2017Q4',
      snapshot: ingested.snapshot,
      generated_at: '2018-01-15T08:00:00.000Z',
      publication: { status: 'published', revision: 1 },
    });
    expect(await data.list('reports/')).toEqual([]);

    // The next scheduled run finds the same numbers published: it ends quietly.
    const again = ingestOutputSchema.parse(await runIngest(data, { run: { trigger: 'schedule' } }, { log, workDir: join(work, 'scratch') }));
    expect(again).toMatchObject({ status: 'accepted', snapshot: ingested.snapshot });
    await runCompute(
      { store: data, engine: await DuckDbEngine.open(data), kpis, config: await loadConfig(CONFIG), log },
      { deliveryId, snapshot: ingested.snapshot, quarter: null },
    );
    const quiet = await runPublish(publishDeps(routed, log), { mode: 'preview', quarter: '2017Q4', snapshot: ingested.snapshot });
    expect(quiet).toEqual({ status: 'unchanged', quarter: '2017Q4', url: 'https://rapporter.example.dk/2017Q4/' });
    expect(await data.list('locks/')).toEqual([]);
  });

  it('with approval automatic, publishes — but a changed published quarter stops at a preview for a person', async () => {
    const { data, site, routed } = await stores('automatic');
    const log = recordingLog();
    const ingested = await runIngest(data, { run: { trigger: 'schedule' } }, { log, workDir: join(work, 'scratch') });
    if (ingested.status !== 'accepted') throw new Error('not accepted');
    const kpis = await loadKpis(KPIS_DIR);
    const config = await loadConfig(CONFIG);
    await runCompute({ store: data, engine: await DuckDbEngine.open(data), kpis, config, log }, { deliveryId, snapshot: ingested.snapshot, quarter: '2017Q4' });
    expect(await runPublish(publishDeps(routed, log, true), { mode: 'publish', quarter: '2017Q4', snapshot: ingested.snapshot })).toMatchObject({
      status: 'published',
    });

    const changed = { ...config, committee: 'Beskæftigelsesudvalget' };
    await runCompute(
      { store: data, engine: await DuckDbEngine.open(data), kpis, config: changed, log },
      { deliveryId, snapshot: ingested.snapshot, quarter: '2017Q4' },
    );
    const before = await site.get('reports/2017Q4/index.html');
    const out = publishOutputSchema.parse(
      await runPublish(publishDeps(routed, log, true), { mode: 'publish', quarter: '2017Q4', snapshot: ingested.snapshot }),
    );
    expect(out.status).toBe('needs_correction');
    expect(out.message).toContain(`Se udkastet: https://rapporter.example.dk/previews/2017Q4/${ingested.snapshot}/`);
    expect(out.message).toContain('"correction":"<begrundelse>"');
    expect((await site.get('reports/2017Q4/index.html')).equals(before)).toBe(true);
    expect(await site.exists('reports/2017Q4/r2/revision.json')).toBe(false);
  });

  it('report an incomplete delivery file by file, and a rejected one by file and count, logging no delivered value', async () => {
    const { data } = await stores('rejected');
    // A person id that is a CPR number (1 February 2003), and a sex outside the contract.
    await appendFile(data.pathOf(keys.delivery(deliveryId, 'persons.csv')), '0102031234,X,1980,,\n');
    const log = recordingLog();
    const incomplete = await runIngest(data, { run: { trigger: 'manual', delivery: deliveryId } }, { log, workDir: join(work, 'scratch') });
    expect(incomplete).toMatchObject({
      status: 'incomplete',
      deliveryId,
      summary: 'persons.csv: indholdet passer ikke med manifestets SHA-256 (filen er ændret eller kun delvist overført)',
    });
    expect(log.lines.filter((l) => l.fields?.event === 'delivery_incomplete').map((l) => l.fields)).toEqual([
      { event: 'delivery_incomplete', deliveryId, file: 'persons.csv', reason: 'sha256' },
    ]);
    expect(await data.list('curated/')).toEqual([]);

    // Delivered again under its own id, now matching its manifest: the contract rejects it.
    const fixed = join(work, 'rejected-input');
    await cp(input, fixed, { recursive: true });
    await appendFile(join(fixed, 'persons.csv'), '0102031234,X,1980,,\n');
    await rm(join(fixed, 'manifest.json'));
    const delivered = await deliverFolder(fixed, data, { municipality: 'Allerød' });
    if (delivered.status !== 'ready') throw new Error('not ready');
    await writeManifest(data, computedManifest(delivered.delivery, null));
    const out = await runIngest(
      data,
      { run: { trigger: 'manual', delivery: delivered.delivery.id, quarter: '2017K4' } },
      { log, workDir: join(work, 'scratch') },
    );
    expect(out.status).toBe('rejected');
    if (out.status !== 'rejected') return;
    const persons = out.files.find((f) => f.file === 'persons.csv')!;
    expect(persons.problems).toBeGreaterThanOrEqual(2);
    expect(persons.deliveryId).toBe(delivered.delivery.id);
    expect(await data.exists(`quarantine/${persons.deliveryId}/persons.csv.errors.json`)).toBe(true);
    expect(out.summary).toContain(`persons.csv: ${persons.problems} problem(er), se quarantine/${persons.deliveryId}/`);
    const events = log.lines.filter((l) => l.fields?.event === 'delivery_rejected');
    expect(events.map((e) => e.fields)).toContainEqual({
      event: 'delivery_rejected',
      file: 'persons.csv',
      deliveryId: persons.deliveryId,
      problems: persons.problems,
    });
    expect(JSON.stringify(log.lines)).not.toContain('0102031234');
    expect(JSON.stringify(out)).not.toContain('0102031234');
  });

  it('tell why a quarter the delivery does not cover is not computed, writing nothing', async () => {
    const { data } = await stores('uncovered');
    const log = recordingLog();
    const ingested = await runIngest(data, { run: { trigger: 'manual', quarter: '2018Q1' } }, { log, workDir: join(work, 'scratch') });
    if (ingested.status !== 'accepted') throw new Error('not accepted');
    expect(ingested.quarter).toBe('2018Q1');
    const out = await runCompute(
      { store: data, engine: await DuckDbEngine.open(data), kpis: await loadKpis(KPIS_DIR), config: await loadConfig(CONFIG), log },
      { deliveryId, snapshot: ingested.snapshot, quarter: '2018Q1' },
    );
    expect(out).toEqual({ status: 'not_covered', message: expect.stringMatching(/^Leveringen dækker ikke 1\. kvartal 2018: .*2017-W52.*2018-W13/) });
    expect(await data.list('drafts/')).toEqual([]);
    expect(await data.list('results/')).toEqual([]);
  });

  it('fail on an unreadable quarter before touching the delivery', async () => {
    const { data } = await stores('invalid');
    const run = runIngest(data, { run: { trigger: 'manual', quarter: 'Q4-2017' } }, { log: recordingLog() });
    await expect(run).rejects.toThrow(InvalidRunInput);
    expect(await data.list('curated/')).toEqual([]);
    expect(await data.list('quarantine/')).toEqual([]);
  });
});

describe('Lambda environment', () => {
  it('names the missing variable', () => {
    expect(() =>
      parseEnv(computeEnvSchema, {
        DATA_BUCKET: 'pejlemaerke-data',
        ATHENA_WORKGROUP: 'wg',
        KPIS_DIR: '/var/task/kpis',
        MUNICIPALITY_CONFIG: '/var/task/m.yaml',
      }),
    ).toThrow(/GLUE_DATABASE/);
  });
});

describe('ReportsRoutedStore', () => {
  it('puts reports/ and previews/ in the reports store and everything else in the data store', async () => {
    const data = new LocalStore(join(work, 'routed-data'));
    const reports = new LocalStore(join(work, 'routed-reports'));
    const store = new ReportsRoutedStore(data, reports);
    await store.put('results/2017Q4/kpis.csv', 'kpi_id\n');
    await store.put('reports/2017Q4/index.html', '<!doctype html>');
    await store.put('previews/2017Q4/0123456789abcdef/index.html', '<!doctype html>');
    await store.copy('results/2017Q4/kpis.csv', 'reports/2017Q4/data/kpis.csv');
    await store.copy('reports/2017Q4/index.html', 'reports/latest/index.html');

    expect((await data.list('')).map((o) => o.key)).toEqual(['results/2017Q4/kpis.csv']);
    expect((await reports.list('')).map((o) => o.key)).toEqual([
      'previews/2017Q4/0123456789abcdef/index.html',
      'reports/2017Q4/data/kpis.csv',
      'reports/2017Q4/index.html',
      'reports/latest/index.html',
    ]);
    expect((await store.list('')).map((o) => o.key)).toEqual([
      'previews/2017Q4/0123456789abcdef/index.html',
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
    expect(await store.putIfAbsent('locks/run.lock', 'x')).toBeDefined();
    expect(await data.exists('locks/run.lock')).toBe(true);
  });
});
