/**
 * The report's one stylesheet, inlined in every page: system fonts only, colours with at
 * least 4.5:1 contrast on white, A4 print rules (page break before each KPI, nothing split
 * or clipped, link targets printed for downloads).
 */
export const REPORT_CSS = `
:root { --ink: #1a1a1a; --muted: #4d4d4d; --line: #c8c8c8; --accent: #1f4e79; --soft: #f3f5f8;
  --met: #1b6e36; --not-met: #a4262c; --on-track: #7a4f00; --none: #4d4d4d; }
*, *::before, *::after { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; line-height: 1.5; }
body { margin: 0; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--accent); color: #fff; padding: .5rem 1rem; z-index: 1; }
.skip:focus { left: 1rem; top: 1rem; }
header, main, footer { max-width: 50rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 2rem; }
header::after { content: ""; display: block; margin-top: 1rem; border-bottom: 3px solid var(--accent); }
.kicker { margin: 0; color: var(--muted); font-size: .95rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: .25rem 0 .75rem; color: var(--accent); }
h2 { font-size: 1.45rem; line-height: 1.25; margin: 2.5rem 0 .5rem; color: var(--accent); }
h3 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
p { margin: .5rem 0; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.lead { font-size: 1.1rem; }
.summary { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: .75rem 0 .25rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .35rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .4rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
td, thead th + th { text-align: right; font-variant-numeric: tabular-nums; }
td, tbody th { white-space: nowrap; }
.overview thead th, .overview td.text { text-align: left; white-space: normal; }
.overview thead th.num { text-align: right; }
.overview tbody th { white-space: normal; }
.overview td.goal { white-space: nowrap; }
table.compact { width: auto; min-width: 60%; }
table.wide { font-size: .8rem; }
table.wide th, table.wide td { padding: .3rem .25rem; }
.status { font-weight: 600; white-space: nowrap; }
.status-met { color: var(--met); }
.status-not_met { color: var(--not-met); }
.status-on_track { color: var(--on-track); }
.status-no_goal, .status-unknown { color: var(--none); }
.keyfigures { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: .75rem 0; padding: .75rem 1rem; background: var(--soft); border-left: 4px solid var(--accent); }
.keyfigures div { min-width: 8rem; }
.keyfigures dt { font-size: .85rem; color: var(--muted); }
.keyfigures dd { margin: 0; font-size: 1.2rem; font-weight: 600; }
figure { margin: 1rem 0 .5rem; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .25rem; }
.note { font-size: .9rem; color: var(--muted); }
dl.definition dt { font-weight: 600; margin-top: .5rem; }
dl.definition dd { margin: 0; }
ul.goals { padding-left: 1.25rem; }
ul.goals li { margin: .35rem 0; }
.overview { font-size: .9rem; }
.overview th, .overview td { padding: .3rem .3rem; }
.overview td.change .unit { white-space: nowrap; }
.commentary { margin: 1rem 0; padding: .6rem 1rem .4rem; border: 1px solid var(--line); border-left: 4px solid var(--muted); }
.commentary > h2, .commentary > h3 { margin: 0 0 .15rem; font-size: 1.05rem; color: var(--ink); }
.commentary .byline { margin: 0 0 .5rem; font-size: .85rem; color: var(--muted); }
.commentary-text h3, .commentary-text h4, .commentary-text h5, .commentary-text h6 { font-size: 1rem; margin: .75rem 0 .25rem; }
.commentary-text ul, .commentary-text ol { padding-left: 1.25rem; }
.commentary-text blockquote { margin: .5rem 0; padding-left: .75rem; border-left: 2px solid var(--line); }
.udkast { margin: 1rem auto; max-width: 50rem; padding: .5rem 1rem; border: 3px solid var(--not-met); color: var(--not-met); font-weight: 700; }
.legend { padding-left: 1.25rem; font-size: .9rem; color: var(--muted); }
footer { margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid var(--line); font-size: .95rem; }
footer h2 { font-size: 1.1rem; margin-top: .5rem; }
.draft-banner, .correction { max-width: 50rem; margin: 1rem auto 0; padding: .6rem 1rem; }
.draft-banner { background: #a4262c; color: #fff; font-size: 1.05rem; }
.correction { background: #fff4ce; border-left: 4px solid #7a4f00; }
.correction a { color: #1a1a1a; }
@media (max-width: 30rem) { td, tbody th { white-space: normal; } th, td { padding: .3rem .25rem; } }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  html { font-size: 10.5pt; }
  header, main, footer { max-width: none; padding: 0; }
  .skip { display: none; }
  .kpi { break-before: page; }
  h2, h3 { break-after: avoid; }
  figure, table, .keyfigures, tr { break-inside: avoid; }
  /* A KPI's chart, source line and table fit its first page, with the comparison lines too. */
  figure { margin: .5rem 0 .25rem; }
  figcaption, .note { font-size: .85rem; line-height: 1.35; }
  th, td { padding: .2rem .4rem; }
  p, li { orphans: 3; widows: 3; }
  /* The overview may continue on the next page (its header row repeats); its rows never split. */
  table.overview { break-inside: auto; font-size: .9em; }
  .commentary { break-inside: avoid; }
  .commentary > h2, .commentary > h3 { break-after: avoid; }
  .udkast, .status { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: var(--ink); text-decoration: none; }
  a.download::after, a.external::after { content: " (" attr(href) ")"; font-size: .9em; }
  .draft-banner, .correction { max-width: none; margin: 0 0 1rem; }
  .draft-banner { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** A draft says so on every printed page too, in the page margin where no content can hide it. */
export const DRAFT_CSS = `
@page { @top-center { content: "UDKAST – IKKE GODKENDT"; color: #a4262c; font: 700 11pt system-ui, sans-serif; } }
`;

/** What only the quarters index needs, added to its page alone so the report stays small. */
export const INDEX_CSS = `
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.quarter h2 { display: flex; align-items: baseline; gap: .75rem; }
.tag { font-size: .8rem; font-weight: 600; color: #fff; background: var(--accent); padding: .1rem .5rem; border-radius: .25rem; }
ul.downloads, ul.revisions { padding-left: 1.25rem; }
ul.downloads li, ul.revisions li { margin: .25rem 0; }
`;

/**
 * The stylesheet as it goes into a page: the same rules without the layout whitespace (about a
 * fifth of its bytes, and it is in every page). Only spaces next to `{ } ; : , >` and line
 * breaks go; the sheets here have no comments in strings and no selector that needs a space
 * before `:` (a descendant pseudo-class), so the rules are unchanged.
 */
export function compactCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}')
    .trim();
}
