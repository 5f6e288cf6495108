import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { resultsJson, resultsCsv } from '../compute/resultsFile.ts';
import type { Publication, Results } from '../compute/results.ts';
import { groupChartSpec, trendChartSpec, trendLegend } from './charts.ts';
import type { Draft } from './draft.ts';
import { formatDate, joinDanish } from './format.ts';
import { reportView, type KpiView, type PublicationView, type ReportView } from './model.ts';
import { parseCommentary, type Commentary } from './commentary.ts';
import { timed } from '../timing.ts';
import { buildCommitteePackage } from './committeePackage.ts';
import { withPrintPage, type PrintPage } from './pdf.ts';
import { renderChart, svgMarkup } from './render.ts';
import { Embed } from './report/Embed.tsx';
import type { KpiCharts } from './report/KpiSection.tsx';
import { DRAFT_LABEL } from './report/PublicationNotice.tsx';
import { Report } from './report/Report.tsx';

/**
 * One publication rendered to files: the report, an embed and a chart per KPI, and the data
 * downloads. Every file but index.html is the same wherever it is stored; index.html links to
 * the quarter's earlier revisions, and a relative link depends on where the page lives.
 */
export interface OutFile {
  /** Path inside the report folder, e.g. `embed/samarbejdsgrad.html`. */
  name: string;
  body: string | Buffer;
  contentType: string;
}

/** Where a copy of a report lives: its revision folder, the quarter's entry point, `latest/`, or a preview. */
export type Location = 'revision' | 'entry' | 'latest' | 'preview';

/** An earlier revision, as the notice lists it. */
export interface EarlierRevision {
  revision: number;
  /** Its results' generated_at: the time basis of that revision. */
  generatedAt: string;
}

export interface RenderedPublication {
  /** Every file except index.html. */
  files: OutFile[];
  /** index.html for a location. */
  index(location: Location): OutFile;
  /** The results as written into data/kpis.json (with the publication block). */
  results: Results;
}

const HTML = 'text/html; charset=utf-8';
const SVG = 'image/svg+xml';
const DOCTYPE = '<!DOCTYPE html>\n';

export interface RenderContext {
  earlier: readonly EarlierRevision[];
  wouldCorrect?: number;
  /** The report site's address (`https://…`), for the note's link; without it the link is relative. */
  reportsUrl?: string;
  /**
   * The page to print the PDF on, opened by the caller (`withPrintPage`), who closes it; else
   * one is opened here and closed before this returns.
   */
  printPage?: Promise<PrintPage>;
}

/**
 * The whole committee package of one publication: the report and its embeds, charts and data,
 * and — printed from that same report — `rapport.pdf` for the agenda system and the follow-up
 * note `opfoelgningsnotat.docx` for the administration to finish.
 */
export async function renderPublication(draft: Draft, publication: Publication, context: RenderContext): Promise<RenderedPublication> {
  // Chromium starts and opens the page to print on while the charts are drawn; the PDF at the end needs it.
  if (context.printPage) return renderWith(draft, publication, context, context.printPage);
  return withPrintPage((page) => renderWith(draft, publication, context, page));
}

/**
 * Lets Chromium's start go on between charts. Each chart is one synchronous pass of ~10–40 ms,
 * and launching Chromium and opening the page takes ~35 messages in turn, each of which waits
 * for this thread: awaiting a promise lets none through (Chromium started after the last chart),
 * one event-loop turn per chart one (the page was open ~0.2 s after the last chart). While the
 * page is opening, a few short timer turns per chart let several through, so it is open about
 * when the charts are done; after that, none are taken.
 */
function chromiumTurns(opening: Promise<unknown>): () => Promise<void> {
  let open = false;
  const opened = () => {
    open = true;
  };
  opening.then(opened, opened);
  return async () => {
    for (let turn = 0; turn < 3 && !open; turn++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
  };
}

async function renderWith(draft: Draft, publication: Publication, context: RenderContext, opening: Promise<PrintPage>): Promise<RenderedPublication> {
  const results: Results = { ...draft.results, publication };
  const definitions = new Map(draft.definitions.map((d) => [d.id, d]));
  const commentary = draftCommentary(draft);
  const base = reportView(results, definitions, draft.config, commentary ? { commentary } : {});
  const isDraft = publication.status === 'draft';
  const viewAt = (location: Location): ReportView => ({ ...base, publication: publicationView(results, publication, context, location) });

  const charts = new Map<string, KpiCharts>();
  const files: OutFile[] = [];
  // Embeds only link to their own report, so one location's view serves every copy.
  const embedView = viewAt('revision');
  const letChromiumOn = chromiumTurns(opening);
  for (const view of base.kpis) {
    const rendered = await chartsFor(view, isDraft ? DRAFT_LABEL : undefined, letChromiumOn);
    charts.set(view.id, rendered.charts);
    files.push({ name: `charts/${view.id}.svg`, body: rendered.file, contentType: SVG });
    files.push({
      name: `embed/${view.id}.html`,
      body: DOCTYPE + renderToString(h(Embed, { report: embedView, view, charts: rendered.charts })),
      contentType: HTML,
    });
  }
  files.push({ name: 'data/kpis.json', body: resultsJson(results), contentType: 'application/json; charset=utf-8' });
  files.push({ name: 'data/kpis.csv', body: resultsCsv(results), contentType: 'text/csv; charset=utf-8' });
  // Each location's page is rendered once: the PDF's and its own folder's are the same page.
  const indexes = new Map<Location, OutFile>();
  const index = (location: Location): OutFile => {
    const page = indexes.get(location) ?? {
      name: 'index.html',
      body: DOCTYPE + renderToString(h(Report, { report: viewAt(location), charts })),
      contentType: HTML,
    };
    indexes.set(location, page);
    return page;
  };

  // Printed once, from the report as its own revision folder shows it, and copied wherever it goes.
  const printed = isDraft ? 'preview' : 'revision';
  const reportUrl = context.reportsUrl ? `${context.reportsUrl.replace(/\/+$/, '')}/${results.quarter}/` : 'index.html';
  const committee = await timed('publish.package', async () =>
    buildCommitteePackage({
      report: viewAt(printed),
      html: String(index(printed).body),
      charts,
      reportUrl,
      ...(isDraft ? { draftNotice: DRAFT_LABEL } : {}),
      page: opening,
    }),
  );
  files.push({ name: 'rapport.pdf', body: committee.pdf, contentType: 'application/pdf' });
  files.push({ name: 'opfoelgningsnotat.docx', body: committee.note, contentType: DOCX });
  return { files, results, index };
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The administration's commentary, parsed against the KPIs of the draft (checked when it was given). */
export function draftCommentary(draft: Draft): Commentary | undefined {
  if (draft.commentary === undefined) return undefined;
  return parseCommentary(draft.commentary, { kpiIds: draft.results.kpis.map((k) => k.id) });
}

function publicationView(
  results: Results,
  publication: Publication,
  context: { earlier: readonly EarlierRevision[]; wouldCorrect?: number },
  location: Location,
): PublicationView {
  const earlier = [...context.earlier]
    .filter((e) => publication.revision === undefined || e.revision < publication.revision)
    .sort((a, b) => b.revision - a.revision)
    .map((e) => ({
      revision: e.revision,
      text: `revision ${e.revision} (${formatDate(e.generatedAt)})`,
      href: revisionHref(results.quarter, e.revision, location),
    }));
  return {
    status: publication.status,
    revision: publication.revision,
    correction: publication.corrects && {
      date: formatDate(results.generated_at),
      reason: publication.corrects.reason,
      replaces: publication.corrects.revision,
    },
    earlier: location === 'preview' ? [] : earlier,
    wouldCorrect: context.wouldCorrect,
  };
}

/**
 * A link from a page at `location` to revision `revision` of `quarter`: relative, and to the
 * file itself, so it works from a local folder as well as on the report site.
 */
export function revisionHref(quarter: string, revision: number, location: Location): string {
  switch (location) {
    case 'revision':
      return `../r${revision}/index.html`;
    case 'entry':
      return `r${revision}/index.html`;
    case 'latest':
      return `../${quarter}/r${revision}/index.html`;
    case 'preview':
      throw new Error('Et udkast linker ikke til udgivne revisioner');
  }
}

async function chartsFor(view: KpiView, stamp: string | undefined, beforeEachChart: () => Promise<void>): Promise<{ charts: KpiCharts; file: string }> {
  await beforeEachChart();
  const trend = await renderChart(trendChartSpec(view));
  const text = { id: `graf-${view.id}`, title: view.chartTitle, description: view.chartDescription };
  const groups: Record<string, string> = {};
  for (const b of view.breakdowns) {
    const spec = groupChartSpec(view, b.breakdown);
    if (!spec || b.rows.every((r) => r.number === undefined)) continue;
    await beforeEachChart();
    const chart = await renderChart(spec);
    const description = joinDanish(b.rows.map((r) => `${r.label}: ${r.value}`));
    groups[b.breakdown] = svgMarkup(chart, { id: `graf-${view.id}-${b.breakdown}`, title: `${b.title}: ${view.title}`, description }, { inline: true });
  }
  return {
    charts: { trend: svgMarkup(trend, text, { inline: true }), trendCaption: `${view.chartTitle}. ${trendLegend(view)}`, groups },
    file: `<?xml version="1.0" encoding="UTF-8"?>\n${svgMarkup(trend, text, { inline: false, stamp })}\n`,
  };
}
