import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBenchmarkDefinitions, type BenchmarkDefinition, type ComparableDefinition } from '../../functions/benchmarks/definitions.ts';
import { benchmarkKeys } from '../../functions/benchmarks/pullStore.ts';
import { DEFAULT_BENCHMARKS_DIR, DEMO_CONFIG } from '../../functions/cli/paths.ts';
import { resultsSchema, type KpiResult, type Results } from '../../functions/compute/results.ts';
import { generateDemo } from '../../functions/demo/generate.ts';
import { formatDate, formatQuarterShort, formatValue } from '../../functions/publish/format.ts';
import { chartTheme } from '../../functions/publish/theme.ts';
import { catalogueFor } from './fakeCatalogue.ts';
import { catalogueHandler, recorded, startFakeJobindsats, type FakeJobindsats } from './fakeJobindsats.ts';
import { COMPARABLE_KPIS } from './shippedDefinitions.ts';

/**
 * Issue 12 end to end, through the CLI as data staff run it: `benchmarks pull` against the
 * loopback Jobindsats stand-in, then `run` on the demo delivery. The report and kpis.json show
 * and cite the comparison for every KPI with a definition, and say why there is none for the
 * others; a failed pull (wrong key, 429 storm, changed shape, server gone) keeps the previous
 * pull and never blocks or alters a report's own numbers.
 */

const exec = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/pejlemaerke.js');
const TOKEN = 'jbi-E2E-5e5e5e5e5e';
const QUARTER = '2017Q4';
const WHERE = '(over|under|på niveau med)';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let work: string;
let demo: string;
let tokenFile: string;
let api: FakeJobindsats;
let definitions: BenchmarkDefinition[];
let comparable: ComparableDefinition[];
let baseline: Results;

const pull = (out: string, url = api.url) =>
  cli(['benchmarks', 'pull', '--token-file', tokenFile, '--out', out, '--jobindsats-url', url, '--config', DEMO_CONFIG]);
const run = (out: string) => cli(['run', '--input', demo, '--out', out, '--config', DEMO_CONFIG, '--quarter', QUARTER]);
const results = async (out: string) => resultsSchema.parse(JSON.parse(await readFile(join(out, 'results', QUARTER, 'kpis.json'), 'utf8')));
const report = (out: string) => readFile(join(out, 'reports', QUARTER, 'index.html'), 'utf8');

/** A KPI's own figures: everything disclosure control decided, nothing about the comparison. */
function ownNumbers(kpi: KpiResult): unknown {
  return {
    id: kpi.id,
    value: kpi.value,
    numerator: kpi.numerator,
    denominator: kpi.denominator,
    suppressed: kpi.suppressed,
    breakdowns: kpi.breakdowns,
    trend: kpi.trend,
  };
}

function sectionOf(html: string, kpi: string): string {
  const section = new RegExp(`<section class="kpi" id="kpi-${kpi}"[\\s\\S]*?</section>`).exec(html);
  if (!section) throw new Error(`no section for ${kpi}`);
  return section[0];
}

/** The cells of the trend table's row for a quarter. */
function rowCells(section: string, quarter: string): string[] {
  const row = new RegExp(`<th scope="row">${formatQuarterShort(quarter)}</th>((?:<td>[^<]*</td>)+)`).exec(section);
  if (!row) throw new Error(`no row ${quarter}`);
  return [...row[1]!.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

/** Every file under benchmarks/ with its hash: a failed pull must leave them exactly as they were. */
async function benchmarkFiles(out: string): Promise<Record<string, string>> {
  const dir = join(out, 'benchmarks');
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir, { recursive: true }).catch(() => [])).map(String).sort()) {
    const path = join(dir, name);
    if ((await stat(path)).isFile())
      files[name] = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
  }
  return files;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-benchmarks-e2e-'));
  demo = join(work, 'demo-input');
  tokenFile = join(work, 'jobindsats.key');
  await writeFile(tokenFile, `${TOKEN}\n`);
  await generateDemo(demo, { scale: 0.2, manifest: true });
  definitions = await loadBenchmarkDefinitions(DEFAULT_BENCHMARKS_DIR);
  comparable = definitions.filter((d): d is ComparableDefinition => d.comparable);
  api = await startFakeJobindsats(catalogueHandler(TOKEN, catalogueFor(definitions)));
  // The report without any pull: the own numbers every later run must keep.
  const plain = await run(join(work, 'without-pull'));
  expect(plain.code, plain.stderr).toBe(0);
  baseline = await results(join(work, 'without-pull'));
}, 240_000);

afterAll(async () => {
  await api?.close();
  await rm(work, { recursive: true, force: true });
});

describe('benchmarks pull, then run', () => {
  it('shows and cites the national and comparable-municipality lines for every KPI with a definition, and says why for the others', async () => {
    const out = join(work, 'with-pull');
    const pulled = await pull(out);
    expect(pulled.code, pulled.stderr).toBe(0);
    const pointer = JSON.parse(await readFile(join(out, benchmarkKeys.latest), 'utf8')) as { pull_id: string; retrieved_at: string };
    const ran = await run(out);
    expect(ran.code, ran.stderr).toBe(0);

    const published = await results(out);
    const html = await report(out);
    const byId = new Map(published.kpis.map((k) => [k.id, k]));
    expect(comparable.map((d) => d.kpi).sort()).toEqual([...COMPARABLE_KPIS]);

    for (const d of comparable) {
      const kpi = byId.get(d.kpi)!;
      const s = d.jobindsats;
      // kpis.json cites the table and the retrieval.
      expect(kpi.benchmark_source, d.kpi).toEqual({
        name: 'Jobindsats',
        table_id: s.table,
        table_name: s.table_name,
        measure: `${s.measure.group}/${s.measure.id}`,
        retrieved_at: pointer.retrieved_at,
        pull_id: pointer.pull_id,
        areas: ['hele_landet', 'egedal', 'furesoe', 'hoersholm', 'lyngby_taarbaek', 'gentofte', 'sammenlignelige_kommuner'],
      });
      expect(kpi.benchmark_note, d.kpi).toBe(d.note);
      expect(kpi.benchmark_missing, d.kpi).toBeNull();
      const national = kpi.benchmarks.filter((b) => b.area === 'hele_landet');
      const average = kpi.benchmarks.filter((b) => b.area === 'sammenlignelige_kommuner');
      expect(
        national.map((b) => b.quarter),
        d.kpi,
      ).toEqual(baseline.kpis[0]!.trend.map((q) => q.quarter));
      expect(
        average.every((b) => b.members === 5),
        d.kpi,
      ).toBe(true);

      const section = sectionOf(html, d.kpi);
      // The chart: our line, the whole country dotted, the comparable municipalities' average dash-dot, each labelled.
      const svg = /<svg[\s\S]*?<\/svg>/.exec(section)![0];
      const line = (style: { color: string; dash: readonly number[] }) =>
        new RegExp(`<path[^>]*stroke="${style.color}"[^>]*stroke-dasharray="${style.dash.join(',')}"`);
      expect(svg, d.kpi).toMatch(line(chartTheme.comparison.national));
      expect(svg, d.kpi).toMatch(line(chartTheme.comparison.comparable_average));
      expect(svg, d.kpi).toContain('>Hele landet</text>');
      expect(svg, d.kpi).toContain('>Sammenlignelige kommuner</text>');
      // The sentence, on the printed figures.
      const nationalNow = formatValue(kpi.unit, national.at(-1)!.value);
      const averageNow = formatValue(kpi.unit, average.at(-1)!.value);
      const summary = /<p class="summary">([^<]*)<\/p>/.exec(section)![1]!;
      expect(summary, d.kpi).toMatch(
        kpi.suppressed
          ? `I 4. kvartal 2017 var landsgennemsnittet ${nationalNow} og gennemsnittet for de 5 sammenlignelige kommuner ${averageNow} `
          : new RegExp(
              `I 4\\. kvartal 2017 ligger Allerød Kommune ${WHERE} landsgennemsnittet på ${nationalNow}(, ${WHERE} tallet for Region Hovedstaden på \\d+,\\d pct\\.)? og ${WHERE} gennemsnittet for de 5 sammenlignelige kommuner på ${averageNow}`,
            ),
      );
      // The table: a column per series, the quarter's row with their figures.
      expect(section, d.kpi).toContain('<th scope="col">Hele landet</th>');
      expect(section, d.kpi).toContain('<th scope="col">Gennemsnit af 5 sammenlignelige kommuner</th>');
      const cells = rowCells(section, QUARTER);
      expect(cells, d.kpi).toContain(nationalNow);
      expect(cells, d.kpi).toContain(averageNow);
      // The source line and the definition note under the chart.
      expect(section, d.kpi).toContain(`Kilde: Jobindsats, tabel ${s.table} (${s.table_name}), hentet ${formatDate(pointer.retrieved_at)}.`);
      expect(section, d.kpi).toContain(d.note.slice(0, 40));
    }
    // benchmarks.csv's region stays beside the pulled series, and says where it comes from.
    expect(sectionOf(html, 'integration_jobparate')).toContain('<th scope="col">Region Hovedstaden</th>');
    expect(sectionOf(html, 'integration_jobparate')).toContain(
      'Sammenligningstallene for Region Hovedstaden er leveret sammen med kommunens udtræk (benchmarks.csv).',
    );
    // With every comparison line, sentence, column and source line, the report keeps its budget.
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(100 * 1024);
    // Which municipalities, and why, once.
    expect(html.match(/Sammenlignelige kommuner: Egedal, Furesø, Hørsholm, Lyngby-Taarbæk og Gentofte/g)).toHaveLength(1);

    for (const d of definitions.filter((x) => !x.comparable)) {
      const kpi = byId.get(d.kpi)!;
      expect(kpi.benchmark_source, d.kpi).toBeNull();
      expect(kpi.benchmark_missing, d.kpi).toBe(`Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal. ${d.comparable ? '' : d.reason}`);
      expect(sectionOf(html, d.kpi), d.kpi).toContain('Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal.');
    }

    // The municipality's own numbers are the same as without any pull.
    expect(published.kpis.map(ownNumbers)).toEqual(baseline.kpis.map(ownNumbers));
    // Without a pull the report said so, for the KPIs that have a comparable series.
    expect(baseline.kpis.find((k) => k.id === 'samarbejdsgrad')!.benchmark_missing).toBe(
      'Sammenligningstal fra Jobindsats er endnu ikke hentet for dette nøgletal.',
    );
    for (const text of [pulled.stdout, pulled.stderr, ran.stdout, ran.stderr, html]) expect(text).not.toContain(TOKEN);
  }, 240_000);

  it('keeps the previous pull on a wrong key, a 429 storm, a changed answer and an unreachable server, and the next run is unchanged', async () => {
    const out = join(work, 'failures');
    expect((await pull(out)).code).toBe(0);
    expect((await run(out)).code).toBe(0);
    const kept = await benchmarkFiles(out);
    const before = await readFile(join(out, 'results', QUARTER, 'kpis.json'), 'utf8');
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/v3`;
    closed.close();
    await once(closed, 'close');

    const cases: { name: string; setUp: () => Promise<void> | void; url?: string; says: RegExp }[] = [
      {
        name: 'a wrong key',
        setUp: () => writeFile(tokenFile, 'jbi-WRONG-e2e\n'),
        says: /Jobindsats afviste API-nøglen \(HTTP 401\)/,
      },
      {
        name: 'a 429 storm',
        setUp: () => api.handle(() => ({ status: 429, body: { message: 'For mange forespørgsler' }, headers: { 'retry-after': '0' } })),
        says: /for mange forespørgsler \(HTTP 429\).*Opgivet efter 5 forsøg/s,
      },
      {
        name: 'a changed answer',
        setUp: () =>
          api.handle((r) =>
            r.path.startsWith('/data/') ? { status: 200, body: recorded('data-v2-shape.json') } : catalogueHandler(TOKEN, catalogueFor(definitions))(r),
          ),
        says: /svar på \/data\/mm13/,
      },
      { name: 'an unreachable server', setUp: () => {}, url: gone, says: /Kunne ikke få forbindelse til Jobindsats \(http:\/\/127\.0\.0\.1:\d+\)/ },
    ];
    for (const c of cases) {
      await writeFile(tokenFile, `${TOKEN}\n`);
      api.handle(catalogueHandler(TOKEN, catalogueFor(definitions)));
      await c.setUp();
      const failed = await pull(out, c.url);
      expect(failed.code, c.name).toBe(9);
      expect(failed.stderr, c.name).toMatch(/^Benchmarks blev ikke hentet: /);
      expect(failed.stderr, c.name).toMatch(c.says);
      expect(failed.stderr, c.name).toMatch(/Intet er overskrevet: rapporterne bruger fortsat benchmarks hentet .* \(\d{8}T\d{6}Z-[0-9a-f]{8}\)\./);
      expect(await benchmarkFiles(out), c.name).toEqual(kept);
      const again = await run(out);
      expect(again.code, c.name).toBe(0);
      expect(again.stdout, c.name).toContain('allerede udgivet med de samme tal');
      expect(await readFile(join(out, 'results', QUARTER, 'kpis.json'), 'utf8'), c.name).toBe(before);
    }

    // A failed first pull never blocks a report either: it is published, saying the figures are not there.
    const empty = join(work, 'never-pulled');
    expect((await pull(empty, gone)).code).toBe(9);
    expect(await benchmarkFiles(empty)).toEqual({});
    const ran = await run(empty);
    expect(ran.code, ran.stderr).toBe(0);
    expect((await results(empty)).kpis.map(ownNumbers)).toEqual(baseline.kpis.map(ownNumbers));
  }, 300_000);
});
