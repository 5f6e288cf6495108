import { mkdir, open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { looksLikeCpr } from '../contract/cpr.ts';
import { checkHeader, detectDelimiter, readCsvFile, trimBlanks, unquote, type CsvFile, type Delimiter } from '../contract/csvFile.ts';
import { MAX_LINE_BYTES } from '../contract/csvScan.ts';
import { EXTRACT_LIST, type ExtractName, type ExtractSpec } from '../contract/extracts.ts';
import { EngineReadError, personIdsOf, prepareValidation, unreadableReport, validateExtract, type ValidatedExtract } from '../contract/validate.ts';
import { weekKey } from '../contract/validateRules.ts';
import { sqlString } from '../engine/sql.ts';
import { applyResources, type EngineResources } from '../engine/resources.ts';
import type { Log } from '../log.ts';
import { curatedSql, hasDuplicateWeeks, writeParquet } from './curate.ts';
import { spellsFromWeeksSql } from './derived.ts';
import { fastPathTypesSql, idCheckSql, partSelect, uniqueKeySql, type FastPathFile } from './fastPath.ts';
import { JobQueue } from '../engine/jobQueue.ts';
import type { Part, PartWriter } from '../contract/parts.ts';
import { partSpells, stitchSpells, type PartSpells } from './spells.ts';
import { timed } from '../timing.ts';

/**
 * One delivery's extracts from delivered CSV to staged curated Parquet, in bounded memory and
 * one read of each file (docs/architecture.md, "Ingest"):
 *
 * 1. `read`: one streaming pass per file (csvFile.ts) hashes it, counts its rows as the manifest
 *    does, scans it (limits, line ends, blank lines, spaces, quotes) and cuts its text into parts
 *    (parts.ts). As each part is complete, DuckDB converts it on one of `threads` connections,
 *    one thread each, checking every value on the way (fastPath.ts).
 * 2. `settle`, in contract order: a file whose pass and conversion found nothing, whose row count
 *    is the scan's, and whose ids, unique keys and persons check out on the Parquet, is accepted as
 *    converted. Any other file goes to the line-exact path (contract/validate.ts), which names
 *    every problem by line and column, and curates the file when it finds none.
 *
 * DuckDB gets the pipeline's memory limit, spills to the work folder, and runs each statement on
 * one thread: the same delivery gives the same Parquet bytes on any machine.
 */

/** Knobs for tests: smaller parts (to cut small files), or no fast path at all (to compare with it). */
export interface CurationOptions {
  partBytes?: number;
  lineExactOnly?: boolean;
}

export interface Staged {
  /** Curated Parquet files of the table, in row order (one per part). */
  files: string[];
  rows: number;
}

export interface Settled {
  validated: ValidatedExtract;
  /** The curated table, when the file was accepted. */
  staged?: Staged;
  /** How the file was validated: converted in one pass, or line by line. */
  path: 'fast' | 'line-exact';
}

interface FastState {
  file: Omit<FastPathFile, 'lastBenefitWeek' | 'now'>;
  failed: boolean;
  /** Parts the file was cut into (known once it is read). */
  parts?: number;
  copies: Promise<void>[];
  /** Rows and staged file per part index. */
  outputs: { rows: number; path: string }[];
  /** benefit_weeks: each part's spells, written with the part. */
  spells: PartSpells[];
  /** benefit_weeks: each part's last week (from the Parquet's statistics). */
  lastWeeks: (number | null)[];
}

interface FileRead {
  spec: ExtractSpec;
  path: string;
  csv: CsvFile;
  fast?: FastState;
}

/** The header of a file as its first line says, before the file is read: enough to start converting parts. */
export async function peekHeader(path: string): Promise<{ header: string[]; delimiter: Delimiter } | undefined> {
  const handle = await openFile(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_LINE_BYTES + 4);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    // UTF-16 and UTF-32 files start with a byte order mark; their header is read by the pass.
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return undefined;
    const end = bytes.findIndex((b) => b === 0x0a || b === 0x0d);
    if (end === -1 && bytesRead === buffer.length) return undefined;
    let line = bytes.subarray(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0, end === -1 ? bytes.length : end).toString('utf8');
    if (line.includes('\uFFFD')) return undefined;
    line = line.replace(/\r$/, '');
    const delimiter = detectDelimiter(line);
    return { header: line === '' ? [] : line.split(delimiter).map((cell) => unquote(trimBlanks(cell))), delimiter };
  } finally {
    await handle.close();
  }
}

export class Curation {
  private readonly reads = new Map<ExtractName, FileRead>();
  private readonly settled = new Map<ExtractName, Settled>();
  private benefitWeeks: { resolve: (last: number | null | undefined) => void; promise: Promise<number | null | undefined> };

  private constructor(
    private readonly instance: DuckDBInstance,
    /** Sequential work: post-checks, the line-exact path, the snapshot's small tables. */
    readonly main: DuckDBConnection,
    private readonly queue: JobQueue,
    private readonly pool: DuckDBConnection[],
    private readonly resources: EngineResources,
    private readonly work: string,
    private readonly log: Log,
    private readonly options: CurationOptions,
  ) {
    let resolve!: (last: number | null | undefined) => void;
    const promise = new Promise<number | null | undefined>((r) => (resolve = r));
    this.benefitWeeks = { resolve, promise };
  }

  static async open(resources: EngineResources, work: string, log: Log, options: CurationOptions = {}): Promise<Curation> {
    await mkdir(join(work, 'staged'), { recursive: true });
    await mkdir(resources.tempDirectory, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const main = await instance.connect();
    // One thread per statement: the Parquet bytes do not depend on scheduling. Parallelism comes
    // from running parts on `threads` connections at once.
    await applyResources(main, resources, { threads: 1 });
    await prepareValidation(main);
    await main.run(fastPathTypesSql(EXTRACT_LIST));
    const pool: DuckDBConnection[] = [];
    for (let i = 0; i < resources.threads; i++) pool.push(await instance.connect());
    return new Curation(instance, main, new JobQueue(pool), pool, resources, work, log, options);
  }

  /** Every conversion and query started in the background, so close() can wait for them. */
  private readonly pending: Promise<unknown>[] = [];
  private readonly states: FastState[] = [];

  /** Runs DuckDB work on a free connection (the snapshot's small tables are written side by side). */
  run<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.queue.run(work);
  }

  /** The delivery is not the one its manifest describes: conversions and checks not yet begun are skipped. */
  cancel(): void {
    this.cancelled = true;
    for (const state of this.states) state.failed = true;
    this.benefitWeeks.resolve(undefined);
  }

  private cancelled = false;
  /**
   * Each file is settled as soon as it has been read and converted, while later files are still
   * being read and converted: its checks run on a free connection, after persons (whose ids the
   * others are checked against). The line-exact path runs on the main connection, one file at a
   * time, in contract order.
   */
  private readonly settling = new Map<ExtractName, Promise<Settled | undefined>>();
  private lineExactTurn: Promise<unknown> = Promise.resolve();
  private settleError: unknown;

  async close(): Promise<void> {
    this.cancel();
    await Promise.allSettled(this.pending);
    for (const c of this.pool) c.closeSync();
    this.main.closeSync();
    this.instance.closeSync();
  }

  /** Reads one delivered extract once; its parts are converted while the rest is still being read. */
  async read(spec: ExtractSpec, path: string, context: { deliveryId: string; now: Date }): Promise<CsvFile> {
    const { now } = context;
    const peeked = await peekHeader(path);
    const header = peeked ? checkHeader(peeked.header, spec) : undefined;
    const eligible = !this.options.lineExactOnly && peeked && header && header.problems.length === 0 && !peeked.header.some(looksLikeCpr);
    const fast: FastState | undefined = eligible
      ? {
          file: { spec, delimiter: peeked.delimiter, columnIndex: header.columnIndex },
          failed: false,
          copies: [],
          outputs: [],
          spells: [],
          lastWeeks: [],
        }
      : undefined;
    if (fast) this.states.push(fast);
    // A running offer ends with the last week of benefit_weeks; without that file it ends nowhere.
    if (spec.name === 'offers' && !this.reads.has('benefit_weeks')) this.benefitWeeks.resolve(null);
    const convert = (part: Part, writer: PartWriter | undefined) => fast && this.convert(spec, fast, part, now, writer);
    const csv = await timed(`ingest.pass.${spec.name}`, () =>
      readCsvFile(path, spec.file, this.work, {
        parts: {
          onPart: (part, writer) => convert(part, writer),
          maxAhead: this.resources.threads + 1,
          ...(this.options.partBytes ? { partBytes: this.options.partBytes } : {}),
        },
      }),
    );
    const writer = csv.partWriter;
    if (fast) fast.parts = csv.parts?.length;
    if (fast) {
      const sameHeader = csv.header.join('\u0000') === [...peeked!.header].join('\u0000') && csv.delimiter === peeked!.delimiter;
      const usable = csv.parts && csv.totalProblems === 0 && csv.blankLines === 0 && sameHeader;
      if (!usable) fast.failed = true;
      // A file of one part is converted once read (the whole file is the part).
      const single = csv.parts?.length === 1 && !csv.parts[0]!.written ? csv.parts[0] : undefined;
      if (single && usable) convert(single, writer);
      if (!usable) for (const part of csv.parts ?? []) await writer?.release(part);
    } else {
      for (const part of csv.parts ?? []) await writer?.release(part);
    }
    const read: FileRead = { spec, path, csv, ...(fast ? { fast } : {}) };
    this.reads.set(spec.name, read);
    const persons = spec.name === 'persons' ? undefined : this.settling.get('persons');
    const settling = (async () => {
      if (spec.referencesPersons) await persons;
      if (this.cancelled || this.settleError !== undefined) return undefined;
      try {
        const settled = await this.settle(read, context);
        this.settled.set(spec.name, settled);
        return settled;
      } catch (error) {
        this.settleError ??= error;
        return undefined;
      }
    })();
    this.settling.set(spec.name, settling);
    this.pending.push(settling);
    if (spec.name === 'benefit_weeks') {
      // Offers' conversion waits for this: settle it as soon as the parts are converted.
      const copies = fast ? Promise.all(fast.copies) : Promise.resolve([]);
      const settledWeek = copies.then(() => {
        if (!fast || fast.failed || fast.parts === undefined) return this.benefitWeeks.resolve(undefined);
        const weeks = Array.from({ length: fast.parts }, (_, i) => fast.lastWeeks[i]);
        if (weeks.some((w) => w === undefined)) return this.benefitWeeks.resolve(undefined);
        const known = weeks.filter((w): w is number => w !== null);
        this.benefitWeeks.resolve(known.length > 0 ? Math.max(...known) : null);
      });
      this.pending.push(settledWeek);
    }
    return csv;
  }

  /** The conversion of one part into staged Parquet, queued for a free connection. */
  private convert(spec: ExtractSpec, fast: FastState, part: Part, now: Date, writer: PartWriter | undefined): void {
    const out = join(this.work, 'staged', `${spec.name}-${String(part.index).padStart(5, '0')}.parquet`);
    const job = (async () => {
      // A running offer ends with the last week of benefit_weeks, so offers wait for it.
      const lastBenefitWeek = spec.name === 'offers' ? await this.benefitWeeks.promise : undefined;
      if (lastBenefitWeek === undefined && spec.name === 'offers') fast.failed = true;
      try {
        if (fast.failed) return;
        const select = partSelect({ ...fast.file, now, lastBenefitWeek }, part);
        const rows = await this.queue.run(async (c) =>
          timed(`ingest.copy.${spec.name}`, async () => {
            const reader = await c.runAndReadAll(`COPY (${select}) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
            const written = Number(reader.getRowObjectsJS()[0]?.Count ?? 0);
            // benefit_weeks: the part's spells (and whether it is in order), while it is warm.
            if (spec.name === 'benefit_weeks') {
              fast.spells[part.index] = await partSpells(c, { path: out, rows: written, index: part.index }, this.spellsPath(part.index));
              fast.lastWeeks[part.index] = (await weekRangeOf(c, [out])).last;
            }
            return written;
          }),
        );
        fast.outputs[part.index] = { rows, path: out };
      } catch {
        // A value breaks a rule (or the reader stumbled): the line-exact path will say which.
        fast.failed = true;
      } finally {
        if (writer && part.written) await writer.release(part);
      }
    })();
    fast.copies.push(job);
    this.pending.push(job);
  }

  /** Every read extract, settled in contract order; absent ones are left to the caller. */
  async settleAll(): Promise<Map<ExtractName, Settled>> {
    if (!this.reads.has('benefit_weeks')) this.benefitWeeks.resolve(null);
    await Promise.all(this.settling.values());
    if (this.settleError !== undefined) throw this.settleError;
    return this.settled;
  }

  private async settle(read: FileRead, context: { deliveryId: string; now: Date }): Promise<Settled> {
    const { spec } = read;
    if (read.fast) {
      await timed(`ingest.wait.${spec.name}`, () => Promise.all(read.fast!.copies));
      const accepted = await timed(`ingest.checks.${spec.name}`, () => this.acceptFast(read, read.fast!, context));
      if (accepted) return accepted;
      this.log.info(`${spec.file}: kontrolleres linje for linje`, { file: spec.file });
    }
    // One file at a time on the main connection. Offers need benefit_weeks' last week, so they
    // wait for it to settle before they queue: waiting inside their turn would deadlock when
    // benefit_weeks falls back to this path too and queues behind them.
    if (spec.name === 'offers') await this.settling.get('benefit_weeks');
    const turn = this.lineExactTurn.then(() => this.lineExact(read, context));
    this.lineExactTurn = turn.catch(() => undefined);
    return turn;
  }

  /** The converted file, if it passes the checks that need the whole file; undefined otherwise. */
  private async acceptFast(read: FileRead, fast: FastState, context: { deliveryId: string; now: Date }): Promise<Settled | undefined> {
    const { spec, csv } = read;
    if (fast.failed || (csv.dataRows === 0 && spec.requirement === 'required')) return undefined;
    const maybe = Array.from({ length: fast.parts ?? 0 }, (_, i) => fast.outputs[i]);
    if (maybe.length === 0 || maybe.some((o) => o === undefined)) return undefined;
    const outputs = maybe as { rows: number; path: string }[];
    const rows = outputs.reduce((sum, o) => sum + o.rows, 0);
    if (rows !== csv.dataRows) return undefined;
    const files = outputs.map((o) => o.path);
    const relation = `read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false)`;
    const count = (sql: string) => this.queue.run(async (c) => Number((await c.runAndReadAll(sql)).getRowObjectsJS()[0]?.n ?? 0));
    try {
      const key = weekKey(spec);
      const unique = key ? undefined : uniqueKeySql(spec, relation);
      // The checks on the whole file, side by side on free connections.
      const [badIds, repeated, stitched] = await Promise.all([
        timed(`ingest.idcheck.${spec.name}`, () => count(idCheckSql(spec, relation, this.personIds()))),
        unique ? count(unique) : Promise.resolve(0),
        key
          ? timed('ingest.spells', () =>
              stitchSpells(
                this.queue,
                Array.from({ length: outputs.length }, (_, k) => fast.spells[k]!),
                (k) => this.spellsPath(k, 'stitched'),
              ),
            )
          : undefined,
      ]);
      if (badIds > 0 || repeated > 0) return undefined;
      let spells: Staged | undefined;
      if (key && stitched) {
        if (!stitched.inOrder) {
          // Not listed person by person, week by week: the exact check, and spells by a sort.
          if (await this.queue.run((c) => hasDuplicateWeeks(c, relation, key.owner, key.week))) return undefined;
          const spellsPath = join(this.work, 'staged', 'benefit_spells.parquet');
          spells = { files: [spellsPath], rows: await this.queue.run((c) => writeParquet(c, spellsFromWeeksSql(relation), spellsPath)) };
        } else spells = { files: stitched.files!, rows: stitched.rows! };
      }
      const validated: ValidatedExtract = {
        spec,
        csv,
        deliveryId: context.deliveryId,
        now: context.now,
        columnIndex: fast.file.columnIndex,
        dataLines: csv.dataRows,
        duplicatesDeferred: false,
        report: { file: spec.file, deliveryId: context.deliveryId, totalProblems: 0, problems: [] },
      };
      if (spells) this.derived.set('benefit_spells', spells);
      return { validated, staged: { files, rows }, path: 'fast' };
    } catch (error) {
      this.log.info(`${spec.file}: hurtig kontrol fejlede (${(error as Error).name})`, { file: spec.file });
      return undefined;
    }
  }

  private spellsPath(index: number, kind: 'part' | 'stitched' = 'part'): string {
    return join(this.work, 'staged', `benefit_spells-${kind}-${String(index).padStart(5, '0')}.parquet`);
  }

  /** Derived tables made while settling (benefit_spells). */
  readonly derived = new Map<'benefit_spells', Staged>();

  /** The person ids of persons.csv as settled, for the unknown_person rule. */
  private personIds(): string | undefined {
    const persons = this.settled.get('persons');
    if (!persons) return undefined;
    if (persons.path === 'fast' && persons.staged) {
      return `(SELECT person_id AS value FROM read_parquet([${persons.staged.files.map(sqlString).join(', ')}], hive_partitioning = false))`;
    }
    return personIdsOf(persons.validated);
  }

  /** The line-exact path: every problem by line and column; curated when there is none. */
  private async lineExact(read: FileRead, context: { deliveryId: string; now: Date }): Promise<Settled> {
    const { spec, csv } = read;
    const personIds = this.personIds();
    const options = { deliveryId: context.deliveryId, now: context.now, ...(personIds ? { personIds } : {}) };
    let validated: ValidatedExtract;
    try {
      validated = await validateExtract(this.main, spec, csv, options);
    } catch (error) {
      if (!(error instanceof EngineReadError)) throw error;
      validated = unreadableReport(spec, csv, context.deliveryId, context.now);
    }
    if (validated.report.totalProblems > 0) return { validated, path: 'line-exact' };
    const path = join(this.work, 'staged', `${spec.name}.parquet`);
    const lastWeek = spec.name === 'offers' ? await this.settledLastWeek() : null;
    const rows = await writeParquet(this.main, await curatedSql(this.main, validated, lastWeek), path);
    if (spec.name === 'benefit_weeks') {
      const relation = `read_parquet(${sqlString(path)}, hive_partitioning = false)`;
      const spellsPath = join(this.work, 'staged', 'benefit_spells.parquet');
      this.derived.set('benefit_spells', { files: [spellsPath], rows: await writeParquet(this.main, spellsFromWeeksSql(relation), spellsPath) });
    }
    return { validated, staged: { files: [path], rows }, path: 'line-exact' };
  }

  private async settledLastWeek(): Promise<number | null> {
    const weeks = this.settled.get('benefit_weeks')?.staged;
    return weeks ? (await weekRangeOf(this.main, weeks.files)).last : null;
  }
}

/**
 * First and last week in curated benefit_weeks files (null when they have no rows), from the
 * Parquet footers' statistics: no data is read.
 */
export async function weekRangeOf(db: DuckDBConnection, files: readonly string[]): Promise<{ first: number | null; last: number | null }> {
  if (files.length === 0) return { first: null, last: null };
  const [row] = (
    await db.runAndReadAll(
      `SELECT min(CAST(stats_min_value AS INTEGER)) AS lo, max(CAST(stats_max_value AS INTEGER)) AS hi FROM parquet_metadata([${files.map(sqlString).join(', ')}]) WHERE path_in_schema = 'week'`,
    )
  ).getRowObjectsJS();
  const value = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { first: value(row?.lo), last: value(row?.hi) };
}
