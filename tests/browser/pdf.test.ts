import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../functions/publish/browser.ts';
import { htmlToPdf, reportPdfFooter } from '../../functions/publish/pdf.ts';
import { fixtureResults, hiddenTruths } from '../fixtures/results.ts';
import { fixtureCommentary, reportFiles, type ReportFiles } from '../support/reportFiles.ts';
import { poppler } from '../support/poppler.ts';

const ARTIFACTS = join(import.meta.dirname, '../.artifacts');
const DRAFT = 'Udkast – ikke godkendt';

let browser: Browser;
let dir: string;
let files: ReportFiles;
let pdf: Buffer;
let pdfPath: string;
let renderMs: number;

const run = (command: Parameters<typeof poppler>[0], ...args: string[]) => poppler(command, ...args);

beforeAll(async () => {
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-pdf-'));
  // The draft banner as the preview will have it: a plain element in the page, first thing in <body>.
  files = await reportFiles({ commentary: fixtureCommentary(), html: (html) => html.replace('<body>', `<body><p class="udkast">${DRAFT}</p>`) });
  const started = performance.now();
  pdf = await htmlToPdf(files.html, { browser, generatedAt: fixtureResults.generated_at, footer: reportPdfFooter(files.report), draftNotice: DRAFT });
  renderMs = performance.now() - started;
  pdfPath = join(dir, 'rapport.pdf');
  await writeFile(pdfPath, pdf);
});

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the report as PDF', () => {
  it('is tagged A4 with the title, Danish, bookmarks, and the report’s time as its dates', () => {
    const info = run('pdfinfo', pdfPath);
    expect(info).toMatch(/^Title: +Kvartalsopfølgning 4\. kvartal 2017 – Allerød Kommune$/m);
    expect(info).toMatch(/^Tagged: +yes$/m);
    expect(info).toMatch(/^Page size: +595\.28 x 841\.89 pts \(A4\)$/m);
    expect(info).toMatch(/^CreationDate: +Mon Jan 15 06:30:00 2018 UTC$/m);
    expect(info).toMatch(/^ModDate: +Mon Jan 15 06:30:00 2018 UTC$/m);
    const pages = Number(/^Pages: +(\d+)$/m.exec(info)![1]);
    // The overview, then each KPI from a new page.
    expect(pages).toBeGreaterThanOrEqual(files.report.kpis.length + 1);
    // Checked on the uncompressed catalog and trailer only, so a failure does not print the whole file.
    const raw = pdf.toString('latin1');
    const catalog = /\d+ 0 obj\n<<\/Type \/Catalog[\s\S]*?\nendobj/.exec(raw)?.[0] ?? '';
    expect(catalog).toContain('/Lang (da)');
    expect(catalog).toMatch(/\/Outlines \d+ 0 R/);
    expect(catalog).toContain('/StructTreeRoot');
    // Nothing that would differ between two renders besides the dates fixed above.
    const trailer = raw.slice(raw.lastIndexOf('trailer'));
    expect(trailer).not.toContain('/ID');
    expect(raw.includes('/Metadata ')).toBe(false);
    console.info(`PDF: ${pages} sider, ${Math.round(pdf.length / 1024)} KiB, ${Math.round(renderMs)} ms`);
  });

  it('embeds its fonts and draws the charts as vectors (no images)', () => {
    const fonts = run('pdffonts', pdfPath).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line.split(/\s+/).slice(-5, -4)[0], line).toBe('yes'); // "emb"
    expect(run('pdfimages', '-list', pdfPath).trim().split('\n').slice(2)).toEqual([]);
  });

  it('has the numbers in Danish, the administration’s text (as text), the changes, and the draft marking on every page', () => {
    const text = run('pdftotext', '-layout', pdfPath, '-');
    // Reading order with every run of white space as one space, so wrapped lines still match.
    const flowing = run('pdftotext', pdfPath, '-').replace(/\s+/g, ' ');
    const has = (part: string) => expect(flowing.includes(part), part).toBe(true);
    has('Kvartalsopfølgning, 4. kvartal 2017');
    has('39,1 pct.');
    // The overview's row, as laid out: goal, result, status and both changes side by side.
    expect(text).toMatch(/Selvforsørgende i +mindst 33 pct\. i 2017 +39,1 pct\. +✓ Nået +op 3,1 +op 11,1\s+integrationsprogrammet +pct\.-point +pct\.-point/);
    has('Andelen er steget 3,1 procentpoint siden 3. kvartal 2017 og 11,1 procentpoint siden 4. kvartal 2016.');
    has('5 af 7 mål er nået eller på vej.');
    has('Forvaltningens sammenfatning');
    has('Forvaltningens bemærkninger');
    has('flere virksomhedsrettede forløb for borgere i ressourceforløb');
    has('<script>alert("ikke her")</script>');
    // The commentary's http(s) link prints its address (print CSS), the javascript: one is text.
    has('(https://www.alleroed.dk/beskaeftigelsesplan-2018)');
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    pages.forEach((page, i) => {
      expect(page, `side ${i + 1}`).toContain(`${DRAFT} · Allerød Kommune · 4. kvartal 2017 · datasæt 3f2a9c0d41be7e55`);
      expect(page, `side ${i + 1}`).toMatch(new RegExp(`Side ${i + 1} af ${pages.length}`));
    });
    expect(pages[0]).toMatch(new RegExp(`^\\s*${DRAFT}`)); // the banner, first on the first page
  });

  it('never prints a suppressed number', () => {
    // Without the page footers' "Side 3 af 24", which is not a number about anyone.
    const text = run('pdftotext', pdfPath, '-').replace(/Side \d+ af \d+/g, '');
    for (const truth of hiddenTruths) {
      const { numerator, denominator } = truth.cell;
      if (denominator !== null)
        expect(text, `${truth.kpi} ${truth.quarter} ${truth.group}`).not.toMatch(new RegExp(`(?<![\\d.])${numerator} af ${denominator}(?![\\d.])`));
    }
  });

  it('gives the same bytes for the same input', async () => {
    // A second later, in a fresh browser: Chromium's own time stamps would differ.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await htmlToPdf(files.html, { generatedAt: fixtureResults.generated_at, footer: reportPdfFooter(files.report), draftNotice: DRAFT });
    expect(again.equals(pdf)).toBe(true);
    const other = await htmlToPdf(files.html, { browser, generatedAt: '2018-04-15T06:30:00.000Z', footer: reportPdfFooter(files.report), draftNotice: DRAFT });
    expect(other.equals(pdf)).toBe(false);
    expect(other.length).toBe(pdf.length);
  });

  it('renders pages to PNG for a look (tests/.artifacts/pdf-*.png)', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    for (const f of await readdir(ARTIFACTS)) if (f.startsWith('pdf-')) await rm(join(ARTIFACTS, f));
    run('pdftoppm', '-png', '-r', '60', '-f', '1', '-l', '4', pdfPath, join(ARTIFACTS, 'pdf'));
    expect((await readdir(ARTIFACTS)).filter((f) => f.startsWith('pdf-')).length).toBe(4);
  });
});
