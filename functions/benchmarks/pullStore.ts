import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Store } from '../store/store.ts';
import {
  BENCHMARK_POINTER_FORMAT,
  benchmarkPointerSchema,
  benchmarkPullSchema,
  pullIdSchema,
  type BenchmarkPointer,
  type BenchmarkPull,
} from './benchmarkPull.ts';

/**
 * Where pulls live: each pull under its own id, never overwritten, and a pointer to the newest
 * complete one, written last. A failed pull writes nothing, so the pointer keeps naming the
 * previous pull; a pull file without a pointer to it is ignored.
 *
 *   benchmarks/pulls/<pull_id>/benchmarks.json   one pull (immutable)
 *   benchmarks/latest.json                        { pull_id, key, sha256, … }  (moves forward)
 */
export const benchmarkKeys = {
  prefix: 'benchmarks/',
  pull: (pullId: string) => `benchmarks/pulls/${pullId}/benchmarks.json`,
  latest: 'benchmarks/latest.json',
} as const;

/** A stored pull that cannot be read as written: named, so nobody mistakes it for "no benchmarks". */
export class BenchmarksUnreadableError extends Error {
  override readonly name = 'BenchmarksUnreadableError';
}

/** Writes the pull, reads it back, checks the bytes, then moves the pointer. Returns both keys. */
export async function writeBenchmarkPull(store: Store, pull: BenchmarkPull): Promise<{ key: string; pointerKey: string }> {
  const parsed = benchmarkPullSchema.parse(pull);
  const key = benchmarkKeys.pull(parsed.pull_id);
  const body = `${JSON.stringify(parsed, null, 2)}\n`;
  const sha256 = sha(Buffer.from(body, 'utf8'));
  if (await store.exists(key)) throw new Error(`${store.location}/${key} findes allerede; en hentning overskrives aldrig.`);
  await store.put(key, body, 'application/json');
  const back = await store.get(key);
  if (sha(back) !== sha256) throw new Error(`${store.location}/${key} blev ikke gemt korrekt (kontrolsummen passer ikke); markøren er ikke flyttet.`);
  const pointer: BenchmarkPointer = {
    format: BENCHMARK_POINTER_FORMAT,
    pull_id: parsed.pull_id,
    key,
    retrieved_at: parsed.retrieved_at,
    sha256,
    rows: parsed.rows.length,
  };
  await store.put(benchmarkKeys.latest, `${JSON.stringify(pointer, null, 2)}\n`, 'application/json');
  return { key, pointerKey: benchmarkKeys.latest };
}

/** The newest complete pull, or undefined when none has been made yet. */
export async function readNewestBenchmarks(store: Store): Promise<BenchmarkPull | undefined> {
  const pointerBytes = await store.tryGet(benchmarkKeys.latest);
  if (pointerBytes === undefined) return undefined;
  const pointer = parseJson(pointerBytes, benchmarkPointerSchema, `${store.location}/${benchmarkKeys.latest}`);
  return readPull(store, pointer.key, pointer.sha256);
}

/** One pull by id, e.g. the one a published quarter was computed with. */
export async function readBenchmarkPull(store: Store, pullId: string): Promise<BenchmarkPull> {
  if (!pullIdSchema.safeParse(pullId).success) throw new BenchmarksUnreadableError(`»${pullId}« er ikke et id for en benchmark-hentning.`);
  return readPull(store, benchmarkKeys.pull(pullId));
}

async function readPull(store: Store, key: string, expectedSha?: string): Promise<BenchmarkPull> {
  const bytes = await store.tryGet(key);
  const where = `${store.location}/${key}`;
  if (bytes === undefined) throw new BenchmarksUnreadableError(`${where} findes ikke.`);
  if (expectedSha !== undefined && sha(bytes) !== expectedSha) {
    throw new BenchmarksUnreadableError(`${where} er ændret, efter den blev gemt (kontrolsummen passer ikke med ${benchmarkKeys.latest}).`);
  }
  const pull = parseJson(bytes, benchmarkPullSchema, where);
  if (benchmarkKeys.pull(pull.pull_id) !== key) throw new BenchmarksUnreadableError(`${where} indeholder hentningen ${pull.pull_id}, ikke den, stien angiver.`);
  return pull;
}

function parseJson<S extends z.ZodType>(bytes: Buffer, schema: S, where: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BenchmarksUnreadableError(`${where} er ikke gyldig JSON.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.')}: ${i.message}`)
      .join('; ');
    throw new BenchmarksUnreadableError(`${where} har ikke benchmark-formatet: ${issues}`);
  }
  return parsed.data;
}

function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
