import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { disclosureViolations } from '../compute/disclosure.ts';
import type { Kpi } from '../compute/kpiDefinition.ts';
import { resultsJson, resultsCsv } from '../compute/resultsFile.ts';
import { resultsSchema, type Results } from '../compute/results.ts';
import type { MunicipalityConfig } from '../config/municipality.ts';
import { keys, type Store } from '../store/store.ts';
import { groupChartSpec, trendChartSpec, trendLegend } from './charts.ts';
import { formatQuarter, joinDanish } from './format.ts';
import { reportView, type KpiView } from './model.ts';
import { renderChart, svgMarkup } from './render.ts';
import { Embed } from './report/Embed.tsx';
import type { KpiCharts } from './report/KpiSection.tsx';
import { Report } from './report/Report.tsx';

export interface PublishOptions {
  results: Results;
  config: MunicipalityConfig;
  kpis: Kpi[];
}

/** Raised when a quarter's published report would change: a published quarter is immutable. */
export class PublishedReportChangedError extends Error {
  constructor(readonly key: string, quarter: string) {
    super(
      `Rapporten for ${formatQuarter(quarter)} er allerede offentliggjort (${key}), og den nye udgave er anderledes. ` +
        'Et offentliggjort kvartal ændres ikke. Skal tallene rettes, så flyt den gamle rapport væk med vilje (og gem den), før du offentliggør igen.',
    );
    this.name = 'PublishedReportChangedError';
  }
}

interface OutFile {
  name: string;
  body: string;
  contentType: string;
}

const HTML = 'text/html; charset=utf-8';
const SVG = 'image/svg+xml';
const DOCTYPE = '<!DOCTYPE html>\n';

async function chartsFor(view: KpiView): Promise<{ charts: KpiCharts; file: string }> {
  const trend = await renderChart(trendChartSpec(view));
  const text = { id: `graf-${view.id}`, title: view.chartTitle, description: view.chartDescription };
  const groups: Record<string, string> = {};
  for (const b of view.breakdowns) {
    const spec = groupChartSpec(view, b.breakdown);
    if (!spec || b.rows.every((r) => r.number === undefined)) continue;
    const chart = await renderChart(spec);
    const description = joinDanish(b.rows.map((r) => `${r.label}: ${r.value}`));
    groups[b.breakdown] = svgMarkup(chart, { id: `graf-${view.id}-${b.breakdown}`, title: `${b.title}: ${view.title}`, description }, { inline: true });
  }
  return {
    charts: { trend: svgMarkup(trend, text, { inline: true }), trendCaption: `${view.chartTitle}. ${trendLegend(view)}`, groups },
    file: `<?xml version="1.0" encoding="UTF-8"?>\n${svgMarkup(trend, text, { inline: false })}\n`,
  };
}

/**
 * The publish stage: results → `reports/<quarter>/` (index.html, embed/<kpi>.html,
 * charts/<kpi>.svg, data/kpis.json + kpis.csv) and the same files under `reports/latest/`.
 * A published quarter never changes: if its index.html exists with other bytes, nothing is
 * written; the same bytes again are fine (reruns are byte-identical). index.html is written
 * last, so an interrupted run does not leave a report that points at missing files.
 * Returns the keys written.
 */
export async function publish(store: Store, options: PublishOptions): Promise<string[]> {
  const results = resultsSchema.parse(options.results);
  const violations = disclosureViolations(results);
  if (violations.length > 0) {
    throw new Error(`Rapporten for ${results.quarter} offentliggøres ikke, tallene bryder diskretioneringen:\n  ${violations.join('\n  ')}`);
  }
  const definitions = new Map(options.kpis.map((k) => [k.definition.id, k.definition]));
  const report = reportView(results, definitions, options.config);

  const charts = new Map<string, KpiCharts>();
  const files: OutFile[] = [];
  for (const view of report.kpis) {
    const rendered = await chartsFor(view);
    charts.set(view.id, rendered.charts);
    files.push({ name: `charts/${view.id}.svg`, body: rendered.file, contentType: SVG });
    files.push({ name: `embed/${view.id}.html`, body: DOCTYPE + renderToString(h(Embed, { report, view, charts: rendered.charts })), contentType: HTML });
  }
  const index = DOCTYPE + renderToString(h(Report, { report, charts }));

  const indexKey = keys.report(results.quarter, 'index.html');
  const published = await store.tryGet(indexKey);
  if (published && !published.equals(Buffer.from(index, 'utf8'))) throw new PublishedReportChangedError(indexKey, results.quarter);

  const written: string[] = [];
  for (const [name, body, contentType] of [
    ['kpis.json', resultsJson(results), 'application/json; charset=utf-8'],
    ['kpis.csv', resultsCsv(results), 'text/csv; charset=utf-8'],
  ] as const) {
    const key = keys.report(results.quarter, `data/${name}`);
    const computed = keys.results(results.quarter, name);
    const stored = await store.tryGet(computed);
    if (stored?.equals(Buffer.from(body, 'utf8'))) await store.copy(computed, key);
    else await store.put(key, body, contentType);
    written.push(key);
  }
  for (const file of [...files, { name: 'index.html', body: index, contentType: HTML }]) {
    const key = keys.report(results.quarter, file.name);
    await store.put(key, file.body, file.contentType);
    written.push(key);
  }

  for (const from of [...written]) {
    const name = from.slice(keys.report(results.quarter, '').length);
    const to = keys.latest(name);
    await store.copy(from, to);
    written.push(to);
  }
  return written;
}
