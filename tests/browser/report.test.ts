import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKpis } from '../../functions/compute/catalog.ts';
import type { Results } from '../../functions/compute/results.ts';
import type { Draft } from '../../functions/publish/draft.ts';
import { publishDraft, writePreview } from '../../functions/publish/publish.ts';
import { launchBrowser } from '../../functions/publish/browser.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { fixtureConfig, fixtureResults } from '../fixtures/results.ts';
import { poppler } from '../support/poppler.ts';

const ARTIFACTS = join(import.meta.dirname, '../.artifacts');
const AXE = join(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');

let root: string;
let browser: Browser;
let reportUrl: string;
let embedUrl: string;
let correctedUrl: string;
let previewUrl: string;
let previewEmbedUrl: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pejlemaerke-browser-'));
  const definitions = (await loadKpis('dashboards/kpis')).map((k) => k.definition).filter((d) => fixtureResults.kpis.some((r) => r.id === d.id));
  const draft = (results: Results): Draft => ({
    results,
    config: fixtureConfig,
    definitions,
    delivery: { id: 'levering', extracted_at: results.generated_at, data_until: '2017-12-31' },
  });
  const store = new LocalStore(root);
  await publishDraft(store, draft(fixtureResults));
  reportUrl = pathToFileURL(join(root, 'reports/2017Q4/r1/index.html')).href;
  embedUrl = pathToFileURL(join(root, 'reports/2017Q4/r1/embed/integration_selvforsoergende.html')).href;
  // A correction (another title is enough to be other content), and a draft for the quarter after.
  const corrected = {
    ...fixtureResults,
    snapshot: 'abcdef0123456789',
    kpis: fixtureResults.kpis.map((k, i) => (i === 0 ? { ...k, title: `${k.title} (rettet)` } : k)),
  };
  await publishDraft(store, draft(corrected), { correction: 'Titlen på første nøgletal var forkert' });
  correctedUrl = pathToFileURL(join(root, 'reports/2017Q4/index.html')).href;
  const other = fixtureResults.kpis.map((k, i) => (i === 0 ? { ...k, title: `${k.title} (nyt udkast)` } : k));
  await writePreview(store, draft({ ...fixtureResults, snapshot: '0123456789abcdef', kpis: other }));
  previewUrl = pathToFileURL(join(root, 'previews/2017Q4/0123456789abcdef/index.html')).href;
  previewEmbedUrl = pathToFileURL(join(root, 'previews/2017Q4/0123456789abcdef/embed/integration_selvforsoergende.html')).href;
  await mkdir(ARTIFACTS, { recursive: true });
  // The build in @sparticuz/chromium on Linux x64, else the system chromium (browser.ts).
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await rm(root, { recursive: true, force: true });
});

/** A page with every request recorded and anything but the report file itself refused. */
async function openOffline(url: string, javaScriptEnabled: boolean): Promise<{ page: Page; requests: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1000, height: 1600 } });
  const requests: string[] = [];
  await context.route('**/*', async (route) => {
    requests.push(route.request().url());
    if (route.request().url() === url) await route.continue();
    else await route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  await page.goto(url);
  return { page, requests };
}

describe('the report in Chromium', () => {
  it('shows charts and tables without JavaScript and asks the network for nothing', async () => {
    const { page, requests } = await openOffline(reportUrl, false);
    expect(requests).toEqual([reportUrl]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Kvartalsopfølgning, 4. kvartal 2017');

    const trend = page.locator('#kpi-integration_selvforsoergende figure svg[role="img"]').first();
    expect(await trend.isVisible()).toBe(true);
    const box = (await trend.boundingBox())!;
    expect(box.width).toBeGreaterThan(400);
    expect(box.height).toBeGreaterThan(150);
    expect(await trend.getAttribute('aria-labelledby')).toBe('graf-integration_selvforsoergende-titel');
    expect(await page.locator('#graf-integration_selvforsoergende-titel').textContent()).toContain('Selvforsørgende i integrationsprogrammet');

    const table = page.locator('#kpi-integration_selvforsoergende table').first();
    expect(await table.isVisible()).toBe(true);
    await expect(table.locator('caption').textContent()).resolves.toMatch(/^Tallene bag grafen/);
    await expect(table.locator('tbody tr').count()).resolves.toBe(8);
    await expect(table.locator('tbody tr').last().locator('td').first().textContent()).resolves.toBe('39,1 pct.');

    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: false });
    await page.locator('#kpi-integration_selvforsoergende').screenshot({ path: join(ARTIFACTS, 'report-kpi.png') });
    await page.context().close();
  });

  for (const [name, url] of [
    ['report', () => reportUrl],
    ['embed', () => embedUrl],
    ['corrected report', () => correctedUrl],
    ['preview', () => previewUrl],
    ['preview embed', () => previewEmbedUrl],
  ] as const) {
    it(`has no WCAG 2.1 A/AA violations (axe-core): ${name}`, async () => {
      const { page, requests } = await openOffline(url(), true);
      await page.addScriptTag({ path: AXE });
      const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`)) as {
        violations: { id: string; help: string; nodes: { target: string[] }[] }[];
        passes: unknown[];
      };
      const violations = result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(violations).toEqual([]);
      expect(result.passes.length).toBeGreaterThan(10);
      expect(requests).toEqual([url()]);
      await page.context().close();
    });
  }

  it('prints on A4: a page per KPI section, nothing wider than the paper', async () => {
    const { page } = await openOffline(reportUrl, false);
    await page.emulateMedia({ media: 'print' });
    // A4 minus 15 mm margins each side: 180 mm = 680 CSS px.
    await page.setViewportSize({ width: 680, height: 1000 });
    const overflow = await page.evaluate(
      `[...document.querySelectorAll('svg, table')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).length`,
    );
    expect(overflow).toBe(0);
    const breaks = await page.evaluate(`[...document.querySelectorAll('section.kpi')].map((s) => getComputedStyle(s).breakBefore)`);
    expect(breaks).toEqual(Array(fixtureResults.kpis.length).fill('page'));
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(fixtureResults.kpis.length + 1);
    await page.context().close();
  });

  it('marks every printed page of a preview as a draft, and shows a correction on the entry point', async () => {
    const { page } = await openOffline(previewUrl, false);
    await expect(page.locator('.draft-banner').textContent()).resolves.toMatch(/^Udkast – ikke godkendt\./);
    await page.emulateMedia({ media: 'print' });
    const pdfPath = join(root, 'preview.pdf');
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
    await page.context().close();
    const text = poppler('pdftotext', '-layout', pdfPath, '-');
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    expect(pages.length).toBeGreaterThan(fixtureResults.kpis.length);
    for (const [i, p] of pages.entries()) expect(p, `page ${i + 1}`).toContain('UDKAST – IKKE GODKENDT');

    const corrected = await openOffline(correctedUrl, false);
    await expect(corrected.page.locator('.correction').textContent()).resolves.toContain('Rettet 15. januar 2018: Titlen på første nøgletal var forkert');
    await expect(corrected.page.locator('.correction a').getAttribute('href')).resolves.toBe('r1/index.html');
    await corrected.page.screenshot({ path: join(ARTIFACTS, 'report-corrected.png') });
    await corrected.page.context().close();
  });

  it('shows the download links’ targets when printed', async () => {
    const { page } = await openOffline(reportUrl, false);
    const after = `getComputedStyle(document.querySelector('a.download'), '::after').content`;
    expect(await page.evaluate(after)).toBe('none');
    await page.emulateMedia({ media: 'print' });
    expect(await page.evaluate(after)).toBe('" (data/kpis.csv)"');
    await page.context().close();
  });
});
