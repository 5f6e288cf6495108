import { beforeAll, describe, expect, it } from 'vitest';
import { loadKpis } from '../../functions/compute/catalog.ts';
import { groupChartSpec, spreadLabels, trendChartSpec, yScale } from '../../functions/publish/charts.ts';
import { reportView, type KpiView } from '../../functions/publish/model.ts';
import { renderChart, svgMarkup } from '../../functions/publish/render.ts';
import { chartTheme } from '../../functions/publish/theme.ts';
import { fixtureConfig, fixtureResults } from '../fixtures/results.ts';

let views: Map<string, KpiView>;
beforeAll(async () => {
  const kpis = await loadKpis('dashboards/kpis');
  const report = reportView(fixtureResults, new Map(kpis.map((k) => [k.definition.id, k.definition])), fixtureConfig);
  views = new Map(report.kpis.map((k) => [k.id, k]));
});

interface Layer {
  data: { values: Record<string, unknown>[] };
  mark: { type: string; strokeDash?: number[] };
  encoding: { y?: { scale?: { domain?: number[] } } };
}
const layers = (spec: unknown) => (spec as { layer: Layer[] }).layer;
const layer = (spec: unknown, type: string) => layers(spec).filter((l) => l.mark.type === type);

describe('trend chart spec', () => {
  it('draws every goal of the KPI as a dashed rule, labelled', () => {
    const spec = trendChartSpec(views.get('integration_selvforsoergende')!);
    const [rules] = layer(spec, 'rule');
    expect(rules!.mark.strokeDash).toEqual([6, 4]);
    expect(rules!.data.values).toEqual([{ value: 0.33 }, { value: 0.5 }, { value: 0.6 }]);
    const labels = layer(spec, 'text')[0]!.data.values.map((v) => v.text);
    expect(labels).toEqual(
      expect.arrayContaining(['Mål 2017: 33 pct.', 'Mål 2020: 50 pct.', 'Mål 2021: 60 pct.', 'Allerød Kommune', 'Hele landet', 'Region Hovedstaden']),
    );
  });

  it('leaves suppressed quarters out of the data and breaks the line there', () => {
    const spec = trendChartSpec(views.get('flygtninge_job_foerste_aar')!);
    const own = layer(spec, 'line').find((l) => l.data.values.some((v) => 'segment' in v))!;
    const quarters = own.data.values.map((v) => v.quarter);
    expect(quarters).toEqual(['1. kv. 2016', '3. kv. 2016', '4. kv. 2016', '1. kv. 2017', '2. kv. 2017', '3. kv. 2017', '4. kv. 2017']);
    expect(own.data.values[0]!.segment).not.toBe(own.data.values[1]!.segment);
    expect(new Set(own.data.values.slice(1).map((v) => v.segment)).size).toBe(1);
    expect(own.data.values.every((v) => typeof v.value === 'number')).toBe(true);
  });

  it('starts a year-to-date series again in January (a new segment)', () => {
    const spec = trendChartSpec(views.get('virksomheder_nye')!);
    const own = layer(spec, 'line')[1]!;
    const segments = own.data.values.map((v) => v.segment);
    expect(segments.slice(0, 4).every((s) => s === segments[0])).toBe(true);
    expect(segments.slice(4).every((s) => s === segments[4])).toBe(true);
    expect(segments[0]).not.toBe(segments[4]);
  });

  it('has benchmark series only where there are benchmarks', () => {
    const benchmarks = layer(trendChartSpec(views.get('integration_selvforsoergende')!), 'line')[0]!;
    expect(benchmarks.data.values).toHaveLength(16);
    expect(layer(trendChartSpec(views.get('partnerskabsaftaler_nye')!), 'line')[0]!.data.values).toEqual([]);
  });

  it('draws the whole country and the comparable municipalities’ average beside our own line, each in its own style, labelled directly', () => {
    const spec = trendChartSpec(views.get('langtid_virksomhedsrettet')!);
    const lines = layer(spec, 'line')[0]!;
    expect([...new Set(lines.data.values.map((v) => v.kind))]).toEqual(['hele_landet', 'sammenlignelige_kommuner']);
    expect(new Set(lines.data.values.map((v) => v.width))).toEqual(new Set([chartTheme.comparison.national.width]));
    const encoding = (lines as unknown as { encoding: { strokeDash: { scale: { domain: string[]; range: number[][] } } } }).encoding;
    expect(encoding.strokeDash.scale.domain).toEqual(['own', 'goal', 'hele_landet', 'sammenlignelige_kommuner']);
    expect(encoding.strokeDash.scale.range.slice(2)).toEqual([chartTheme.comparison.national.dash, chartTheme.comparison.comparable_average.dash]);
    const labels = layer(spec, 'text')[0]!.data.values.map((v) => v.text);
    expect(labels).toEqual(expect.arrayContaining(['Allerød Kommune', 'Hele landet', 'Sammenlignelige kommuner', 'Mål 2017: 45 pct.']));
  });
});

describe('group chart spec', () => {
  it('has a bar per published group and none for hidden groups', () => {
    const shown = groupChartSpec(views.get('integration_selvforsoergende')!, 'sex')!;
    // Women 17 / 52, men 26 / 58.
    expect(layer(shown, 'bar')[0]!.data.values).toEqual([
      { group: 'Kvinder', value: 17 / 52, text: '32,7 pct.' },
      { group: 'Mænd', value: 26 / 58, text: '44,8 pct.' },
    ]);
    // Flygtninge 2017Q4: 3 women in work → women hidden, men hidden too (else 9 − men gives women).
    const hidden = groupChartSpec(views.get('flygtninge_job_foerste_aar')!, 'sex')!;
    expect(layer(hidden, 'bar')[0]!.data.values).toEqual([]);
    expect(
      layers(hidden)
        .flatMap((l) => l.data.values)
        .some((v) => typeof v.value === 'number'),
    ).toBe(false);
  });
});

describe('y scale and label placement', () => {
  it('goes from 0 to a round step just above the data', () => {
    expect(yScale([0.391, 0.6], 'share')).toEqual({ max: 0.7, ticks: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7] });
    expect(yScale([0.022, 0.02], 'share')).toEqual({ max: 0.025, ticks: [0, 0.005, 0.01, 0.015, 0.02, 0.025] });
    expect(yScale([47, 45], 'count')).toEqual({ max: 50, ticks: [0, 10, 20, 30, 40, 50] });
    expect(yScale([2], 'count').ticks.every(Number.isInteger)).toBe(true);
  });

  it('keeps labels a line apart, centred on the lines they name', () => {
    const yMax = 1;
    const gap = (chartTheme.trend.labelLineHeight * yMax) / chartTheme.trend.height;
    const placed = spreadLabels(
      [
        { y: 0.33, text: 'Mål' },
        { y: 0.335, text: 'Kommunen' },
        { y: 0.8, text: 'Langt væk' },
      ],
      yMax,
    );
    const [a, b, c] = placed;
    expect(b!.y - a!.y).toBeCloseTo(gap, 9);
    expect((a!.y + b!.y) / 2).toBeCloseTo((0.33 + 0.335) / 2, 9);
    expect(c).toEqual({ y: 0.8, text: 'Langt væk' });
  });
});

describe('rendering', () => {
  it('renders Danish axis labels, no warnings, and the same bytes every time', async () => {
    const view = views.get('integration_selvforsoergende')!;
    const first = await renderChart(trendChartSpec(view));
    const second = await renderChart(trendChartSpec(view));
    expect(first.warnings).toEqual([]);
    expect(second.body).toBe(first.body);
    expect(first.body).toContain('>40 pct.<');
    expect(first.body).toContain('>Mål 2017: 33 pct.<');
    expect(first.body).not.toMatch(/\d\.\d{2,}/); // coordinates rounded to 0.1 px
    expect(first.body).not.toMatch(/ aria-| role=| class=/);
    const counts = await renderChart(trendChartSpec(views.get('virksomheder_nye')!));
    expect(counts.body).toContain('>40<');
  });

  it('wraps a chart as an accessible image with its title and generated description', async () => {
    const view = views.get('flygtninge_job_foerste_aar')!;
    const svg = svgMarkup(await renderChart(trendChartSpec(view)), { id: 'g1', title: 'T & "x"', description: view.chartDescription }, { inline: false });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img" aria-labelledby="g1-titel" aria-describedby="g1-beskrivelse"/);
    expect(svg).toContain('<title id="g1-titel">T &amp; &quot;x&quot;</title>');
    expect(svg).toContain(`<desc id="g1-beskrivelse">${view.chartDescription}</desc>`);
    expect(svg.match(/<circle /g)).toHaveLength(7); // one point per published quarter
  });
});
