import type { ComponentChildren } from 'preact';
import { DRAFT_CSS, REPORT_CSS } from './styles.ts';

/**
 * The document shell shared by the report and the embeds: Danish, one inline stylesheet (plus
 * the draft marking on every printed page of a draft), no scripts. The stylesheet goes in raw because a `<style>` text child would be HTML-escaped
 * (`"` → `&quot;`) and break the CSS; it is a constant of this codebase, never data.
 */
export function Page(props: { title: string; draft?: boolean; children: ComponentChildren }) {
  return (
    <html lang="da">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: props.draft ? REPORT_CSS + DRAFT_CSS : REPORT_CSS }} />
      </head>
      <body>{props.children}</body>
    </html>
  );
}
