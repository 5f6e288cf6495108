import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { quarterLabel, quarterIndex } from '../../functions/calendar/quarter.ts';
import { loadKpis } from '../../functions/compute/catalog.ts';
import type { Kpi } from '../../functions/compute/kpiDefinition.ts';
import { resultsJson } from '../../functions/compute/resultsFile.ts';
import type { Results } from '../../functions/compute/results.ts';
import type { Draft } from '../../functions/publish/draft.ts';
import { formatCount, formatQuarterShort } from '../../functions/publish/format.ts';
import { publishDraft, PublishedReportChangedError, readPreview, repairPublished, writePreview } from '../../functions/publish/publish.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { fixtureConfig, fixtureResults, hiddenTruths } from '../fixtures/results.ts';

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
/** A publication of these results, as compute would freeze it. */
const draftOf = (results: Results = fixtureResults): Draft => ({
  results,
  config: fixtureConfig,
  definitions: kpis.map((k) => k.definition).filter((d) => results.kpis.some((r) => r.id === d.id)),
  delivery: { id: 'levering-2018-01-15', extracted_at: results.generated_at, data_until: '2017-12-31' },
});
/** Publishes and returns the keys written (a test that expects a first publication). */
async function publish(store: LocalStore, draft: Draft, correction?: string): Promise<string[]> {
  const outcome = await publishDraft(store, draft, { correction });
  if (outcome.status !== 'published') throw new Error(`expected a publication, got ${outcome.status}`);
  return outcome.written;
}
const options = (results: Results = fixtureResults) => draftOf(results);

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

/** The results with another published count for a company KPI (counts of companies are never suppressed). */
function withCount(results: Results, id: string, count: number): Results {
  return {
    ...results,
    kpis: results.kpis.map((k) => {
      if (k.id !== id) return k;
      const last = { ...k.trend.at(-1)!, value: count, numerator: count };
      return { ...k, value: count, numerator: count, trend: [...k.trend.slice(0, -1), last] };
    }),
  };
}

/** The same results one quarter later: every quarter label moved on by one. */
function nextQuarter(results: Results): Results {
  const shift = (label: string) => quarterLabel(quarterIndex(label) + 1);
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
  it('writes revision 1 whole, then the results, the quarter’s entry point and latest/, each index.html last', async () => {
    const written = await publish(store, options());
    const ids = fixtureResults.kpis.map((k) => k.id);
    const quarterFiles = [
      'data/kpis.csv',
      'data/kpis.json',
      'opfoelgningsnotat.docx',
      'rapport.pdf',
      ...ids.flatMap((id) => [`charts/${id}.svg`, `embed/${id}.html`]),
      'index.html',
    ];
    const inOrder = (prefix: string) => [
      ...quarterFiles
        .filter((f) => f !== 'index.html')
        .map((f) => `${prefix}${f}`)
        .sort(),
      `${prefix}index.html`,
    ];
    expect(written).toEqual([
      ...inOrder('reports/2017Q4/r1/'),
      'reports/2017Q4/r1/revision.json',
      'results/2017Q4/kpis.csv',
      'results/2017Q4/kpis.json',
      ...inOrder('reports/2017Q4/'),
      ...inOrder('reports/latest/'),
      'reports/index.html',
    ]);
    // A first revision has no earlier one to link to: every copy is the same.
    for (const file of quarterFiles) {
      expect(await text(`reports/latest/${file}`), file).toBe(await text(`reports/2017Q4/${file}`));
      expect(await text(`reports/2017Q4/r1/${file}`), file).toBe(await text(`reports/2017Q4/${file}`));
    }
    for (const name of ['kpis.json', 'kpis.csv']) expect(await text(`results/2017Q4/${name}`)).toBe(await text(`reports/2017Q4/data/${name}`));
    const published = JSON.parse(await text('results/2017Q4/kpis.json')) as Results;
    expect(published.publication).toEqual({ status: 'published', revision: 1 });
    expect(await text('reports/2017Q4/data/kpis.json')).toBe(resultsJson({ ...fixtureResults, publication: { status: 'published', revision: 1 } }));

    const html = await text('reports/2017Q4/index.html');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="da">')).toBe(true);
    expect(html).toContain('<h1>Kvartalsopfølgning, 4. kvartal 2017</h1>');
    expect(html).toContain('Allerød Kommune · Erhvervs- og Beskæftigelsesudvalget');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/);
    expect(html.match(/<section class="kpi"/g)).toHaveLength(ids.length);
    expect(html.match(/<svg role="img"/g)!.length).toBeGreaterThanOrEqual(ids.length);
    expect(html).toContain('Tal for under 5 personer vises ikke af hensyn til diskretion («under 5»).');
    expect(html).toContain('15. januar 2018 kl. 07.30');
    expect(html).toContain('3f2a9c0d41be7e55');
    expect(html).toContain('href="data/kpis.csv"');
    // The demo's 11 KPIs must fit in 100 KiB; the fixture's KPIs get the same budget each.
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual((100 * 1024 * ids.length) / 11);

    const embed = await text('reports/2017Q4/embed/integration_selvforsoergende.html');
    expect(embed).toMatch(/<h1 id="titel-integration_selvforsoergende">Selvforsørgende i integrationsprogrammet<\/h1>/);
    expect(embed).toContain('href="../data/kpis.json"');
    expect(embed).toContain('<svg role="img"');
    expect(await text('reports/2017Q4/charts/virksomheder_nye.svg')).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" role="img"/,
    );
  });

  it('shows every KPI on the summary table with goal, result and status in words and symbols', async () => {
    await publish(store, options());
    const html = await text('reports/2017Q4/index.html');
    const row = (id: string) =>
      new RegExp(
        `<a href="#kpi-${id}">[^<]+</a></th><td class="text goal">([^<]*)</td><td>([^<]*)</td><td class="text"><span class="status status-(\\w+)"><span aria-hidden="true">(.)</span> ([^<]+)</span>`,
      )
        .exec(html)
        ?.slice(1);
    expect(row('flygtninge_job_foerste_aar')).toEqual(['mindst 33 pct. i 2017', '39,1 pct.', 'met', '✓', 'Nået']);
    expect(row('langtid_virksomhedsrettet')).toEqual(['mindst 45 pct. i 2017', '43,1 pct.', 'not_met', '✗', 'Ikke nået']);
    expect(row('unge_uddannelsesstart')).toEqual(['mindst 2 pct. i 2017', '2,2 pct.', 'met', '✓', 'Nået']);
    expect(row('virksomheder_nye')).toEqual(['45 i 2017', '47', 'met', '✓', 'Nået']);
    expect(row('partnerskabsaftaler_nye')).toEqual(['10 i 2017', '9', 'not_met', '✗', 'Ikke nået']);
    expect(row('integration_jobparate')).toEqual(['Intet mål', '37,9 pct.', 'no_goal', '–', 'Intet mål']);
  });

  it('never shows a suppressed number: "under 5" or "skjult" instead, and no point in the chart data', async () => {
    await publish(store, options());
    const html = await text('reports/2017Q4/index.html');
    expect(hiddenTruths.length).toBeGreaterThan(10);
    // Both reasons occur in the fixture, and each explains itself under its table.
    expect(new Set(hiddenTruths.map((t) => t.because))).toEqual(new Set(['small', 'complementary']));
    expect(html).toContain('«under 5»: tallet vises ikke af hensyn til diskretion, fordi det bygger på under 5 personer.');
    expect(html).toMatch(/«skjult»: tallet vises ikke af hensyn til diskretion, fordi et andet skjult tal ellers ville kunne\s+regnes ud/);
    for (const truth of hiddenTruths) {
      const where = `${truth.kpi} ${truth.quarter} ${truth.group}`;
      const { numerator, denominator } = truth.cell;
      if (denominator !== null) expect(html.includes(`<td>${formatCount(numerator)} af ${formatCount(denominator)}</td>`), where).toBe(false);
      // The table row standing for the hidden cell: "under 5" when it is small, "skjult" when it
      // is hidden only to protect another (it may be large), then an empty count or the goal.
      const shown = truth.because === 'small' ? 'under 5' : 'skjult';
      const section = sectionOf(html, truth.kpi);
      if (truth.group === 'total') {
        const cells = rowCells(section, formatQuarterShort(truth.quarter));
        expect(cells[0], where).toBe(shown);
        if (denominator !== null) expect(cells[1], where).toBe('');
      } else if (truth.quarter === fixtureResults.quarter) {
        expect(rowCells(section.slice(section.indexOf('<h3>Kvinder og mænd</h3>')), truth.group === 'K' ? 'Kvinder' : 'Mænd'), where).toEqual([shown, '']);
      }
    }
    for (const kpi of fixtureResults.kpis) {
      const published = kpi.trend.filter((q) => !q.suppressed).length;
      expect((await text(`reports/2017Q4/charts/${kpi.id}.svg`)).match(/<circle /g) ?? [], kpi.id).toHaveLength(published);
    }
    // Flygtninge 2016Q2 (3 of 12) and the women in 2017Q4 show as "under 5"; the men only so
    // that the women cannot be worked out from the total, so "skjult", not "under 5".
    const flygtninge = sectionOf(html, 'flygtninge_job_foerste_aar');
    expect(flygtninge).toContain('<th scope="row">2. kv. 2016</th><td>under 5</td><td></td>');
    expect(flygtninge).toContain('<th scope="row">Kvinder</th><td>under 5</td><td></td>');
    expect(flygtninge).toContain('<th scope="row">Mænd</th><td>skjult</td><td></td>');
    // Partnerships count companies, not persons: 2, 4 and 3 are published as they are.
    const partnerships = sectionOf(html, 'partnerskabsaftaler_nye');
    expect(partnerships.match(/<td>under 5<\/td>/g)).toBeNull();
    expect((await text('reports/2017Q4/charts/partnerskabsaftaler_nye.svg')).match(/<circle /g)).toHaveLength(8);
    // Afgang, year to date: 2017Q2 (9 of 58) is 3 more than the published 2017Q1 (6), so hidden,
    // and 9 is not under 5: "skjult", and the sentence under the chart does not say "under 5".
    const afgang = sectionOf(html, 'integration_afgang_job_uddannelse');
    expect(rowCells(afgang, '2. kv. 2017')).toEqual(['skjult', '', '9 pct.']);
    expect(afgang).toContain('2. kv. 2017 vises ikke af hensyn til diskretion.');
    expect(afgang).not.toContain('(tal under 5)');
  });

  it('recognises the same publication however often it runs: nothing is written again', async () => {
    const first = await publish(store, options());
    const before = new Map(await Promise.all(first.map(async (k) => [k, await text(k)] as const)));
    // Another delivery of the same numbers (new snapshot, new time, other code version) is the same publication.
    const again = await publishDraft(
      store,
      options({ ...fixtureResults, snapshot: '0000000000000000', generated_at: '2018-02-01T07:00:00.000Z', code_version: '9.9.9' }),
    );
    expect(again).toEqual({ status: 'unchanged', quarter: '2017Q4', revision: 1, repaired: [] });
    for (const [key, body] of before) expect(await text(key)).toBe(body);
  });

  it('refuses other numbers for a published quarter before writing anything, naming what differs', async () => {
    const first = await publish(store, options());
    const before = new Map(await Promise.all(first.map(async (k) => [k, await text(k)] as const)));
    const changed = withCount(fixtureResults, 'virksomheder_nye', 48);
    await expect(publishDraft(store, options(changed))).rejects.toThrow(PublishedReportChangedError);
    await expect(publishDraft(store, options(changed))).rejects.toThrow(
      /4\. kvartal 2017 er allerede offentliggjort \(revision 1\), og den nye udgave er anderledes: andre tal for virksomheder_nye\. Intet er skrevet\..*--correction/,
    );
    const renamed = { ...fixtureConfig, committee: 'Beskæftigelsesudvalget' };
    await expect(publishDraft(store, { ...options(), config: renamed })).rejects.toThrow(/ændret konfiguration/);
    const listed = (await store.list('')).map((o) => o.key);
    expect(listed.sort()).toEqual([...before.keys()].sort());
    for (const [key, body] of before) expect(await text(key)).toBe(body);
  });

  it('publishes a correction as revision 2 with a visible notice, keeping revision 1 unchanged and linked', async () => {
    await publish(store, options());
    const r1 = await Promise.all(['index.html', 'data/kpis.json', 'embed/virksomheder_nye.html'].map((f) => text(`reports/2017Q4/r1/${f}`)));
    const corrected = { ...withCount(fixtureResults, 'virksomheder_nye', 48), snapshot: 'abcdef0123456789', generated_at: '2018-02-08T07:00:00.000Z' };
    const written = await publish(store, options(corrected), 'Kontakter fra december manglede i leveringen');
    expect(written).toContain('reports/2017Q4/r2/revision.json');
    expect(await Promise.all(['index.html', 'data/kpis.json', 'embed/virksomheder_nye.html'].map((f) => text(`reports/2017Q4/r1/${f}`)))).toEqual(r1);

    const notice = '<strong>Rettet 8. februar 2018:</strong> Kontakter fra december manglede i leveringen';
    for (const [key, link] of [
      ['reports/2017Q4/index.html', 'r1/index.html'],
      ['reports/2017Q4/r2/index.html', '../r1/index.html'],
      ['reports/latest/index.html', '../2017Q4/r1/index.html'],
    ] as const) {
      const html = await text(key);
      expect(html, key).toContain(notice);
      expect(html, key).toContain(`Tidligere udgaver: <span><a href="${link}">revision 1 (15. januar 2018)</a></span>.`);
    }
    expect(await text('reports/2017Q4/embed/virksomheder_nye.html')).toContain(notice);
    const results = JSON.parse(await text('results/2017Q4/kpis.json')) as Results;
    expect(results.publication).toEqual({
      status: 'published',
      revision: 2,
      corrects: { revision: 1, snapshot: fixtureResults.snapshot, reason: 'Kontakter fra december manglede i leveringen' },
    });
    expect(await text('reports/2017Q4/data/kpis.json')).toBe(await text('results/2017Q4/kpis.json'));
    expect(await text('reports/2017Q4/r2/data/kpis.json')).toBe(await text('results/2017Q4/kpis.json'));
    // The same correction again is the same publication.
    expect(await publishDraft(store, options(corrected), { correction: 'igen' })).toMatchObject({ status: 'unchanged', revision: 2 });
  });

  it('repairs files a crash left torn or missing, to exactly the published bytes', async () => {
    await publish(store, options());
    const pdf = await store.get('reports/2017Q4/rapport.pdf');
    await rm(join(root, 'reports/2017Q4/rapport.pdf'));
    const index = await text('reports/2017Q4/index.html');
    const embed = await text('reports/2017Q4/r1/embed/integration_selvforsoergende.html');
    await writeFile(join(root, 'reports/2017Q4/index.html'), index.slice(0, 1000));
    await rm(join(root, 'reports/2017Q4/r1/embed/integration_selvforsoergende.html'));
    await rm(join(root, 'results/2017Q4/kpis.csv'));
    const again = await publishDraft(store, options());
    expect(again.status).toBe('unchanged');
    expect(again.status === 'unchanged' && again.repaired.sort()).toEqual([
      'reports/2017Q4/index.html',
      'reports/2017Q4/r1/embed/integration_selvforsoergende.html',
      'reports/2017Q4/rapport.pdf',
      'results/2017Q4/kpis.csv',
    ]);
    expect((await store.get('reports/2017Q4/rapport.pdf')).equals(pdf)).toBe(true);
    expect(await text('reports/2017Q4/index.html')).toBe(index);
    expect(await text('reports/2017Q4/r1/embed/integration_selvforsoergende.html')).toBe(embed);
    expect(await repairPublished(store, '2017Q4')).toEqual([]);
  });

  it('previews a draft marked "Udkast – ikke godkendt" everywhere, and approving it publishes the bytes of a direct run', async () => {
    const previewed = await writePreview(store, options());
    expect(previewed).toMatchObject({ status: 'previewed', quarter: '2017Q4', snapshot: fixtureResults.snapshot });
    expect((await store.list('reports/')).concat(await store.list('results/'))).toEqual([]);
    const base = `previews/2017Q4/${fixtureResults.snapshot}/`;
    const index = await text(`${base}index.html`);
    expect(index).toContain('<title>Udkast – ikke godkendt: Kvartalsopfølgning 4. kvartal 2017');
    expect(index).toContain('<div class="draft-banner" role="note"><p><strong>Udkast – ikke godkendt.</strong>');
    expect(index).toContain('@top-center{content:"UDKAST – IKKE GODKENDT"');
    for (const id of fixtureResults.kpis.map((k) => k.id)) {
      expect(await text(`${base}embed/${id}.html`), id).toContain('<strong>Udkast – ikke godkendt.</strong>');
      expect(await text(`${base}charts/${id}.svg`), id).toMatch(/<title id="[^"]+">Udkast – ikke godkendt: /);
      expect(await text(`${base}charts/${id}.svg`), id).toContain('font-weight="700" fill="#a4262c">Udkast – ikke godkendt</text>');
    }
    expect(JSON.parse(await text(`${base}data/kpis.json`)).publication).toEqual({ status: 'draft' });

    const approved = await publishDraft(store, await readPreview(store, '2017Q4'));
    expect(approved.status).toBe('published');
    const direct = new LocalStore(await mkdtemp(join(tmpdir(), 'pejlemaerke-direct-')));
    try {
      await publish(direct, options());
      for (const { key } of await direct.list('reports/')) expect((await store.get(key)).equals(await direct.get(key)), key).toBe(true);
      expect((await store.list('reports/')).length).toBe((await direct.list('reports/')).length);
    } finally {
      await rm(direct.root, { recursive: true, force: true });
    }
    // A preview of what is already published says so and writes nothing.
    expect(await writePreview(store, options())).toMatchObject({ status: 'unchanged', revision: 1 });
    // A preview with other numbers would be a correction: the banner says which revision.
    const correcting = await writePreview(store, options({ ...withCount(fixtureResults, 'virksomheder_nye', 48), snapshot: 'abcdef0123456789' }));
    expect(correcting).toMatchObject({ status: 'previewed', wouldCorrect: 2 });
    expect(await text('previews/2017Q4/abcdef0123456789/index.html')).toContain('godkendes udkastet, udgives det som rettelse (revision 2)');
  });

  it('refuses to publish over a report it has no record of', async () => {
    await store.put('reports/2017Q4/index.html', '<!DOCTYPE html><p>Udgivet af en ældre version</p>');
    await expect(publishDraft(store, options())).rejects.toThrow(/uden revisionsoplysninger/);
    expect((await store.list('')).map((o) => o.key)).toEqual(['reports/2017Q4/index.html']);
  });

  it('moves latest/ forward only: to a newer quarter, never back to an older one', async () => {
    await publish(store, options());
    const next = nextQuarter(fixtureResults);
    await publish(store, options(next));
    const latest = await text('reports/latest/index.html');
    expect(latest).toBe(await text('reports/2018Q1/index.html'));
    expect(latest).toContain('1. kvartal 2018');
    expect(await text('reports/2017Q4/index.html')).toContain('<h1>Kvartalsopfølgning, 4. kvartal 2017</h1>');

    // A correction of the older quarter is published, but latest/ stays with the newer one.
    const written = await publish(store, options(withCount(fixtureResults, 'virksomheder_nye', 48)), 'Rettet optælling');
    expect(written.some((k) => k.startsWith('reports/latest/'))).toBe(false);
    expect(await text('reports/latest/index.html')).toBe(latest);

    const older = new LocalStore(await mkdtemp(join(tmpdir(), 'pejlemaerke-older-')));
    try {
      await publish(older, options(next));
      const before = await older.get('reports/latest/index.html');
      await publish(older, options());
      expect((await older.get('reports/latest/index.html')).equals(before)).toBe(true);
      expect(await older.exists('reports/2017Q4/r1/revision.json')).toBe(true);
    } finally {
      await rm(older.root, { recursive: true, force: true });
    }
  });

  it('refuses results that break disclosure control', async () => {
    const leaking = structuredClone(fixtureResults);
    const kpi = leaking.kpis.find((k) => k.id === 'flygtninge_job_foerste_aar')!;
    kpi.trend[1] = { ...kpi.trend[1]!, value: 3 / 12, numerator: 3, denominator: 12, suppressed: false };
    await expect(publishDraft(store, options(leaking))).rejects.toThrow(/diskretion/);
    await expect(writePreview(store, options(leaking))).rejects.toThrow(/diskretion/);
    expect(await store.list('')).toEqual([]);
  });
});
