import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../functions/contract/csvFile.ts';
import { EXTRACTS, type ExtractName } from '../../functions/contract/extracts.ts';
import { validationReportSchema, type ValidationReport } from '../../functions/contract/problems.ts';
import { EngineReadError, prepareValidation, unreadableReport, validateExtract, type ValidatedExtract } from '../../functions/contract/validate.ts';
import { digestBytes } from '../../functions/deliveries/digest.ts';

const NOW = new Date('2024-06-01T00:00:00Z');
let dir: string;
let db: DuckDBConnection;
let fileNo = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'validate-test-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
  await prepareValidation(db);
});
afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function validate(extract: ExtractName, content: string, persons?: ValidatedExtract): Promise<ValidatedExtract> {
  const spec = EXTRACTS[extract];
  const path = join(dir, `${fileNo++}-${spec.file}`);
  await writeFile(path, content);
  const csv = await readCsvFile(path, spec.file, dir);
  const validated = await validateExtract(db, spec, csv, { deliveryId: 'test', persons, now: NOW });
  expect(validationReportSchema.parse(validated.report)).toEqual(validated.report);
  return validated;
}

/** `line:columnNumber:column:rule`, the part of a problem tests pin down exactly. */
function where(report: ValidationReport): string[] {
  return report.problems.map((p) => `${p.line}:${p.columnNumber ?? '-'}:${p.column ?? '-'}:${p.rule}`);
}

const PERSONS_HEADER = 'person_id,sex,birth_year,integration_group,arrival_date';
const validPersons = () => validate('persons', `${PERSONS_HEADER}\npers01,M,1980,,\npers02,K,1990,flygtning,2016-03-01\npers03,K,2001,,\n`);

describe('file rules', () => {
  it('accepts a valid file with BOM and CRLF', async () => {
    const v = await validate('persons', `\uFEFF${PERSONS_HEADER}\r\npers01,M,1980,,\r\npers02,K,1990,flygtning,2016-03-01\r\n`);
    expect(v.report.totalProblems).toBe(0);
    expect(v.dataLines).toBe(2);
  });

  it('accepts Excel quotes around cells', async () => {
    const v = await validate('persons', `${PERSONS_HEADER}\n"pers01","M","1980","",""\n`);
    expect(v.report.totalProblems).toBe(0);
  });

  it('reports positions in the delivered column order', async () => {
    const v = await validate('persons', 'sex,arrival_date,birth_year,person_id,integration_group\nX,,1980,pers01,\nM,,1980,pers02,\n');
    expect(where(v.report)).toEqual(['2:1:sex:enum']);
    expect(v.report.problems[0]!.message).toBe('Ugyldig værdi »X«');
  });

  it('reports an unknown column and still checks the known ones', async () => {
    const v = await validate('persons', `${PERSONS_HEADER},navn\npers01,M,1980,,,Hans\npers02,X,1980,,,Grete\n`);
    expect(where(v.report)).toEqual(['1:6:navn:unknown_column', '3:2:sex:enum']);
    expect(v.report.problems[0]!.hint).toContain('personoplysninger');
  });

  it('reports a missing column without a position', async () => {
    const v = await validate('persons', 'person_id,sex,birth_year,integration_group\npers01,M,1980,\n');
    expect(where(v.report)).toEqual(['1:-:arrival_date:missing_column']);
  });

  it('reports an empty file', async () => {
    const v = await validate('offers', '');
    expect(where(v.report)).toEqual(['0:-:-:empty_file']);
  });
});

describe('cell, line and row rules on persons.csv', () => {
  it('finds every problem at its line and column', async () => {
    const lines = [
      PERSONS_HEADER,
      'pers01,M,1980,,', // 2 ok
      'abc,K,1980,,', // 3 pseudonym too short
      'pers 04,K,1980,,', // 4 pseudonym with a space
      'pers05,m,1980,,', // 5 enum (case matters)
      'pers06,K,1899,,', // 6 below 1900
      'pers07,K,2025,,', // 7 after the current year (2024)
      'pers08,K,19x0,,', // 8 not an integer
      'pers09,K,,,', // 9 required
      'pers10,K,1980,flygtning,', // 10 arrival_date required with integration_group
      'pers11,K,1980,flygtninge,2016-01-01', // 11 enum
      'pers12,K,1980,flygtning,2017-02-30', // 12 no such date
      'pers13,K,1980,flygtning,2017-2-3', // 13 not YYYY-MM-DD
      'pers14,K,1980,flygtning,1850-01-01', // 14 out of range
      'pers01,K,1980,,', // 15 duplicate of line 2
      'pers16,K,1980,,,', // 16 six cells
      '', // 17 blank
      'pers18,"K"x,1980,,', // 18 quote inside a cell
      'pers19,K,1980', // 19 three cells
      'pers20,K,1980,,', // 20 ok
    ];
    const v = await validate('persons', `${lines.join('\n')}\n`);
    expect(where(v.report)).toEqual([
      '3:1:person_id:pseudonym',
      '4:1:person_id:pseudonym',
      '5:2:sex:enum',
      '6:3:birth_year:range',
      '7:3:birth_year:range',
      '8:3:birth_year:integer',
      '9:3:birth_year:required',
      '10:5:arrival_date:arrival_required',
      '11:4:integration_group:enum',
      '12:5:arrival_date:date',
      '13:5:arrival_date:date',
      '14:5:arrival_date:range',
      '15:1:person_id:duplicate_row',
      '16:-:-:cell_count',
      '17:-:-:blank_line',
      '18:2:sex:quote',
      '19:-:-:cell_count',
    ]);
    expect(v.report.totalProblems).toBe(17);
    const message = (line: number) => v.report.problems.find((p) => p.line === line)!;
    expect(message(5).message).toBe('Ugyldig værdi »m«');
    expect(message(6).hint).toBe('Tilladt: 1900–2024.');
    expect(message(15).message).toBe('Samme person_id som linje 2');
    expect(message(16).message).toBe('Linjen har 6 felter, men overskriften har 5');
    expect(message(19).message).toBe('Linjen har 3 felter, men overskriften har 5');
    expect(message(18).hint).toContain('anførselstegn');
  });

  it('orders problems by line, then column', async () => {
    const v = await validate('persons', `${PERSONS_HEADER}\nx,X,x,x,x\n`);
    expect(where(v.report)).toEqual([
      '2:1:person_id:pseudonym',
      '2:2:sex:enum',
      '2:3:birth_year:integer',
      '2:4:integration_group:enum',
      '2:5:arrival_date:date',
    ]);
  });

  it('ignores empty lines at the end of the file (LF, CRLF, lone CR), as Excel and Notepad leave them', async () => {
    for (const end of ['\n\n', '\r\n\r\n', '\n\n\n', '\r\r', '\n']) {
      const v = await validate('persons', `${PERSONS_HEADER}${end[0] === '\r' && end[1] === '\n' ? '\r\n' : end[0]}pers01,M,1980,,${end}`);
      expect([JSON.stringify(end), where(v.report)]).toEqual([JSON.stringify(end), []]);
      expect(v.dataLines).toBe(1);
    }
  });

  it('still rejects a blank line in the middle, and a line of spaces at the end', async () => {
    const middle = await validate('persons', `${PERSONS_HEADER}\r\npers01,M,1980,,\r\n\r\npers02,K,1980,,\r\n\r\n`);
    expect(where(middle.report)).toEqual(['3:-:-:blank_line']);
    const spaces = await validate('persons', `${PERSONS_HEADER}\npers01,M,1980,,\n   \n`);
    expect(where(spaces.report)).toEqual(['3:-:-:cell_count']);
  });

  it('caps the list at 50 problems and counts them all', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `pers${String(i).padStart(4, '0')},X,1980,,`);
    const v = await validate('persons', `${PERSONS_HEADER}\n${rows.join('\n')}\n`);
    expect(v.report.totalProblems).toBe(120);
    expect(v.report.problems).toHaveLength(50);
    expect(v.report.problems.map((p) => p.line)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
  });
});

describe('benefit_weeks.csv', () => {
  it('checks ISO weeks, statuses, duplicates and persons', async () => {
    const persons = await validPersons();
    const lines = [
      'person_id,week,status,visitation',
      'pers01,2015-W53,kontanthjaelp,jobparat', // 2 ok: 2015 has 53 weeks
      'pers01,2020-W53,kontanthjaelp,', // 3 ok: 2020 has 53 weeks
      'pers01,2017-W53,kontanthjaelp,', // 4 2017 has 52 weeks
      'pers01,2017-W00,kontanthjaelp,', // 5
      'pers01,2017W01,kontanthjaelp,', // 6
      'pers01,2017-W5,kontanthjaelp,', // 7
      'pers01,2017-w05,kontanthjaelp,', // 8 lower-case w
      'pers01,2017-W05,kontant,', // 9 enum
      'pers01,2017-W06,kontanthjaelp,jobklar', // 10 enum
      'pers02,2017-W05,beskaeftiget,', // 11 ok
      'pers02,2017-W05,kontanthjaelp,', // 12 duplicate of 11
      'pers09,2017-W05,kontanthjaelp,', // 13 not in persons.csv
      'pers02,2017-W05,igu,', // 14 duplicate of 11 again
      'p!,2017-W05,igu,', // 15 pseudonym (not also unknown_person)
      'pers03,1899-W05,igu,', // 16 out of range
    ];
    const v = await validate('benefit_weeks', `${lines.join('\n')}\n`, persons);
    expect(where(v.report)).toEqual([
      '4:2:week:week',
      '5:2:week:week',
      '6:2:week:week',
      '7:2:week:week',
      '8:2:week:week',
      '9:3:status:enum',
      '10:4:visitation:enum',
      '12:1:person_id:duplicate_row',
      '13:1:person_id:unknown_person',
      '14:1:person_id:duplicate_row',
      '15:1:person_id:pseudonym',
      '16:2:week:range',
    ]);
    expect(v.report.problems.find((p) => p.line === 14)!.message).toBe('Samme person_id og week som linje 11');
    expect(v.report.problems.find((p) => p.line === 9)!.message).toBe('Ugyldig værdi »kontant«');
  });

  it('finds a duplicate far apart in an unsorted file', async () => {
    const persons = await validPersons();
    const rows: string[] = [];
    for (let w = 1; w <= 52; w++) rows.push(`pers01,2016-W${String(w).padStart(2, '0')},igu,`, `pers02,2016-W${String(w).padStart(2, '0')},igu,`);
    rows.push('pers01,2016-W07,igu,');
    const v = await validate('benefit_weeks', `person_id,week,status,visitation\n${rows.join('\n')}\n`, persons);
    // pers01 2016-W07 first stands on line 1 + 2 * 7 - 1 = 14; the repeat is the last line, 106.
    expect(where(v.report)).toEqual(['106:1:person_id:duplicate_row']);
    expect(v.report.problems[0]!.message).toBe('Samme person_id og week som linje 14');
  });
});

describe('offers, companies, company_contacts and benchmarks', () => {
  it('requires end_date ≥ start_date on offers', async () => {
    const persons = await validPersons();
    const v = await validate(
      'offers',
      'person_id,offer_type,start_date,end_date\npers01,mentor,2017-03-01,2017-02-28\npers01,mentor,2017-03-01,2017-03-01\npers02,praktik,2017-03-01,\npers02,mentor,,\n',
      persons,
    );
    expect(where(v.report)).toEqual(['2:4:end_date:end_before_start', '4:2:offer_type:enum', '5:3:start_date:required']);
  });

  it('accepts decimal commas with ; and reports negatives and bad numbers', async () => {
    const v = await validate(
      'companies',
      'company_id;year;employees\nfirma01;2017;12,5\nfirma02;2017;-3\nfirma03;2017;1.234,5\nfirma04;2017;7\nfirma01;2017;4\n',
    );
    expect(where(v.report)).toEqual(['3:3:employees:negative', '4:3:employees:number', '6:1:company_id:duplicate_row']);
  });

  it('does not take a comma as a decimal mark when the delimiter is ,', async () => {
    const v = await validate('companies', 'company_id,year,employees\nfirma01,2017,12.5\nfirma02,2017,"12,5"\n');
    expect(where(v.report)).toEqual(['3:-:-:cell_count']);
  });

  it('checks contact dates and types', async () => {
    const v = await validate(
      'company_contacts',
      'company_id,contact_date,contact_type\nfirma01,2017-05-02,rekruttering\nfirma01,2017-13-02,rekruttering\nfirma01,2017-05-02,Rekruttering\n',
    );
    expect(where(v.report)).toEqual(['3:2:contact_date:date', '4:3:contact_type:enum']);
  });

  it('checks KPI ids, periods and area text', async () => {
    const lines = [
      'kpi_id,period,area,value',
      'integration_jobparate,2017Q4,hele_landet,0.37',
      'integration_jobparate,2017-03,hele_landet,-0.5',
      'integration_jobparate,2017Q5,hele_landet,0.37',
      'integration_jobparate,2017-13,hele_landet,0.37',
      'Integration,2017Q4,hele_landet,0.37',
      `integration_jobparate,2017Q3,${'a'.repeat(101)},0.37`,
      'integration_jobparate,2017Q4,hele_landet,0.40',
    ];
    const v = await validate('benchmarks', `${lines.join('\n')}\n`);
    expect(where(v.report)).toEqual(['4:2:period:period', '5:2:period:period', '6:1:kpi_id:kpi_id', '7:3:area:text', '8:1:kpi_id:duplicate_row']);
    expect(v.report.problems[0]!.message).toBe('Ugyldig periode »2017Q5«');
  });
});

describe('CPR guard', () => {
  const digitsOf = (cpr: string) => [cpr.replace('-', ''), cpr.slice(0, 6), cpr.slice(-4)];
  function expectNoEcho(report: ValidationReport, cpr: string) {
    const text = JSON.stringify(report);
    for (const part of digitsOf(cpr)) expect(text).not.toContain(part);
  }

  it('rejects DDMMYY-SSSS in an enum column, without echoing it', async () => {
    const cpr = '290388-4417';
    const v = await validate('persons', `${PERSONS_HEADER}\npers01,M,1980,,\npers02,K,1980,${cpr},2016-01-01\n`);
    expect(where(v.report)).toEqual(['0:-:-:cpr_file', '3:4:integration_group:cpr', '3:4:integration_group:enum']);
    expect(v.report.problems[0]!.message).toContain('1 felt(er)');
    expect(v.report.problems.find((p) => p.rule === 'enum')!.message).toBe('Ugyldig værdi');
    expectNoEcho(v.report, cpr);
  });

  it('rejects 10 digits in an unknown column, on several lines, counting them', async () => {
    const cprs = ['0703924413', '1511007182'];
    const v = await validate('persons', `${PERSONS_HEADER},cpr\npers01,M,1980,,,${cprs[0]}\npers02,K,1980,,,${cprs[1]}\n`);
    expect(where(v.report)).toEqual(['0:-:-:cpr_file', '1:6:cpr:unknown_column', '2:6:cpr:cpr', '3:6:cpr:cpr']);
    expect(v.report.problems[0]!.message).toContain('2 felt(er)');
    for (const cpr of cprs) expectNoEcho(v.report, cpr);
  });

  it('rejects a CPR number as person_id (a valid pseudonym otherwise)', async () => {
    const cpr = '2412781234';
    const v = await validate('persons', `${PERSONS_HEADER}\n${cpr},M,1980,,\n`);
    expect(where(v.report)).toEqual(['0:-:-:cpr_file', '2:1:person_id:cpr']);
    expectNoEcho(v.report, cpr);
  });

  it('rejects a CPR number in the header line and does not name the column after it', async () => {
    const cpr = '0101901234';
    const v = await validate('persons', `person_id,sex,birth_year,integration_group,arrival_date,${cpr}\npers01,M,1980,,,x\n`);
    expect(where(v.report)).toEqual(['0:-:-:cpr_file', '1:6:-:cpr', '1:6:-:unknown_column']);
    expectNoEcho(v.report, cpr);
  });

  it('rejects a CPR number in a cell beyond the header on a malformed line', async () => {
    const cpr = '311299-9999';
    const v = await validate('persons', `${PERSONS_HEADER}\npers01,M,1980,,,${cpr}\n`);
    expect(where(v.report)).toEqual(['0:-:-:cpr_file', '2:-:-:cell_count', '2:6:-:cpr']);
    expectNoEcho(v.report, cpr);
  });

  it('checks a number column on its integer part only', async () => {
    const v = await validate(
      'benchmarks',
      'kpi_id,period,area,value\nintegration_jobparate,2017Q4,hele_landet,0.2512345678\nintegration_jobparate,2017Q3,hele_landet,2512345678\n',
    );
    expect(where(v.report)).toEqual(['0:-:-:cpr_file', '3:4:value:cpr']);
  });
});

describe('hostile text in headers and cells', () => {
  const quoteHeavy = ["'", "';--", "x'); DROP TABLE problems_persons; --", '{{from_quarter}}', '{{to_quarter}}'];

  it('takes quotes, SQL and template syntax in header names and cells as plain text: a clean rejection', async () => {
    const header = `${PERSONS_HEADER},${quoteHeavy.join(',')}`;
    const row = (id: string, sex: string) => `${id},${sex},1980,,,${quoteHeavy.map(() => 'v').join(',')}`;
    const v = await validate('persons', `${header}\n${row('pers01', "';--")}\n${row('pers02', '{{to_quarter}}')}\n${row("p'q'r's", 'M')}\n`);
    expect(where(v.report)).toEqual([
      "1:6:':unknown_column",
      "1:7:';--:unknown_column",
      "1:8:x'); DROP TABLE problems_persons; --:unknown_column",
      '1:9:{{from_quarter}}:unknown_column',
      '1:10:{{to_quarter}}:unknown_column',
      '2:2:sex:enum',
      '3:2:sex:enum',
      '4:1:person_id:pseudonym',
    ]);
    expect(v.report.problems.find((p) => p.line === 2)!.message).toBe("Ugyldig værdi »';--«");
    expect(v.report.problems.find((p) => p.line === 3)!.message).toBe('Ugyldig værdi »{{to_quarter}}«');
    expect(v.report.problems[2]!.message).toBe("Kolonnen »x'); DROP TABLE problems_persons; --« hører ikke til persons.csv");
  });

  it('rejects a NUL byte in the header with its line, before any SQL sees it', async () => {
    const v = await validate('persons', `person_id,se\0x,birth_year,integration_group,arrival_date\npers01,M,1980,,\n`);
    expect(where(v.report)).toEqual(['1:-:-:nul_byte']);
  });

  it('shows control characters escaped, never raw, in every message', async () => {
    const v = await validate('persons', `${PERSONS_HEADER},\x1b]0;x\x07\npers01,\x1b]0;pwned\x07\x1b[2J,1980,,,\n`);
    const text = JSON.stringify(v.report);
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(v.report.problems.map((p) => p.message)).toEqual([
      'Kolonnen »\\x1b]0;x\\x07« hører ikke til persons.csv',
      'Ugyldig værdi »\\x1b]0;pwned\\x07\\x1b[2J«',
    ]);
  });

  it('rejects a CPR number written with full-width digits and never echoes it', async () => {
    const cpr = '０１０１９０１２３４';
    const v = await validate('persons', `${PERSONS_HEADER}\npers01,M,1980,,\n${cpr},K,1980,,\npers03,${cpr.slice(0, 6)}-${cpr.slice(6)},1980,,\n`);
    expect(where(v.report)).toEqual(['0:-:-:cpr_file', '3:1:person_id:cpr', '3:1:person_id:pseudonym', '4:2:sex:cpr', '4:2:sex:enum']);
    const text = JSON.stringify(v.report);
    expect(text).not.toContain('０１０１');
    expect(text).not.toContain('0101');
  });

  it('rejects a required extract with a header and no rows; an optional one without rows is fine', async () => {
    const weeks = await validate('benefit_weeks', 'person_id,week,status,visitation\r\n\r\n');
    expect(where(weeks.report)).toEqual(['0:-:-:no_rows']);
    expect(weeks.report.problems[0]!.message).toBe('Filen har ingen rækker, kun overskriften');
    const benchmarks = await validate('benchmarks', 'kpi_id,period,area,value\n');
    expect(benchmarks.report.totalProblems).toBe(0);
  });

  it('trims spaces around unquoted values and header names; spaces inside quotes stay', async () => {
    const v = await validate('persons', `person_id , sex,birth_year,integration_group,arrival_date \n pers01 ,M , 1980,,\npers02,"K ",1980,,\n`);
    expect(where(v.report)).toEqual(['3:2:sex:enum']);
    expect(v.csv.warnings).toEqual([expect.stringMatching(/^persons\.csv: 6 felter havde mellemrum/)]);
  });
});

describe('rows as the delivery manifest counts them (deliveries/digest.ts)', () => {
  it('validation reads exactly the data rows digest.ts counts, whatever the line ends and encoding', async () => {
    const body = ['pers01,M,1980,,', 'pers02,K,1990,flygtning,2016-03-01', 'pers03,K,2001,,'];
    const variants: [string, Buffer][] = [
      ['LF', Buffer.from(`${PERSONS_HEADER}\n${body.join('\n')}\n`)],
      ['no final line end', Buffer.from(`${PERSONS_HEADER}\n${body.join('\n')}`)],
      ['CRLF + empty lines', Buffer.from(`${PERSONS_HEADER}\r\n${body.join('\r\n')}\r\n\r\n\r\n`)],
      ['lone CR + empty lines', Buffer.from(`${PERSONS_HEADER}\r${body.join('\r')}\r\r`)],
      ['mixed', Buffer.from(`\uFEFF${PERSONS_HEADER}\r\n${body[0]}\n${body[1]}\r${body[2]}\n\n`)],
      ['UTF-16 LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${PERSONS_HEADER}\r\n${body.join('\r\n')}\r\n\r\n`, 'utf16le')])],
      ['UTF-16 BE, CR', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`${PERSONS_HEADER}\r${body.join('\r')}\r`, 'utf16le').swap16()])],
    ];
    for (const [what, bytes] of variants) {
      const spec = EXTRACTS.persons;
      const path = join(dir, `${fileNo++}-${spec.file}`);
      await writeFile(path, bytes);
      const v = await validateExtract(db, spec, await readCsvFile(path, spec.file, dir), { deliveryId: 'test', now: NOW });
      expect([what, where(v.report), v.dataLines]).toEqual([what, [], digestBytes(bytes).rows]);
      expect(v.dataLines).toBe(3);
    }
  });
});

describe('an engine error on a delivered file', () => {
  it('becomes an EngineReadError whose message quotes nothing, and an "unreadable" rejection of the file', async () => {
    const spec = EXTRACTS.persons;
    const path = join(dir, `${fileNo++}-${spec.file}`);
    await writeFile(path, `${PERSONS_HEADER}\npers01,M,1980,,\n`);
    const csv = await readCsvFile(path, spec.file, dir);
    const failing = {
      run: async () => {
        throw new Error('Invalid Input Error: Maximum line size exceeded: "0101901234,M,1980"');
      },
      runAndReadAll: async () => {
        throw new Error('unreachable');
      },
    } as unknown as DuckDBConnection;
    const error = await validateExtract(failing, spec, csv, { deliveryId: 'test', now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineReadError);
    expect((error as Error).message).toBe('Filen kunne ikke læses af SQL-motoren');
    const report = unreadableReport(spec, csv, 'test', NOW).report;
    expect(report).toEqual({
      file: 'persons.csv',
      deliveryId: 'test',
      totalProblems: 1,
      problems: [expect.objectContaining({ line: 0, rule: 'unreadable', message: 'Filen kunne ikke læses som CSV-tekst' })],
    });
    expect(JSON.stringify(report)).not.toMatch(/0101|Invalid Input/);
  });
});
