/**
 * A chart as a figure. `svg` is the only raw markup built from data, and it is safe to insert:
 * render.ts produced it from our own spec with Vega's SVG renderer, which escapes every text
 * (labels come from config and KPI files), and the title and description we add are escaped
 * by `svgMarkup`.
 */
export function Chart(props: { svg: string; caption: string }) {
  return (
    <figure>
      <div dangerouslySetInnerHTML={{ __html: props.svg }} />
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
