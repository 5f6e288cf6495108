import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURATED_TABLES } from '../../functions/engine/curatedSchema.ts';
import { sqlString } from '../../functions/engine/sql.ts';
import { digestBytes } from '../../functions/deliveries/digest.ts';
import type { CurationOptions } from '../../functions/ingest/curation.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { snapshotManifestSchema } from '../../functions/engine/snapshot.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { keys } from '../../functions/store/store.ts';

/**
 * The fast path (one read per file, checks fused into DuckDB's conversion, ingest/fastPath.ts)
 * must decide exactly as the line-exact path (contract/validate.ts) does: the same outcome, the
 * same problems at the same lines and columns, the same curated rows in the same order. Every
 * delivery here is ingested twice, once each way, with files cut into parts of a few hundred
 * bytes so that part boundaries fall everywhere.
 */

const PERSONS = [
  'person_id,sex,birth_year,integration_group,arrival_date',
  'p0000001,M,1980,flygtning,2016-01-04',
  'p0000002,K,1990,,',
  'p0000003,K,1975,familiesammenfoert,2015-12-31',
  'p0000004,M,1999,,',
  'p0000005,K,1962,flygtning,2014-06-30',
];

function benefitWeeks(): string[] {
  const lines = ['person_id,week,status,visitation'];
  const spells: [string, number, string, string, string][] = [
    ['p0000001', 2015, 'W50', 'integrationsydelse', 'jobparat'],
    ['p0000002', 2015, 'W49', 'beskaeftiget', ''],
    ['p0000003', 2015, 'W51', 'kontanthjaelp', 'aktivitetsparat'],
    ['p0000004', 2015, 'W48', 'ordinaer_uddannelse', ''],
    ['p0000005', 2015, 'W47', 'a_dagpenge', 'jobparat'],
  ];
  for (const [person, year, from, status, visitation] of spells) {
    let week = Number(from.slice(1));
    let y = year;
    for (let i = 0; i < 12; i++) {
      const s = i === 6 ? 'beskaeftiget' : status;
      lines.push(`${person},${y}-W${String(week).padStart(2, '0')},${s},${i === 6 ? '' : visitation}`);
      week++;
      if (week > (y === 2015 ? 53 : 52)) {
        week = 1;
        y++;
      }
    }
  }
  return lines;
}

const BASE: Record<string, string[]> = {
  'persons.csv': PERSONS,
  'benefit_weeks.csv': benefitWeeks(),
  'offers.csv': [
    'person_id,offer_type,start_date,end_date',
    'p0000001,virksomhedspraktik,2016-01-06,2016-01-20',
    'p0000003,mentor,2016-01-01,',
    'p0000005,loentilskud_privat,2015-12-01,2016-02-29',
  ],
  'companies.csv': ['company_id,year,employees', 'firma01,2016,12.5', 'firma02,2016,0', 'firma03,2017,3'],
  'company_contacts.csv': ['company_id,contact_date,contact_type', 'firma01,2016-03-31,rekruttering', 'firma09,2016-04-01,partnerskabsaftale'],
  'benchmarks.csv': ['kpi_id,period,area,value', 'integration_jobparate,2016Q1,hele_landet,0.37', 'integration_jobparate,2016-02,rudersdal,0.4'],
};

type Files = Record<string, Buffer>;
const toFiles = (lines: Record<string, string[]>): Files =>
  Object.fromEntries(Object.entries(lines).map(([name, l]) => [name, Buffer.from(`${l.join('\n')}\n`)]));

let dir = '';
let db: DuckDBConnection;
let runs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastpath-test-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  status: string;
  problems: string[];
  warnings: string[];
  tables: Record<string, unknown[]>;
  paths: string[];
}

async function outcome(files: Files, curation: CurationOptions): Promise<Outcome> {
  const root = join(dir, `store${runs++}`);
  await mkdir(join(root, 'incoming', 'levering'), { recursive: true });
  for (const [name, body] of Object.entries(files)) await writeFile(join(root, keys.delivery('levering', name)), body);
  const store = new LocalStore(root);
  const infos: string[] = [];
  const expected = Object.entries(files).map(([name, body]) => ({ name, sha256: digestBytes(body).sha256, rows: digestBytes(body).rows }));
  const result = await ingest(store, {
    deliveryId: 'levering',
    expected,
    log: { info: (m) => infos.push(m), warn: () => {} },
    workDir: join(dir, 'work'),
    now: new Date('2024-06-01T00:00:00Z'),
    curation,
  });
  const tables: Record<string, unknown[]> = {};
  if (result.status === 'accepted') {
    const manifest = snapshotManifestSchema.parse(JSON.parse(await readFile(store.pathOf(keys.snapshotManifest(result.snapshot)), 'utf8')));
    for (const table of CURATED_TABLES) {
      const paths = manifest.tables[table]!.files.map((key) => sqlString(store.pathOf(key)));
      tables[table] = (await db.runAndReadAll(`SELECT * FROM read_parquet([${paths.join(', ')}], hive_partitioning = false)`)).getRowObjectsJson();
    }
  }
  const problems =
    result.status === 'rejected'
      ? result.rejected.flatMap((r) => r.problems.map((p) => `${p.file}:${p.line}:${p.columnNumber ?? '-'}:${p.rule}:${p.message}`))
      : [];
  await rm(root, { recursive: true, force: true });
  return {
    status: result.status,
    problems,
    warnings: result.warnings,
    tables,
    paths: infos.filter((m) => / linjer, /.test(m)).map((m) => `${m.split(':')[0]}:${m.includes('ét gennemløb') ? 'fast' : 'line-exact'}`),
  };
}

/** Both ways; returns the fast way's outcome after checking that the line-exact way agrees. */
async function bothWays(files: Files): Promise<Outcome> {
  const fast = await outcome(files, { partBytes: 97 });
  const exact = await outcome(files, { lineExactOnly: true });
  expect({ ...fast, paths: [] }).toEqual({ ...exact, paths: [] });
  return fast;
}

describe('the fast path decides as the line-exact path does', () => {
  it('accepts the valid delivery on the fast path, every file, with the line-exact curation', async () => {
    const result = await bothWays(toFiles(BASE));
    expect(result.status).toBe('accepted');
    expect(result.paths.every((p) => p.endsWith(':fast'))).toBe(true);
    // Three spells for the persons whose status changes for one week, one for p0000002.
    expect(result.tables.benefit_spells!.length).toBe(13);
  });

  it('keeps the fast path for what exports usually look like: spaces, Excel quotes, CRLF, a BOM, ; and decimal commas, empty lines at the end, any column order or row order', async () => {
    const harmless: [string, (lines: string[]) => string[]][] = [
      [
        'spaces',
        (l) =>
          l.map((line, i) =>
            i === 2
              ? line
                  .split(',')
                  .map((c) => ` ${c} `)
                  .join(',')
              : line,
          ),
      ],
      [
        'quotes',
        (l) =>
          l.map((line, i) =>
            i > 0
              ? line
                  .split(',')
                  .map((c) => `"${c}"`)
                  .join(',')
              : line,
          ),
      ],
      ['trailing empty lines', (l) => [...l, '', '']],
      ['column order', (l) => l.map((line) => line.split(',').reverse().join(','))],
      ['semicolons', (l) => l.map((line) => line.replaceAll(',', ';').replace(/(\d)\.(\d)/, '$1,$2'))],
      ['row order', (l) => [l[0]!, ...l.slice(1).reverse()]],
    ];
    for (const [what, change] of harmless) {
      for (const lineEnd of ['\n', '\r\n']) {
        const files: Files = Object.fromEntries(Object.entries(BASE).map(([name, l]) => [name, Buffer.from(`\uFEFF${change(l).join(lineEnd)}${lineEnd}`)]));
        const result = await bothWays(files);
        expect([what, lineEnd, result.status, result.paths.filter((p) => !p.endsWith(':fast'))]).toEqual([what, lineEnd, 'accepted', []]);
      }
    }
  }, 120_000);

  const mutations: Record<string, (lines: string[], r: number) => string[]> = {
    spacesAroundCell: (l, r) => cellEdit(l, r, (c) => ` ${c}\t`),
    quotedCell: (l, r) => cellEdit(l, r, (c) => `"${c}"`),
    quoteInside: (l, r) => cellEdit(l, r, (c) => `${c}"x`),
    emptyCell: (l, r) => cellEdit(l, r, () => ''),
    blankLineInside: (l, r) => [...l.slice(0, 1 + (r % (l.length - 1))), '', ...l.slice(1 + (r % (l.length - 1)))],
    spacesLine: (l, r) => [...l.slice(0, 1 + (r % (l.length - 1))), '   ', ...l.slice(1 + (r % (l.length - 1)))],
    trailingEmptyLines: (l) => [...l, '', ''],
    dropCell: (l, r) => lineEdit(l, r, (line) => line.slice(0, line.lastIndexOf(','))),
    extraCell: (l, r) => lineEdit(l, r, (line) => `${line},x`),
    duplicateLine: (l, r) => [...l, l[1 + (r % (l.length - 1))]!],
    swapLines: (l, r) => {
      const a = 1 + (r % (l.length - 1));
      const b = 1 + ((r * 7 + 3) % (l.length - 1));
      const out = [...l];
      [out[a], out[b]] = [out[b]!, out[a]!];
      return out;
    },
    reverseColumns: (l) => l.map((line) => line.split(',').reverse().join(',')),
    semicolons: (l) => l.map((line) => line.replaceAll(',', ';').replace(/(\d)\.(\d)/, '$1,$2')),
    nastyValue: (l, r) => cellEdit(l, r, () => NASTY[r % NASTY.length]!),
  };

  const NASTY = [
    'xx',
    '0101901234',
    '010190-1234',
    '０１０１９０１２３４',
    '2017-W53',
    '2015-W53',
    '2017-w01',
    '1899-W52',
    'ukendt',
    'beskaeftiget ',
    '-5',
    '12,5',
    '1e3',
    '2017-02-30',
    '2101-01-01',
    'K',
    'p0000001',
    'p9999999',
    'integration_jobparate',
    '2016Q5',
    'jobparat',
    'mentor',
    'a b',
    '\u202e',
  ];

  it('on deliveries with any of the usual and unusual problems, in any file, at any line', async () => {
    const mutation = fc.record({
      file: fc.constantFrom(...Object.keys(BASE)),
      kind: fc.constantFrom(...Object.keys(mutations)),
      at: fc.nat(10_000),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), async (changes, lineEnd, bom) => {
        const lines = { ...BASE };
        for (const c of changes) lines[c.file] = mutations[c.kind]!(lines[c.file]!, c.at);
        const files: Files = Object.fromEntries(
          Object.entries(lines).map(([name, l]) => [name, Buffer.from(`${bom && name === 'persons.csv' ? '\uFEFF' : ''}${l.join(lineEnd)}${lineEnd}`)]),
        );
        await bothWays(files);
      }),
      // A run that hangs is a failure with its counterexample, not a test timeout.
      { numRuns: 30, timeout: 60_000 },
    );
  }, 300_000);

  it('finishes when persons.csv, benefit_weeks.csv and offers.csv all fall back to the line-exact path (found by the property above)', async () => {
    // Offers waited for benefit_weeks inside their line-exact turn while benefit_weeks queued
    // behind them: ingest never ended.
    const changes = [
      { file: 'persons.csv', kind: 'quoteInside', at: 4868 },
      { file: 'offers.csv', kind: 'dropCell', at: 1 },
    ];
    const lines = { ...BASE };
    for (const c of changes) lines[c.file] = mutations[c.kind]!(lines[c.file]!, c.at);
    await bothWays(
      Object.fromEntries(Object.entries(lines).map(([name, l]) => [name, Buffer.from(`${name === 'persons.csv' ? '\uFEFF' : ''}${l.join('\n')}\n`)])),
    );
  }, 60_000);

  it('names unknown persons in the other files when persons.csv itself is rejected with empty cells (found by the property above)', async () => {
    // A blank line in persons.csv gives NULL cells; an id check with NOT IN against them let every
    // unknown person of benefit_weeks.csv and offers.csv pass on the fast path.
    const changes = [
      { file: 'persons.csv', kind: 'blankLineInside', at: 0 },
      { file: 'persons.csv', kind: 'nastyValue', at: 1261 },
      { file: 'persons.csv', kind: 'spacesAroundCell', at: 1 },
    ];
    const lines = { ...BASE };
    for (const c of changes) lines[c.file] = mutations[c.kind]!(lines[c.file]!, c.at);
    await bothWays(Object.fromEntries(Object.entries(lines).map(([name, l]) => [name, Buffer.from(`${l.join('\n')}\n`)])));
  });

  it('on line ends the reader must not take apart differently: lone CR, mixed CRLF, no line end at the end', async () => {
    const text = (name: string) => BASE[name]!.join('\n');
    const variants: Files[] = [
      { 'benefit_weeks.csv': Buffer.from(text('benefit_weeks.csv').replaceAll('\n', '\r')) },
      { 'benefit_weeks.csv': Buffer.from(text('benefit_weeks.csv').replace('\n', '\r\n')) },
      { 'persons.csv': Buffer.from(text('persons.csv')) },
      { 'benchmarks.csv': Buffer.concat([Buffer.from(text('benchmarks.csv').replace('rudersdal', 'k')), Buffer.from([0xf8]), Buffer.from('benhavn\n')]) },
    ];
    for (const variant of variants) {
      await bothWays({ ...toFiles(BASE), ...variant });
    }
  }, 120_000);

  it('keeps the row order and names duplicates of a file cut into many parts and not in person order', async () => {
    const lines = BASE['benefit_weeks.csv']!;
    const shuffled = [lines[0]!, ...lines.slice(1).reverse()];
    const accepted = await bothWays({ ...toFiles(BASE), 'benefit_weeks.csv': Buffer.from(`${shuffled.join('\n')}\n`) });
    expect(accepted.status).toBe('accepted');
    const duplicated = await bothWays({ ...toFiles(BASE), 'benefit_weeks.csv': Buffer.from(`${[...shuffled, shuffled[5]].join('\n')}\n`) });
    expect(duplicated.problems).toEqual([`benefit_weeks.csv:${shuffled.length + 1}:1:duplicate_row:Samme person_id og week som linje 6`]);
  }, 60_000);
});

function lineEdit(lines: string[], r: number, edit: (line: string) => string): string[] {
  const i = 1 + (r % (lines.length - 1));
  return lines.map((line, j) => (j === i ? edit(line) : line));
}

function cellEdit(lines: string[], r: number, edit: (cell: string) => string): string[] {
  return lineEdit(lines, r, (line) => {
    const cells = line.split(',');
    const j = Math.floor(r / 7) % cells.length;
    cells[j] = edit(cells[j]!);
    return cells.join(',');
  });
}
