import type { Config } from 'vega-lite';

/** The system sans-serif stack: no web fonts, so the report works offline. */
export const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
/** Every chart text is this size (px); render.ts sets it once on the root instead of on each text. */
export const FONT_SIZE = 12;

/**
 * Everything that decides how charts look, in one object: sizes, colours (each at least 4.5:1
 * on white, and never the only carrier of meaning: dashes, symbols and direct labels are),
 * and the Vega-Lite config with the Danish number locale ("39,1 pct.", "1.234").
 */
export const chartTheme = {
  trend: { width: 480, height: 210, labelGap: 8, labelLineHeight: 14 },
  groups: { width: 300, bandHeight: 26 },
  palette: {
    municipality: '#1f4e79',
    goal: '#8a3b00',
    text: '#1a1a1a',
    grid: '#d9d9d9',
  },
  /** Dash patterns: the municipality solid, goals dashed (comparison lines: below). */
  dashes: {
    goal: [6, 4],
  },
  /**
   * A comparison line by what it is, so the same kind of line looks the same in every chart:
   * the whole country dotted grey, the comparable municipalities' average dash-dot purple, a
   * hand-made area (benchmarks.csv, e.g. the region) long-dashed green, and single comparable
   * municipalities thin and solid in a lighter grey (context, not something to read off).
   * Every colour has at least 4.5:1 on white, so the direct labels in it are readable too.
   */
  comparison: {
    national: { color: '#595959', dash: [2, 3], width: 2 },
    comparable_average: { color: '#6b3d7a', dash: [8, 3, 2, 3], width: 2 },
    area: { color: '#2e6930', dash: [10, 3], width: 1.5 },
    comparable: { color: '#707070', dash: [1, 0], width: 1 },
  },
  /** Only the municipality has point marks: the quarters it is judged on. */
  shapes: { municipality: 'circle' },
  config: {
    font: FONT_STACK,
    padding: 4,
    aria: false,
    view: { stroke: null },
    axis: {
      domain: false,
      ticks: false,
      grid: false,
      title: null,
      labelFontSize: FONT_SIZE,
      labelColor: '#1a1a1a',
      labelPadding: 6,
    },
    axisY: { grid: true, gridColor: '#d9d9d9' },
    text: { fontSize: FONT_SIZE, fill: '#1a1a1a' },
    locale: {
      number: { decimal: ',', thousands: '.', grouping: [3], currency: ['', ' kr.'], percent: ' pct.' },
    },
  } satisfies Config,
} as const;
