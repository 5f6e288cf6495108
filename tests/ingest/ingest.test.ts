import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validationReportSchema } from '../../functions/contract/problems.ts';
import { CURATED_SCHEMA, CURATED_TABLES } from '../../functions/engine/curatedSchema.ts';
import { sqlString } from '../../functions/engine/sql.ts';
import { digestBytes } from '../../functions/deliveries/digest.ts';
import type { ManifestFile } from '../../functions/deliveries/manifest.ts';
import { ingest, type IngestResult } from '../../functions/ingest/ingest.ts';
import { snapshotManifestSchema } from '../../functions/engine/snapshot.ts';
import type { Log } from '../../functions/log.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { keys, type Store } from '../../functions/store/store.ts';

/** Week index of the ISO week that starts on the given Monday, from the date alone. */
const weekOfMonday = (y: number, m: number, d: number) => (Date.UTC(y, m - 1, d) - Date.UTC(1970, 0, 5)) / 86_400_000 / 7;

const windows1252 = (text: string) => Buffer.from(text.replace('ø', '\xf8'), 'latin1');

const DELIVERY: Record<string, Buffer> = {
  'persons.csv': Buffer.from(
    'person_id,sex,birth_year,integration_group,arrival_date\npers01,M,1980,flygtning,2016-01-04\npers02,K,1990,,\npers03,K,1975,familiesammenfoert,2015-12-31\n',
  ),
  'benefit_weeks.csv': Buffer.from(
    'person_id,week,status,visitation\r\npers01,2015-W53,integrationsydelse,jobparat\r\npers01,2016-W01,integrationsydelse,\r\npers02,2016-W01,beskaeftiget,\r\npers02,2016-W02,beskaeftiget,\r\n',
  ),
  'offers.csv': Buffer.from('offer_type,person_id,start_date,end_date\nvirksomhedspraktik,pers01,2016-01-06,2016-01-20\nmentor,pers03,2016-01-01,\n'),
  'companies.csv': Buffer.from('company_id;year;employees\nfirma01;2016;12,5\nfirma02;2016;0\n'),
  'company_contacts.csv': Buffer.from('company_id,contact_date,contact_type\nfirma01,2016-03-31,rekruttering\nfirma09,2016-04-01,partnerskabsaftale\n'),
  'benchmarks.csv': windows1252('kpi_id,period,area,value\nintegration_jobparate,2016Q1,københavn,0.37\nintegration_jobparate,2016-02,hele_landet,"0.4"\n'),
};

let dir: string;
let db: DuckDBConnection;
let storeNo = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-test-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

class RecordingLog implements Log {
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  info(message: string) {
    this.infos.push(message);
  }
  warn(message: string) {
    this.warnings.push(message);
  }
}

const DELIVERY_ID = 'levering-2024-01';

/** A store folder with the files under incoming/<delivery>/, as a delivery lands. */
async function deliver(files: Record<string, Buffer>): Promise<LocalStore> {
  const root = join(dir, `store${storeNo++}`);
  await mkdir(join(root, 'incoming', DELIVERY_ID), { recursive: true });
  for (const [name, body] of Object.entries(files)) await writeFile(join(root, keys.delivery(DELIVERY_ID, name)), body);
  expected.set(root, manifestFiles(files));
  return new LocalStore(root);
}

/** What each store's manifest lists: the files as delivered (a test may then change one). */
const expected = new Map<string, ManifestFile[]>();

function manifestFiles(files: Record<string, Buffer>): ManifestFile[] {
  return Object.entries(files).map(([name, body]) => ({ name, sha256: digestBytes(body).sha256, rows: digestBytes(body).rows }));
}

async function run(store: Store, listed?: ManifestFile[]): Promise<{ result: IngestResult; log: RecordingLog }> {
  const log = new RecordingLog();
  const root = store instanceof LocalStore ? store.root : (store as StagedStore).root;
  const result = await ingest(store, {
    deliveryId: DELIVERY_ID,
    expected: listed ?? expected.get(root)!,
    log,
    workDir: join(dir, 'work'),
    now: new Date('2024-06-01T00:00:00Z'),
  });
  return { result, log };
}

/** The fields of an accepted ingest, failing the test otherwise. */
function accepted(result: IngestResult) {
  if (result.status !== 'accepted') throw new Error(`expected an accepted delivery, got ${JSON.stringify(result)}`);
  return result;
}

function rejected(result: IngestResult) {
  if (result.status !== 'rejected') throw new Error(`expected a rejected delivery, got ${JSON.stringify(result)}`);
  return result;
}

async function parquet(store: LocalStore, table: string, snapshot: string, orderBy = 'file_row_number') {
  const path = sqlString(store.pathOf(keys.curated(table, snapshot)));
  const rows = (
    await db.runAndReadAll(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet(${path}, file_row_number = true, hive_partitioning = false) ORDER BY ${orderBy}`,
    )
  ).getRowObjectsJS();
  const types = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${path}, hive_partitioning = false)`))
    .getRowObjectsJS()
    .map((r) => [r.column_name, r.column_type]);
  return { rows, types };
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('ingest of a valid delivery', () => {
  let store: LocalStore;
  let outcome: { result: IngestResult; log: RecordingLog };

  beforeAll(async () => {
    store = await deliver(DELIVERY);
    outcome = await run(store);
  });

  it('accepts it, names the snapshot after the content, and reports the weeks the data spans', () => {
    const result = accepted(outcome.result);
    const names = Object.keys(DELIVERY).sort();
    const hash = createHash('sha256');
    for (const name of names) hash.update(`${name}\n${sha(DELIVERY[name]!)}\n`);
    expect(result.snapshot).toBe(hash.digest('hex').slice(0, 16));
    expect(result.reused).toBe(false);
    expect([result.firstWeek, result.lastWeek]).toEqual([weekOfMonday(2015, 12, 28), weekOfMonday(2016, 1, 11)]);
  });

  it('says that benchmarks.csv was read as Windows-1252, in the result and the log', () => {
    expect(outcome.result.warnings).toHaveLength(1);
    expect(outcome.result.warnings[0]).toContain('benchmarks.csv er ikke gyldig UTF-8');
    expect(outcome.log.warnings).toEqual(outcome.result.warnings);
  });

  it('writes every curated table with exactly the documented columns and types', async () => {
    for (const table of CURATED_TABLES) {
      const { types } = await parquet(store, table, accepted(outcome.result).snapshot);
      expect(types, table).toEqual(Object.entries(CURATED_SCHEMA[table]));
    }
  });

  it('curates persons with arrival weeks', async () => {
    const { rows } = await parquet(store, 'persons', accepted(outcome.result).snapshot);
    expect(rows.map((r) => [r.person_id, r.sex, r.birth_year, r.integration_group, r.arrival_week])).toEqual([
      ['pers01', 'M', 1980, 'flygtning', weekOfMonday(2016, 1, 4)],
      ['pers02', 'K', 1990, null, null],
      ['pers03', 'K', 1975, 'familiesammenfoert', weekOfMonday(2015, 12, 28)], // Thursday 31 Dec 2015 is in 2015-W53
    ]);
  });

  it('curates benefit weeks as week indexes', async () => {
    const { rows } = await parquet(store, 'benefit_weeks', accepted(outcome.result).snapshot);
    expect(rows.map((r) => [r.person_id, r.week, r.status, r.visitation])).toEqual([
      ['pers01', weekOfMonday(2015, 12, 28), 'integrationsydelse', 'jobparat'],
      ['pers01', weekOfMonday(2016, 1, 4), 'integrationsydelse', null],
      ['pers02', weekOfMonday(2016, 1, 4), 'beskaeftiget', null],
      ['pers02', weekOfMonday(2016, 1, 11), 'beskaeftiget', null],
    ]);
  });

  it('ends a running offer at the last week of benefit_weeks', async () => {
    const { rows } = await parquet(store, 'offers', accepted(outcome.result).snapshot);
    expect(rows.map((r) => [r.person_id, r.offer_type, r.start_week, r.end_week, r.end_date === null])).toEqual([
      ['pers01', 'virksomhedspraktik', weekOfMonday(2016, 1, 4), weekOfMonday(2016, 1, 18), false],
      ['pers03', 'mentor', weekOfMonday(2015, 12, 28), weekOfMonday(2016, 1, 11), true],
    ]);
  });

  it('curates companies (decimal comma), contacts by calendar quarter and benchmarks by period', async () => {
    const snapshot = accepted(outcome.result).snapshot;
    expect((await parquet(store, 'companies', snapshot)).rows).toEqual([
      { company_id: 'firma01', year: 2016, employees: 12.5 },
      { company_id: 'firma02', year: 2016, employees: 0 },
    ]);
    const contacts = (await parquet(store, 'company_contacts', snapshot)).rows;
    expect(contacts.map((r) => [r.company_id, r.contact_year, r.contact_quarter])).toEqual([
      ['firma01', 2016, 2016 * 4],
      ['firma09', 2016, 2016 * 4 + 1],
    ]);
    expect((await parquet(store, 'benchmarks', snapshot)).rows).toEqual([
      { kpi_id: 'integration_jobparate', period: '2016Q1', area: 'københavn', value: 0.37, quarter: 2016 * 4, month: null },
      { kpi_id: 'integration_jobparate', period: '2016-02', area: 'hele_landet', value: 0.4, quarter: null, month: 2016 * 12 + 1 },
    ]);
  });

  it('writes a calendar from 2015-W01 (earliest data year) to the end of 2018 (latest + 2)', async () => {
    const { rows } = await parquet(store, 'calendar', accepted(outcome.result).snapshot);
    expect(rows).toHaveLength(53 + 52 + 52 + 52);
    expect(rows[0]).toMatchObject({ iso_label: '2015-W01', week: weekOfMonday(2014, 12, 29) });
    expect(rows.at(-1)).toMatchObject({ iso_label: '2018-W52', week: weekOfMonday(2018, 12, 24) });
    expect(rows.find((r) => r.iso_label === '2015-W53')).toMatchObject({ month: 2015 * 12 + 11, last_of_quarter: true });
  });

  it('writes a snapshot record with its delivery, files, row counts, weeks and warnings', async () => {
    const manifest = snapshotManifestSchema.parse(JSON.parse(await readFile(store.pathOf(keys.snapshotManifest(accepted(outcome.result).snapshot)), 'utf8')));
    expect(manifest.deliveryId).toBe(DELIVERY_ID);
    expect([manifest.firstWeek, manifest.lastWeek]).toEqual([weekOfMonday(2015, 12, 28), weekOfMonday(2016, 1, 11)]);
    expect(Object.fromEntries(Object.entries(manifest.tables).map(([t, v]) => [t, v.rows]))).toEqual({
      persons: 3,
      benefit_weeks: 4,
      offers: 2,
      companies: 2,
      company_contacts: 2,
      benchmarks: 2,
      // pers01's two integrationsydelse weeks, pers02's two beskaeftiget weeks.
      benefit_spells: 2,
      status_groups: 18,
      offer_groups: 8,
      calendar: 209,
    });
    expect(manifest.files.find((f) => f.file === 'benchmarks.csv')).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ',',
      sha256: sha(DELIVERY['benchmarks.csv']!),
    });
    expect(manifest.files.find((f) => f.file === 'companies.csv')!.delimiter).toBe(';');
    expect(manifest.warnings).toEqual(outcome.result.warnings);
  });

  it('gives byte-identical Parquet for the same delivery, and reuses the snapshot on a rerun', async () => {
    const other = await deliver(DELIVERY);
    const again = accepted((await run(other)).result);
    const rerun = accepted((await run(store)).result);
    expect(again.snapshot).toBe(accepted(outcome.result).snapshot);
    expect(again.reused).toBe(false);
    expect(rerun).toMatchObject({ snapshot: again.snapshot, reused: true, firstWeek: again.firstWeek, lastWeek: again.lastWeek });
    for (const table of CURATED_TABLES) {
      const key = keys.curated(table, accepted(outcome.result).snapshot);
      const first = await store.get(key);
      expect((await other.get(key)).equals(first), table).toBe(true);
    }
    for (const [name, body] of Object.entries(DELIVERY)) expect((await store.get(keys.delivery(DELIVERY_ID, name))).equals(body)).toBe(true);
    expect(await store.list('quarantine/')).toEqual([]);
  });

  it('reads nothing when a file does not match the manifest: the delivery is incomplete, file by file', async () => {
    const changed = await deliver(DELIVERY);
    const listed = manifestFiles({ ...DELIVERY, 'offers.csv': Buffer.from('person_id,offer_type,start_date,end_date\n') });
    await writeFile(changed.pathOf(keys.delivery(DELIVERY_ID, 'extra.csv')), 'a\n');
    const { result } = await run(changed, listed.filter((f) => f.name !== 'persons.csv').concat({ name: 'missing.csv', sha256: 'a'.repeat(64), rows: 1 }));
    expect(result.status).toBe('incomplete');
    if (result.status !== 'incomplete') return;
    expect(result.problems.map((p) => `${p.file}:${p.reason}`).sort()).toEqual([
      'extra.csv:extra',
      'missing.csv:missing',
      'offers.csv:sha256',
      'persons.csv:extra',
    ]);
    expect(await changed.list('curated/')).toEqual([]);
    expect(await changed.list('quarantine/')).toEqual([]);
  });

  it('stages files from a store that is not a local folder and gets the same snapshot', async () => {
    const local = await deliver(DELIVERY);
    const remote = new StagedStore(local);
    const result = accepted((await run(remote)).result);
    expect(result.snapshot).toBe(accepted(outcome.result).snapshot);
    expect(remote.downloads.sort()).toEqual(
      Object.keys(DELIVERY)
        .map((n) => keys.delivery(DELIVERY_ID, n))
        .sort(),
    );
    expect(remote.uploads).toContain(keys.curated('benefit_weeks', result.snapshot));
    const key = keys.curated('calendar', result.snapshot);
    expect((await local.get(key)).equals(await store.get(key))).toBe(true);
  });
});

/** A store reached only through the Store interface (as S3 is): ingest must stage its files. */
class StagedStore implements Store {
  readonly location = 'staged://';
  readonly downloads: string[] = [];
  readonly uploads: string[] = [];
  readonly root: string;
  constructor(private readonly inner: LocalStore) {
    this.root = inner.root;
  }
  get(key: string) {
    return this.inner.get(key);
  }
  tryGet(key: string) {
    return this.inner.tryGet(key);
  }
  put(key: string, body: Buffer | string) {
    return this.inner.put(key, body);
  }
  putFile(key: string, localPath: string) {
    this.uploads.push(key);
    return this.inner.putFile(key, localPath);
  }
  getFile(key: string, localPath: string) {
    this.downloads.push(key);
    return this.inner.getFile(key, localPath);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  copy(from: string, to: string) {
    return this.inner.copy(from, to);
  }
  exists(key: string) {
    return this.inner.exists(key);
  }
  putIfAbsent(key: string, body: Buffer | string) {
    return this.inner.putIfAbsent(key, body);
  }
  getVersioned(key: string) {
    return this.inner.getVersioned(key);
  }
  replaceIfVersion(key: string, body: Buffer | string, version: string) {
    return this.inner.replaceIfVersion(key, body, version);
  }
  deleteIfVersion(key: string, version: string) {
    return this.inner.deleteIfVersion(key, version);
  }
}

describe('ingest of an incomplete delivery', () => {
  it('accepts one without the optional extracts, warns about the company extracts, and curates empty tables', async () => {
    const { 'companies.csv': _c, 'company_contacts.csv': _cc, 'benchmarks.csv': _b, ...required } = DELIVERY;
    const store = await deliver(required);
    const result = accepted((await run(store)).result);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings.join('\n')).toContain('companies.csv er ikke leveret');
    expect(result.warnings.join('\n')).toContain('company_contacts.csv er ikke leveret');
    for (const table of ['companies', 'company_contacts', 'benchmarks'] as const) {
      const { rows, types } = await parquet(store, table, result.snapshot);
      expect(rows).toEqual([]);
      expect(types).toEqual(Object.entries(CURATED_SCHEMA[table]));
    }
  });

  it('rejects one without a required extract, without quarantining anything', async () => {
    const { 'offers.csv': _o, ...rest } = DELIVERY;
    const store = await deliver(rest);
    const result = rejected((await run(store)).result);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ file: 'offers.csv', deliveryId: '', totalProblems: 1 });
    expect(result.rejected[0]!.problems[0]).toMatchObject({ line: 0, rule: 'missing_file', message: 'offers.csv mangler i leverancen' });
    expect(await store.list('curated/')).toEqual([]);
    expect(await store.list('quarantine/')).toEqual([]);
  });

  it('warns about a CSV file that is not in the contract', async () => {
    const store = await deliver({ ...DELIVERY, 'notes.csv': Buffer.from('a,b\n1,2\n') });
    const result = accepted((await run(store)).result);
    expect(result.warnings.some((w) => w.startsWith('notes.csv er ikke et udtræk i kontrakten'))).toBe(true);
  });
});

describe('ingest of a delivery with a rejected file', () => {
  const cpr = '0702851237';
  const persons = Buffer.from(
    `person_id,sex,birth_year,integration_group,arrival_date\npers01,M,1980,flygtning,2016-01-04\n${cpr},K,1990,,\npers03,K,1975,familiesammenfoert,2015-12-31\n`,
  );
  let store: LocalStore;
  let result: Extract<IngestResult, { status: 'rejected' }>;

  beforeAll(async () => {
    store = await deliver({ ...DELIVERY, 'persons.csv': persons });
    result = rejected((await run(store)).result);
  });

  it('stops with no curated output', async () => {
    expect(await store.list('curated/')).toEqual([]);
  });

  it('quarantines the file byte for byte under its delivery id, with the report beside it', async () => {
    const deliveryId = DELIVERY_ID;
    expect(result.rejected.map((r) => [r.file, r.deliveryId])).toEqual([
      ['persons.csv', deliveryId],
      // pers02 is no longer in persons.csv, so its benefit weeks name an unknown person.
      ['benefit_weeks.csv', deliveryId],
    ]);
    expect((await store.get(keys.quarantine(deliveryId, 'persons.csv'))).equals(persons)).toBe(true);
    const report = validationReportSchema.parse(JSON.parse((await store.get(keys.quarantine(deliveryId, 'persons.csv.errors.json'))).toString('utf8')));
    expect(report).toEqual(result.rejected[0]);
    expect(report.problems.map((p) => `${p.line}:${p.columnNumber ?? '-'}:${p.rule}`)).toEqual(['0:-:cpr_file', '3:1:cpr']);
  });

  it('keeps every delivered file in incoming/ and never writes the CPR number anywhere', async () => {
    for (const [name, body] of Object.entries({ ...DELIVERY, 'persons.csv': persons })) {
      expect((await store.get(keys.delivery(DELIVERY_ID, name))).equals(body)).toBe(true);
    }
    for (const { key } of await store.list('quarantine/')) {
      if (key.endsWith('.errors.json')) expect((await store.get(key)).toString('utf8')).not.toMatch(/0702851237|070285|1237/);
    }
    expect(JSON.stringify(result)).not.toMatch(/070285|1237/);
  });
});

describe('duplicate weeks, checked on the staged Parquet', () => {
  const withDuplicate = Buffer.from(
    'person_id,week,status,visitation\npers01,2015-W53,integrationsydelse,jobparat\npers01,2016-W01,integrationsydelse,\npers02,2016-W01,beskaeftiget,\npers01,2015-W53,igu,\n',
  );
  const problems = (result: IngestResult, file: string) =>
    rejected(result)
      .rejected.find((r) => r.file === file)!
      .problems.map((p) => `${p.line}:${p.columnNumber ?? '-'}:${p.rule}:${p.message}`);

  it('rejects an otherwise valid file with a repeated (person_id, week), naming both lines', async () => {
    const store = await deliver({ ...DELIVERY, 'benefit_weeks.csv': withDuplicate });
    const { result } = await run(store);
    expect(rejected(result).rejected.map((r) => r.file)).toEqual(['benefit_weeks.csv']);
    expect(problems(result, 'benefit_weeks.csv')).toEqual(['5:1:duplicate_row:Samme person_id og week som linje 2']);
    expect(await store.list('curated/')).toEqual([]);
  });

  it('reports the duplicate beside other problems, and when an earlier file was rejected', async () => {
    const alsoBadStatus = Buffer.concat([withDuplicate, Buffer.from('pers02,2016-W02,kontant,\n')]);
    const first = await run(await deliver({ ...DELIVERY, 'benefit_weeks.csv': alsoBadStatus }));
    expect(problems(first.result, 'benefit_weeks.csv')).toEqual(['5:1:duplicate_row:Samme person_id og week som linje 2', '6:3:enum:Ugyldig værdi »kontant«']);
    const badPersons = Buffer.concat([DELIVERY['persons.csv']!, Buffer.from('pers04,X,1980,,\n')]);
    const second = await run(await deliver({ ...DELIVERY, 'persons.csv': badPersons, 'benefit_weeks.csv': withDuplicate }));
    expect(problems(second.result, 'benefit_weeks.csv')).toEqual(['5:1:duplicate_row:Samme person_id og week som linje 2']);
  });
});

describe('row order', () => {
  it('keeps the delivered row order in Parquet across DuckDB threads and row groups, byte for byte on a rerun', async () => {
    const personCount = 1500;
    const weekCount = 200;
    const ids = Array.from({ length: personCount }, (_, i) => `p${String((i * 7919) % personCount).padStart(6, '0')}`);
    const persons = ['person_id,sex,birth_year,integration_group,arrival_date', ...ids.map((id) => `${id},K,1980,,`)].join('\n');
    const weeks = Array.from({ length: weekCount }, (_, w) => ({ label: weekLabel(2014, w), index: weekOfMonday(2013, 12, 30) + w }));
    const lines: string[] = ['week,status,person_id,visitation'];
    for (const w of weeks) for (const id of ids) lines.push(`${w.label},igu,${id},`);
    const files = {
      ...DELIVERY,
      'persons.csv': Buffer.from(`${persons}\n`),
      'benefit_weeks.csv': Buffer.from(`${lines.join('\n')}\n`),
      'offers.csv': Buffer.from(`person_id,offer_type,start_date,end_date\n${ids[0]},mentor,2014-01-06,\n`),
    };
    const store = await deliver(files);
    const result = accepted((await run(store)).result);
    const other = await deliver(files);
    expect(accepted((await run(other)).result).snapshot).toBe(result.snapshot);
    const key = keys.curated('benefit_weeks', result.snapshot);
    expect((await other.get(key)).equals(await store.get(key))).toBe(true);
    const { rows } = await parquet(store, 'benefit_weeks', result.snapshot);
    expect(rows).toHaveLength(personCount * weekCount);
    let mismatches = 0;
    rows.forEach((r, i) => {
      const w = weeks[Math.floor(i / personCount)]!;
      if (r.person_id !== ids[i % personCount] || r.week !== w.index) mismatches++;
    });
    expect(mismatches).toBe(0);
  });
});

/** ISO week label `w` weeks after 2014-W01 (2014, 2015 (53 weeks), 2016, 2017). */
function weekLabel(firstYear: number, offset: number): string {
  const lengths: Record<number, number> = { 2014: 52, 2015: 53, 2016: 52, 2017: 52, 2018: 52 };
  let year = firstYear;
  let w = offset;
  while (w >= lengths[year]!) w -= lengths[year++]!;
  return `${year}-W${String(w + 1).padStart(2, '0')}`;
}
