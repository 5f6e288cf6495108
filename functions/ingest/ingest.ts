import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readCsvFile, type CsvFile } from '../contract/csvFile.ts';
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
import { keys, type Store, type StoredObject } from '../store/store.ts';
import { calendarSql, curatedSql, dataIsoYears, emptySql, hasDuplicateWeeks, lastBenefitWeek, writeParquet } from './curate.ts';
import { deliveryId, snapshotId, type SnapshotManifest } from './snapshot.ts';

export interface IngestResult {
  ok: boolean;
  snapshot?: string;
  /** Latest modification time of the incoming files (0 when there are none). */
  deliveredAtMs: number;
  rejected: ValidationReport[];
  warnings: string[];
}

export interface IngestOptions {
  log: Log;
  /** Scratch folder for staged and decoded files and DuckDB spill; a temporary one by default. */
  workDir?: string;
  /** Reference time for "current year" rules; now by default. */
  now?: Date;
}

const INCOMING_CSV = /^incoming\/[^/]+\.csv$/i;

/**
 * The ingest stage: validate every delivered extract, quarantine rejected files with their
 * error report, and, when the whole delivery is accepted, publish the curated snapshot. A
 * delivery is accepted whole or not at all; nothing is ever deleted.
 *
 * While every file so far is accepted, each one's curated Parquet is written to the work
 * folder right after validation: the (person, week) duplicate rule is checked on it, where
 * weeks are integers, and it is copied to its snapshot key once the whole delivery passes.
 */
export async function ingest(store: Store, options: IngestOptions): Promise<IngestResult> {
  const { log } = options;
  const now = options.now ?? new Date();
  const incoming = (await store.list('incoming/')).filter((o) => INCOMING_CSV.test(o.key));
  const deliveredAtMs = incoming.reduce((max, o) => Math.max(max, o.modifiedMs), 0);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log.warn(message);
  };
  for (const o of incoming) {
    const file = o.key.slice('incoming/'.length);
    if (!extractForFile(file)) warn(`${file} er ikke et udtræk i kontrakten og er ikke læst (udtrækkene hedder ${EXTRACT_LIST.map((s) => s.file).join(', ')}).`);
  }

  await mkdir(options.workDir ?? tmpdir(), { recursive: true });
  const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'pejlemaerke-ingest-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`SET temp_directory = ${sqlString(join(work, 'duckdb'))}`);
    await prepareValidation(db);
    const accepted: ValidatedExtract[] = [];
    const rejected: ValidationReport[] = [];
    const staged = new Map<CuratedTable, { path: string; rows: number }>();
    let persons: ValidatedExtract | undefined;
    let lastWeek: number | null = null;

    for (const spec of EXTRACT_LIST) {
      const object = incoming.find((o) => o.key === keys.incoming(spec.file));
      if (!object) {
        if (spec.requirement === 'required') rejected.push(missingReport(spec));
        else if (spec.requirement === 'companyKpis') warn(`${spec.file} er ikke leveret: virksomheds-KPI'erne bliver tomme.`);
        else log.info(`${spec.file} er ikke leveret (valgfri).`);
        continue;
      }
      let validated = await validateFile(db, store, object, spec, work, { persons, now });
      validated.csv.warnings.forEach(warn);
      if (spec.name === 'persons') persons = validated;
      if (validated.report.totalProblems === 0 && rejected.length === 0) {
        if (spec.name === 'benefit_weeks') lastWeek = await lastBenefitWeek(db, validated);
        const path = join(work, 'staged', `${spec.name}.parquet`);
        const rows = await writeParquet(db, await curatedSql(db, validated, lastWeek), path);
        staged.set(spec.name, { path, rows });
        const key = weekKey(spec);
        if (validated.duplicatesDeferred && key && !(await hasDuplicateWeeks(db, path, key.owner, key.week))) {
          validated = { ...validated, duplicatesDeferred: false };
        }
      }
      if (validated.duplicatesDeferred) {
        const deferred = validated;
        validated = await engineSafe(spec, deferred.csv, now, () => reportDuplicates(db, deferred));
      }

      const { report } = validated;
      log.info(`${spec.file}: ${validated.dataLines} linjer, ${report.totalProblems} problem(er)`, { file: spec.file, problems: report.totalProblems });
      if (report.totalProblems === 0) {
        if (validated.dataLines === 0) warn(`${spec.file} har ingen rækker.`);
        accepted.push(validated);
      } else {
        rejected.push(report);
        await quarantine(store, object.key, report);
        log.warn(`${spec.file} er afvist og lagt i ${keys.quarantine(report.deliveryId, '')}`, { file: spec.file, deliveryId: report.deliveryId });
      }
    }

    if (rejected.length > 0) return { ok: false, deliveredAtMs, rejected, warnings };
    const snapshot = snapshotId(accepted.map((v) => ({ file: v.spec.file, sha256: v.csv.sha256 })));
    const tables = await writeSnapshot(db, store, snapshot, { accepted, staged, work });
    const manifest: SnapshotManifest = {
      snapshot,
      contractVersion: CONTRACT_VERSION,
      deliveredAt: new Date(deliveredAtMs).toISOString(),
      deliveredAtMs,
      files: accepted.map((v) => ({ file: v.spec.file, sha256: v.csv.sha256, bytes: v.csv.bytes, encoding: v.csv.encoding, delimiter: v.csv.delimiter })),
      tables,
      warnings,
    };
    await store.put(keys.snapshotManifest(snapshot), `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
    log.info(`Snapshot ${snapshot} er skrevet`, { snapshot });
    return { ok: true, snapshot, deliveredAtMs, rejected: [], warnings };
  } finally {
    db.closeSync();
    instance.closeSync();
    await rm(work, { recursive: true, force: true });
  }
}

async function validateFile(
  db: DuckDBConnection,
  store: Store,
  object: StoredObject,
  spec: ExtractSpec,
  work: string,
  context: { persons: ValidatedExtract | undefined; now: Date },
): Promise<ValidatedExtract> {
  let path: string;
  if (store instanceof LocalStore) path = store.pathOf(object.key);
  else {
    path = join(work, 'incoming', spec.file);
    await store.getFile(object.key, path);
  }
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
  const options = { deliveryId: deliveryId(csv.sha256), persons: context.persons, now: context.now, deferWeekDuplicates: true, linesLoaded: true };
  if (csv.totalProblems > 0) {
    await forgetLines(db, spec);
    return validateExtract(db, spec, csv, options);
  }
  return engineSafe(spec, csv, context.now, async () => {
    if (!loaded || csv.path !== path) await loadLines(db, spec, csv.path);
    return validateExtract(db, spec, csv, options);
  });
}

/** An engine error on a delivered file is a rejection of that file (its text never shown), not a crash. */
async function engineSafe(spec: ExtractSpec, csv: CsvFile, now: Date, work: () => Promise<ValidatedExtract>): Promise<ValidatedExtract> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EngineReadError) return unreadableReport(spec, csv, deliveryId(csv.sha256), now);
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
      const select = table === 'calendar' && years ? calendarSql(years[0], years[1]) : emptySql(table);
      file = { path, rows: await writeParquet(db, select, path) };
    }
    const key = keys.curated(table, snapshot);
    await store.putFile(key, file.path, 'application/vnd.apache.parquet');
    tables[table] = { key, rows: file.rows };
  }
  return tables;
}
