import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { echoFileName } from '../contract/echo.ts';
import { CONTRACT_VERSION, EXTRACT_LIST, extractForFile, type ExtractSpec } from '../contract/extracts.ts';
import type { ValidationReport } from '../contract/problems.ts';
import type { ValidatedExtract } from '../contract/validate.ts';
import { toProblem } from '../contract/validateMessages.ts';
import { CURATED_TABLES, type CuratedTable } from '../engine/curatedSchema.ts';
import { sqlString } from '../engine/sql.ts';
import { engineResources, formatSize } from '../engine/resources.ts';
import type { Log } from '../log.ts';
import { LocalStore } from '../store/localStore.ts';
import { keys, type Store } from '../store/store.ts';
import { compareWithManifest, MANIFEST_FILE, type DeliveryProblem, type ManifestFile } from '../deliveries/manifest.ts';
import { digestFile, type FileDigest } from '../deliveries/digest.ts';
import { weekInfo } from '../calendar/isoWeek.ts';
import { codeVersion } from '../version.ts';
import { calendarSql, emptySql, writeParquet } from './curate.ts';
import { Curation, weekRangeOf, type CurationOptions, type Staged } from './curation.ts';
import { LOOKUP_SQL } from './derived.ts';
import { readSnapshotManifest, snapshotId, type SnapshotManifest } from '../engine/snapshot.ts';

export type IngestResult =
  | {
      status: 'accepted';
      snapshot: string;
      /** The snapshot already existed (the same files were delivered before): nothing was read again. */
      reused: boolean;
      /** First and last week index in benefit_weeks: which quarters the data can report. */
      firstWeek: number | null;
      lastWeek: number | null;
      warnings: string[];
    }
  | { status: 'rejected'; rejected: ValidationReport[]; warnings: string[] }
  | { status: 'incomplete'; problems: DeliveryProblem[]; warnings: string[] };

export interface IngestOptions {
  /** The delivery to read: `incoming/<deliveryId>/`. */
  deliveryId: string;
  /** What the delivery consists of: its manifest's files (name, SHA-256, data rows). */
  expected: readonly ManifestFile[];
  log: Log;
  /** Scratch folder for staged and decoded files and DuckDB spill; a temporary one by default. */
  workDir?: string;
  /** Reference time for "current year" rules; now by default. */
  now?: Date;
  /** The process's memory bound in bytes; by default engine/resources.ts decides (1.5 GiB, the env, Lambda). */
  memoryBound?: number;
  /** Tests: cut files into parts of this many bytes, or validate every file line by line. */
  curation?: CurationOptions;
}

/**
 * The ingest stage for one delivery: check that its files are exactly the manifest's (else
 * the delivery is incomplete and nothing is curated), validate every extract, quarantine
 * rejected files with their error report, and, when the whole delivery is accepted, write the
 * curated snapshot. A delivery is accepted whole or not at all; nothing is ever deleted. The
 * same files again reuse their snapshot: ingest is idempotent.
 *
 * Each file is read once (ingest/curation.ts): the pass that hashes it and counts its rows for
 * the manifest check also scans it and feeds DuckDB, which converts and validates it in the same
 * read. Until every file has matched its manifest entry nothing leaves the work folder; a file
 * that does not match stops the conversions, and the rest are only hashed.
 */
export async function ingest(store: Store, options: IngestOptions): Promise<IngestResult> {
  const { log, deliveryId } = options;
  const now = options.now ?? new Date();
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log.warn(message);
  };

  await mkdir(options.workDir ?? tmpdir(), { recursive: true });
  const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'pejlemaerke-ingest-'));
  try {
    const delivered = await localCopies(store, deliveryId, work);
    const listed = new Map(options.expected.map((f) => [f.name, f]));
    const extracts = options.expected.filter((f) => extractForFile(f.name));
    // If the files match the manifest, their hashes are the manifest's: the snapshot is known now.
    const snapshot = snapshotId(extracts.map((f) => ({ file: f.name, sha256: f.sha256 })));
    const existing = await readSnapshotManifest(store, snapshot);
    const reuse = existing !== undefined && existing.codeVersion === codeVersion();
    const namesMatch = delivered.size === listed.size && [...delivered.keys()].every((name) => listed.has(name));

    const resources = engineResources({ workDir: work, ...(options.memoryBound !== undefined ? { boundBytes: options.memoryBound } : {}) });
    const curation = !reuse && namesMatch ? await Curation.open(resources, work, log, options.curation) : undefined;
    if (curation)
      log.info(`DuckDB: ${formatSize(resources.memoryLimitBytes)} af ${formatSize(resources.boundBytes)}, ${resources.threads} tråde`, { ...resources });
    try {
      const digests = new Map<string, Pick<FileDigest, 'sha256' | 'rows'>>();
      let matching = namesMatch;
      const order = [
        ...EXTRACT_LIST.map((spec) => spec.file).filter((file) => delivered.has(file)),
        ...[...delivered.keys()].filter((name) => !extractForFile(name)).sort(),
      ];
      for (const name of order) {
        const path = delivered.get(name)!;
        const spec = extractForFile(name);
        let digest: Pick<FileDigest, 'sha256' | 'rows'>;
        if (curation && matching && spec) {
          const csv = await curation.read(spec, path, { deliveryId, now });
          digest = { sha256: csv.sha256, rows: csv.manifestRows };
        } else digest = await digestFile(path);
        digests.set(name, digest);
        const entry = listed.get(name);
        if (!entry || entry.sha256 !== digest.sha256 || entry.rows !== digest.rows) {
          // Not the delivery the manifest describes: nothing more is converted.
          matching = false;
          curation?.cancel();
        }
      }
      const problems = compareWithManifest(options.expected, digests);
      if (problems.length > 0) return { status: 'incomplete', problems, warnings };

      for (const name of delivered.keys()) {
        if (!extractForFile(name))
          warn(`${echoFileName(name)} er ikke et udtræk i kontrakten og er ikke læst (udtrækkene hedder ${EXTRACT_LIST.map((s) => s.file).join(', ')}).`);
      }
      if (reuse) {
        log.info(`Leveringen ${deliveryId} har samme filer som snapshot ${snapshot}; det genbruges.`, { snapshot, deliveryId });
        return {
          status: 'accepted',
          snapshot,
          reused: true,
          firstWeek: existing.firstWeek,
          lastWeek: existing.lastWeek,
          warnings: [...existing.warnings, ...warnings],
        };
      }
      return await validateAndCurate(store, curation!, { ...options, now, work, delivered, snapshot, warn, warnings });
    } finally {
      await curation?.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The delivery's files as local paths: in place for a folder store, downloaded otherwise. */
async function localCopies(store: Store, deliveryId: string, work: string): Promise<Map<string, string>> {
  const prefix = keys.deliveryPrefix(deliveryId);
  const files = new Map<string, string>();
  for (const object of await store.list(prefix)) {
    const name = object.key.slice(prefix.length);
    if (name === MANIFEST_FILE) continue;
    if (store instanceof LocalStore) files.set(name, store.pathOf(object.key));
    else {
      // A name with a folder in it is an extra file the manifest cannot list: keep it flat here.
      const path = join(work, 'incoming', name.replaceAll('/', '_'));
      await store.getFile(object.key, path);
      files.set(name, path);
    }
  }
  return files;
}

async function validateAndCurate(
  store: Store,
  curation: Curation,
  context: IngestOptions & {
    now: Date;
    work: string;
    delivered: Map<string, string>;
    snapshot: string;
    warn: (message: string) => void;
    warnings: string[];
  },
): Promise<IngestResult> {
  const { log, deliveryId, work, snapshot, warn, warnings } = context;
  const settled = await curation.settleAll();
  const accepted: ValidatedExtract[] = [];
  const rejected: ValidationReport[] = [];
  const staged = new Map<CuratedTable, Staged>();

  for (const spec of EXTRACT_LIST) {
    const result = settled.get(spec.name);
    if (!result) {
      if (spec.requirement === 'required') rejected.push(missingReport(spec));
      else if (spec.requirement === 'companyKpis') warn(`${spec.file} er ikke leveret: virksomheds-KPI'erne bliver tomme.`);
      else log.info(`${spec.file} er ikke leveret (valgfri).`);
      continue;
    }
    const { validated } = result;
    validated.csv.warnings.forEach(warn);
    const { report } = validated;
    log.info(
      `${spec.file}: ${validated.dataLines} linjer, ${report.totalProblems} problem(er) (${result.path === 'fast' ? 'læst i ét gennemløb' : 'kontrolleret linje for linje'})`,
      {
        file: spec.file,
        problems: report.totalProblems,
        path: result.path,
      },
    );
    if (report.totalProblems === 0) {
      if (validated.dataLines === 0) warn(`${spec.file} har ingen rækker.`);
      accepted.push(validated);
      if (result.staged) staged.set(spec.name, result.staged);
    } else rejected.push(report);
  }

  if (rejected.length > 0) {
    // Only now, with every file matching its manifest entry, does anything leave the work folder.
    for (const report of rejected) {
      if (!report.deliveryId) continue;
      await quarantine(store, keys.delivery(deliveryId, report.file), report);
      log.warn(`${report.file} er afvist og lagt i ${keys.quarantine(report.deliveryId, '')}`, { file: report.file, deliveryId: report.deliveryId });
    }
    return { status: 'rejected', rejected, warnings };
  }
  for (const [table, derived] of curation.derived) staged.set(table, derived);
  const weeks = await curation.run((db) => weekRangeOf(db, staged.get('benefit_weeks')?.files ?? []));
  const tables = await writeSnapshot(curation, store, snapshot, { staged, work, weeks });
  const manifest: SnapshotManifest = {
    snapshot,
    contractVersion: CONTRACT_VERSION,
    deliveryId,
    codeVersion: codeVersion(),
    firstWeek: weeks.first,
    lastWeek: weeks.last,
    files: accepted.map((v) => ({ file: v.spec.file, sha256: v.csv.sha256, bytes: v.csv.bytes, encoding: v.csv.encoding, delimiter: v.csv.delimiter })),
    tables,
    warnings,
  };
  // Written last: its presence means the snapshot is complete.
  await store.put(keys.snapshotManifest(snapshot), `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
  log.info(`Snapshot ${snapshot} er skrevet`, { snapshot });
  return { status: 'accepted', snapshot, reused: false, firstWeek: weeks.first, lastWeek: weeks.last, warnings };
}

/** The delivered file, byte for byte, and its error report beside it; incoming/ keeps its copy. */
async function quarantine(store: Store, incomingKey: string, report: ValidationReport): Promise<void> {
  await store.copy(incomingKey, keys.quarantine(report.deliveryId, report.file));
  await store.put(keys.quarantine(report.deliveryId, `${report.file}.errors.json`), `${JSON.stringify(report, null, 2)}\n`, 'application/json');
}

/** A required extract that was not delivered; nothing to quarantine, so no delivery id. */
function missingReport(spec: ExtractSpec): ValidationReport {
  const problem = toProblem({ line: 0, rule: 'missing_file' }, { spec, headerLength: 0, now: new Date() });
  return { file: spec.file, deliveryId: '', totalProblems: 1, problems: [problem] };
}

const parquetList = (files: readonly string[]) => `read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false)`;

/** ISO years of the earliest and latest week any curated extract mentions (dates by their week). */
async function dataIsoYears(
  db: DuckDBConnection,
  staged: ReadonlyMap<CuratedTable, Staged>,
  weeks: { first: number | null; last: number | null },
): Promise<[number, number] | undefined> {
  const ranges: Partial<Record<CuratedTable, string[]>> = {
    persons: ['arrival_week'],
    offers: ['start_week', 'week_of_date(end_date)'],
    company_contacts: ['week_of_date(contact_date)'],
  };
  const parts: string[] = weeks.first === null ? [] : [`SELECT ${weeks.first} AS lo, ${weeks.last} AS hi`];
  for (const [table, expressions] of Object.entries(ranges) as [CuratedTable, string[]][]) {
    const files = staged.get(table)?.files;
    if (!files || files.length === 0) continue;
    for (const e of expressions) parts.push(`SELECT min(${e}) AS lo, max(${e}) AS hi FROM ${parquetList(files)}`);
  }
  if (parts.length === 0) return undefined;
  const [row] = (await db.runAndReadAll(`SELECT min(lo) AS lo, max(hi) AS hi FROM (${parts.join(' UNION ALL ')})`)).getRowObjectsJS();
  if (row?.lo === null || row?.lo === undefined || row.hi === null || row.hi === undefined) return undefined;
  return [weekInfo(Number(row.lo)).isoYear, weekInfo(Number(row.hi)).isoYear];
}

/**
 * The keys of a table's files in a snapshot: the first is `<table>.parquet` (as a table of one
 * file has always been written), the others `<table>-00001.parquet`, … in row order.
 */
export function curatedKeys(table: CuratedTable, snapshot: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? keys.curated(table, snapshot) : keys.curatedPart(table, snapshot, i)));
}

/** Staged tables, derived tables, empty tables for absent extracts and the calendar, under the snapshot's keys. */
async function writeSnapshot(
  curation: Curation,
  store: Store,
  snapshot: string,
  { staged, work, weeks }: { staged: Map<CuratedTable, Staged>; work: string; weeks: { first: number | null; last: number | null } },
): Promise<SnapshotManifest['tables']> {
  const years = await curation.run((db) => dataIsoYears(db, staged, weeks));
  // The small tables are written side by side, then every table's files are stored.
  const files = await Promise.all(
    CURATED_TABLES.map(async (table): Promise<Staged> => {
      const file = staged.get(table);
      if (file) return file;
      const path = join(work, 'staged', `${table}.parquet`);
      const select = table === 'calendar' && years ? calendarSql(years[0], years[1]) : (LOOKUP_SQL[table]?.() ?? emptySql(table));
      return { files: [path], rows: await curation.run((db) => writeParquet(db, select, path)) };
    }),
  );
  const tables: SnapshotManifest['tables'] = {};
  await Promise.all(
    CURATED_TABLES.map(async (table, t) => {
      const file = files[t]!;
      const tableKeys = curatedKeys(table, snapshot, file.files.length);
      // A snapshot folder holds exactly its files: Athena reads every file in it.
      const others = (await store.list(keys.curatedPrefix(table, snapshot))).map((o) => o.key).filter((key) => !tableKeys.includes(key));
      if (others.length > 0) {
        throw new Error(
          `${keys.curatedPrefix(table, snapshot)} indeholder filer fra en anden kuratering (${others.join(', ')}); flyt mappen væk, og kør igen.`,
        );
      }
      for (const [i, key] of tableKeys.entries()) await store.putFile(key, file.files[i]!, 'application/vnd.apache.parquet');
      tables[table] = { key: tableKeys[0]!, files: tableKeys, rows: file.rows };
    }),
  );
  // In schema order, as the record has always listed them.
  return Object.fromEntries(CURATED_TABLES.map((table) => [table, tables[table]!]));
}
