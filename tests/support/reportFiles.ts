/**
 * The report's HTML, embeds and charts rendered from a ReportView the way publish.ts does
 * (its `chartsFor` is not exported, and these tests must not depend on the store), so the
 * package pieces (commentary, PDF, note) can be tested on a view with commentary before publish
 * wires them in.
 */
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { loadKpis } from '../../functions/compute/catalog.ts';
import type { Results } from '../../functions/compute/results.ts';
import type { MunicipalityConfig } from '../../functions/config/municipality.ts';
import { groupChartSpec, trendChartSpec, trendLegend } from '../../functions/publish/charts.ts';
import { parseCommentary, type Commentary } from '../../functions/publish/commentary.ts';
import { joinDanish } from '../../functions/publish/format.ts';
import { reportView, type KpiView, type ReportView } from '../../functions/publish/model.ts';
import { renderChart, svgMarkup } from '../../functions/publish/render.ts';
import { Embed } from '../../functions/publish/report/Embed.tsx';
import type { KpiCharts } from '../../functions/publish/report/KpiSection.tsx';
import { Report } from '../../functions/publish/report/Report.tsx';
import { fixtureConfig, fixtureResults } from '../fixtures/results.ts';

export interface ReportFiles {
  report: ReportView;
  charts: Map<string, KpiCharts>;
  /** charts/<kpi>.svg as publish writes them. */
  svgFiles: Map<string, string>;
  html: string;
  embeds: Map<string, string>;
}

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

export async function reportFiles(
  options: { results?: Results; config?: MunicipalityConfig; commentary?: Commentary; html?: (html: string) => string } = {},
): Promise<ReportFiles> {
  const kpis = await loadKpis('dashboards/kpis');
  const definitions = new Map(kpis.map((k) => [k.definition.id, k.definition]));
  const report = reportView(options.results ?? fixtureResults, definitions, options.config ?? fixtureConfig, { commentary: options.commentary });
  const charts = new Map<string, KpiCharts>();
  const svgFiles = new Map<string, string>();
  const embeds = new Map<string, string>();
  for (const view of report.kpis) {
    const rendered = await chartsFor(view);
    charts.set(view.id, rendered.charts);
    svgFiles.set(view.id, rendered.file);
    embeds.set(view.id, `<!DOCTYPE html>\n${renderToString(h(Embed, { report, view, charts: rendered.charts }))}`);
  }
  const html = `<!DOCTYPE html>\n${renderToString(h(Report, { report, charts }))}`;
  return { report, charts, svgFiles, html: options.html ? options.html(html) : html, embeds };
}

/** A commentary for the fixture: a summary, two KPI sections, and hostile bits that must stay text. */
export const FIXTURE_COMMENTARY = `# Bemærkninger til 4. kvartal 2017

## sammenfatning

Fem af de syv mål er nået eller på vej. Forvaltningen vil især følge **langtidsforsørgede** tæt i 2018.

## langtid_virksomhedsrettet

### Vurdering
Andelen er steget, men målet på 45 pct. er ikke nået. Se [Beskæftigelsesplan 2018](https://www.alleroed.dk/beskaeftigelsesplan-2018).

### Planlagt indsats
- flere virksomhedsrettede forløb for borgere i ressourceforløb
- opfølgning hver måned i jobcenterets ledelse

## partnerskabsaftaler_nye

Vi har indgået 9 aftaler. <script>alert("ikke her")</script> [klik](javascript:alert(1))
`;

export function fixtureCommentary(kpiIds: readonly string[] = fixtureResults.kpis.map((k) => k.id)): Commentary {
  return parseCommentary(FIXTURE_COMMENTARY, { kpiIds, source: 'bemaerkninger-2017Q4.md' });
}
