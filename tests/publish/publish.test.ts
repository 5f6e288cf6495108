import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseQuarter, quarterLabel } from '../../functions/calendar/quarter.ts';
import { loadKpis } from '../../functions/compute/catalog.ts';
import type { Kpi } from '../../functions/compute/kpiDefinition.ts';
import { resultsJson, writeResults } from '../../functions/compute/resultsFile.ts';
import type { Results } from '../../functions/compute/results.ts';
import { formatCount, formatQuarterShort } from '../../functions/publish/format.ts';
import { publish, PublishedReportChangedError } from '../../functions/publish/publish.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { fixtureConfig, fixtureResults, HEADLINE_IDS, hiddenTruths } from '../fixtures/results.ts';

let kpis: Kpi[];
let root: string;
let store: LocalStore;

beforeAll(async () => {
  kpis = await loadKpis('dashboards/kpis');
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pejlemaerke-publish-'));
  store = new LocalStore(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const text = (key: string) => readFile(join(root, key), 'utf8');
const options = (results: Results = fixtureResults) => ({ results, config: fixtureConfig, kpis });

function sectionOf(html: string, kpi: string): string {
  const section = new RegExp(`<section class="kpi" id="kpi-${kpi}"[\\s\\S]*?</section>`).exec(html);
  if (!section) throw new Error(`no section for ${kpi}`);
  return section[0];
}

/** The cells of the first table row headed `label`. */
function rowCells(html: string, label: string): string[] {
  const row = new RegExp(`<th scope="row">${label}</th>((?:<td>[^<]*</td>)+)`).exec(html);
  if (!row) throw new Error(`no row ${label}`);
  return [...row[1]!.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

/** The same results one quarter later: every quarter label moved on by one. */
function nextQuarter(results: Results): Results {
  const shift = (label: string) => quarterLabel(parseQuarter(label)! + 1);
  return {
    ...results,
    quarter: shift(results.quarter),
    kpis: results.kpis.map((k) => ({
      ...k,
      trend: k.trend.map((q) => ({ ...q, quarter: shift(q.quarter) })),
      benchmarks: k.benchmarks.map((b) => ({ ...b, quarter: shift(b.quarter) })),
    })),
  };
}

describe('publish', () => {
  it('writes the report, embeds, chart images and downloads, and the same under latest/', async () => {
    const written = await publish(store, options());
    const ids = fixtureResults.kpis.map((k) => k.id);
    const quarterFiles = [
      'data/kpis.json',
      'data/kpis.csv',
      ...ids.flatMap((id) => [`charts/${id}.svg`, `embed/${id}.html`]),
      'index.html',
    ];
    expect([...written].sort()).toEqual([...quarterFiles.map((f) => `reports/2017Q4/${f}`), ...quarterFiles.map((f) => `reports/latest/${f}`)].sort());
    expect(written.indexOf('reports/2017Q4/index.html')).toBe(quarterFiles.length - 1); // the quarter's index last
    for (const file of quarterFiles) expect(await text(`reports/latest/${file}`)).toBe(await text(`reports/2017Q4/${file}`));

    const html = await text('reports/2017Q4/index.html');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="da">')).toBe(true);
    expect(html).toContain('<h1>Kvartalsopfølgning, 4. kvartal 2017</h1>');
    expect(html).toContain('Allerød Kommune · Erhvervs- og Beskæftigelsesudvalget');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/);
    expect(html.match(/<section class="kpi"/g)).toHaveLength(ids.length);
    expect(html.match(/<svg role="img"/g)!.length).toBeGreaterThanOrEqual(ids.length);
    expect(html).toContain('Tal for under 5 personer vises ikke af hensyn til diskretion.');
    expect(html).toContain('15. januar 2018 kl. 07.30');
    expect(html).toContain('3f2a9c0d41be7e55');
    expect(html).toContain('href="data/kpis.csv"');
    // The demo's 11 KPIs must fit in 100 KiB; the fixture's KPIs get the same budget each.
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual((100 * 1024 * ids.length) / 11);

    const embed = await text('reports/2017Q4/embed/integration_selvforsoergende.html');
    expect(embed).toMatch(/<h1 id="titel-integration_selvforsoergende">Selvforsørgende i integrationsprogrammet<\/h1>/);
    expect(embed).toContain('href="../data/kpis.json"');
    expect(embed).toContain('<svg role="img"');
    expect(await text('reports/2017Q4/charts/virksomheder_nye.svg')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" role="img"/);
  });

  it('shows every KPI on the summary table with goal, result and status in words and symbols', async () => {
    await publish(store, options());
    const html = await text('reports/2017Q4/index.html');
    const row = (id: string) => new RegExp(`<a href="#kpi-${id}">[^<]+</a></th><td class="text goal">([^<]*)</td><td>([^<]*)</td><td class="text"><span class="status status-(\\w+)"><span aria-hidden="true">(.)</span> ([^<]+)</span>`).exec(html)?.slice(1);
    expect(row('flygtninge_job_foerste_aar')).toEqual(['mindst 33 pct. i 2017', '39,1 pct.', 'met', '✓', 'Nået']);
    expect(row('langtid_virksomhedsrettet')).toEqual(['mindst 45 pct. i 2017', '43,1 pct.', 'not_met', '✗', 'Ikke nået']);
    expect(row('unge_uddannelsesstart')).toEqual(['mindst 2 pct. i 2017', '2,2 pct.', 'met', '✓', 'Nået']);
    expect(row('virksomheder_nye')).toEqual(['45 i 2017', '47', 'met', '✓', 'Nået']);
    expect(row('partnerskabsaftaler_nye')).toEqual(['10 i 2017', '9', 'not_met', '✗', 'Ikke nået']);
    expect(row('integration_jobparate')).toEqual(['Intet mål', '37,9 pct.', 'no_goal', '–', 'Intet mål']);
  });

  it('never shows a suppressed number: "under 5" instead, and no point in the chart data', async () => {
    await publish(store, options());
    const html = await text('reports/2017Q4/index.html');
    expect(hiddenTruths.length).toBeGreaterThan(10);
    for (const truth of hiddenTruths) {
      const where = `${truth.kpi} ${truth.quarter} ${truth.group}`;
      const { numerator, denominator } = truth.cell;
      if (denominator !== null) expect(html.includes(`<td>${formatCount(numerator)} af ${formatCount(denominator)}</td>`), where).toBe(false);
      // The table row standing for the hidden cell: "under 5", then an empty count (shares) or the goal.
      const section = sectionOf(html, truth.kpi);
      if (truth.group === 'total') {
        const cells = rowCells(section, formatQuarterShort(truth.quarter));
        expect(cells[0], where).toBe('under 5');
        if (denominator !== null) expect(cells[1], where).toBe('');
      } else if (truth.quarter === fixtureResults.quarter) {
        expect(rowCells(section.slice(section.indexOf('<h3>Kvinder og mænd</h3>')), truth.group === 'K' ? 'Kvinder' : 'Mænd'), where).toEqual(['under 5', '']);
      }
    }
    for (const kpi of fixtureResults.kpis) {
      const published = kpi.trend.filter((q) => !q.suppressed).length;
      expect((await text(`reports/2017Q4/charts/${kpi.id}.svg`)).match(/<circle /g) ?? [], kpi.id).toHaveLength(published);
    }
    // Flygtninge 2016Q2 (3 of 12) and both sexes in 2017Q4 show as "under 5".
    const flygtninge = sectionOf(html, 'flygtninge_job_foerste_aar');
    expect(flygtninge).toContain('<th scope="row">2. kv. 2016</th><td>under 5</td><td></td>');
    expect(flygtninge).toContain('<th scope="row">Kvinder</th><td>under 5</td><td></td>');
    expect(flygtninge).toContain('<th scope="row">Mænd</th><td>under 5</td><td></td>');
    // Partnerships count companies, not persons: 2, 4 and 3 are published as they are.
    const partnerships = sectionOf(html, 'partnerskabsaftaler_nye');
    expect(partnerships.match(/<td>under 5<\/td>/g)).toBeNull();
    expect((await text('reports/2017Q4/charts/partnerskabsaftaler_nye.svg')).match(/<circle /g)).toHaveLength(8);
    // Afgang, year to date: 2017Q2 (9 of 58) is 3 more than the published 2017Q1 (6), so hidden.
    expect(rowCells(sectionOf(html, 'integration_afgang_job_uddannelse'), '2. kv. 2017')).toEqual(['under 5', '', '9 pct.']);
  });

  it('copies the results files when compute wrote them, else writes them from the results', async () => {
    await publish(store, options());
    expect(await text('reports/2017Q4/data/kpis.json')).toBe(resultsJson(fixtureResults));

    const other = await mkdtemp(join(tmpdir(), 'pejlemaerke-publish-'));
    try {
      const withResults = new LocalStore(other);
      await writeResults(withResults, fixtureResults);
      await publish(withResults, options());
      for (const name of ['kpis.json', 'kpis.csv']) {
        expect(await readFile(join(other, `reports/2017Q4/data/${name}`))).toEqual(await readFile(join(other, `results/2017Q4/${name}`)));
      }
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('republishes byte-identically, and refuses to change a published quarter', async () => {
    const first = await publish(store, options());
    const before = new Map(await Promise.all(first.map(async (k) => [k, await text(k)] as const)));
    const again = await publish(store, options());
    expect(again).toEqual(first);
    for (const [key, body] of before) expect(await text(key)).toBe(body);

    const changed = { ...fixtureResults, snapshot: '0000000000000000' };
    await expect(publish(store, options(changed))).rejects.toThrow(PublishedReportChangedError);
    await expect(publish(store, options(changed))).rejects.toThrow(/4\. kvartal 2017 er allerede offentliggjort \(reports\/2017Q4\/index\.html\)/);
    for (const [key, body] of before) expect(await text(key)).toBe(body); // nothing written, latest/ included
  });

  it('moves latest/ to the newest publication', async () => {
    await publish(store, options());
    const next = nextQuarter(fixtureResults);
    await publish(store, options(next));
    const latest = await text('reports/latest/index.html');
    expect(latest).toBe(await text('reports/2018Q1/index.html'));
    expect(latest).toContain('1. kvartal 2018');
    expect(await text('reports/2017Q4/index.html')).toContain('<h1>Kvartalsopfølgning, 4. kvartal 2017</h1>');
  });

  it('refuses results that break disclosure control', async () => {
    const leaking = structuredClone(fixtureResults);
    const kpi = leaking.kpis.find((k) => k.id === 'flygtninge_job_foerste_aar')!;
    kpi.trend[1] = { ...kpi.trend[1]!, value: 3 / 12, numerator: 3, denominator: 12, suppressed: false };
    await expect(publish(store, options(leaking))).rejects.toThrow(/diskretion/);
    expect(await store.exists('reports/2017Q4/index.html')).toBe(false);
  });
});
