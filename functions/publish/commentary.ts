import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import MarkdownIt from 'markdown-it';
import type { StateCore, Token } from 'markdown-it';

/**
 * The administration's words beside the numbers ("Forvaltningens bemærkninger"): one Markdown
 * file per quarter, passed with `--commentary FILE`.
 *
 * ```markdown
 * # Bemærkninger til 4. kvartal 2017        ← optional title, not published
 *
 * ## sammenfatning                          ← optional: shown near the top of the report
 * Udviklingen er samlet set positiv …
 *
 * ## virksomheder_nye                       ← one section per KPI id
 * ### Vurdering                             ← sub-headings are allowed
 * …
 * ```
 *
 * Rules (each broken rule is a `CommentaryError` naming the line):
 * - A section starts at a level-2 heading whose text is `sammenfatning` or a KPI id of the
 *   report (case and surrounding backticks do not matter). Anything else is an error, with the
 *   valid ids and the closest one; so is the same section twice.
 * - Text before the first section is an error: it would not be published, and a writer who put
 *   it there expects it to be. Only blank lines and a level-1 title line may come first (the
 *   title is the file's own and is not published). A level-1 heading elsewhere is an error.
 * - A section with no text is allowed and left out (a template listing every id is fine).
 * - Markdown is rendered by markdown-it with raw HTML off: `<script>` and any other tag is
 *   shown as text and never runs. Links are kept only for http(s) addresses; any other link
 *   (`javascript:`, `mailto:`, relative) is rendered as its plain text, and markdown-it's own
 *   link check refuses `javascript:`/`data:` before that. Images are rendered as their alt text,
 *   so the report never loads anything.
 */

export const SUMMARY_ID = 'sammenfatning';

/** A block of a section as plain text, for the Word note (and any other non-HTML output). */
export interface CommentaryBlock {
  kind: 'paragraph' | 'heading' | 'bullet' | 'numbered' | 'quote' | 'code';
  text: string;
  /** For a numbered item, its number. */
  number?: number;
}

export interface CommentarySection {
  /** `sammenfatning` or a KPI id. */
  id: string;
  /** The line of its heading in the file (1-based). */
  line: number;
  /** The section's Markdown as written (blank lines around it trimmed). */
  markdown: string;
  /** Sanitised HTML, sub-headings (`###`) as `<h4>`: for a box under an `<h3>`, as in the report. */
  html: string;
  /** Plain text: blocks separated by a blank line, list items with "• " or "1. ". */
  text: string;
  blocks: CommentaryBlock[];
}

export interface Commentary {
  /** The source's file name, for messages. */
  source: string;
  summary?: CommentarySection;
  /** By KPI id, in the file's order. */
  kpis: ReadonlyMap<string, CommentarySection>;
}

export interface CommentaryProblem {
  line: number;
  message: string;
}

/** The commentary file cannot be used; every problem names its line. */
export class CommentaryError extends Error {
  readonly problems: readonly CommentaryProblem[];
  /** The first problem's line. */
  readonly line: number;
  constructor(
    readonly source: string,
    problems: readonly CommentaryProblem[],
  ) {
    super(problems.map((p) => `${source}, linje ${p.line}: ${p.message}`).join('\n'));
    this.name = 'CommentaryError';
    this.problems = problems;
    this.line = problems[0]?.line ?? 0;
  }
}

const SAFE_HREF = /^https?:\/\/[^\s]+$/i;

/**
 * Links: only http(s) stays a link (with class "external", so print shows the address, unless
 * the text is the address already); other links become their text. Images become their alt text.
 */
function safeInline(state: StateCore): void {
  for (const block of state.tokens) {
    if (!block.children) continue;
    const out: Token[] = [];
    const dropped: boolean[] = [];
    for (const token of block.children) {
      if (token.type === 'link_open') {
        const href = String(token.attrGet('href') ?? '');
        const keep = SAFE_HREF.test(href);
        dropped.push(!keep);
        if (!keep) continue;
        if (token.markup !== 'linkify' && token.markup !== 'autolink') token.attrJoin('class', 'external');
      } else if (token.type === 'link_close') {
        if (dropped.pop()) continue;
      } else if (token.type === 'image') {
        const text = new state.Token('text', '', 0);
        text.content = token.content;
        out.push(text);
        continue;
      }
      out.push(token);
    }
    block.children = out;
  }
}

type Markdown = InstanceType<typeof MarkdownIt>;

const renderers = new Map<number, Markdown>();

/** markdown-it for a box whose heading is at `boxLevel`: `###` becomes `<h{boxLevel + 1}>`. */
function markdownFor(boxLevel: number): Markdown {
  const cached = renderers.get(boxLevel);
  if (cached) return cached;
  const md = new MarkdownIt('default', { html: false, linkify: true, typographer: false, breaks: false });
  md.core.ruler.push('pejlemaerke_safe_inline', safeInline);
  // `###` → one below the box; a deeper one further down; none at or above the box's own level.
  const level = (token: Token) => Math.min(6, Math.max(boxLevel + 1, Number(token.tag.slice(1)) - 3 + boxLevel + 1));
  md.renderer.rules.heading_open = (tokens, i) => `<h${level(tokens[i]!)}>`;
  md.renderer.rules.heading_close = (tokens, i) => `</h${level(tokens[i]!)}>\n`;
  renderers.set(boxLevel, md);
  return md;
}

/** The section's HTML for a box whose heading is `<h{boxLevel}>` (report: 3, embed: 2). */
export function commentaryHtml(section: Pick<CommentarySection, 'markdown'>, boxLevel: number): string {
  return markdownFor(boxLevel).render(section.markdown);
}

function inlineText(token: Token | undefined): string {
  let text = '';
  const hrefs: string[] = [];
  let linkStart = 0;
  for (const child of token?.children ?? []) {
    if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    else if (child.type === 'softbreak') text += ' ';
    else if (child.type === 'hardbreak') text += '\n';
    else if (child.type === 'link_open') {
      hrefs.push(String(child.attrGet('href') ?? ''));
      linkStart = text.length;
    } else if (child.type === 'link_close') {
      const href = hrefs.pop() ?? '';
      if (text.slice(linkStart) !== href) text += ` (${href})`;
    }
  }
  return text;
}

/** The section's blocks as plain text, from the same tokens the HTML is rendered from. */
function blocksOf(md: Markdown, markdown: string, env: Record<string, unknown>): CommentaryBlock[] {
  const tokens = md.parse(markdown, env);
  const blocks: CommentaryBlock[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  let quote = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'bullet_list_open') lists.push({ ordered: false, next: 0 });
    else if (t.type === 'ordered_list_open') lists.push({ ordered: true, next: Number(t.attrGet('start') ?? 1) });
    else if (t.type === 'bullet_list_close' || t.type === 'ordered_list_close') lists.pop();
    else if (t.type === 'blockquote_open') quote++;
    else if (t.type === 'blockquote_close') quote--;
    else if (t.type === 'heading_open') blocks.push({ kind: 'heading', text: inlineText(tokens[i + 1]) });
    else if (t.type === 'fence' || t.type === 'code_block') blocks.push({ kind: 'code', text: t.content.replace(/\n$/, '') });
    else if (t.type === 'paragraph_open') {
      const text = inlineText(tokens[i + 1]);
      const list = lists[lists.length - 1];
      // The first paragraph of a list item is the item; later ones continue it as paragraphs.
      const startsItem = list && tokens[i - 1]?.type === 'list_item_open';
      if (startsItem && list.ordered) blocks.push({ kind: 'numbered', text, number: list.next++ });
      else if (startsItem) blocks.push({ kind: 'bullet', text });
      else blocks.push({ kind: quote > 0 ? 'quote' : 'paragraph', text });
    }
  }
  return blocks;
}

function blocksText(blocks: readonly CommentaryBlock[]): string {
  return blocks.map((b) => (b.kind === 'bullet' ? `• ${b.text}` : b.kind === 'numbered' ? `${b.number}. ${b.text}` : b.text)).join('\n\n');
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function closest(id: string, valid: readonly string[]): string | undefined {
  const ranked = valid.map((v) => ({ v, d: distance(id, v) })).sort((a, b) => a.d - b.d);
  const best = ranked[0];
  return best && best.d <= Math.max(2, Math.floor(id.length / 4)) ? best.v : undefined;
}

/** The heading's text as an id: trimmed, lower case, without surrounding backticks. */
function headingId(inline: Token | undefined): string {
  return (inline?.content ?? '')
    .trim()
    .replace(/^`+|`+$/g, '')
    .trim()
    .toLowerCase();
}

/**
 * Parses a commentary file. `kpiIds` are the report's KPI ids (the only valid section names
 * besides `sammenfatning`); `source` names the file in messages. Throws `CommentaryError`.
 */
export function parseCommentary(markdown: string, options: { kpiIds: readonly string[]; source?: string }): Commentary {
  const source = options.source ?? 'bemærkninger';
  const text = markdown.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const md = markdownFor(3);
  const env: Record<string, unknown> = {};
  const tokens = md.parse(text, env);
  const valid = [SUMMARY_ID, ...options.kpiIds];
  const problems: CommentaryProblem[] = [];

  const headings: { id: string; line: number; start: number; end: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.level !== 0 || !t.map) continue;
    const line = t.map[0] + 1;
    if (t.type === 'heading_open' && t.tag === 'h2') {
      headings.push({ id: headingId(tokens[i + 1]), line, start: t.map[0], end: t.map[1] });
    } else if (t.type === 'heading_open' && t.tag === 'h1') {
      if (headings.length > 0 || i > 0) {
        problems.push({
          line,
          message: 'en overskrift med ét # kan kun stå øverst som filens titel. Brug ## <nøgletal> for et afsnit og ### for en overskrift i et afsnit.',
        });
      }
    } else if (headings.length === 0 && t.nesting !== -1 && t.type !== 'inline') {
      // Blocks open once (nesting 1) or are whole (0); their close tokens repeat the map.
      if (!problems.some((p) => p.line === line)) {
        problems.push({ line, message: `tekst før det første afsnit bliver ikke vist. Flyt den ind under "## ${SUMMARY_ID}" eller "## <nøgletal>".` });
      }
    }
  }

  const seen = new Map<string, number>();
  for (const h of headings) {
    if (!valid.includes(h.id)) {
      const guess = closest(h.id, valid);
      problems.push({
        line: h.line,
        message:
          `"## ${h.id}" er ikke et afsnit i denne rapport.${guess ? ` Mente du "${guess}"?` : ''} ` +
          `Brug "${SUMMARY_ID}" eller et nøgletal i rapporten: ${options.kpiIds.join(', ')}.`,
      });
    } else if (seen.has(h.id)) {
      problems.push({ line: h.line, message: `afsnittet "## ${h.id}" står der allerede (linje ${seen.get(h.id)}). Saml teksten om det i ét afsnit.` });
    } else {
      seen.set(h.id, h.line);
    }
  }
  if (problems.length > 0)
    throw new CommentaryError(
      source,
      problems.sort((a, b) => a.line - b.line),
    );

  let summary: CommentarySection | undefined;
  const kpis = new Map<string, CommentarySection>();
  headings.forEach((h, i) => {
    const body = lines
      .slice(h.end, headings[i + 1]?.start ?? lines.length)
      .join('\n')
      .replace(/^(?:[ \t]*\n)+/, '')
      .replace(/\s+$/, '');
    if (body === '') return;
    const blocks = blocksOf(md, body, env);
    if (blocks.length === 0) return; // only link definitions or comments: nothing to show
    const section: CommentarySection = { id: h.id, line: h.line, markdown: body, html: md.render(body, env), text: blocksText(blocks), blocks };
    if (h.id === SUMMARY_ID) summary = section;
    else kpis.set(h.id, section);
  });
  return { source, ...(summary ? { summary } : {}), kpis };
}

/** Reads and parses a commentary file (see `parseCommentary`). */
export async function loadCommentary(path: string, kpiIds: readonly string[]): Promise<Commentary> {
  return parseCommentary(await readFile(path, 'utf8'), { kpiIds, source: basename(path) });
}

/**
 * What the commentary contributes to a publication's fingerprint: a canonical string of its
 * sections' Markdown, the summary first and then the KPIs by id, so the file's order, line
 * endings, its title and empty sections do not matter, and no commentary equals an empty one
 * (both publish the same report). Version-tagged so the format can change deliberately.
 */
export function commentaryFingerprintInput(commentary: Commentary | undefined): string {
  const sections: [string, string][] = [];
  if (commentary?.summary) sections.push([SUMMARY_ID, commentary.summary.markdown]);
  for (const id of [...(commentary?.kpis.keys() ?? [])].sort()) sections.push([id, commentary!.kpis.get(id)!.markdown]);
  return JSON.stringify({ commentary: 1, sections });
}
