import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineScanner, MAX_COLUMNS, MAX_LINE_BYTES, type ScanResult } from '../../functions/contract/csvScan.ts';
import { digestBytes } from '../../functions/deliveries/digest.ts';

function scan(bytes: Buffer, cuts: number[] = []): ScanResult {
  const scanner = new LineScanner();
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b)) {
    scanner.push(bytes.subarray(from, cut));
    from = cut;
  }
  scanner.push(bytes.subarray(from));
  return scanner.end();
}

/** The rules written out the slow way: lines split as an editor splits them. */
function reference(text: string) {
  const parts = text.split(/\r\n|\r|\n/);
  const lines = /(\r\n|\r|\n)$/.test(text) || text === '' ? parts.slice(0, -1) : parts;
  let trailing = 0;
  while (trailing < lines.length && lines[lines.length - 1 - trailing] === '') trailing++;
  const header = lines[0] ?? '';
  const delimiter = header.split(';').length > header.split(',').length ? ';' : ',';
  let trimmed = 0;
  const nulLines: number[] = [];
  lines.forEach((line, i) => {
    if (line.includes('\0')) nulLines.push(i + 1);
    if (i === 0 || line === '') return;
    for (const field of line.split(delimiter)) if (/^[ \t]|[ \t]$/.test(field)) trimmed++;
  });
  // Empty data lines with a non-empty line after them (not the ones at the end).
  const blankLines = lines.slice(1, lines.length - trailing).filter((line) => line === '').length;
  return {
    dataRows: Math.max(0, lines.length - 1 - trailing),
    loneCr: /\r(?!\n)/.test(text),
    trimmed,
    nulLines,
    header,
    blankLines,
    quotes: text.split('"').length - 1,
  };
}

describe('LineScanner', () => {
  it('counts rows, lone CRs, trimmed fields and NUL lines as the slow reference does, however the file is cut into chunks', () => {
    const piece = fc.constantFrom('a', 'bb', ',', ';', ' ', '\t', '\r', '\n', '\r\n', '\0', 'x y', '"');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(200), { maxLength: 6 }), (pieces, cuts) => {
        const text = pieces.join('');
        const bytes = Buffer.from(text, 'latin1');
        const expected = reference(text);
        const result = scan(bytes, cuts);
        expect(result.dataRows).toBe(expected.dataRows);
        expect(result.dataRows).toBe(digestBytes(bytes).rows);
        expect(result.loneCr).toBe(expected.loneCr);
        expect(result.trimmedFields).toBe(expected.trimmed);
        expect(result.problems.filter((p) => p.rule === 'nul_byte').map((p) => p.line)).toEqual(expected.nulLines);
        expect(result.headerBytes.toString('latin1')).toBe(expected.header);
        expect(result.blankLines).toBe(expected.blankLines);
        expect(result.quotes).toBe(expected.quotes);
      }),
      { numRuns: 2000 },
    );
  });

  it('ignores empty lines at the end only: LF, CRLF and lone CR alike', () => {
    for (const text of ['h\na\n\n\n', 'h\r\na\r\n\r\n', 'h\ra\r\r', 'h\na', 'h\na\n']) expect([text, scan(Buffer.from(text)).dataRows]).toEqual([text, 1]);
    expect(scan(Buffer.from('h\na\n\nb\n')).dataRows).toBe(3);
    expect(scan(Buffer.from('h\n')).dataRows).toBe(0);
    expect(scan(Buffer.from('')).dataRows).toBe(0);
  });

  it(`rejects a line longer than ${MAX_LINE_BYTES} bytes once, naming its line, also across chunks`, () => {
    const ok = Buffer.from(`h\n${'x'.repeat(MAX_LINE_BYTES)}\n`);
    expect(scan(ok).problems).toEqual([]);
    const long = Buffer.from(`h\nshort\n${'x'.repeat(MAX_LINE_BYTES + 1)}\nshort\n${'y'.repeat(3 * MAX_LINE_BYTES)}`);
    const result = scan(long, [10, MAX_LINE_BYTES, 2 * MAX_LINE_BYTES + 7]);
    expect(result.problems).toEqual([
      { line: 3, rule: 'line_too_long' },
      { line: 5, rule: 'line_too_long' },
    ]);
    expect(result.totalProblems).toBe(2);
  });

  it(`keeps at most ${MAX_LINE_BYTES + 1} bytes of an endless header line`, () => {
    const result = scan(Buffer.alloc(5 * MAX_LINE_BYTES, 'a'), [1000, MAX_LINE_BYTES + 3]);
    expect(result.headerBytes.length).toBe(MAX_LINE_BYTES + 1);
    expect(result.problems).toEqual([{ line: 1, rule: 'line_too_long' }]);
  });

  it(`allows ${MAX_COLUMNS} fields on a line and rejects more, in the header and below it`, () => {
    const fields = (n: number, sep = ',') => Array.from({ length: n }, (_, i) => `c${i}`).join(sep);
    expect(scan(Buffer.from(`${fields(MAX_COLUMNS)}\n${fields(MAX_COLUMNS)}\n`)).problems).toEqual([]);
    expect(scan(Buffer.from(`${fields(MAX_COLUMNS + 1, ';')}\n`)).problems).toEqual([{ line: 1, rule: 'too_many_columns' }]);
    expect(scan(Buffer.from(`a,b\nx,y\n${fields(MAX_COLUMNS + 1)}\n`)).problems).toEqual([{ line: 3, rule: 'too_many_columns' }]);
    // 35 000 header columns from a CR-only file read as one line: rejected in the scan.
    const crOnly = `${fields(5)}\r${Array.from({ length: 7000 }, () => fields(5)).join('\r')}\r`;
    const result = scan(Buffer.from(crOnly));
    expect(result.problems).toEqual([]);
    expect(result.loneCr).toBe(true);
    expect(result.dataRows).toBe(7000);
  });

  it('lists the first 50 problems and counts them all', () => {
    const result = scan(Buffer.from(`h\n${'\0\n'.repeat(120)}`));
    expect(result.problems).toHaveLength(50);
    expect(result.totalProblems).toBe(120);
  });
});
