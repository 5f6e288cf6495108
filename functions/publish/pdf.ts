import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type LaunchOptions } from './browser.ts';
import { formatQuarter } from './format.ts';
import type { ReportView } from './model.ts';

/**
 * The report as PDF for the committee's agenda system: the report's own HTML printed by
 * headless Chromium (`page.pdf()`), so the PDF says exactly what the web page says.
 *
 * - A4: Chromium lays the pages out at 210 × 297 mm but rounds the paper to 1/75 inch
 *   (595.92 × 841.92 pt); `fixA4PageSize` sets the ISO size, 595.28 × 841.89 pt, in the page
 *   boxes (0.6 pt less right margin, invisible). The stylesheet's print rules keep table
 *   rows, figures and key figures whole and start each KPI on a new page.
 * - Tagged PDF with the document language from `<html lang="da">` and bookmarks from the
 *   headings; the title is the page's `<title>`.
 * - Charts stay vectors: they are inline SVG, which Chromium prints as paths and text.
 * - A footer on every page: municipality, quarter, snapshot, "side n af m", and a draft notice
 *   when there is one (the page's own banner is only on the first page).
 * - Nothing is fetched: every request is refused (the report is self-contained).
 * - The page can be opened before the HTML exists (`openPrintPage`): Chromium's start, its
 *   context and its renderer process then overlap the charts, and the HTML goes straight in.
 * - The same HTML gives the same bytes: Chromium stamps the render time as /CreationDate and
 *   /ModDate; `fixPdfDates` overwrites both with the report's time, in place, with a string of
 *   the same length, so every byte offset in the file (the xref table) stays valid. Chromium
 *   (Skia) writes no document /ID and no XMP metadata, which a test checks. `checkXref` then
 *   confirms the cross-reference table still points at its objects.
 */

export interface PdfOptions {
  /** ISO instant for the PDF's dates: the report's `generatedAt`. */
  generatedAt: string;
  /** Footer text on every page, before the page number (`reportPdfFooter`). */
  footer: string;
  /** E.g. "Udkast – ikke godkendt": printed in the footer of every page too. */
  draftNotice?: string;
  /** A browser to reuse (several PDFs in one run); else one is launched and closed. */
  browser?: Browser;
  /** A page opened ahead with `openPrintPage`, used for this one PDF (its opener closes it). */
  page?: PrintPage;
  /** Called when the page has its content and Chromium starts printing. */
  onPrint?: () => void;
  launch?: LaunchOptions;
}

/** "Allerød Kommune · 4. kvartal 2017 · datasæt 3f2a9c0d41be7e55". */
export function reportPdfFooter(report: Pick<ReportView, 'municipality' | 'quarter' | 'snapshot'>): string {
  return `${report.municipality} · ${formatQuarter(report.quarter)} · datasæt ${report.snapshot}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Chromium draws the footer in the page's bottom margin, in a document of its own with no
 * styles (default font size 0), so everything is inline. The classes are Chromium's
 * placeholders for the page number and count.
 */
export function footerTemplate(footer: string, draftNotice?: string): string {
  const draft = draftNotice ? `<span style="font-weight:700;color:#a4262c">${escapeHtml(draftNotice)}</span> · ` : '';
  return (
    '<div style="width:100%;margin:0 15mm;font-family:system-ui,sans-serif;font-size:8pt;color:#4d4d4d;display:flex;justify-content:space-between;-webkit-print-color-adjust:exact">' +
    `<span>${draft}${escapeHtml(footer)}</span>` +
    '<span>Side <span class="pageNumber"></span> af <span class="totalPages"></span></span>' +
    '</div>'
  );
}

/**
 * A page that prints one HTML document: scripts off, offline, every request refused. It is used
 * once: `htmlToPdf` starts closing it as soon as the PDF is out, and its opener awaits `close()`
 * (the same closing, or the first, if nothing was printed) before it is done.
 */
export interface PrintPage {
  page: Page;
  /** Closes the page's context, and the browser too when the page launched its own; once. */
  close(): Promise<void>;
}

async function openPage(context: BrowserContext): Promise<Page> {
  await context.route('**/*', (route) => route.abort('blockedbyclient'));
  return context.newPage();
}

/**
 * Opens the page a PDF is printed on, before the HTML exists: in `browser`, or in a browser
 * launched for it (closed with the page). Publish starts this first, so Chromium's start, its
 * context and its renderer process overlap the charts instead of following them.
 */
export async function openPrintPage(browser?: Browser, launch?: LaunchOptions): Promise<PrintPage> {
  const own = browser ? undefined : await launchBrowser(launch);
  try {
    const context = await (browser ?? own!).newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await openPage(context);
      let closing: Promise<void> | undefined;
      const close = () => {
        closing ??= own ? own.close() : context.close();
        return closing;
      };
      return { page, close };
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  } catch (error) {
    await own?.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Runs `work` with a print page that is still opening (Chromium starts while `work` does other
 * things), then closes it — when `work` is done, fails, or never printed — and waits for that.
 */
export async function withPrintPage<T>(work: (page: Promise<PrintPage>) => Promise<T>, launch?: LaunchOptions): Promise<T> {
  const opening = openPrintPage(undefined, launch);
  // Awaited only where the PDF is printed: a failed start must not count as unhandled before then.
  opening.catch(() => undefined);
  try {
    return await work(opening);
  } finally {
    await opening.then((page) => page.close()).catch(() => undefined);
  }
}

async function print(page: Page, html: string, options: PdfOptions): Promise<Buffer> {
  await page.setContent(html, { waitUntil: 'load' });
  options.onPrint?.();
  return page.pdf({
    width: '210mm',
    height: '297mm',
    margin: { top: '16mm', right: '15mm', bottom: '18mm', left: '15mm' },
    printBackground: true,
    tagged: true,
    outline: true,
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: footerTemplate(options.footer, options.draftNotice),
  });
}

/** An HTML document (self-contained, as the report is) → PDF bytes; see the module comment. */
export async function htmlToPdf(html: string, options: PdfOptions): Promise<Buffer> {
  let pdf: Buffer;
  if (options.page) {
    const { page } = options;
    // Chromium shuts down (~0.1–0.2 s) while the caller goes on; the page's opener awaits close().
    pdf = await print(page.page, html, options).finally(() => void page.close().catch(() => undefined));
  } else {
    const page = await openPrintPage(options.browser, options.launch);
    try {
      pdf = await print(page.page, html, options);
    } finally {
      await page.close();
    }
  }
  return checkXref(fixA4PageSize(fixPdfDates(pdf, options.generatedAt)));
}

/** "D:20180115063000" in UTC, the PDF date form (ISO 32000-1, 7.9.4). */
function pdfDigits(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Ugyldigt tidspunkt til PDF'en: ${iso}`);
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

const DATE_ENTRY = /\/(CreationDate|ModDate) \((D:[^)]*)\)/g;

/**
 * Sets the Info dictionary's /CreationDate and /ModDate to `iso` (UTC), rewriting each string
 * in place with one of the same length — `+00'00'` or `Z` as Chromium wrote it — so no byte
 * moves. Throws rather than write a PDF it cannot keep valid (an unexpected date form, or the
 * dates not in exactly one place each).
 */
export function fixPdfDates(pdf: Buffer, iso: string): Buffer {
  const digits = pdfDigits(iso);
  const text = pdf.toString('latin1');
  const found = [...text.matchAll(DATE_ENTRY)];
  const keys = found.map((m) => m[1]).sort();
  if (keys.join() !== 'CreationDate,ModDate') throw new Error(`PDF'en har ikke præcis én /CreationDate og én /ModDate (fandt: ${keys.join(', ') || 'ingen'})`);
  const out = Buffer.from(pdf);
  for (const m of found) {
    const old = m[2]!;
    const replacement = [`D:${digits}+00'00'`, `D:${digits}Z`, `D:${digits}Z00'00'`, `D:${digits}+00'00`].find((r) => r.length === old.length);
    if (!replacement) throw new Error(`Uventet datoformat i PDF'en: ${old}`);
    out.write(replacement, m.index! + m[0].indexOf('(') + 1, 'latin1');
  }
  return out;
}

const A4_POINTS = [(210 / 25.4) * 72, (297 / 25.4) * 72] as const;
const MEDIA_BOX = /\/MediaBox \[0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\]/g;

/**
 * `value` to 1/100 pt — A4 as PDF tools state it, 595.28 × 841.89 pt, within 0.005 pt of
 * 210 × 297 mm — padded with zeros to exactly `length` characters, or undefined.
 */
function sameLength(value: number, length: number): string | undefined {
  const text = value.toFixed(2);
  if (text.length > length || (text.length < length && length - text.length > 10)) return undefined;
  return text.padEnd(length, '0');
}

/**
 * Every page box within 1,5 pt of A4 becomes A4 (595.28 × 841.89 pt), written in as many
 * characters as Chromium's numbers ("595.28000"), so no byte moves. A page of another size is an
 * error: the PDF is meant to be A4.
 */
export function fixA4PageSize(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const out = Buffer.from(pdf);
  let pages = 0;
  for (const m of text.matchAll(MEDIA_BOX)) {
    const [, w, h] = m as unknown as [string, string, string];
    if (Math.abs(Number(w) - A4_POINTS[0]) > 1.5 || Math.abs(Number(h) - A4_POINTS[1]) > 1.5) throw new Error(`En side i PDF'en er ikke A4: ${w} × ${h} pt`);
    const width = sameLength(A4_POINTS[0], w.length);
    const height = sameLength(A4_POINTS[1], h.length);
    if (!width || !height) throw new Error(`Kan ikke skrive A4-størrelsen i samme længde som ${w} × ${h}`);
    out.write(`/MediaBox [0 0 ${width} ${height}]`, m.index!, 'latin1');
    pages++;
  }
  if (pages === 0) throw new Error("PDF'en har ingen sider med /MediaBox");
  return out;
}

/**
 * A light check that a rewritten PDF is still whole: `startxref` points at the `xref` table,
 * and each of its in-use entries at the start of that object ("n 0 obj").
 */
export function checkXref(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const start = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (!start || !text.startsWith('xref', Number(start[1]))) throw new Error("PDF'ens startxref peger ikke på xref-tabellen");
  const table = /^xref\s+(\d+) (\d+)\s+/.exec(text.slice(Number(start[1])));
  if (!table) throw new Error("PDF'ens xref-tabel kan ikke læses");
  const first = Number(table[1]);
  const count = Number(table[2]);
  const entries = text.slice(Number(start[1]) + table[0].length).match(/^\d{10} \d{5} [nf]/gm) ?? [];
  if (entries.length < count) throw new Error("PDF'ens xref-tabel er for kort");
  entries.slice(0, count).forEach((entry, i) => {
    if (!entry.endsWith('n')) return;
    const offset = Number(entry.slice(0, 10));
    if (!text.startsWith(`${first + i} 0 obj`, offset)) throw new Error(`PDF'ens xref-tabel peger forkert for objekt ${first + i}`);
  });
  return pdf;
}
