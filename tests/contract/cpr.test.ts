import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { CPR_SQL_MACROS, foldDigits, isCprDate, isEchoable, looksLikeCpr, looksLikeCprInNumber } from '../../functions/contract/cpr.ts';
import { echoFileName, echoValue, escapeControls, redactForDebug } from '../../functions/contract/echo.ts';
import { sqlString } from '../../functions/engine/sql.ts';

const HAND_CASES: [string, boolean][] = [
  ['010190-1234', true],
  ['0101901234', true],
  ['p_0101901234', true], // embedded in a pseudonym
  ['12-010190-1234', true],
  ['0101901234-5678', true],
  ['2902001234', true], // 29 Feb 2000
  ['2902881234', true], // 29 Feb 1988
  ['2902011234', false], // 2001 was no leap year
  ['3201901234', false], // day 32
  ['0113901234', false], // month 13
  ['0001901234', false], // day 0
  ['3104901234', false], // 31 April
  ['01019012345', false], // 11 digits: not a CPR
  ['010190-12345', false],
  ['0101901-1234', false],
  ['1234567890', false], // 12/34
  ['2017-W05', false],
  ['kontanthjaelp', false],
  ['', false],
];

describe('CPR guard (TypeScript)', () => {
  it.each(HAND_CASES)('%s → %s', (cell, expected) => {
    expect(looksLikeCpr(cell)).toBe(expected);
  });

  it('checks only the integer part of a number', () => {
    expect(looksLikeCpr('0.2512345678')).toBe(true);
    expect(looksLikeCprInNumber('0.2512345678')).toBe(false);
    expect(looksLikeCprInNumber('2512345678,5')).toBe(true);
    expect(looksLikeCprInNumber('2512345678')).toBe(true);
  });

  it('knows DDMMYY dates', () => {
    expect(isCprDate('311299')).toBe(true);
    expect(isCprDate('310699')).toBe(false);
    expect(isCprDate('290200')).toBe(true);
    expect(isCprDate('290296')).toBe(true);
    expect(isCprDate('290297')).toBe(false);
  });

  it('folds digits of any script and look-alike dashes before the test (NFKC and more)', () => {
    expect(foldDigits('０１０１９０－１２３４')).toBe('010190-1234');
    expect(foldDigits('٠١٠١٩٠١٢٣٤')).toBe('0101901234');
    expect(foldDigits('¹²³ ① x')).toBe('123 1 x');
    expect(foldDigits('010190–1234')).toBe('010190-1234');
    for (const cpr of ['０１０１９０１２３４', '０１０１９０-１２３４', '010190–1234', 'p٠١٠١٩٠١٢٣٤']) expect([cpr, looksLikeCpr(cpr)]).toEqual([cpr, true]);
    expect(isEchoable('１２３４５６')).toBe(false);
    expect(looksLikeCprInNumber('２５１２３４５６７８,５')).toBe(true);
  });

  it('echoes only short values with at most 5 digits', () => {
    expect(isEchoable('kontant')).toBe(true);
    expect(isEchoable('12345')).toBe(true);
    expect(isEchoable('p12345')).toBe(true);
    expect(isEchoable('123456')).toBe(false);
    expect(isEchoable('2017-W53')).toBe(false);
    expect(isEchoable('x'.repeat(41))).toBe(false);
  });
});

describe('echoing delivered text', () => {
  it('escapes control characters, bidi overrides and separators, never passing them raw', () => {
    expect(escapeControls('a\x1b]0;x\x07\x1b[2Jb')).toBe('a\\x1b]0;x\\x07\\x1b[2Jb');
    expect(escapeControls('\0\t\r\n\x7f\x9b')).toBe('\\x00\\x09\\x0d\\x0a\\x7f\\x9b');
    expect(escapeControls('abc\u202egnp.exe\u2028')).toBe('abc\\u202egnp.exe\\u2028');
    expect(escapeControls('københavn – 5 €')).toBe('københavn – 5 €');
  });

  it('echoes a value only when it cannot carry a CPR number, escaped', () => {
    expect(echoValue('kontant\x1b[0m')).toBe('kontant\\x1b[0m');
    expect(echoValue('０１０１９０１２３４')).toBeUndefined();
    expect(echoValue('x'.repeat(41))).toBeUndefined();
  });

  it('keeps dates in file names but never a CPR number', () => {
    expect(echoFileName('udtraek_20180108.csv')).toBe('udtraek_20180108.csv');
    expect(echoFileName('0101901234.csv')).not.toMatch(/0101|1234/);
    expect(echoFileName('a\x1bb.csv')).toBe('a\\x1bb.csv');
  });

  it('masks CPR-like runs in debug text and keeps other numbers and line breaks', () => {
    expect(redactForDebug('Error at line 12: "0101901234,M"\n  at x (file.ts:3:4)\x1b[2J')).toBe(
      'Error at line 12: "##########,M"\n  at x (file.ts:3:4)\\x1b[2J',
    );
    expect(redactForDebug('０１０１９０-１２３４')).toBe('######-####');
  });
});

describe('CPR guard (DuckDB macros agree with TypeScript)', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await (await DuckDBInstance.create(':memory:')).connect();
    await db.run(CPR_SQL_MACROS);
  });
  afterAll(() => db.closeSync());

  /** Cells built from pieces where the rules have edges: dates, 4-digit runs, dashes, decimals. */
  function randomCells(count: number, seed: number): string[] {
    const rng = xoroshiro128plus(seed);
    const int = (from: number, to: number) => uniformInt(rng, from, to);
    const two = (from: number, to: number) => String(int(from, to)).padStart(2, '0');
    const pieces = [
      () => `${two(0, 32)}${two(0, 13)}${two(0, 99)}`,
      () => String(int(0, 9999)).padStart(4, '0'),
      () => '-',
      () => String(int(0, 9)),
      () => '.',
      () => ',',
      () => 'x',
      // Look-alikes the guard folds: full-width and Arabic-Indic digits, an en dash.
      () => String.fromCharCode(0xff10 + int(0, 9)),
      () => String.fromCharCode(0x0660 + int(0, 9)),
      () => '–',
    ];
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      let s = '';
      for (let n = int(0, 5); n > 0; n--) s += pieces[int(0, pieces.length - 1)]!();
      out.push(s);
    }
    return out;
  }

  it('on the hand-checked cells', async () => {
    const values = HAND_CASES.map(([cell], i) => `(${i}, ${sqlString(cell)})`).join(', ');
    const rows = (await db.runAndReadAll(`SELECT i, looks_like_cpr(s) AS cpr FROM (VALUES ${values}) v(i, s) ORDER BY i`)).getRowObjectsJS();
    expect(rows.map((r) => [HAND_CASES[Number(r.i)]![0], r.cpr])).toEqual(HAND_CASES);
  });

  it('on 5000 random cells, plain and numeric', async () => {
    const cells = randomCells(5000, 20240611);
    const values = cells.map((c, i) => `(${i}, ${sqlString(c)})`).join(', ');
    const reader = await db.runAndReadAll(
      `SELECT i, looks_like_cpr(s) AS plain, looks_like_cpr_number(s) AS num, is_echoable(s) AS echo FROM (VALUES ${values}) v(i, s) ORDER BY i`,
    );
    const rows = reader.getRowObjectsJS();
    const mismatches = rows.filter((r) => {
      const cell = cells[Number(r.i)]!;
      return r.plain !== looksLikeCpr(cell) || r.num !== looksLikeCprInNumber(cell) || r.echo !== isEchoable(cell);
    });
    expect(mismatches).toEqual([]);
    // The sample must exercise both answers, or the comparison proves little.
    expect(rows.filter((r) => r.plain).length).toBeGreaterThan(50);
    expect(rows.filter((r) => !r.plain).length).toBeGreaterThan(100);
  });
});
