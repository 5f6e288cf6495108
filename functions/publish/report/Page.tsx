import type { ComponentChildren } from 'preact';
import { compactCss, REPORT_CSS } from './styles.ts';

/**
 * The document shell shared by the report, the embeds and the quarters index: Danish, one
 * inline stylesheet, no scripts. The stylesheet goes in raw because a `<style>` text child
 * would be HTML-escaped (`"` → `&quot;`) and break the CSS; it is a constant of this codebase,
 * never data.
 */
export function Page(props: {
  title: string;
  children: ComponentChildren;
  /** More of this codebase's CSS, for one kind of page only (a draft's marking, the quarters index). */
  css?: string;
}) {
  return (
    <html lang="da">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: compactCss(REPORT_CSS + (props.css ?? '')) }} />
      </head>
      <body>{props.children}</body>
    </html>
  );
}
