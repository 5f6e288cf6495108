import { beforeAll, describe, expect, it, vi } from 'vitest';
import { svgToPng, untar } from '../../functions/publish/note/chartImage.ts';
import { buildNote, coreXml } from '../../functions/publish/note/note.ts';
import { dosDateTime, fixZipTimes, zipEntryTimes } from '../../functions/publish/note/zip.ts';
import { fixtureResults } from '../fixtures/results.ts';
import { fixtureCommentary, reportFiles, type ReportFiles } from '../support/reportFiles.ts';
import { readZip, storedZip } from '../support/zip.ts';

const URL = 'https://rapporter.alleroed.dk/2017Q4/';
let files: ReportFiles;
let note: Buffer;
let parts: Map<string, Buffer>;
let document: string;

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The visible text of each paragraph with the given style. */
function styled(style: string): string[] {
  return [...document.matchAll(/<w:p>(?:(?!<\/w:p>)[\s\S])*?<\/w:p>/g)]
    .map((m) => m[0])
    .filter((p) => p.includes(`<w:pStyle w:val="${style}"/>`))
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
}

beforeAll(async () => {
  files = await reportFiles({ commentary: fixtureCommentary() });
  note = await buildNote({ report: files.report, trendSvg: files.svgFiles, reportUrl: URL });
  parts = readZip(note);
  document = parts.get('word/document.xml')!.toString('utf8');
});

describe('the follow-up note (Word)', () => {
  it('has real headings: the title, the parts, one per KPI, and the administration’s text', () => {
    expect(styled('Title')).toEqual(['Opfølgning på beskæftigelsesmålene, 4. kvartal 2017']);
    expect(styled('Heading1')).toEqual(['Sammenfatning', 'Overblik', 'Nøgletallene', 'Om tallene']);
    expect(styled('Heading2')).toEqual(files.report.kpis.map((k) => k.title));
    expect(styled('Heading3')).toEqual(['Forvaltningens sammenfatning', 'Forvaltningens bemærkninger', 'Forvaltningens bemærkninger']);
    expect(styled('Heading4')).toEqual(['Vurdering', 'Planlagt indsats']);
    expect(document).toContain('Allerød Kommune · Erhvervs- og Beskæftigelsesudvalget');
  });

  it('says how many goals are met, then every KPI’s status sentence, commentary and definition', () => {
    expect(document).toContain('5 af 7 mål er nået eller på vej. 2 er ikke nået. 1 nøgletal har ikke et mål for 2017.');
    for (const k of files.report.kpis) {
      expect(document).toContain(xmlText(k.sentences.join(' ')));
      expect(document).toContain(xmlText(k.definition.description));
    }
    expect(document).toContain('Andelen er steget 3,1 procentpoint siden 3. kvartal 2017 og 11,1 procentpoint siden 4. kvartal 2016.');
    expect(document).toContain('flere virksomhedsrettede forløb for borgere i ressourceforløb');
    // The writer's markup is text in Word too.
    expect(document).toContain('&lt;script&gt;alert(&quot;ikke her&quot;)&lt;/script&gt;');
    expect(document).not.toContain('<script');
    expect(document).toContain('Se Beskæftigelsesplan 2018 (https://www.alleroed.dk/beskaeftigelsesplan-2018).');
  });

  it('has the report’s line under each chart: the comparison’s source and note, or why there is none, and the group once', () => {
    const langtid = files.report.kpis.find((k) => k.id === 'langtid_virksomhedsrettet')!;
    expect(document).toContain('Kilde: Jobindsats, tabel mm12 (Ministerens mål: langtidsforsørgede i virksomhedsrettet tilbud), hentet 3. februar 2018. STAR');
    expect(langtid.comparison.citation).toBe(
      'Kilde: Jobindsats, tabel mm12 (Ministerens mål: langtidsforsørgede i virksomhedsrettet tilbud), hentet 3. februar 2018.',
    );
    expect(document).toContain('vi måler personer i månedens sidste uge ud fra kommunens egne udtræk.');
    const nye = files.report.kpis.find((k) => k.id === 'virksomheder_nye')!;
    expect(document).toContain(xmlText(nye.comparison.missing!));
    expect(document).toContain('Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal.');
    expect(document.match(/Sammenlignelige kommuner: Egedal, Furesø, Hørsholm, Lyngby-Taarbæk og Gentofte/g)).toHaveLength(1);
  });

  it('has the overview as a table with a repeated header row, rows that do not split, and the changes', () => {
    const table = /<w:tbl>[\s\S]*?<\/w:tbl>/.exec(document)![0];
    const rows = [...table.matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(files.report.kpis.length + 1);
    expect(rows[0]).toContain('<w:tblHeader/>');
    for (const row of rows.slice(1)) expect(row).not.toContain('<w:tblHeader/>');
    for (const row of rows) expect(row).toContain('<w:cantSplit/>');
    const cells = (row: string) =>
      [...row.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => [...c[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
    expect(cells(rows[0]!)).toEqual(['Nøgletal', 'Mål', 'Resultat', 'Status', 'Ændring siden 3. kv. 2017', 'Ændring siden 4. kv. 2016']);
    const selv = rows.find((r) => r.includes('Selvforsørgende i integrationsprogrammet'))!;
    expect(cells(selv)).toEqual([
      'Selvforsørgende i integrationsprogrammet',
      'mindst 33 pct. i 2017',
      '39,1 pct.',
      '✓ Nået',
      'op 3,1 pct.-point',
      'op 11,1 pct.-point',
    ]);
    const companies = rows.find((r) => r.includes('Nye samarbejdsvirksomheder'))!;
    expect(cells(companies)).toEqual(['Nye samarbejdsvirksomheder', '45 i 2017', '47', '✓ Nået', 'sammenlignes ikke', '6 flere']);
  });

  it('has each trend chart as a PNG drawn from its SVG, with the chart’s text alternative as alt text', async () => {
    const drawings = [...document.matchAll(/<wp:docPr id="(\d+)" name="([^"]*)" descr="([^"]*)" title="([^"]*)"/g)];
    expect(drawings.map((d) => d[1])).toEqual(files.report.kpis.map((_, i) => String(i + 1)));
    files.report.kpis.forEach((k, i) => {
      expect(drawings[i]![3]).toBe(xmlText(k.chartDescription));
      expect(drawings[i]![4]).toBe(xmlText(k.chartTitle));
    });
    const media = [...parts.keys()].filter((p) => p.startsWith('word/media/')).sort();
    expect(media).toHaveLength(files.report.kpis.length);
    const first = (await svgToPng(files.svgFiles.get(files.report.kpis[0]!.id)!)).png;
    expect(parts.get('word/media/image1.png')!.equals(first)).toBe(true);
    expect(first.subarray(1, 4).toString()).toBe('PNG');
  });

  it('links to the report through a hyperlink relationship', () => {
    const link = /<w:hyperlink w:history="1" r:id="([^"]+)">[\s\S]*?<w:t(?: [^>]*)?>([^<]*)<\/w:t>/.exec(document)!;
    expect(link[2]).toBe(URL);
    const rels = parts.get('word/_rels/document.xml.rels')!.toString('utf8');
    expect(rels).toContain(
      `<Relationship Id="${link[1]}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="${URL}" TargetMode="External"/>`,
    );
  });

  it('is in Danish (da-DK), with the report’s time in its properties and its zip entries', () => {
    expect(parts.get('word/styles.xml')!.toString('utf8')).toMatch(/<w:docDefaults>[\s\S]*<w:lang w:val="da-DK"\/>[\s\S]*<\/w:docDefaults>/);
    const core = parts.get('docProps/core.xml')!.toString('utf8');
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2018-01-15T06:30:00Z</dcterms:created>');
    expect(core).toContain('<dcterms:modified xsi:type="dcterms:W3CDTF">2018-01-15T06:30:00Z</dcterms:modified>');
    expect(core).toContain('<dc:title>Opfølgning på beskæftigelsesmålene, 4. kvartal 2017</dc:title>');
    const stamp = dosDateTime(fixtureResults.generated_at);
    for (const entry of zipEntryTimes(note)) expect(entry, entry.name).toMatchObject(stamp);
  });

  it('gives the same bytes for the same input, whatever the clock says and however many were built before', async () => {
    const later = vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2031-06-01T12:00:00Z'));
    try {
      const again = await buildNote({ report: files.report, trendSvg: new Map([...files.charts].map(([id, c]) => [id, c.trend])), reportUrl: URL });
      expect(again.equals(note)).toBe(true);
    } finally {
      later.mockRestore();
    }
    const other = await buildNote({ report: files.report, trendSvg: files.svgFiles, reportUrl: 'https://example.dk/' });
    expect(other.equals(note)).toBe(false);
  });

  it('carries a draft notice at the top and in the footer when asked', async () => {
    const draft = readZip(await buildNote({ report: files.report, trendSvg: files.svgFiles, reportUrl: URL, draftNotice: 'Udkast – ikke godkendt' }));
    expect(draft.get('word/document.xml')!.toString('utf8')).toMatch(/<w:body><w:p>(?:(?!<\/w:p>)[\s\S])*Udkast – ikke godkendt/);
    expect(draft.get('word/footer1.xml')!.toString('utf8')).toContain(
      'Udkast – ikke godkendt · Allerød Kommune · 4. kvartal 2017 · datasæt 3f2a9c0d41be7e55 · side ',
    );
    expect(document).not.toContain('Udkast');
  });
});

describe('the note’s parts', () => {
  it('sets every zip entry’s time, in both headers, to one instant in Copenhagen time', () => {
    const zip = storedZip(
      [
        { name: 'a.xml', data: Buffer.from('<a/>') },
        { name: 'b/c.xml', data: Buffer.from('<c/>') },
      ],
      0x1234,
      0x5678,
    );
    const fixed = fixZipTimes(zip, '2018-01-15T06:30:00.000Z');
    // 07.30.00 on 15 January 2018: (7 << 11) | (30 << 5); ((2018 − 1980) << 9) | (1 << 5) | 15.
    expect(dosDateTime('2018-01-15T06:30:00.000Z')).toEqual({ time: 15296, date: 19503 });
    expect(zipEntryTimes(fixed)).toEqual([
      { name: 'a.xml', time: 15296, date: 19503 },
      { name: 'b/c.xml', time: 15296, date: 19503 },
    ]);
    expect(readZip(fixed).get('b/c.xml')!.toString()).toBe('<c/>'); // contents and CRCs untouched
    expect(fixed.length).toBe(zip.length);
    // Summer time: 2018-07-01 10:00:59 UTC is 12.00.58 in Copenhagen (2-second steps).
    expect(dosDateTime('2018-07-01T10:00:59Z').time).toBe((12 << 11) | (0 << 5) | 29);
  });

  it('refuses a zip entry with its own time field, and dates a zip cannot hold', () => {
    const ut = Buffer.alloc(9);
    ut.writeUInt16LE(0x5455, 0);
    ut.writeUInt16LE(5, 2);
    expect(() => fixZipTimes(storedZip([{ name: 'a', data: Buffer.from('x'), extra: ut }]), '2018-01-15T06:30:00Z')).toThrow(/ekstra tidsstempel/);
    expect(() => dosDateTime('1970-01-01T00:00:00Z')).toThrow(/1980–2107/);
    expect(() => fixZipTimes(Buffer.from('ikke en zip'), '2018-01-15T06:30:00Z')).toThrow(/Ikke en zip-fil/);
  });

  it('writes core.xml with the given time and escapes its texts', () => {
    const xml = coreXml({ title: 'A & <B>', subject: 's', creator: 'c', description: 'd', generatedAt: '2018-01-15T06:30:00.123Z' });
    expect(xml).toContain('<dc:title>A &amp; &lt;B&gt;</dc:title>');
    expect(xml).toContain('>2018-01-15T06:30:00Z</dcterms:created>');
  });

  it('reads fonts out of a ustar archive', () => {
    const header = (name: string, size: number, type = '0') => {
      const h = Buffer.alloc(512);
      h.write(name, 0);
      h.write(size.toString(8).padStart(11, '0'), 124);
      h.write(type, 156);
      return h;
    };
    const body = Buffer.alloc(512);
    body.write('hej');
    const archive = Buffer.concat([header('fonts/', 0, '5'), header('fonts/a.ttf', 3), body, Buffer.alloc(1024)]);
    expect([...untar(archive)].map(([n, d]) => [n, d.toString()])).toEqual([['fonts/a.ttf', 'hej']]);
  });
});
