import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { quartersIndexView, type PublishedQuarter } from '../../functions/publish/quartersIndex.ts';
import { QuartersIndex } from '../../functions/publish/report/QuartersIndex.tsx';
import { PUBLISHED } from '../fixtures/published.ts';

const options = { municipality: 'Allerød Kommune', committee: 'Erhvervs- og Beskæftigelsesudvalget' };

describe('the quarters index', () => {
  it('lists quarters newest first, each with the newest revision’s files and every revision, newest first', () => {
    const view = quartersIndexView(PUBLISHED, options);
    expect(view.quarters.map((q) => q.quarter)).toEqual(['2017Q4', '2017Q3']);
    const [q4, q3] = view.quarters;
    expect(q4).toMatchObject({
      title: '4. kvartal 2017',
      id: 'kvartal-2017Q4',
      links: {
        report: '2017Q4/',
        pdf: '2017Q4/rapport.pdf',
        note: '2017Q4/opfoelgningsnotat.docx',
        csv: '2017Q4/data/kpis.csv',
        json: '2017Q4/data/kpis.json',
      },
    });
    expect(q4!.revisions).toEqual([
      {
        number: 2,
        href: '2017Q4/r2/',
        label: 'Udgave 2',
        description: 'Rettet 3. februar 2018: Fejl i leverancen af ydelsesuger for december',
        snapshot: '9e8d7c6b5a493827',
        current: true,
      },
      { number: 1, href: '2017Q4/r1/', label: 'Udgave 1', description: 'Offentliggjort 15. januar 2018', snapshot: '3f2a9c0d41be7e55', current: false },
    ]);
    expect(q4!.current.number).toBe(2);
    expect(q3!.revisions).toHaveLength(1);
    // For a local folder, links name the file.
    expect(quartersIndexView(PUBLISHED, { ...options, directoryIndex: 'index.html' }).quarters[0]!.links.report).toBe('2017Q4/index.html');
  });

  it('refuses a quarter twice, a revision number twice, and malformed entries', () => {
    expect(() => quartersIndexView([PUBLISHED[0]!, PUBLISHED[0]!], options)).toThrow('Kvartalet 2017Q3 står to gange');
    const twice = { quarter: '2017Q4', revisions: [PUBLISHED[1]!.revisions[0]!, PUBLISHED[1]!.revisions[0]!] };
    expect(() => quartersIndexView([twice], options)).toThrow('den samme udgave (r<k>) to gange: 1, 1');
    expect(() => quartersIndexView([{ quarter: '2017K4', revisions: PUBLISHED[0]!.revisions }], options)).toThrow();
    expect(() => quartersIndexView([{ quarter: '2017Q4', revisions: [] }], options)).toThrow();
    expect(() => quartersIndexView([{ quarter: '2017Q4', revisions: [{ number: 1, date: 'i går', snapshot: 'x' }] }], options)).toThrow(/ugyldig dato/);
  });

  it('renders every link, the correction and its reason, escaped', () => {
    const hostile: PublishedQuarter[] = [
      {
        quarter: '2018Q1',
        revisions: [
          { number: 1, date: '2018-04-16', snapshot: 's1' },
          { number: 2, date: '2018-05-01', reason: 'Rettet <script>x</script> & mere', snapshot: 's2' },
        ],
      },
    ];
    const html = renderToString(h(QuartersIndex, { view: quartersIndexView([...PUBLISHED, ...hostile], options) }));
    expect(html).toMatch(/^<html lang="da">/);
    expect(html).toContain('<title>Kvartalsopfølgninger – Allerød Kommune</title>');
    expect([...html.matchAll(/<h2 id="(kvartal-[^"]+)"/g)].map((m) => m[1])).toEqual(['kvartal-2018Q1', 'kvartal-2017Q4', 'kvartal-2017Q3']);
    for (const href of [
      '2017Q4/',
      '2017Q4/rapport.pdf',
      '2017Q4/opfoelgningsnotat.docx',
      '2017Q4/data/kpis.csv',
      '2017Q4/data/kpis.json',
      '2017Q4/r2/',
      '2017Q4/r1/',
      '2017Q3/',
    ]) {
      expect(html).toContain(`href="${href}"`);
    }
    expect(html).not.toContain('href="2017Q3/r1/"'); // one revision: no list of revisions
    expect(html).toContain('Rettet 3. februar 2018: Fejl i leverancen af ydelsesuger for december · datasæt 9e8d7c6b5a493827');
    expect(html).toContain('Rettet &lt;script>x&lt;/script> &amp; mere');
    expect(html).not.toContain('<script');
    expect(renderToString(h(QuartersIndex, { view: quartersIndexView([], options) }))).toContain('Der er ikke offentliggjort nogen kvartalsrapporter endnu.');
  });
});
