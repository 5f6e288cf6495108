import type { TopLevelSpec } from 'vega-lite';
import type { PositionFieldDef } from 'vega-lite/types_unstable/channeldef.js';
import { formatQuarterShort, formatValue } from './format.ts';
import type { KpiView } from './model.ts';
import { chartTheme } from './theme.ts';
import type { Unit } from '../compute/kpiDefinition.ts';

/**
 * Vega-Lite specs built from a KPI's published numbers: pure data in, spec out, no DOM.
 * Suppressed quarters are not in the data at all; the line breaks there (each run of
 * published quarters is its own segment) and the quarter stays on the axis.
 */

interface Label {
  y: number;
  text: string;
}

const STEP_MULTIPLIERS = [1, 2, 2.5, 5];

/**
 * y from 0 to a little above every value, goal and benchmark, in round steps: of the steps
 * that give 3–7 gridlines, the one whose top is closest above the data.
 */
export function yScale(values: readonly number[], unit: Unit): { max: number; ticks: number[] } {
  const top = Math.max(...values, unit === 'share' ? 0.01 : 4) * 1.05;
  const power = 10 ** Math.floor(Math.log10(top));
  const candidates = [power / 100, power / 10, power]
    .flatMap((p) => STEP_MULTIPLIERS.map((m) => Number((m * p).toPrecision(6))))
    .filter((step) => unit === 'share' || Number.isInteger(step))
    .map((step) => ({ step, count: Math.ceil(top / step - 1e-9) }))
    .filter(({ count }) => count >= 3 && count <= 7);
  const best = candidates.reduce((a, b) => (b.step * b.count < a.step * a.count ? b : a), candidates[0] ?? { step: power, count: Math.ceil(top / power) });
  const ticks = Array.from({ length: best.count + 1 }, (_, i) => Number((i * best.step).toPrecision(12)));
  return { max: ticks[ticks.length - 1]!, ticks };
}

/**
 * Direct labels right of the plot, moved apart so no two overlap and each stays as close to
 * its line as it can: overlapping labels form a block centred on their lines' mean height,
 * blocks that then overlap merge, until none do (in data units, from the known y domain).
 */
export function spreadLabels<T extends Label>(labels: readonly T[], yMax: number): T[] {
  const gap = (chartTheme.trend.labelLineHeight * yMax) / chartTheme.trend.height;
  const sorted = [...labels].sort((a, b) => a.y - b.y || (a.text < b.text ? -1 : 1));
  let blocks = sorted.map((label) => ({ members: [label], bottom: label.y }));
  const centred = (members: T[]) => members.reduce((sum, m) => sum + m.y, 0) / members.length - ((members.length - 1) * gap) / 2;
  for (let merged = true; merged; ) {
    merged = false;
    const next: typeof blocks = [];
    for (const block of blocks) {
      const below = next[next.length - 1];
      if (below && below.bottom + below.members.length * gap > block.bottom) {
        const members = [...below.members, ...block.members];
        next[next.length - 1] = { members, bottom: centred(members) };
        merged = true;
      } else next.push(block);
    }
    blocks = next;
  }
  return blocks.flatMap((block) => block.members.map((m, i) => ({ ...m, y: block.bottom + i * gap })));
}

/**
 * Consecutive published quarters share a segment number; a hidden quarter starts a new one,
 * and so does January for a year-to-date KPI (its count starts again from zero).
 */
function segments(view: KpiView): { quarter: string; value: number; segment: number }[] {
  const out: { quarter: string; value: number; segment: number }[] = [];
  let segment = 0;
  for (const q of view.result.trend) {
    if (view.result.year_to_date && q.quarter.endsWith('Q1')) segment += 1;
    if (q.suppressed || q.value === null) {
      segment += 1;
      continue;
    }
    out.push({ quarter: formatQuarterShort(q.quarter), value: q.value, segment });
  }
  return out;
}

function axisFormat(unit: Unit, step: number): string {
  if (unit === 'count') return ',d';
  return step * 100 < 1 ? '.1%' : '.0%';
}

/** The trend over the 8 quarters: the municipality, benchmark areas, and every goal as a dashed rule. */
export function trendChartSpec(view: KpiView): TopLevelSpec {
  const { width, height, labelGap } = chartTheme.trend;
  const { palette, dashes } = chartTheme;
  const quarters = view.result.trend.map((q) => formatQuarterShort(q.quarter));
  const own = segments(view);
  const benchmarkPoints = view.benchmarks.flatMap((b) =>
    b.points.map((p) => ({ quarter: formatQuarterShort(p.quarter), value: p.value, kind: b.area, width: chartTheme.comparison[b.role].width })),
  );
  const scale = yScale([...own.map((p) => p.value), ...view.goals.map((g) => g.goal.target), ...benchmarkPoints.map((p) => p.value)], view.unit);
  const step = scale.ticks[1] ?? scale.max;
  /** "1. kv. 2016" on two lines, "1. kv." over "2016", so eight quarters fit side by side. */
  const x: PositionFieldDef<string> = {
    field: 'quarter',
    type: 'ordinal',
    scale: { domain: quarters },
    axis: { labelAngle: 0, labelExpr: '[slice(datum.value, 0, 6), slice(datum.value, 7)]', labelLineHeight: 15, labelOverlap: false },
  };
  const y: PositionFieldDef<string> = {
    field: 'value',
    type: 'quantitative',
    scale: { domain: [0, scale.max], nice: false, zero: true },
    axis: { values: scale.ticks, format: axisFormat(view.unit, step) },
  };
  const areas = view.benchmarks.map((b) => b.area);
  const style = (i: number) => chartTheme.comparison[view.benchmarks[i]!.role];

  const lastOwn = own[own.length - 1];
  const labels: (Label & { kind: string })[] = [];
  if (lastOwn) labels.push({ y: lastOwn.value, text: view.municipality, kind: 'own' });
  for (const b of view.benchmarks) {
    const last = b.points[b.points.length - 1];
    if (last) labels.push({ y: last.value, text: b.label, kind: b.area });
  }
  for (const g of view.goals) labels.push({ y: g.goal.target, text: g.lineLabel, kind: 'goal' });
  const placed = spreadLabels(labels, scale.max).map((l) => ({ value: l.y, text: l.text, kind: l.kind }));
  /**
   * One scale per channel over the same kinds (the municipality, goals, each area), shared by
   * lines and labels, so a label has its series' colour and the scales merge without conflict.
   */
  const kinds = ['own', 'goal', ...areas];
  const byKind = <T>(own: T, goal: T, areaValue: (i: number) => T) =>
    ({
      field: 'kind',
      type: 'nominal',
      scale: { domain: kinds, range: [own, goal, ...areas.map((_, i) => areaValue(i))] },
      legend: null,
    }) as const;
  const color = byKind<string>(palette.municipality, palette.goal, (i) => style(i).color);
  const strokeDash = byKind<number[]>([1, 0], [...dashes.goal], (i) => [...style(i).dash]);

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    layer: [
      {
        data: { values: view.goals.map((g) => ({ value: g.goal.target })) },
        mark: { type: 'rule', color: palette.goal, strokeDash: [...dashes.goal], strokeWidth: 1.5 },
        encoding: { y },
      },
      {
        data: { values: benchmarkPoints },
        mark: { type: 'line' },
        // The width as a value, not a scale: a width scale over nominal kinds makes Vega-Lite warn.
        encoding: { x, y, color, strokeDash, strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null } },
      },
      {
        data: { values: own },
        mark: {
          type: 'line',
          color: palette.municipality,
          strokeWidth: 2.5,
          point: { shape: chartTheme.shapes.municipality, size: 45, filled: true, color: palette.municipality },
        },
        encoding: { x, y, detail: { field: 'segment', type: 'nominal' } },
      },
      {
        data: { values: placed },
        mark: { type: 'text', align: 'left', baseline: 'middle', fontWeight: 600 },
        encoding: {
          x: { value: width + labelGap },
          y,
          text: { field: 'text', type: 'nominal' },
          color,
        },
      },
    ],
  };
}

/**
 * A breakdown (Kvinder/Mænd) for the report's quarter as horizontal bars with value labels.
 * A hidden group keeps its row and says why in words ("under 5", "skjult") instead of a bar.
 */
export function groupChartSpec(view: KpiView, breakdown: string): TopLevelSpec | undefined {
  const groups = view.breakdowns.find((b) => b.breakdown === breakdown);
  if (!groups) return undefined;
  const { width, bandHeight } = chartTheme.groups;
  const shown = groups.rows.flatMap((r) => (r.number === undefined ? [] : [{ group: r.label, value: r.number, text: formatValue(view.unit, r.number) }]));
  const hidden = groups.rows.filter((r) => r.number === undefined).map((r) => ({ group: r.label, text: r.value }));
  const top = Math.max(...shown.map((s) => s.value), view.unit === 'share' ? 0.01 : 1);
  const y: PositionFieldDef<string> = {
    field: 'group',
    type: 'nominal',
    scale: { domain: groups.rows.map((r) => r.label), paddingInner: 0.3 },
    axis: { title: null, grid: false },
  };
  /** Room right of the longest bar for its label. */
  const x: PositionFieldDef<string> = { field: 'value', type: 'quantitative', scale: { domain: [0, top * 1.35], nice: false }, axis: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height: { step: bandHeight },
    layer: [
      { data: { values: shown }, mark: { type: 'bar', color: chartTheme.palette.municipality }, encoding: { y, x } },
      { data: { values: shown }, mark: { type: 'text', align: 'left', dx: 4 }, encoding: { y, x, text: { field: 'text', type: 'nominal' } } },
      {
        data: { values: hidden },
        mark: { type: 'text', align: 'left', fontStyle: 'italic' },
        encoding: { y, x: { value: 0 }, text: { field: 'text', type: 'nominal' } },
      },
    ],
  };
}

const DASH_WORDS = { national: 'prikket linje', comparable_average: 'streg-prik-linje', area: 'lang stiplet linje' } as const;

/** The trend chart's key in words (the chart itself labels each line directly). */
export function trendLegend(view: KpiView): string {
  const parts = [`Fuldt optrukket linje med prikker: ${view.municipality}`];
  for (const b of view.benchmarks) if (b.role !== 'comparable') parts.push(`${DASH_WORDS[b.role]}: ${b.name}`);
  if (view.benchmarks.some((b) => b.role === 'comparable')) parts.push('tynde grå linjer: de sammenlignelige kommuner hver for sig');
  if (view.goals.length > 0) parts.push(`stiplet vandret linje: ${view.goals.length === 1 ? 'målet' : 'målene'}`);
  if (view.hiddenQuarters.length > 0) parts.push('et hul i linjen: tallet vises ikke af hensyn til diskretion');
  return `${parts.join('; ')}.`;
}
