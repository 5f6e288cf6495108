import type { Browser } from 'playwright-core';
import type { ReportView } from './model.ts';
import { timed } from '../timing.ts';
import { buildNote } from './note/note.ts';
import { htmlToPdf, reportPdfFooter, type PrintPage } from './pdf.ts';
import type { KpiCharts } from './report/KpiSection.tsx';

/**
 * The two files the committee's agenda system takes, from what publish has already rendered:
 * `rapport.pdf` (the report's own HTML, printed) and `opfoelgningsnotat.docx` (the note, from
 * the same ReportView and charts). One call, so publish does not need to know the details.
 */

export interface CommitteePackageInput {
  report: ReportView;
  /** The report's index.html exactly as published (with the draft banner, if any). */
  html: string;
  /** The charts publish rendered for the report, by KPI id. */
  charts: ReadonlyMap<string, KpiCharts>;
  /** The report's address, for the note's link (e.g. `${reportsUrl}/2017Q4/`). */
  reportUrl: string;
  /** "Udkast – ikke godkendt" for a preview: in the PDF's and the note's footers and at the note's top. */
  draftNotice?: string;
  /** Reuse a browser; else one is launched for the PDF and closed. */
  browser?: Browser;
  /** A page opened ahead (`openPrintPage`), possibly still opening: the PDF is printed on it. */
  page?: Promise<PrintPage>;
}

export interface CommitteePackage {
  pdf: Buffer;
  note: Buffer;
}

export async function buildCommitteePackage(input: CommitteePackageInput): Promise<CommitteePackage> {
  // Chromium prints in its own processes while this one builds the note: both at once. The PDF
  // is the longer of the two and needs this thread for each message to and from Chromium, so
  // the note's one long synchronous step (the zip) waits until Chromium is printing.
  let printing!: () => void;
  const printStarted = new Promise<void>((resolve) => (printing = resolve));
  const [pdf, note] = await Promise.all([
    timed('publish.package.pdf', async () => {
      try {
        return await htmlToPdf(input.html, {
          generatedAt: input.report.generatedAt,
          footer: reportPdfFooter(input.report),
          ...(input.draftNotice ? { draftNotice: input.draftNotice } : {}),
          ...(input.browser ? { browser: input.browser } : {}),
          ...(input.page ? { page: await input.page } : {}),
          onPrint: printing,
        });
      } finally {
        printing();
      }
    }),
    timed('publish.package.note', () =>
      buildNote({
        report: input.report,
        trendSvg: new Map([...input.charts].map(([id, charts]) => [id, charts.trend])),
        reportUrl: input.reportUrl,
        ...(input.draftNotice ? { draftNotice: input.draftNotice } : {}),
        packAfter: printStarted,
      }),
    ),
  ]);
  return { pdf, note };
}
