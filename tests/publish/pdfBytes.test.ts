import { describe, expect, it } from 'vitest';
import { checkXref, fixA4PageSize, fixPdfDates, footerTemplate, reportPdfFooter } from '../../functions/publish/pdf.ts';

/** A minimal PDF as Chromium (Skia) writes one: Info first, a classic xref table, no /ID. */
function skiaLikePdf(options: { date?: string; mediaBox?: string; info?: string } = {}): Buffer {
  const date = options.date ?? "D:20261130225852+00'00'";
  const objects = [
    options.info ?? `<</Title (x)\n/Producer (Skia/PDF m156)\n/CreationDate (${date})\n/ModDate (${date})>>`,
    '<</Type /Catalog\n/Pages 3 0 R\n/Lang (da)>>',
    `<</Type /Pages\n/Count 1\n/Kids [4 0 R]>>`,
    `<</Type /Page\n/Parent 3 0 R\n/MediaBox [0 0 ${options.mediaBox ?? '595.91998 841.91998'}]>>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<</Size ${objects.length + 1}\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n${xref}\n%%EOF`;
  return Buffer.from(body, 'latin1');
}

describe('PDF bytes made repeatable', () => {
  it('sets both dates from the report’s time in place, keeping every offset', () => {
    const pdf = skiaLikePdf();
    const fixed = fixPdfDates(pdf, '2018-01-15T06:30:00.000Z');
    expect(fixed.length).toBe(pdf.length);
    expect(fixed.toString('latin1')).toContain("/CreationDate (D:20180115063000+00'00')\n/ModDate (D:20180115063000+00'00')");
    expect(() => checkXref(fixed)).not.toThrow();
    expect(pdf.toString('latin1')).toContain('D:20261130'); // the input is not changed
    // A machine in another zone writes its offset; a Z form is kept short.
    expect(fixPdfDates(skiaLikePdf({ date: "D:20261130235852+01'00'" }), '2018-01-15T06:30:00Z').toString('latin1')).toContain("(D:20180115063000+00'00')");
    expect(fixPdfDates(skiaLikePdf({ date: 'D:20261130235852Z' }), '2018-01-15T06:30:00Z').toString('latin1')).toContain('(D:20180115063000Z)');
  });

  it('refuses what it cannot rewrite safely', () => {
    expect(() => fixPdfDates(skiaLikePdf({ date: 'D:2026' }), '2018-01-15T06:30:00Z')).toThrow(/Uventet datoformat/);
    expect(() => fixPdfDates(skiaLikePdf({ info: '<</Title (x)>>' }), '2018-01-15T06:30:00Z')).toThrow(/præcis én \/CreationDate/);
    expect(() => fixPdfDates(skiaLikePdf(), 'i går')).toThrow(/Ugyldigt tidspunkt/);
    expect(() => fixA4PageSize(skiaLikePdf({ mediaBox: '612 792' }))).toThrow(/ikke A4: 612 × 792/);
  });

  it('writes the exact A4 size in the same number of characters', () => {
    const pdf = skiaLikePdf();
    const fixed = fixA4PageSize(pdf);
    expect(fixed.length).toBe(pdf.length);
    expect(fixed.toString('latin1')).toContain('/MediaBox [0 0 595.28000 841.89000]');
    expect(fixA4PageSize(skiaLikePdf({ mediaBox: '595.92 841.92' })).toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
    expect(() => checkXref(fixed)).not.toThrow();
  });

  it('notices a broken cross-reference table', () => {
    const pdf = skiaLikePdf();
    const shifted = Buffer.concat([pdf.subarray(0, 9), Buffer.from(' '), pdf.subarray(9)]);
    expect(() => checkXref(shifted)).toThrow(/startxref|xref-tabel/);
  });

  it('builds the footer from the report and escapes it', () => {
    expect(reportPdfFooter({ municipality: 'Allerød Kommune', quarter: '2017Q4', snapshot: '3f2a9c0d41be7e55' })).toBe(
      'Allerød Kommune · 4. kvartal 2017 · datasæt 3f2a9c0d41be7e55',
    );
    const html = footerTemplate('A & <b>', 'Udkast – ikke godkendt');
    expect(html).toContain('A &amp; &lt;b&gt;');
    expect(html).toContain('Udkast – ikke godkendt</span> · ');
    expect(html).toContain('<span class="pageNumber"></span> af <span class="totalPages"></span>');
  });
});
