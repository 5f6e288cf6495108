import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKpis } from '../../functions/compute/catalog.ts';
import type { Kpi } from '../../functions/compute/kpiDefinition.ts';
import type { Results } from '../../functions/compute/results.ts';
import { commentaryFingerprintInput } from '../../functions/publish/commentary.ts';
import { canonicalJson, describeDifferences, fingerprint, type Draft } from '../../functions/publish/draft.ts';
import { publishDraft, PublishedReportChangedError } from '../../functions/publish/publish.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { FIXTURE_PULL, fixtureConfig, fixtureResults } from '../fixtures/results.ts';

/**
 * Whether a quarter is "already published" when only the benchmarks moved: the figures, the
 * table and the texts count; when they were retrieved does not (docs/jobindsats.md).
 */

let kpis: Kpi[];
let work: string;
beforeAll(async () => {
  kpis = await loadKpis('dashboards/kpis');
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-draft-benchmarks-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const draftOf = (results: Results): Draft => ({
  results,
  config: fixtureConfig,
  definitions: kpis.map((k) => k.definition).filter((d) => results.kpis.some((r) => r.id === d.id)),
  delivery: { id: 'levering-2018-01-15', extracted_at: results.generated_at, data_until: '2017-12-31' },
});

/** The same figures, pulled again a month later. */
function pulledAgain(results: Results): Results {
  return {
    ...results,
    kpis: results.kpis.map((k) =>
      k.benchmark_source
        ? { ...k, benchmark_source: { ...k.benchmark_source, retrieved_at: '2018-03-05T05:00:00.000Z', pull_id: '20180305T050000Z-9f8e7d6c' } }
        : k,
    ),
  };
}

/** Jobindsats revised the whole country's last quarter for one KPI. */
function revised(results: Results, kpi: string): Results {
  return {
    ...results,
    kpis: results.kpis.map((k) =>
      k.id === kpi
        ? { ...k, benchmarks: k.benchmarks.map((b) => (b.area === 'hele_landet' && b.quarter === '2017Q4' ? { ...b, value: b.value + 0.01 } : b)) }
        : k,
    ),
  };
}

describe('the fingerprint and benchmarks', () => {
  it('is the same for the same figures pulled again later: the retrieval time and pull id do not count', () => {
    const again = pulledAgain(fixtureResults);
    expect(again.kpis.find((k) => k.id === 'langtid_virksomhedsrettet')!.benchmark_source!.pull_id).not.toBe(FIXTURE_PULL.pull_id);
    expect(fingerprint(draftOf(again))).toBe(fingerprint(draftOf(fixtureResults)));
  });

  it('differs for other figures, another table or another note, and says it is the comparison that moved', () => {
    const before = draftOf(fixtureResults);
    const after = draftOf(revised(fixtureResults, 'langtid_virksomhedsrettet'));
    expect(fingerprint(after)).not.toBe(fingerprint(before));
    expect(describeDifferences(before, after)).toEqual(['andre sammenligningstal for langtid_virksomhedsrettet']);

    const otherTable = draftOf({
      ...fixtureResults,
      kpis: fixtureResults.kpis.map((k) => (k.id === 'unge_uddannelsesstart' ? { ...k, benchmark_source: { ...k.benchmark_source!, table_id: 'mm99' } } : k)),
    });
    expect(fingerprint(otherTable)).not.toBe(fingerprint(before));
    const otherNote = draftOf({
      ...fixtureResults,
      kpis: fixtureResults.kpis.map((k) => (k.id === 'unge_uddannelsesstart' ? { ...k, benchmark_note: 'En anden note.' } : k)),
    });
    expect(describeDifferences(before, otherNote)).toEqual(['andre sammenligningstal for unge_uddannelsesstart']);
  });

  it('is unchanged for content published before benchmarks were pulled (no benchmark fields)', () => {
    const old = {
      ...fixtureResults,
      kpis: fixtureResults.kpis.map((k) => ({ ...k, benchmark_source: null, benchmark_note: null, benchmark_missing: null })),
    };
    const draft = draftOf(old);
    // What fingerprint() hashed before the fields existed: the results without them.
    const { generated_at: _t, code_version: _c, snapshot: _s, publication: _p, ...results } = old;
    const kpisWithout = results.kpis.map(({ benchmark_source: _a, benchmark_note: _b, benchmark_missing: _m, ...k }) => k);
    const before = createHash('sha256')
      .update(
        canonicalJson({
          results: { ...results, kpis: kpisWithout },
          config: draft.config,
          definitions: draft.definitions,
          commentary: commentaryFingerprintInput(undefined),
        }),
      )
      .digest('hex');
    expect(fingerprint(draft)).toBe(before);
  });
});

describe('publishing when only the benchmarks moved', () => {
  it('is "unchanged" for a newer pull with the same figures, and a correction for other figures', async () => {
    const store = new LocalStore(join(work, 'published'));
    expect((await publishDraft(store, draftOf(fixtureResults))).status).toBe('published');
    const kpisJson = await readFile(join(work, 'published', 'results', '2017Q4', 'kpis.json'), 'utf8');

    const same = await publishDraft(store, draftOf(pulledAgain(fixtureResults)));
    expect(same).toMatchObject({ status: 'unchanged', revision: 1 });
    // The published source line keeps its retrieval date: the figures were retrieved then, and are the same.
    expect(await readFile(join(work, 'published', 'results', '2017Q4', 'kpis.json'), 'utf8')).toBe(kpisJson);

    const other = draftOf(revised(pulledAgain(fixtureResults), 'langtid_virksomhedsrettet'));
    const refused = await publishDraft(store, other).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PublishedReportChangedError);
    expect((refused as Error).message).toContain('andre sammenligningstal for langtid_virksomhedsrettet');
    const corrected = await publishDraft(store, other, { correction: 'Jobindsats har rettet landstallet for 4. kvartal' });
    expect(corrected).toMatchObject({ status: 'published', revision: 2, corrected: true });
    const html = await readFile(join(work, 'published', 'reports', '2017Q4', 'index.html'), 'utf8');
    expect(html).toContain('hentet 5. marts 2018');
  }, 120_000);
});
