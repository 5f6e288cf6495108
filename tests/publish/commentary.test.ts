import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommentaryError, commentaryFingerprintInput, commentaryHtml, loadCommentary, parseCommentary } from '../../functions/publish/commentary.ts';

const IDS = ['virksomheder_nye', 'unge_uddannelsesstart', 'integration_selvforsoergende'];
const parse = (markdown: string) => parseCommentary(markdown, { kpiIds: IDS, source: 'bemaerkninger.md' });

function failure(markdown: string): CommentaryError {
  try {
    parse(markdown);
  } catch (error) {
    if (error instanceof CommentaryError) return error;
    throw error;
  }
  throw new Error('expected a CommentaryError');
}

const EXAMPLE = `# Bemærkninger til 4. kvartal 2017

## sammenfatning

Flere borgere er blevet **selvforsørgende**.

## virksomheder_nye

### Vurdering
Målet er nået. Se [Beskæftigelsesplanen](https://www.alleroed.dk/plan).

### Handling
- flere virksomhedsbesøg
- en ny partnerskabsaftale

## unge_uddannelsesstart
`;

describe('the commentary file', () => {
  it('gives a summary and one section per KPI, as HTML and plain text', () => {
    const c = parse(EXAMPLE);
    expect(c.summary).toMatchObject({
      id: 'sammenfatning',
      line: 3,
      html: '<p>Flere borgere er blevet <strong>selvforsørgende</strong>.</p>\n',
      text: 'Flere borgere er blevet selvforsørgende.',
    });
    const section = c.kpis.get('virksomheder_nye')!;
    expect(section.line).toBe(7);
    expect(section.html).toBe(
      '<h4>Vurdering</h4>\n<p>Målet er nået. Se <a href="https://www.alleroed.dk/plan" class="external">Beskæftigelsesplanen</a>.</p>\n' +
        '<h4>Handling</h4>\n<ul>\n<li>flere virksomhedsbesøg</li>\n<li>en ny partnerskabsaftale</li>\n</ul>\n',
    );
    expect(section.text).toBe(
      'Vurdering\n\nMålet er nået. Se Beskæftigelsesplanen (https://www.alleroed.dk/plan).\n\nHandling\n\n• flere virksomhedsbesøg\n\n• en ny partnerskabsaftale',
    );
    expect(section.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'heading', 'bullet', 'bullet']);
    // An empty section is allowed (a template with every id) and left out.
    expect([...c.kpis.keys()]).toEqual(['virksomheder_nye']);
    // In an embed the box's heading is an h2, so the writer's ### becomes an h3.
    expect(commentaryHtml(section, 2)).toContain('<h3>Vurdering</h3>');
  });

  it('shows raw HTML as text: a <script> never runs, no tag or attribute of the writer’s survives', () => {
    const c = parse('## sammenfatning\n\nFør <script>alert("x")</script> efter.\n\n<img src=x onerror=alert(1)>\n\n<div style="color:red">rød</div>\n');
    const html = c.summary!.html;
    expect(html).toBe(
      '<p>Før &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; efter.</p>\n<p>&lt;img src=x onerror=alert(1)&gt;</p>\n<p>&lt;div style=&quot;color:red&quot;&gt;rød&lt;/div&gt;</p>\n',
    );
    expect(html).not.toMatch(/<(script|img|div)/);
    expect(c.summary!.text).toContain('<script>alert("x")</script>'); // plain text is text: the note escapes it itself
  });

  it('keeps only http(s) links; other links are plain text, images their alt text', () => {
    const c = parse(
      '## sammenfatning\n\n[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](mailto:x@y.dk) [d](bilag.pdf) [e](data:text/html,x) [f](vbscript:x) ' +
        '[g](http://example.dk/g) ![graf](https://example.dk/graf.png) <https://example.dk/auto> www.example.dk\n',
    );
    const html = c.summary!.html;
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(['http://example.dk/g', 'https://example.dk/auto']);
    expect(html).toContain('https://example.dk/auto</a> www.example.dk'); // an address without http(s) stays text
    expect(html).not.toMatch(/<img|javascript:[^)]*"|href="(mailto|data|vbscript|bilag)/i);
    expect(html).toContain(' c d '); // mailto and a relative link: just their text
    expect(html).toContain('graf'); // the image's alt text, nothing loaded
    // markdown-it refuses javascript:/data:/vbscript: links outright, so they stay as the text the writer typed.
    expect(html).toContain('[a](javascript:alert(1))');
  });

  it('an unknown section is an error naming the line, the closest id and the valid ones', () => {
    const error = failure('## sammenfatning\nTekst.\n\n## virksomheder_ny\nTekst.\n');
    expect(error.line).toBe(4);
    expect(error.problems).toHaveLength(1);
    expect(error.message).toBe(
      'bemaerkninger.md, linje 4: "## virksomheder_ny" er ikke et afsnit i denne rapport. Mente du "virksomheder_nye"? ' +
        'Brug "sammenfatning" eller et nøgletal i rapporten: virksomheder_nye, unge_uddannelsesstart, integration_selvforsoergende.',
    );
    expect(failure('## noget helt andet\n').message).not.toContain('Mente du');
  });

  it('reports every problem at once, by line: text before the first section, twice the same section, a level-1 heading inside', () => {
    const error = failure('Indledning, der ikke bliver vist.\n\n## Sammenfatning\nA\n\n## `virksomheder_nye`\nB\n\n## sammenfatning\nC\n\n# Ny titel\n');
    expect(error.problems.map((p) => p.line)).toEqual([1, 9, 12]);
    expect(error.message).toMatch(/^bemaerkninger\.md, linje 1: tekst før det første afsnit bliver ikke vist/);
    expect(error.problems[1]!.message).toBe('afsnittet "## sammenfatning" står der allerede (linje 3). Saml teksten om det i ét afsnit.');
    expect(error.problems[2]!.message).toMatch(/^en overskrift med ét # kan kun stå øverst som filens titel/);
    expect(failure('### Vurdering\n\n## sammenfatning\nA\n').line).toBe(1);
  });

  it('a title, blank lines, a BOM and Windows line endings before the first section are fine', () => {
    const c = parse('\uFEFF\r\n# Titel\r\n\r\n## sammenfatning\r\nLinje et\r\nlinje to\r\n');
    expect(c.summary).toMatchObject({ line: 4, markdown: 'Linje et\nlinje to', text: 'Linje et linje to' });
    // A "## …" inside a code block is not a section.
    const fenced = parse('## sammenfatning\n\n```\n## ikke_et_id\n```\n');
    expect(fenced.summary!.html).toBe('<pre><code>## ikke_et_id\n</code></pre>\n');
  });

  it('gives a fingerprint input that depends on the published text only', () => {
    const a = parse(EXAMPLE);
    const reordered = parse(
      `## unge_uddannelsesstart\n\n## virksomheder_nye\n${EXAMPLE.split('## virksomheder_nye\n')[1]!.split('## unge')[0]}\n## sammenfatning\n\nFlere borgere er blevet **selvforsørgende**.\n`,
    );
    expect(commentaryFingerprintInput(reordered)).toBe(commentaryFingerprintInput(a));
    expect(commentaryFingerprintInput(parse(EXAMPLE.replace(/\n/g, '\r\n')))).toBe(commentaryFingerprintInput(a));
    expect(commentaryFingerprintInput(parse(EXAMPLE.replace('nået.', 'nået!')))).not.toBe(commentaryFingerprintInput(a));
    expect(commentaryFingerprintInput(undefined)).toBe(commentaryFingerprintInput(parse('# Kun en titel\n\n## sammenfatning\n')));
    expect(JSON.parse(commentaryFingerprintInput(a))).toEqual({
      commentary: 1,
      sections: [
        ['sammenfatning', 'Flere borgere er blevet **selvforsørgende**.'],
        ['virksomheder_nye', expect.stringMatching(/^### Vurdering\n/)],
      ],
    });
  });

  it('loads a file and names it in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-commentary-'));
    try {
      await writeFile(join(dir, 'bemærkninger-2017Q4.md'), '## sammenfatning\nA\n\n## ukendt\n');
      await expect(loadCommentary(join(dir, 'bemærkninger-2017Q4.md'), IDS)).rejects.toThrow(/^bemærkninger-2017Q4\.md, linje 4: "## ukendt"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
