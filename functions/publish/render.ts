import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartTheme, FONT_SIZE, FONT_STACK } from './theme.ts';

/**
 * The one place where Vega-Lite becomes SVG: compile with the theme (Danish number locale),
 * one headless Vega pass (renderer 'none', no DOM, no canvas, so text is measured by Vega's
 * built-in estimate and the output is the same on every machine), then trimmed.
 */

export interface RenderedChart {
  /** Vega-Lite's warnings: a generated spec should have none, tests check. */
  warnings: string[];
  /** The chart's markup inside the root `<svg>`, trimmed. */
  body: string;
  width: number;
  height: number;
}

export interface ChartText {
  /** Unique within a page: prefixes the ids of the title and description. */
  id: string;
  title: string;
  description: string;
}

export async function renderChart(spec: TopLevelSpec): Promise<RenderedChart> {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...args: readonly unknown[]) => {
      throw new Error(`Vega-Lite: ${args.join(' ')}`);
    },
    warn: (...args: readonly unknown[]) => {
      warnings.push(args.join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  const vega = compile(spec, { config: chartTheme.config, logger }).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return { ...trim(svg), warnings };
  } finally {
    view.finalize();
  }
}

/**
 * Vega's SVG carries interaction and ARIA scaffolding a static chart does not need (the root
 * gets role="img" and the text alternative instead), a white background, the font and colour
 * on every text, SVG defaults spelled out, and coordinates with 15 decimals. Dropping them
 * (the root `<svg>` sets font and text colour once; only unfilled paths say fill="none"),
 * rounding to 0.1 px (invisible) and writing translated texts, lines and circles in their
 * short SVG forms keeps the report small.
 */
function trim(svg: string): Omit<RenderedChart, 'warnings'> {
  const size = /<svg[^>]* width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
  if (!size) throw new Error('Vega returnerede ikke en SVG med størrelse');
  const open = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  const body = svg
    .slice(open, svg.lastIndexOf('</svg>'))
    .replace(/^<rect [^>]*\/>/, '')
    .replace(/<path class="(background|foreground)"[^>]*\/>/g, '')
    .replace(/ (class|role|aria-[a-z]+|pointer-events)="[^"]*"/g, '')
    .replace(/ opacity="1"/g, '')
    .replace(/ font-family="[^"]*"/g, '')
    .replaceAll(` font-size="${FONT_SIZE}px"`, '')
    .replace(/ stroke-miterlimit="4"/g, '')
    .replace(/ stroke-width="1"/g, '')
    .replace(/^<g fill="none"/, '<g')
    .replace(/<path (?![^>]*\bfill=)/g, '<path fill="none" ')
    .replaceAll(`fill="${chartTheme.palette.text}"`, '')
    .replace(/ +>/g, '>')
    .replace(/-?\d+\.\d{2,}/g, (n) => String(Math.round(Number(n) * 10) / 10))
    .replace(/<text([^>]*) transform="translate\((-?[\d.]+),(-?[\d.]+)\)"([^>]*>[^<]*<\/text>)/g, '<text$1 x="$2" y="$3"$4')
    .replace(/<line transform="translate\((-?[\d.]+),(-?[\d.]+)\)" x2="(-?[\d.]+)" y2="0"/g, (_, x: string, y: string, dx: string) => {
      return `<line x1="${x}" y1="${y}" x2="${Number(x) + Number(dx)}" y2="${y}"`;
    })
    .replace(/<path transform="translate\((-?[\d.]+),(-?[\d.]+)\)" d="M([\d.]+),0A\3,\3,0,1,1,-\3,0A\3,\3,0,1,1,\3,0"([^>]*?)( stroke-width="[\d.]+")?\/>/g, (_, x: string, y: string, r: string, rest: string) => {
      return `<circle cx="${x}" cy="${y}" r="${r}"${rest}/>`;
    })
    .replace(/<g transform="translate\(0,0\)">/g, '<g>')
    .replace(/<g\/>/g, '');
  return { body: unwrapBareGroups(body), width: Number(size[1]), height: Number(size[2]) };
}

/** Removes `<g>` elements without attributes (keeping their children): they do nothing. */
function unwrapBareGroups(markup: string): string {
  const keep: boolean[] = [];
  return markup.replace(/<g( [^>]*)?>|<\/g>/g, (tag, attributes: string | undefined) => {
    if (tag === '</g>') return keep.pop() ? tag : '';
    keep.push(attributes !== undefined);
    return attributes !== undefined ? tag : '';
  });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/**
 * A complete `<svg>`: role="img", named by its `<title>` and described by its `<desc>` (the
 * generated text alternative). `inline` marks up the same chart for embedding in HTML.
 */
const STAMP_BAND = 20;
const DRAFT_COLOUR = '#a4262c';

export function svgMarkup(chart: RenderedChart, text: ChartText, options: { inline: boolean; stamp?: string }): string {
  const titleId = `${text.id}-titel`;
  const descId = `${text.id}-beskrivelse`;
  const xmlns = options.inline ? '' : ' xmlns="http://www.w3.org/2000/svg"';
  // A stamp (a draft's "Udkast") gets its own band above the chart, so it never covers data.
  const band = options.stamp ? STAMP_BAND : 0;
  const height = chart.height + band;
  const stamp = options.stamp
    ? `<text x="0" y="${band - 6}" font-weight="700" fill="${DRAFT_COLOUR}">${escapeXml(options.stamp)}</text><g transform="translate(0,${band})">`
    : '';
  return (
    `<svg${xmlns} role="img" aria-labelledby="${titleId}" aria-describedby="${descId}" width="${chart.width}" height="${height}" ` +
    // Inline, the chart takes the page's font (the same stack, set on <html>): 19 copies of it were 2 KB of the report.
    `viewBox="0 0 ${chart.width} ${height}"${options.inline ? '' : ` font-family="${escapeXml(FONT_STACK)}"`} font-size="${FONT_SIZE}" fill="${chartTheme.palette.text}">` +
    `<title id="${titleId}">${escapeXml(options.stamp ? `${options.stamp}: ${text.title}` : text.title)}</title><desc id="${descId}">${escapeXml(text.description)}</desc>` +
    `${stamp}${chart.body}${options.stamp ? '</g>' : ''}</svg>`
  );
}
