import { commentaryHtml, type CommentarySection } from '../commentary.ts';

/**
 * The administration's own text, in a box labelled as theirs, so no reader takes it for
 * something computed from the data. `section.html` is the second piece of raw markup in the
 * report (after the charts' SVG): markdown-it rendered it with raw HTML off, and commentary.ts
 * kept only http(s) links and no images, so it cannot carry a tag or a script of the writer's.
 */
export function CommentaryBox(props: { section: CommentarySection; id: string; title: string; level: 2 | 3 }) {
  const { section, id, level } = props;
  const html = level === 3 ? section.html : commentaryHtml(section, level);
  const headingId = `${id}-titel`;
  return (
    <div class="commentary" id={id}>
      {level === 2 ? <h2 id={headingId}>{props.title}</h2> : <h3 id={headingId}>{props.title}</h3>}
      <p class="byline">Skrevet af forvaltningen. Tallene, status og teksten over boksen er dannet direkte ud fra data.</p>
      <div class="commentary-text" dangerouslySetInnerHTML={{ __html: html }} />
    </div>
  );
}
