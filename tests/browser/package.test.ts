import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../functions/publish/browser.ts';
import { buildCommitteePackage } from '../../functions/publish/committeePackage.ts';
import { quartersIndexView } from '../../functions/publish/quartersIndex.ts';
import { QuartersIndex } from '../../functions/publish/report/QuartersIndex.tsx';
import { PUBLISHED } from '../fixtures/published.ts';
import { fixtureCommentary, reportFiles } from '../support/reportFiles.ts';

const ARTIFACTS = join(import.meta.dirname, '../.artifacts');
const AXE = join(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');

let browser: Browser;
let dir: string;
let files: Awaited<ReturnType<typeof reportFiles>>;
const urls: Record<'report' | 'embed' | 'index', string> = { report: '', embed: '', index: '' };

beforeAll(async () => {
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-package-'));
  files = await reportFiles({ commentary: fixtureCommentary(), html: (html) => html.replace('<body>', '<body><p class="udkast">Udkast – ikke godkendt</p>') });
  const write = async (name: string, body: string) => {
    await writeFile(join(dir, name), body);
    return pathToFileURL(join(dir, name)).href;
  };
  urls.report = await write('rapport.html', files.html);
  urls.embed = await write('embed.html', files.embeds.get('langtid_virksomhedsrettet')!);
  const index = quartersIndexView(PUBLISHED, { municipality: 'Allerød Kommune', committee: 'Erhvervs- og Beskæftigelsesudvalget' });
  urls.index = await write('index.html', `<!DOCTYPE html>\n${renderToString(h(QuartersIndex, { view: index }))}`);
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
  await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort('blockedbyclient')));
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

describe('the committee package in Chromium', () => {
  for (const name of ['report', 'embed', 'index'] as const) {
    it(`has no WCAG 2.1 A/AA violations (axe-core): ${name}`, async () => {
      const page = await open(urls[name]);
      await page.addScriptTag({ path: AXE });
      const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`)) as {
        violations: { id: string; help: string; nodes: { target: string[] }[] }[];
        passes: unknown[];
      };
      expect(result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      expect(result.passes.length).toBeGreaterThan(8);
      await page.context().close();
    });
  }

  it('shows the administration’s text in labelled boxes, as text, with no script run', async () => {
    const page = await open(urls.report);
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    const summary = page.locator('#forvaltningens-sammenfatning');
    await expect(summary.locator('h3').textContent()).resolves.toBe('Forvaltningens sammenfatning');
    // The summary comes before the overview.
    const order = await page.evaluate(`[...document.querySelectorAll('main h2')].map((e) => e.textContent)`);
    expect((order as string[]).slice(0, 2)).toEqual(['Sammenfatning', 'Overblik']);
    const box = page.locator('#bemaerkninger-partnerskabsaftaler_nye');
    await expect(box.locator('h3').textContent()).resolves.toBe('Forvaltningens bemærkninger');
    await expect(box.locator('.commentary-text').textContent()).resolves.toContain('<script>alert("ikke her")</script>');
    expect(await box.locator('script, a[href^="javascript"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    // Under the KPI's status sentence.
    const kpi = page.locator('#kpi-langtid_virksomhedsrettet');
    expect(await kpi.evaluate((s) => s.querySelector('p.summary')!.nextElementSibling!.className)).toBe('commentary');
    await page.screenshot({ path: join(ARTIFACTS, 'report-top.png') });
    await page.locator('#kpi-langtid_virksomhedsrettet').screenshot({ path: join(ARTIFACTS, 'report-commentary.png') });
    await page.context().close();
  });

  it('keeps the draft banner and table rows whole when printed', async () => {
    const page = await open(urls.report);
    await page.emulateMedia({ media: 'print' });
    const banner = page.locator('.udkast');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.evaluate((e) => getComputedStyle(e).display)).not.toBe('none');
    const rows = (await page.evaluate(`[...document.querySelectorAll('tr')].map((r) => getComputedStyle(r).breakInside)`)) as string[];
    expect(new Set(rows)).toEqual(new Set(['avoid']));
    await page.context().close();
  });

  it('lists the quarters with their links, and looks right (tests/.artifacts/quarters-index.png)', async () => {
    const page = await open(urls.index);
    await expect(page.locator('h1').textContent()).resolves.toBe('Kvartalsopfølgninger');
    const links = (await page.evaluate(`[...document.querySelectorAll('main a')].map((a) => [a.getAttribute('href'), a.textContent])`)) as [string, string][];
    expect(links.slice(0, 7)).toEqual([
      ['2017Q4/', 'Rapporten for 4. kvartal 2017'],
      ['2017Q4/rapport.pdf', 'Rapporten som PDF for 4. kvartal 2017'],
      ['2017Q4/opfoelgningsnotat.docx', 'Opfølgningsnotatet (Word) for 4. kvartal 2017'],
      ['2017Q4/data/kpis.csv', 'regneark (CSV) for 4. kvartal 2017'],
      ['2017Q4/data/kpis.json', 'JSON for 4. kvartal 2017'],
      ['2017Q4/r2/', 'Udgave 2 for 4. kvartal 2017'],
      ['2017Q4/r1/', 'Udgave 1 for 4. kvartal 2017'],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'quarters-index.png'), fullPage: true });
    await page.context().close();
  });

  it('builds the PDF and the note in one call, the same bytes twice', async () => {
    const input = {
      report: files.report,
      html: files.html,
      charts: files.charts,
      reportUrl: 'https://rapporter.alleroed.dk/2017Q4/',
      draftNotice: 'Udkast – ikke godkendt',
      browser,
    };
    const first = await buildCommitteePackage(input);
    expect(first.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(first.note.subarray(0, 2).toString()).toBe('PK');
    const again = await buildCommitteePackage(input);
    expect(again.pdf.equals(first.pdf) && again.note.equals(first.note)).toBe(true);
  });
});
