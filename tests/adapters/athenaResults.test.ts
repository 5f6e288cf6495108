import { describe, expect, it } from 'vitest';
import { convertValue, pageRows, resultColumns, resultsPageSchema } from '../../functions/engine/athenaResults.ts';
import { resultsPage } from './scriptedAthena.ts';

const col = (type: string) => ({ name: 'c', type });

describe('convertValue', () => {
  it('converts each Athena type to the value DuckDB would give', () => {
    expect(convertValue('007', col('varchar'))).toBe('007');
    expect(convertValue('K', col('char(1)'))).toBe('K');
    expect(convertValue('', col('varchar'))).toBe('');
    expect(convertValue('-12', col('integer'))).toBe(-12);
    expect(convertValue('127', col('tinyint'))).toBe(127);
    expect(convertValue('9007199254740991', col('bigint'))).toBe(9007199254740991);
    expect(convertValue('0.375', col('double'))).toBe(0.375);
    expect(convertValue('1.0E-4', col('double'))).toBe(0.0001);
    expect(convertValue('NaN', col('double'))).toBeNaN();
    expect(convertValue('-Infinity', col('real'))).toBe(-Infinity);
    expect(convertValue('12.50', col('decimal(10,2)'))).toBe(12.5);
    expect(convertValue('true', col('boolean'))).toBe(true);
    expect(convertValue('false', col('boolean'))).toBe(false);
    expect(convertValue('2017-01-02', col('date'))).toBe('2017-01-02');
  });

  it('gives null for a missing VarCharValue of any type', () => {
    for (const type of ['varchar', 'bigint', 'double', 'boolean', 'date']) expect(convertValue(undefined, col(type))).toBeNull();
  });

  it('refuses text that does not fit the type', () => {
    // 2^53 + 1 cannot be a JS number without losing the last digit.
    expect(() => convertValue('9007199254740993', col('bigint'))).toThrow(/kan ikke læses: "9007199254740993"/);
    expect(() => convertValue('2.5', col('integer'))).toThrow(/kan ikke læses/);
    expect(() => convertValue('', col('integer'))).toThrow(/kan ikke læses/);
    expect(() => convertValue('NaN', col('decimal(5,2)'))).toThrow(/kan ikke læses/);
    expect(() => convertValue('1,5', col('double'))).toThrow(/kan ikke læses/);
    expect(() => convertValue('1', col('boolean'))).toThrow(/kan ikke læses/);
    expect(() => convertValue('2017-01-02 00:00:00', col('date'))).toThrow(/kan ikke læses/);
    expect(() => convertValue('2017-01-02 00:00:00.000', col('timestamp'))).toThrow(/typen timestamp, som ikke understøttes/);
  });
});

describe('pageRows', () => {
  it('turns rows into objects by column name, checking the header', () => {
    const page = resultsPageSchema.parse(
      resultsPage(
        [
          ['quarter', 'integer'],
          ['value', 'double'],
          ['last_of_quarter', 'boolean'],
        ],
        [
          ['quarter', 'value', 'last_of_quarter'],
          ['8068', '0.5', 'true'],
          ['8069', null, 'false'],
        ],
      ),
    );
    const columns = resultColumns(page);
    expect(pageRows(page, columns, true)).toEqual([
      { quarter: 8068, value: 0.5, last_of_quarter: true },
      { quarter: 8069, value: null, last_of_quarter: false },
    ]);
    // Read as a later page, the header would be data, and does not fit an integer column.
    expect(() => pageRows(page, columns, false)).toThrow(/kan ikke læses: "quarter"/);
  });

  it('refuses duplicate column names and rows of the wrong width', () => {
    const duplicate = resultsPageSchema.parse(
      resultsPage(
        [
          ['n', 'bigint'],
          ['n', 'bigint'],
        ],
        [['n', 'n']],
      ),
    );
    expect(() => resultColumns(duplicate)).toThrow(/to kolonner med samme navn/);
    const ragged = resultsPageSchema.parse(
      resultsPage(
        [
          ['n', 'bigint'],
          ['m', 'bigint'],
        ],
        [['n', 'm'], ['1']],
      ),
    );
    expect(() => pageRows(ragged, resultColumns(ragged), true)).toThrow(/1 værdier for 2 kolonner/);
  });
});
