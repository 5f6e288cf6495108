import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readCsvFile, type CsvFile } from '../contract/csvFile.ts';
import { echoFileName } from '../contract/echo.ts';
import { CONTRACT_VERSION, EXTRACT_LIST, extractForFile, type ExtractSpec } from '../contract/extracts.ts';
import type { ValidationReport } from '../contract/problems.ts';
import {
  EngineReadError,
  forgetLines,
  loadLines,
  prepareValidation,
  reportDuplicates,
  unreadableReport,
  validateExtract,
  type ValidatedExtract,
} from '../contract/validate.ts';
import { toProblem } from '../contract/validateMessages.ts';
import { weekKey } from '../contract/validateRules.ts';
import { CURATED_TABLES, type CuratedTable } from '../engine/curatedSchema.ts';
import { sqlString } from '../engine/duckdbEngine.ts';
import type { Log } from '../log.ts';
import { LocalStore } from '../store/localStore.ts';
import { keys, type Store } from '../store/store.ts';
import { compareWithManifest, MANIFEST_FILE, type DeliveryProblem, type ManifestFile } from '../deliveries/manifest.ts';
import { digestFile, type FileDigest } from '../deliveries/digest.ts';
import { codeVersion } from '../version.ts';
import { benefitWeekRange, calendarSql, curatedSql, dataIsoYears, emptySql, hasDuplicateWeeks, writeParquet } from './curate.ts';
import { readSnapshotManifest, snapshotId, type SnapshotManifest } from './snapshot.ts';
import { LOOKUP_SQL, spellsFromWeeksSql } from './derived.ts';

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
}

/**
 * The ingest stage for one delivery: check that its files are exactly the manifest's (else
 * the delivery is incomplete and nothing is read), validate every extract, quarantine
 * rejected files with their error report, and, when the whole delivery is accepted, write the
 * curated snapshot. A delivery is accepted whole or not at all; nothing is ever deleted. The
 * same files again reuse their snapshot: ingest is idempotent.
 *
 * While every file so far is accepted, each one's curated Parquet is written to the work
 * folder right after validation: the (person, week) duplicate rule is checked on it, where
 * weeks are integers, and it is copied to its snapshot key once the whole delivery passes.
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
    const digests = new Map<string, FileDigest>();
    for (const [name, path] of delivered) digests.set(name, await digestFile(path));
    const problems = compareWithManifest(options.expected, digests);
    if (problems.length > 0) return { status: 'incomplete', problems, warnings };

    for (const name of delivered.keys()) {
      if (!extractForFile(name)) warn(`${echoFileName(name)} er ikke et udtræk i kontrakten og er ikke læst (udtrækkene hedder ${EXTRACT_LIST.map((s) => s.file).join(', ')}).`);
    }
    const extracts = options.expected.filter((f) => extractForFile(f.name));
    const snapshot = snapshotId(extracts.map((f) => ({ file: f.name, sha256: f.sha256 })));
    const existing = await readSnapshotManifest(store, snapshot);
    if (existing && existing.codeVersion === codeVersion()) {
      log.info(`Leveringen ${deliveryId} har samme filer som snapshot ${snapshot}; det genbruges.`, { snapshot, deliveryId });
      return { status: 'accepted', snapshot, reused: true, firstWeek: existing.firstWeek, lastWeek: existing.lastWeek, warnings: [...existing.warnings, ...warnings] };
    }
    return await validateAndCurate(store, { ...options, now, work, delivered, snapshot, warn, warnings });
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
  context: IngestOptions & {
    now: Date;
    work: string;
    delivered: Map<string, string>;
    snapshot: string;
    warn: (message: string) => void;
    warnings: string[];
  },
): Promise<IngestResult> {
  const { log, deliveryId, work, snapshot, warn, warnings, now } = context;
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`SET temp_directory = ${sqlString(join(work, 'duckdb'))}`);
    await prepareValidation(db);
    const accepted: ValidatedExtract[] = [];
    const rejected: ValidationReport[] = [];
    const staged = new Map<CuratedTable, { path: string; rows: number }>();
    let persons: ValidatedExtract | undefined;
    let weeks: { first: number | null; last: number | null } = { first: null, last: null };

    for (const spec of EXTRACT_LIST) {
      const path = context.delivered.get(spec.file);
      if (!path) {
        if (spec.requirement === 'required') rejected.push(missingReport(spec));
        else if (spec.requirement === 'companyKpis') warn(`${spec.file} er ikke leveret: virksomheds-KPI'erne bliver tomme.`);
        else log.info(`${spec.file} er ikke leveret (valgfri).`);
        continue;
      }
      let validated = await validateFile(db, path, spec, work, { deliveryId, persons, now });
      validated.csv.warnings.forEach(warn);
      if (spec.name === 'persons') persons = validated;
      if (validated.report.totalProblems === 0 && rejected.length === 0) {
        if (spec.name === 'benefit_weeks') weeks = await benefitWeekRange(db, validated);
        const stagedPath = join(work, 'staged', `${spec.name}.parquet`);
        const rows = await writeParquet(db, await curatedSql(db, validated, weeks.last), stagedPath);
        staged.set(spec.name, { path: stagedPath, rows });
        const key = weekKey(spec);
        if (validated.duplicatesDeferred && key && !(await hasDuplicateWeeks(db, stagedPath, key.owner, key.week))) {
          validated = { ...validated, duplicatesDeferred: false };
        }
      }
      if (validated.duplicatesDeferred) {
        const deferred = validated;
        validated = await engineSafe(spec, deferred.csv, deliveryId, now, () => reportDuplicates(db, deferred));
      }

      const { report } = validated;
      log.info(`${spec.file}: ${validated.dataLines} linjer, ${report.totalProblems} problem(er)`, { file: spec.file, problems: report.totalProblems });
      if (report.totalProblems === 0) {
        if (validated.dataLines === 0) warn(`${spec.file} har ingen rækker.`);
        accepted.push(validated);
      } else {
        rejected.push(report);
        await quarantine(store, keys.delivery(deliveryId, spec.file), report);
        log.warn(`${spec.file} er afvist og lagt i ${keys.quarantine(report.deliveryId, '')}`, { file: spec.file, deliveryId: report.deliveryId });
      }
    }

    if (rejected.length > 0) return { status: 'rejected', rejected, warnings };
    const tables = await writeSnapshot(db, store, snapshot, { accepted, staged, work });
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
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

async function validateFile(
  db: DuckDBConnection,
  path: string,
  spec: ExtractSpec,
  work: string,
  context: { deliveryId: string; persons: ValidatedExtract | undefined; now: Date },
): Promise<ValidatedExtract> {
  // DuckDB reads the lines while JavaScript hashes and scans the file. DuckDB refuses a file
  // that is not UTF-8 (and its error is never shown: it can quote the data); it then reads the
  // copy readCsvFile writes for other encodings and lone CR line ends. A file the scan rejects
  // (a line or column limit, a NUL byte, a broken encoding) is not read again.
  const linesRead = loadLines(db, spec, path).then(
    () => true,
    () => false,
  );
  const csv = await readCsvFile(path, spec.file, work);
  const loaded = await linesRead;
  const options = { deliveryId: context.deliveryId, persons: context.persons, now: context.now, deferWeekDuplicates: true, linesLoaded: true };
  if (csv.totalProblems > 0) {
    await forgetLines(db, spec);
    return validateExtract(db, spec, csv, options);
  }
  return engineSafe(spec, csv, context.deliveryId, context.now, async () => {
    if (!loaded || csv.path !== path) await loadLines(db, spec, csv.path);
    return validateExtract(db, spec, csv, options);
  });
}

/** An engine error on a delivered file is a rejection of that file (its text never shown), not a crash. */
async function engineSafe(spec: ExtractSpec, csv: CsvFile, deliveryId: string, now: Date, work: () => Promise<ValidatedExtract>): Promise<ValidatedExtract> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EngineReadError) return unreadableReport(spec, csv, deliveryId, now);
    throw error;
  }
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

/** Staged extracts, empty tables for absent ones, and the calendar, under the snapshot's keys. */
async function writeSnapshot(
  db: DuckDBConnection,
  store: Store,
  snapshot: string,
  { accepted, staged, work }: { accepted: readonly ValidatedExtract[]; staged: Map<CuratedTable, { path: string; rows: number }>; work: string },
): Promise<SnapshotManifest['tables']> {
  const years = await dataIsoYears(db, accepted);
  const tables: SnapshotManifest['tables'] = {};
  for (const table of CURATED_TABLES) {
    let file = staged.get(table);
    if (!file) {
      const path = join(work, 'staged', `${table}.parquet`);
      const weeks = staged.get('benefit_weeks');
      const select =
        table === 'calendar' && years
          ? calendarSql(years[0], years[1])
          : table === 'benefit_spells' && weeks
            ? spellsFromWeeksSql(`read_parquet(${sqlString(weeks.path)}, hive_partitioning = false)`)
            : (LOOKUP_SQL[table]?.() ?? emptySql(table));
      file = { path, rows: await writeParquet(db, select, path) };
    }
    const key = keys.curated(table, snapshot);
    await store.putFile(key, file.path, 'application/vnd.apache.parquet');
    tables[table] = { key, rows: file.rows };
  }
  return tables;
}
