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
    // A two-line axis label ("1. kv." over "2016"): the same lines placed with x/y instead of a transform.
    .replace(
      /<text([^>]*) transform="translate\((-?[\d.]+),(-?[\d.]+)\)"([^>]*)><tspan>([^<]*)<\/tspan><tspan x="0" dy="(-?[\d.]+)">([^<]*)<\/tspan><\/text>/g,
      '<text$1 x="$2" y="$3"$4>$5<tspan x="$2" dy="$6">$7</tspan></text>',
    )
    .replace(/ text-anchor="start"/g, '')
    .replace(/<line transform="translate\((-?[\d.]+),(-?[\d.]+)\)" x2="(-?[\d.]+)" y2="0"/g, (_, x: string, y: string, dx: string) => {
      return `<line x1="${x}" y1="${y}" x2="${Number(x) + Number(dx)}" y2="${y}"`;
    })
    .replace(
      /<path transform="translate\((-?[\d.]+),(-?[\d.]+)\)" d="M([\d.]+),0A\3,\3,0,1,1,-\3,0A\3,\3,0,1,1,\3,0"([^>]*?)( stroke-width="[\d.]+")?\/>/g,
      (_, x: string, y: string, r: string, rest: string) => {
        return `<circle cx="${x}" cy="${y}" r="${r}"${rest}/>`;
      },
    )
    .replace(/<g transform="translate\(0,0\)">/g, '<g>')
    .replace(/<g\/>/g, '');
  // A group that only holds one group of leaves (an axis's transform around its labels' shared attributes) is one group.
  const merged = unwrapBareGroups(hoistShared(body)).replace(
    /<g( transform="[^"]*")><g((?: (?!transform)[a-z-]+="[^"]*")+)>((?:(?!<\/?g[ >])[\s\S])*)<\/g><\/g>/g,
    '<g$1$2>$3</g>',
  );
  return { body: merged, width: Number(size[1]), height: Number(size[2]) };
}

/** Presentation attributes children inherit from their group (`r`, coordinates and `d` do not). */
const INHERITED = new Set(['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-weight', 'text-anchor']);
/** A group with only leaf children: gridlines, axis labels, a mark's points or labels. */
const LEAF_GROUP = /<g([^>]*)>((?:<(?:text|line|path|circle)\b[^>]*?(?:\/>|>(?:(?!<\/text>)[\s\S])*?<\/text>))+)<\/g>/g;
const LEAF = /<(text|line|path|circle)\b([^>]*?)(\/>|>(?:(?!<\/text>)[\s\S])*?<\/text>)/g;

/**
 * Writes an attribute that every child of a group has with the same value once, on the group:
 * seven gridlines share one stroke, eight axis labels one text-anchor, a line's points one
 * fill. The same picture in fewer bytes (SVG's inheritance), which keeps the report small.
 */
function hoistShared(markup: string): string {
  return markup.replace(LEAF_GROUP, (group, groupAttributes: string, children: string) => {
    const leaves = [...children.matchAll(LEAF)].map((m) => ({ tag: m[1]!, attributes: attributesOf(m[2]!), rest: m[3]! }));
    if (leaves.length < 2) return group;
    const own = attributesOf(groupAttributes);
    const shared = [...leaves[0]!.attributes].filter(
      ([name, value]) => INHERITED.has(name) && !own.has(name) && leaves.every((l) => l.attributes.get(name) === value),
    );
    if (shared.length === 0) return group;
    const hoisted = new Set(shared.map(([name]) => name));
    const attributeText = (attributes: Map<string, string>) => [...attributes].map(([n, v]) => ` ${n}="${v}"`).join('');
    const body = leaves.map((l) => `<${l.tag}${attributeText(new Map([...l.attributes].filter(([n]) => !hoisted.has(n))))}${l.rest}`).join('');
    return `<g${groupAttributes}${attributeText(new Map(shared))}>${body}</g>`;
  });
}

function attributesOf(text: string): Map<string, string> {
  return new Map([...text.matchAll(/ ([a-z][a-z0-9-]*)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
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
  // Inline in the report, the chart's text takes the page's font (the same stack) from CSS.
  const font = options.inline ? '' : ` font-family="${escapeXml(FONT_STACK)}"`;
  // A stamp (a draft's "Udkast") gets its own band above the chart, so it never covers data.
  const band = options.stamp ? STAMP_BAND : 0;
  const height = chart.height + band;
  const stamp = options.stamp
    ? `<text x="0" y="${band - 6}" font-weight="700" fill="${DRAFT_COLOUR}">${escapeXml(options.stamp)}</text><g transform="translate(0,${band})">`
    : '';
  return (
    `<svg${xmlns} role="img" aria-labelledby="${titleId}" aria-describedby="${descId}" width="${chart.width}" height="${height}" ` +
    `viewBox="0 0 ${chart.width} ${height}"${font} font-size="${FONT_SIZE}" fill="${chartTheme.palette.text}">` +
    `<title id="${titleId}">${escapeXml(options.stamp ? `${options.stamp}: ${text.title}` : text.title)}</title><desc id="${descId}">${escapeXml(text.description)}</desc>` +
    `${stamp}${chart.body}${options.stamp ? '</g>' : ''}</svg>`
  );
}
