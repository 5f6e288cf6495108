import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHeader, detectDelimiter, readCsvFile, unquote } from '../../functions/contract/csvFile.ts';
import { EXTRACTS } from '../../functions/contract/extracts.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csvfile-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(name: string, bytes: Buffer | string) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return readCsvFile(path, name, dir);
}

describe('readCsvFile', () => {
  it('reads UTF-8 with a BOM and CRLF: header without BOM or \\r, content hash of the delivered bytes', async () => {
    const bytes = Buffer.from('\uFEFFperson_id,sex\r\npers01,M\r\n', 'utf8');
    const csv = await read('bom.csv', bytes);
    expect(csv.encoding).toBe('utf-8');
    expect(csv.header).toEqual(['person_id', 'sex']);
    expect(csv.delimiter).toBe(',');
    expect(csv.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(csv.bytes).toBe(bytes.length);
    expect(csv.path).toBe(join(dir, 'bom.csv'));
    expect(csv.warnings).toEqual([]);
  });

  it('detects ; from the header and strips Excel quotes from header cells', async () => {
    const csv = await read('semi.csv', '"company_id";"year";"employees"\n');
    expect(csv.delimiter).toBe(';');
    expect(csv.header).toEqual(['company_id', 'year', 'employees']);
  });

  it('decodes a Windows-1252 file to a UTF-8 copy and says so', async () => {
    // "københavn" and "€" in Windows-1252: ø = 0xF8, € = 0x80 (where Latin-1 has a control character).
    const bytes = Buffer.concat([
      Buffer.from('kpi_id,period,area,value\nintegration_jobparate,2017Q4,k', 'latin1'),
      Buffer.from([0xf8]),
      Buffer.from('benhavn_', 'latin1'),
      Buffer.from([0x80]),
      Buffer.from(',0.37\n', 'latin1'),
    ]);
    const csv = await read('benchmarks.csv', bytes);
    expect(csv.encoding).toBe('windows-1252');
    expect(csv.warnings).toHaveLength(1);
    expect(csv.warnings[0]).toContain('Windows-1252');
    expect(csv.path).not.toBe(join(dir, 'benchmarks.csv'));
    expect(await readFile(csv.path, 'utf8')).toBe('kpi_id,period,area,value\nintegration_jobparate,2017Q4,københavn_€,0.37\n');
    expect(csv.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('keeps UTF-8 when a multi-byte character straddles a read chunk border', async () => {
    const chunk = 1 << 20;
    const head = 'kpi_id,period,area,value\n';
    const filler = 'a'.repeat(chunk - head.length - 1);
    const csv = await read('straddle.csv', Buffer.from(`${head}${filler}ø\n`, 'utf8'));
    expect(csv.encoding).toBe('utf-8');
  });

  it('calls a file with one invalid byte at the very end Windows-1252', async () => {
    const csv = await read('tail.csv', Buffer.concat([Buffer.from('a,b\nx,y', 'utf8'), Buffer.from([0xc3])]));
    expect(csv.encoding).toBe('windows-1252');
    expect(await readFile(csv.path, 'utf8')).toBe('a,b\nx,yÃ');
  });

  it('returns an empty header for an empty file', async () => {
    const csv = await read('empty.csv', '');
    expect(csv.header).toEqual([]);
    expect(csv.dataRows).toBe(0);
  });
});

describe('encodings and line ends', () => {
  const text = 'person_id,sex\r\npers01,M\r\nkøbenhavn,K\r\n';

  it('decodes UTF-16 LE and BE with a BOM (Excel\'s "Unicode text") to a UTF-8 copy, and says so', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    for (const [name, bytes, encoding] of [
      ['le.csv', le, 'utf-16le'],
      ['be.csv', be, 'utf-16be'],
    ] as const) {
      const csv = await read(name, bytes);
      expect(csv.encoding).toBe(encoding);
      expect(csv.totalProblems).toBe(0);
      expect(csv.header).toEqual(['person_id', 'sex']);
      expect(csv.dataRows).toBe(2);
      expect(await readFile(csv.path, 'utf8')).toBe(text);
      expect(csv.warnings.join('\n')).toContain('UTF-16');
      expect(csv.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('keeps a UTF-16 surrogate pair that straddles a read chunk border', async () => {
    // After the 2-byte BOM, 2^19 - 2 code units put the emoji's 4 bytes across the 1 MiB border.
    const before = `a,b\n${'x,y\n'.repeat(131_070)}zz`;
    expect(2 + 2 * before.length).toBe((1 << 20) - 2);
    const body = `${before}😀,y\n`;
    const csv = await read('emoji.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
    expect(csv.totalProblems).toBe(0);
    expect(await readFile(csv.path, 'utf8')).toBe(body);
  });

  it('rejects a broken UTF-16 file and a UTF-32 file, asking for UTF-8', async () => {
    const broken = await read('broken.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00])]));
    expect(broken.problems).toEqual([{ line: 0, rule: 'encoding_utf16' }]);
    const odd = await read('odd.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le'), Buffer.from([0x41])]));
    expect(odd.problems).toEqual([{ line: 0, rule: 'encoding_utf16' }]);
    const utf32 = await read('utf32.csv', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]));
    expect(utf32.problems).toEqual([{ line: 0, rule: 'encoding_utf32' }]);
  });

  it('normalises lone CR line ends (old Mac) in a UTF-8 copy; CRLF and LF files are read as they are', async () => {
    const csv = await read('mac.csv', 'person_id,sex\rpers01,M\rpers02,K\r\r');
    expect(csv.header).toEqual(['person_id', 'sex']);
    expect(csv.dataRows).toBe(2);
    expect(await readFile(csv.path, 'utf8')).toBe('person_id,sex\npers01,M\npers02,K\n\n');
    const crlf = await read('crlf.csv', 'person_id,sex\r\npers01,M\r\n');
    expect(crlf.path).toBe(join(dir, 'crlf.csv'));
  });

  it('decodes Windows-1252 and normalises lone CRs in one copy', async () => {
    const csv = await read('mac1252.csv', Buffer.from('area,x\rk\xf8benhavn,1\r', 'latin1'));
    expect(csv.encoding).toBe('windows-1252');
    expect(await readFile(csv.path, 'utf8')).toBe('area,x\nkøbenhavn,1\n');
  });

  it('stops at a NUL byte, naming its line, and writes no copy', async () => {
    const csv = await read('nul.csv', Buffer.from('person_id,sex\npers01,M\0\r', 'latin1'));
    expect(csv.problems).toEqual([{ line: 2, rule: 'nul_byte' }]);
    expect(csv.path).toBe(join(dir, 'nul.csv'));
  });

  it('trims spaces around header names and counts every trimmed field in one warning', async () => {
    const csv = await read('spaces.csv', ' person_id ,"sex" \npers01, M \npers02,"K "\n');
    expect(csv.header).toEqual(['person_id', 'sex']);
    expect(csv.warnings).toEqual(['spaces.csv: 3 felter havde mellemrum før eller efter værdien; mellemrummene er fjernet.']);
  });
});

describe('delimiter and quotes', () => {
  it('chooses the more frequent of ; and ,', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b,c,d')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
  });
  it('strips exactly one pair of surrounding quotes', () => {
    expect(unquote('"M"')).toBe('M');
    expect(unquote('""M""')).toBe('"M"');
    expect(unquote('"')).toBe('"');
    expect(unquote('M"')).toBe('M"');
  });
});

describe('checkHeader', () => {
  const persons = EXTRACTS.persons;

  it('accepts any column order and maps names to delivered positions', () => {
    const check = checkHeader(['sex', 'arrival_date', 'person_id', 'integration_group', 'birth_year'], persons);
    expect(check.problems).toEqual([]);
    expect(check.columnIndex.get('person_id')).toBe(3);
    expect(check.columnIndex.get('birth_year')).toBe(5);
  });

  it('reports unknown, duplicate, empty and missing columns on line 1', () => {
    const check = checkHeader(['person_id', 'sex', 'name', 'sex', '', 'birth_year', 'integration_group'], persons);
    expect(check.problems).toEqual([
      { line: 1, column: 'name', columnNumber: 3, rule: 'unknown_column', shown: 'name' },
      { line: 1, column: 'sex', columnNumber: 4, rule: 'duplicate_column', ref: 2 },
      { line: 1, columnNumber: 5, rule: 'header_empty_column' },
      { line: 1, column: 'arrival_date', rule: 'missing_column' },
    ]);
    expect(check.columnIndex.get('sex')).toBe(2);
  });

  it('never names a header cell that could carry a CPR number, full-width digits included', () => {
    for (const cpr of ['0101901234', '０１０１９０１２３４', '010190–1234']) {
      const check = checkHeader(['person_id', cpr, 'sex', 'birth_year', 'integration_group', 'arrival_date'], persons);
      expect(check.problems).toEqual([{ line: 1, columnNumber: 2, rule: 'unknown_column' }]);
    }
  });

  it('shows control characters in a header name escaped', () => {
    const check = checkHeader(['person_id', 'a\x1b[2Jb', 'sex', 'birth_year', 'integration_group', 'arrival_date'], persons);
    expect(check.problems).toEqual([{ line: 1, column: 'a\\x1b[2Jb', columnNumber: 2, rule: 'unknown_column', shown: 'a\\x1b[2Jb' }]);
  });

  it('reports an empty file', () => {
    expect(checkHeader([], persons).problems).toEqual([{ line: 0, rule: 'empty_file' }]);
  });
});
