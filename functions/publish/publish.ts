import { createHash } from 'node:crypto';
import pMap from 'p-map';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { quarterIndex } from '../calendar/quarter.ts';
import { disclosureViolations } from '../compute/disclosure.ts';
import { resultsSchema, type Publication, type Results } from '../compute/results.ts';
import { keys, type Store } from '../store/store.ts';
import { describeDifferences, draftJson, fingerprint, parseDraft, type Draft } from './draft.ts';
import { formatQuarter } from './format.ts';
import { quartersIndexView, type PublishedQuarter } from './quartersIndex.ts';
import { withPrintPage, type PrintPage } from './pdf.ts';
import { QuartersIndex } from './report/QuartersIndex.tsx';
import { renderPublication, type EarlierRevision, type OutFile, type RenderedPublication } from './reportFiles.ts';
import { hasUnrecordedReport, publicationOf, publishedQuarters, publishedResults, quarterRevisions, REVISION_FILE, type RevisionRecord } from './revisions.ts';

/**
 * The publish stage. A quarter's report is a sequence of immutable revisions under
 * `reports/<quarter>/r<k>/`; the quarter's entry point `reports/<quarter>/` and `latest/` are
 * copies of the newest one, moved only after that revision is complete. Whether a draft is
 * "already published" is decided on its content (draft.ts `fingerprint`), never on times:
 *
 * - same content as the newest revision → nothing is written (a torn file is repaired);
 * - other content → refused before anything is written, unless it is a correction with a
 *   reason, which becomes the next revision with a visible notice;
 * - `latest/` only moves to a newer quarter, or a newer revision of the newest quarter.
 */

export type PublishOutcome =
  | { status: 'published'; quarter: string; revision: number; written: string[]; corrected: boolean }
  | { status: 'unchanged'; quarter: string; revision: number; repaired: string[] };

export type PreviewOutcome =
  | { status: 'previewed'; quarter: string; snapshot: string; written: string[]; wouldCorrect?: number }
  | { status: 'unchanged'; quarter: string; revision: number; repaired: string[] };

/** A quarter published with other content, and no correction asked for: nothing was written. */
export class PublishedReportChangedError extends Error {
  constructor(
    readonly quarter: string,
    readonly revision: number,
    readonly differences: string[],
  ) {
    super(
      `${capitalise(formatQuarter(quarter))} er allerede offentliggjort (revision ${revision}), og den nye udgave er anderledes` +
        `${differences.length > 0 ? `: ${differences.join('; ')}` : ''}. Intet er skrevet. ` +
        `Er det en rettelse, så kør igen med --correction "<begrundelse>": så udgives revision ${revision + 1} med en synlig rettelse, og revision ${revision} bevares uændret.`,
    );
    this.name = 'PublishedReportChanged';
  }
}

/** A published file that no longer has its published bytes and cannot be rendered again here. */
export class PublishedFileDamagedError extends Error {
  constructor(key: string, codeVersion: string) {
    super(
      `${key} har ikke længere de udgivne bytes og kan kun dannes igen med Pejlemærke ${codeVersion}. Hent filen fra en sikkerhedskopi eller bucket-versionen.`,
    );
    this.name = 'PublishedFileDamaged';
  }
}

/** Publishes a draft as the quarter's next revision, or recognises it as already published. */
export interface PublishOptions {
  /** The reason, when this may correct an already published quarter. */
  correction?: string;
  /** The report site's address (`https://…`), for the note's link. */
  reportsUrl?: string;
}

export async function publishDraft(store: Store, draft: Draft, options: PublishOptions = {}): Promise<PublishOutcome> {
  assertDisclosed(draft, await publishedResults(store));
  const quarter = draft.results.quarter;
  const repaired = await repairPublished(store, quarter);
  const records = await quarterRevisions(store, quarter);
  if (await hasUnrecordedReport(store, quarter, records)) {
    throw new Error(
      `${keys.report(quarter, 'index.html')} findes, men uden revisionsoplysninger (den er udgivet af en ældre version eller i hånden). ` +
        'Intet er skrevet. Flyt mappen væk med vilje (og gem den), før kvartalet udgives igen.',
    );
  }
  const newest = records.at(-1);
  if (newest && newest.fingerprint === fingerprint(draft)) return { status: 'unchanged', quarter, revision: newest.revision, repaired };
  if (newest && !options.correction?.trim()) throw new PublishedReportChangedError(quarter, newest.revision, describeDifferences(newest.draft, draft));

  const revision = (newest?.revision ?? 0) + 1;
  const correction = newest ? { reason: options.correction!.trim(), replaces_revision: newest.revision, replaces_snapshot: newest.snapshot } : null;
  const publication: Publication = {
    status: 'published',
    revision,
    ...(correction && { corrects: { revision: correction.replaces_revision, snapshot: correction.replaces_snapshot, reason: correction.reason } }),
  };
  const isNewest = await isNewestQuarter(store, quarter);
  const reportsUrl = options.reportsUrl ?? draft.config.reports_url ?? null;
  // Chromium, opened here for the PDF, shuts down while the files are written; waited for at the end.
  return withPrintPage(async (printPage) => {
    const outputs = await publicationOutputs(draft, publication, records, isNewest, reportsUrl, printPage);
    const record: RevisionRecord = {
      quarter,
      revision,
      snapshot: draft.results.snapshot,
      delivery_id: draft.delivery.id,
      fingerprint: fingerprint(draft),
      code_version: draft.results.code_version,
      correction,
      reports_url: reportsUrl,
      outputs: Object.fromEntries([...outputs].map(([key, file]) => [key, sha256(file.body)])),
      draft,
    };

    // The revision first and whole; its record marks it complete; only then does anything a
    // reader follows (results/, the entry point, latest/) move to it, each index.html last.
    const written: string[] = [];
    written.push(...(await putAll(store, ordered(outputs, keys.revision(quarter, revision, '')))));
    written.push(
      await put(store, keys.revision(quarter, revision, REVISION_FILE), { body: `${JSON.stringify(record, null, 2)}\n`, contentType: 'application/json' }),
    );
    for (const prefix of [keys.results(quarter, ''), keys.report(quarter, ''), keys.latest('')])
      written.push(...(await putAll(store, ordered(outputs, prefix))));
    const index = await writeQuartersIndex(store);
    if (index) written.push(index);
    return { status: 'published', quarter, revision, written, corrected: correction !== null };
  });
}

/**
 * Writes a draft for a person to look at under `previews/<quarter>/<snapshot>/`, marked
 * "Udkast – ikke godkendt" on every page; `draft.json` (written last) is what `approve`
 * publishes. Nothing under reports/ or results/ changes.
 */
export async function writePreview(store: Store, draft: Draft, options: { reportsUrl?: string } = {}): Promise<PreviewOutcome> {
  assertDisclosed(draft, await publishedResults(store));
  const quarter = draft.results.quarter;
  const snapshot = draft.results.snapshot;
  const repaired = await repairPublished(store, quarter);
  const newest = (await quarterRevisions(store, quarter)).at(-1);
  if (newest && newest.fingerprint === fingerprint(draft)) return { status: 'unchanged', quarter, revision: newest.revision, repaired };
  const wouldCorrect = newest ? newest.revision + 1 : undefined;
  const reportsUrl = options.reportsUrl ?? draft.config.reports_url;
  // Chromium, opened here for the PDF, shuts down while the files are written; waited for at the end.
  return withPrintPage(async (printPage) => {
    const rendered = await renderPublication(draft, { status: 'draft' }, { earlier: [], wouldCorrect, ...(reportsUrl && { reportsUrl }), printPage });
    const written: string[] = [];
    const files = [...rendered.files, rendered.index('preview')].map((file) => [keys.preview(quarter, snapshot, file.name), file] as [string, OutFile]);
    written.push(...(await putAll(store, files)));
    written.push(await put(store, keys.preview(quarter, snapshot, DRAFT_FILE), { body: draftJson(draft), contentType: 'application/json' }));
    return { status: 'previewed', quarter, snapshot, written, ...(wouldCorrect !== undefined && { wouldCorrect }) };
  });
}

export const DRAFT_FILE = 'draft.json';

/** The preview a person approves: the given snapshot's, or the newest delivery's. */
export async function readPreview(store: Store, quarter: string, snapshot?: string): Promise<Draft> {
  if (snapshot) {
    const key = keys.preview(quarter, snapshot, DRAFT_FILE);
    const bytes = await store.tryGet(key);
    if (!bytes) throw new PreviewNotFoundError(`Der er intet udkast for ${formatQuarter(quarter)} med datasæt ${snapshot} (${store.location}/${key} mangler).`);
    return parseDraft(bytes, `${store.location}/${key}`);
  }
  const drafts: Draft[] = [];
  for (const object of await store.list(keys.previewPrefix(quarter))) {
    if (object.key.endsWith(`/${DRAFT_FILE}`)) drafts.push(parseDraft(await store.get(object.key), `${store.location}/${object.key}`));
  }
  const newest = drafts.sort(
    (a, b) => Date.parse(b.delivery.extracted_at) - Date.parse(a.delivery.extracted_at) || (a.results.snapshot < b.results.snapshot ? -1 : 1),
  )[0];
  if (!newest)
    throw new PreviewNotFoundError(
      `Der er intet udkast for ${formatQuarter(quarter)} i ${store.location}/${keys.previewPrefix(quarter)}. Lav et med \`pejlemaerke run --preview\`.`,
    );
  return newest;
}

export class PreviewNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreviewNotFound';
  }
}

/**
 * Makes the quarter's newest complete revision whole again after a crash: every file it
 * recorded that is missing or differs is rendered again from its recorded draft and written,
 * but only when the result has exactly the recorded bytes (this code made it). `latest/` is
 * repaired only when this is the newest published quarter. Returns the keys written.
 */
export async function repairPublished(store: Store, quarter: string): Promise<string[]> {
  const records = await quarterRevisions(store, quarter);
  const newest = records.at(-1);
  if (!newest) return [];
  const moveLatest = await isNewestQuarter(store, quarter);
  const damaged: string[] = [];
  for (const [key, expected] of Object.entries(newest.outputs)) {
    if (!moveLatest && key.startsWith(keys.latest(''))) continue;
    const stored = await store.tryGet(key);
    if (!stored || sha256(stored) !== expected) damaged.push(key);
  }
  const repaired: string[] = [];
  if (damaged.length > 0) {
    const outputs = await publicationOutputs(newest.draft, publicationOf(newest), records.slice(0, -1), moveLatest, newest.reports_url);
    for (const key of damaged.sort(byIndexLast)) {
      const file = outputs.get(key);
      if (!file || sha256(file.body) !== newest.outputs[key]) throw new PublishedFileDamagedError(`${store.location}/${key}`, newest.code_version);
      repaired.push(await put(store, key, file));
    }
  }
  const index = await writeQuartersIndex(store);
  return index ? [...repaired, index] : repaired;
}

/**
 * `reports/index.html`: every published quarter and revision, newest first, with the report,
 * the PDF, the note and the data of each. Made from the revisions' records, so it is always
 * whole; written only when it changes, so a run with nothing new writes nothing.
 */
async function writeQuartersIndex(store: Store): Promise<string | undefined> {
  const quarters: PublishedQuarter[] = [];
  let newest: RevisionRecord | undefined;
  for (const quarter of (await publishedQuarters(store)).reverse()) {
    const records = await quarterRevisions(store, quarter);
    newest ??= records.at(-1);
    quarters.push({
      quarter,
      revisions: records
        .reverse()
        .map((r) => ({ number: r.revision, date: r.draft.results.generated_at, snapshot: r.snapshot, ...(r.correction && { reason: r.correction.reason }) })),
    });
  }
  if (!newest) return undefined;
  const view = quartersIndexView(quarters, {
    municipality: newest.draft.config.municipality,
    committee: newest.draft.config.committee,
    directoryIndex: 'index.html',
  });
  const body = `<!DOCTYPE html>\n${renderToString(h(QuartersIndex, { view }))}`;
  const key = keys.reportsIndex();
  if ((await store.tryGet(key))?.equals(Buffer.from(body))) return undefined;
  await store.put(key, body, 'text/html; charset=utf-8');
  return key;
}

/** Every key a publication writes, with its file: the revision, results/, the entry point and (when newest) latest/. */
async function publicationOutputs(
  draft: Draft,
  publication: Publication,
  earlierRecords: readonly RevisionRecord[],
  moveLatest: boolean,
  reportsUrl: string | null,
  printPage?: Promise<PrintPage>,
): Promise<Map<string, OutFile>> {
  const quarter = draft.results.quarter;
  const earlier: EarlierRevision[] = earlierRecords.map((r) => ({ revision: r.revision, generatedAt: r.draft.results.generated_at }));
  const rendered: RenderedPublication = await renderPublication(draft, publication, {
    earlier,
    ...(reportsUrl && { reportsUrl }),
    ...(printPage && { printPage }),
  });
  const outputs = new Map<string, OutFile>();
  const place = (keyOf: (name: string) => string, location: 'revision' | 'entry' | 'latest') => {
    for (const file of [...rendered.files, rendered.index(location)]) outputs.set(keyOf(file.name), file);
  };
  place((name) => keys.revision(quarter, publication.revision!, name), 'revision');
  for (const file of rendered.files.filter((f) => f.name.startsWith('data/'))) outputs.set(keys.results(quarter, file.name.slice('data/'.length)), file);
  place((name) => keys.report(quarter, name), 'entry');
  if (moveLatest) place((name) => keys.latest(name), 'latest');
  return outputs;
}

/** Outputs directly under a prefix, not in its revision folders, in key order with index.html last. */
function ordered(outputs: Map<string, OutFile>, prefix: string): [string, OutFile][] {
  const inRevision = /^r\d+\//;
  return [...outputs].filter(([key]) => key.startsWith(prefix) && !inRevision.test(key.slice(prefix.length))).sort(([a], [b]) => byIndexLast(a, b));
}

/** A folder's entry page: written after the files it links to. */
const isIndexPage = (key: string) => key.endsWith('/index.html');

function byIndexLast(a: string, b: string): number {
  return Number(isIndexPage(a)) - Number(isIndexPage(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

/** `latest/` follows the newest published quarter only: a run for an older quarter never moves it back. */
async function isNewestQuarter(store: Store, quarter: string): Promise<boolean> {
  const newest = (await publishedQuarters(store)).at(-1);
  return newest === undefined || quarterIndex(quarter) >= quarterIndex(newest);
}

async function put(store: Store, key: string, file: Pick<OutFile, 'body' | 'contentType'>): Promise<string> {
  await store.put(key, file.body, file.contentType);
  return key;
}

/**
 * Files written side by side (S3 takes one PUT per round trip); a folder's index.html only
 * after every other file, so a reader following the entry point finds every file it links to.
 */
const PUT_CONCURRENCY = 16;

async function putAll(store: Store, files: readonly [string, OutFile][]): Promise<string[]> {
  const written = await pMap(
    files.filter(([key]) => !isIndexPage(key)),
    ([key, file]) => put(store, key, file),
    { concurrency: PUT_CONCURRENCY },
  );
  for (const [key, file] of files.filter(([key]) => isIndexPage(key))) written.push(await put(store, key, file));
  return written;
}

function sha256(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Nothing that escaped disclosure control is rendered, let alone written: checked again here,
 * over time too, against everything already public (a draft may wait while others publish).
 */
function assertDisclosed(draft: Draft, published: readonly Results[]): void {
  const results = resultsSchema.parse(draft.results);
  const violations = disclosureViolations(results, published);
  if (violations.length > 0) {
    throw new Error(`Rapporten for ${results.quarter} offentliggøres ikke, tallene bryder diskretioneringen:\n  ${violations.join('\n  ')}`);
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
